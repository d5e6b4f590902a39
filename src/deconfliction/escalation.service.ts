import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor, AuditTrail } from '../access/audit.service.js';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { forbidden, invalid, notFound, ruleViolated, type FieldProblem } from '../core/errors.js';
import type { Database, Executor } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import {
  ESCALATION_RECORD_KIND,
  findEscalation,
  findEscalationBySource,
  insertEscalation,
  listVisibleEscalations,
  markResolved,
  type Escalation,
  type EscalationFilter,
} from './escalation.repository.js';

export type { Escalation, EscalationFilter } from './escalation.repository.js';

/** Escalations concern the parties' conduct: AMBER, logged as commitments, never in full. */
export const ESCALATION_MARKING: Marking = 'AMBER';

/** The kinds of source the deconfliction domain escalates; other domains may use their own. */
export const ESCALATION_SOURCE_KINDS = [
  'hotline-channel',
  'hotline-message',
  'notice-delivery',
  'disclosure-request',
] as const;

/** What raising an escalation needs. */
export interface RaiseEscalation {
  /** `hotline-channel`, `hotline-message`, `notice-delivery`, `disclosure-request` or another kind. */
  sourceKind: string;
  sourceId: string;
  /** The organisations involved: they see the escalation, as does the commission. */
  organisations: readonly string[];
  /** Why, in words the parties read (no marked content: it is shown to every organisation involved). */
  reason: string;
}

/** What the escalation service needs, injected. */
export interface EscalationDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  audit: AuditTrail;
  now: () => Date;
}

/** What the log commits to for an escalation: its whole current state. */
export function escalationRecord(e: Escalation): unknown {
  return {
    id: e.id,
    sourceKind: e.sourceKind,
    sourceId: e.sourceId,
    organisations: e.organisations,
    reason: e.reason,
    raisedAt: e.raisedAt,
    raisedBy: e.raisedBy,
    resolvedAt: e.resolvedAt ?? null,
    resolvedBy: e.resolvedBy ?? null,
    resolution: e.resolution ?? null,
  };
}

/** Whether a principal speaks for the commission (a commission user, or the console). */
export function isCommission(principal: Principal): boolean {
  // Only signed-in users of a commission organisation and the console carry this kind; the public is 'public'.
  return principal.organisationKind === 'commission';
}

function checkRaise(input: RaiseEscalation): RaiseEscalation {
  const problems: FieldProblem[] = [];
  const sourceKind = input.sourceKind.trim();
  const sourceId = input.sourceId.trim();
  const reason = input.reason.trim();
  const organisations = [...new Set(input.organisations.map((o) => o.trim()))].sort();
  if (sourceKind === '') problems.push({ path: '/sourceKind', reason: 'must not be empty' });
  if (sourceId === '') problems.push({ path: '/sourceId', reason: 'must not be empty' });
  if (reason === '') problems.push({ path: '/reason', reason: 'must not be empty' });
  if (organisations.length === 0 || organisations.includes(''))
    problems.push({ path: '/organisations', reason: 'must name at least one organisation, none empty' });
  if (problems.length > 0) throw invalid('the escalation is incomplete', problems);
  return { sourceKind, sourceId, reason, organisations };
}

/**
 * Escalations to the commission: a generic record that something (a hotline message left
 * unacknowledged, a channel down too long, an overdue notice step, an excessive disclosure request)
 * needs the commission's attention. The commission sees every escalation; an organisation those it
 * is involved in; anyone else none (404). Raising and resolving are logged (AMBER commitments).
 */
export class EscalationService {
  constructor(private readonly deps: EscalationDeps) {}

  /**
   * Raises an escalation inside the caller's transaction (the change that escalates and the
   * escalation commit together). Idempotent per source kind, source id and reason: raising the same
   * again returns the first one, resolved or not, with `created: false`, and logs nothing.
   */
  async raise(
    tx: Executor,
    actor: Actor,
    input: RaiseEscalation,
  ): Promise<{ escalation: Escalation; created: boolean }> {
    const checked = checkRaise(input);
    const existing = await findEscalationBySource(tx, checked.sourceKind, checked.sourceId, checked.reason);
    if (existing !== undefined) return { escalation: existing, created: false };
    const escalation: Escalation = {
      id: crypto.randomUUID(),
      sourceKind: checked.sourceKind,
      sourceId: checked.sourceId,
      organisations: [...checked.organisations],
      reason: checked.reason,
      raisedAt: this.deps.now().toISOString(),
      raisedBy: actor.principal.userId ?? 'system',
    };
    await insertEscalation(tx, escalation);
    await this.#log(tx, 'escalation.raised', escalation);
    await this.deps.audit.record(tx, actor, 'escalation.raise', `escalation:${escalation.id}`, 'allowed');
    return { escalation, created: true };
  }

  /** Resolves an escalation: the commission only, once, with what it did about it. */
  async resolve(actor: Actor, id: string, request: { resolution: string }): Promise<Escalation> {
    const resolution = request.resolution.trim();
    if (resolution === '')
      throw invalid('a resolution is required', [{ path: '/body/resolution', reason: 'must not be empty' }]);
    return this.deps.db.transaction().execute(async (tx) => {
      const escalation = await findEscalation(tx, actor.principal, id);
      if (escalation === undefined) throw notFound(`escalation ${id}`);
      if (!isCommission(actor.principal)) throw forbidden('only the commission resolves escalations');
      if (escalation.resolvedAt !== undefined)
        throw ruleViolated(
          'resolved-once',
          `escalation ${id} was resolved at ${escalation.resolvedAt}`,
          '/params/id',
        );
      const resolved: Escalation = {
        ...escalation,
        resolvedAt: this.deps.now().toISOString(),
        resolvedBy: actor.principal.userId ?? 'console',
        resolution,
      };
      await markResolved(tx, id, {
        resolvedAt: resolved.resolvedAt ?? '',
        resolvedBy: resolved.resolvedBy ?? '',
        resolution,
      });
      await this.#log(tx, 'escalation.resolved', resolved);
      await this.deps.audit.record(tx, actor, 'escalation.resolve', `escalation:${id}`, 'allowed');
      return resolved;
    });
  }

  /** One escalation the principal may see (404 otherwise). */
  async get(principal: Principal, id: string): Promise<Escalation> {
    const escalation = await findEscalation(this.deps.db, principal, id);
    if (escalation === undefined) throw notFound(`escalation ${id}`);
    return escalation;
  }

  /** Escalations the principal may see, newest first. */
  list(
    principal: Principal,
    filter: EscalationFilter,
  ): Promise<{ escalations: Escalation[]; total: number }> {
    return listVisibleEscalations(this.deps.db, principal, filter);
  }

  async #log(tx: Executor, kind: string, escalation: Escalation): Promise<void> {
    await this.deps.ledger.record(tx, {
      kind,
      recordKind: ESCALATION_RECORD_KIND,
      recordId: escalation.id,
      marking: ESCALATION_MARKING,
      record: escalationRecord(escalation),
    });
  }
}
