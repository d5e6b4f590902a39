import type { Kysely } from 'kysely';
import type { AuditTrail } from '../access/audit.service.js';
import type { Principal } from '../access/policy.js';
import { actsFor } from '../agreement/acting.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import type { Guarantee } from '../agreement/agreement.schema.rules.js';
import type { AgreementVersionInfo } from '../agreement/agreement.repository.js';
import type { NegotiationStatus } from '../agreement/negotiation.js';
import { conflict, forbidden, notFound } from '../core/errors.js';
import type { Database } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import type { BusEvent } from '../notifications/event-bus.js';

/** What the commitments services need, injected. */
export interface CommitmentDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  audit: AuditTrail;
  agreements: {
    versionInForceAt(at: Date): Promise<{ info: { id: string }; agreement: Agreement } | undefined>;
    get(principal: Principal, id?: string): Promise<{ info: AgreementVersionInfo; agreement: Agreement }>;
    negotiation(
      principal: Principal,
      id?: string,
    ): Promise<{ version: AgreementVersionInfo; status: NegotiationStatus }>;
  };
  organisations: { list(): Promise<{ id: string }[]> };
  now: () => Date;
  /**
   * Where committed changes are announced (the event bus); absent, nothing is announced. Awaited, so
   * that what the announcement queues (webhook deliveries) exists when the request is answered.
   */
  publish?: (event: BusEvent) => void | Promise<void>;
}

/** Throws 403 unless the principal holds the permission. */
export function requirePermission(
  principal: Principal,
  permission: Parameters<Principal['permissions']['has']>[0],
): void {
  if (!principal.permissions.has(permission)) throw forbidden(`needs the permission ${permission}`);
}

/** The agreement version that applies now, and one of its guarantees (404 naming it when absent). */
export async function guaranteeInForce(
  deps: CommitmentDeps,
  guaranteeId: string,
): Promise<{ versionId: string; agreement: Agreement; guarantee: Guarantee }> {
  const version = await deps.agreements.versionInForceAt(deps.now());
  if (version === undefined) throw conflict('no agreement is loaded');
  const guarantee = (version.agreement.guarantees ?? []).find((g) => g.id === guaranteeId);
  if (guarantee === undefined) throw notFound(`guarantee ${guaranteeId}`);
  return { versionId: version.info.id, agreement: version.agreement, guarantee };
}

/** The guarantee's guarantors the principal's organisation acts for. */
export function guarantorsActedFor(
  agreement: Agreement,
  guarantee: Guarantee,
  principal: Principal,
): string[] {
  const org = principal.organisationId;
  if (org === null) return [];
  return guarantee.guarantors.filter((g) =>
    actsFor(agreement, { id: org, kind: principal.organisationKind }, g),
  );
}

/** Announces a committed change; a failing bus never fails the change (it is committed). */
export async function announce(deps: CommitmentDeps, event: BusEvent): Promise<void> {
  try {
    await deps.publish?.(event);
  } catch {
    // The change is committed and logged; the bus is best effort.
  }
}
