import type { Kysely } from 'kysely';
import type { AuditTrail } from '../access/audit.service.js';
import type { Marking } from '../access/marking.js';
import { JUDGING_MARKINGS } from '../agreement/agreement.service.js';
import type { OrganisationKind, Principal } from '../access/policy.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import { AppError, forbidden } from '../core/errors.js';
import type { Database, Executor } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import type { BusEvent } from '../notifications/event-bus.js';
import { corroborationOf, extentOf } from './corroboration.js';
import { incidentAnnouncement, type IncidentEventKind } from './incident.events.js';
import type { Finding, Incident, Transition, Vote } from './incident.model.js';
import { INCIDENT_RECORD_KIND, bumpGeneration, type MemberReport } from './incident.repository.js';
import { FINDING_RECORD_KIND } from './finding.repository.js';
import { atLeast, verificationRules, type VerificationRules } from './verification.settings.js';
import { asReadBy, disclosesFinding, type AsRead, type FindingDisclosure } from './redaction.js';

/** What the verification services need, injected (no god object). */
export interface VerificationDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  audit: AuditTrail;
  agreements: {
    /** Every stored version's id, or those marked one of `markings`. */
    versionIds(markings?: readonly Marking[]): Promise<string[]>;
    /** The versions a principal may read (list filters on agreement ids match only under these). */
    listVersions(principal: Principal): Promise<{ id: string }[]>;
    versionById(
      id: string,
    ): Promise<{ info: { id: string; marking: Marking }; agreement: Agreement } | undefined>;
  };
  organisations: { list(): Promise<{ id: string; kind: OrganisationKind }[]> };
  now: () => Date;
  /** Announces committed incident changes to the event stream and webhooks. */
  publish?: (event: BusEvent) => Promise<void>;
}

/** Incidents and findings are the commission's records: marked AMBER, addressed to the body's voters. */
export const VERIFICATION_MARKING: Marking = 'AMBER';

/**
 * What every verification service shares: the agreement's rules per version (cached), who the
 * commission is, and the one way each record kind is logged.
 */
export class VerificationContext {
  readonly #rules = new Map<string, VerificationRules>();
  /** The versions every organisation may read, as `prepare` last read them. */
  #shared: ReadonlySet<string> = new Set();
  #organisations: { id: string; kind: OrganisationKind }[] = [];

  constructor(readonly deps: VerificationDeps) {}

  get db(): Kysely<Database> {
    return this.deps.db;
  }

  nowIso(): string {
    return this.deps.now().toISOString();
  }

  /**
   * Reads what the operations read inside their transactions (the organisations, every version's
   * rules) before they open one: SQLite has one connection, so a read outside the transaction from
   * within it would wait for ever. Call at the start of every operation.
   */
  async prepare(): Promise<void> {
    this.#organisations = await this.deps.organisations.list();
    for (const id of await this.deps.agreements.versionIds()) await this.rules(id);
    this.#shared = await this.#sharedVersions();
  }

  /** The versions every organisation may read: those marked {@link JUDGING_MARKINGS}, one query. */
  async #sharedVersions(): Promise<Set<string>> {
    return new Set(await this.deps.agreements.versionIds(JUDGING_MARKINGS));
  }

  /** The verification rules of an agreement version (cached; loaded by `prepare`). */
  async rules(agreementVersionId: string): Promise<VerificationRules> {
    let rules = this.#rules.get(agreementVersionId);
    if (rules === undefined) {
      const version = await this.deps.agreements.versionById(agreementVersionId);
      if (version === undefined)
        throw new AppError('conflict', `agreement version ${agreementVersionId} is not loaded`);
      rules = verificationRules(agreementVersionId, version.agreement);
      this.#rules.set(agreementVersionId, rules);
    }
    return rules;
  }

  /** The ids of the agreement versions a principal may read. */
  async readableVersions(principal: Principal): Promise<Set<string>> {
    return new Set((await this.deps.agreements.listVersions(principal)).map((v) => v.id));
  }

  /**
   * Whether every organisation may read a version (marked GREEN or CLEAR), as `prepare` read it: an
   * operation asks inside its transaction, where SQLite could not read the versions.
   */
  sharedWithEveryone(agreementVersionId: string): boolean {
    return this.#shared.has(agreementVersionId);
  }

  /** Which versions' findings a principal sees in full (see {@link FindingDisclosure}). */
  async findingDisclosure(principal: Principal): Promise<FindingDisclosure> {
    const [readable, sharedWithEveryone] = await Promise.all([
      this.readableVersions(principal),
      this.#sharedVersions(),
    ]);
    return { readable, sharedWithEveryone };
  }

  /** Findings as the principal may read them: without what a version it may not read says (`asReadBy`). */
  async findingsAsReadBy(principal: Principal, findings: readonly Finding[]): Promise<AsRead<Finding>[]> {
    if (findings.length === 0) return [];
    const disclosure = await this.findingDisclosure(principal);
    return findings.map((f) => asReadBy(f, disclosesFinding(f, disclosure)));
  }

  /** The organisation that keeps incidents: the (first) commission. */
  commission(): string {
    const orgs = this.#organisations;
    const commission = orgs
      .filter((o) => o.kind === 'commission')
      .sort((a, b) => a.id.localeCompare(b.id))[0];
    if (commission === undefined)
      throw new AppError('conflict', 'no commission organisation: initialise first');
    return commission.id;
  }

  /** The organisations an incident is addressed to: the body's voting members that exist here. */
  bodyAddressees(rules: VerificationRules): string[] {
    const known = new Set(this.#organisations.map((o) => o.id));
    return [...new Set(rules.seats.filter((s) => s.role !== 'observer').map((s) => s.actor))]
      .filter((id) => known.has(id))
      .sort();
  }

  /** Organisations that exist here, of those named. */
  existing(ids: readonly string[]): string[] {
    const known = new Set(this.#organisations.map((o) => o.id));
    return [...new Set(ids)].filter((id) => known.has(id)).sort();
  }

  /** Recomputes what an incident derives from its reports (extent, corroboration). */
  async derive(incident: Incident, members: readonly MemberReport[]): Promise<Incident> {
    const rules = await this.rules(incident.agreementVersionId);
    const extent = extentOf(members, incident.category, rules);
    // A strike on a notified, delivered site or movement raises the severity as the agreement says; never lowers it.
    let severity = incident.severity;
    for (const m of members)
      if (m.strikeSeverity !== undefined && !atLeast(severity, m.strikeSeverity)) severity = m.strikeSeverity;
    return {
      ...incident,
      ...extent,
      severity,
      reportIds: members.map((m) => m.id).sort(),
      corroboration: corroborationOf(members),
    };
  }

  /** Logs an incident's state after a change (recordKind `incident`); bumps the correlation generation. */
  // Every change of status or membership goes through here or logIncidents, so a correlator that sees
  // an unchanged generation knows its index is current.
  logIncident(tx: Executor, kind: string, incident: Incident): Promise<void> {
    return this.logIncidents(tx, kind, [incident]);
  }

  /** Announces committed incident changes (after the transaction); a failure is reported, not raised. */
  async announce(changes: readonly { kind: IncidentEventKind; incident: Incident }[]): Promise<void> {
    const publish = this.deps.publish;
    if (publish === undefined) return;
    for (const { kind, incident } of changes) {
      try {
        await publish(incidentAnnouncement(kind, incident));
      } catch (err) {
        process.stderr.write(
          `announcing incident ${incident.id}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
    }
  }

  /** Logs many incidents' states (bulk correlation). */
  async logIncidents(tx: Executor, kind: string, incidents: readonly Incident[]): Promise<void> {
    if (incidents.length === 0) return;
    await this.deps.ledger.recordMany(
      tx,
      incidents.map((incident) => ({
        kind,
        recordKind: INCIDENT_RECORD_KIND,
        recordId: incident.id,
        marking: incident.marking,
        record: incidentRecord(incident),
      })),
    );
    await bumpGeneration(tx);
  }

  /** Logs one step of an incident's life (its `seq`-th), under the incident's marking. */
  async logTransition(tx: Executor, incident: Incident, t: Transition, seq: number): Promise<void> {
    await this.deps.ledger.record(tx, {
      kind: 'incident.transition',
      recordKind: 'incident-transition',
      recordId: t.id,
      marking: incident.marking,
      record: transitionRecord(t, seq),
    });
  }

  /** Logs a finding's state after a change: in full once it is public (CLEAR). */
  async logFinding(tx: Executor, kind: string, finding: Finding): Promise<void> {
    await this.deps.ledger.record(tx, {
      kind,
      recordKind: FINDING_RECORD_KIND,
      recordId: finding.id,
      marking: finding.marking,
      record: findingRecord(finding),
    });
  }

  /** Logs a vote under the marking of the finding it is cast on. */
  async logVote(tx: Executor, finding: Finding, vote: Vote): Promise<void> {
    await this.deps.ledger.record(tx, {
      kind: 'finding.vote',
      recordKind: 'finding-vote',
      recordId: vote.id,
      marking: finding.marking,
      record: vote,
    });
  }
}

/** What the log commits to for an incident: its whole current state, its owner included. */
export function incidentRecord(i: Incident) {
  return {
    id: i.id,
    agreementVersionId: i.agreementVersionId,
    category: i.category,
    status: i.status,
    duplicateOf: i.duplicateOf ?? null,
    severity: i.severity,
    provisions: i.provisions,
    zones: i.zones,
    side: i.side ?? null,
    sector: i.sector ?? null,
    lon: i.lon,
    lat: i.lat,
    radiusM: i.radiusM,
    observedFrom: i.observedFrom,
    observedTo: i.observedTo,
    reportIds: i.reportIds,
    corroboration: i.corroboration,
    attribution: i.attribution ?? null,
    pending: i.pending ?? null,
    concludedBy: i.concludedBy,
    openedAt: i.openedAt,
    dueAt: i.dueAt,
    marking: i.marking,
    addressees: i.addressees,
    owner: i.ownerOrganisationId,
  };
}

/**
 * The records an incident's latest entry may hold: as logged now, and as releases before `owner` was
 * logged wrote it (an entry with `owner` matches only the first, so an edited owner is still found).
 */
export function incidentRecords(i: Incident): readonly unknown[] {
  const { owner: _owner, ...before } = incidentRecord(i);
  return [incidentRecord(i), before];
}

/** What the log commits to for a step of an incident's life: the step and its place among them. */
export function transitionRecord(t: Transition, seq: number) {
  return { ...t, seq };
}

/** What the log records of a finding: the stable shape itself, as the public sees it once CLEAR. */
export function findingRecord(f: Finding): unknown {
  return f.marking === 'CLEAR' ? publicShape(f) : { ...f };
}

/** A finding as readers outside the body see it: without the proposing analyst's user id. */
export function publicShape<T extends { proposedBy?: string }>(f: T): Omit<T, 'proposedBy'> {
  const { proposedBy: _p, ...rest } = f;
  return rest;
}

/** Throws 403 unless the principal holds the permission (routes check it too; services hold the line). */
export function requirePermission(
  principal: Principal,
  permission: Parameters<Principal['permissions']['has']>[0],
): void {
  if (!principal.permissions.has(permission)) throw forbidden(`needs the permission ${permission}`);
}
