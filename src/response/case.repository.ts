import type { Selectable } from 'kysely';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Severity } from '../agreement/agreement.schema.rules.js';
import type { Executor } from '../db/database.js';
import { insertAddressees, replaceAddressees } from '../verification/incident.repository.js';
import type { CaseDecision, CaseInaction, LadderCase } from './ladder.cases.js';
import type { LadderFinding } from './ladder.triggers.js';
import type { CaseDecisionTable, CaseInactionTable, CaseTable } from './response.tables.js';
import { processed, type Watermark } from './watermark.js';

/** The record kind cases are marked, addressed and logged under. */
export const CASE_RECORD_KIND = 'case';

/** What a case rests on: findings, their incidents and reports, evidence hashes and log positions. */
export interface EvidencePackage {
  findings: {
    id: string;
    incidentId: string;
    category: string;
    severity: string;
    party: string | null;
    decidedAt: string;
    /** Log index of the finding's latest entry, once integrated. */
    logIndex: number | null;
  }[];
  incidents: string[];
  reports: string[];
  evidence: { id: string; reportId: string; sha256: string; logIndex: number | null }[];
}

/** A case as the service keeps it: the ladder's case, its evidence package, marking and addressees. */
export interface Case extends LadderCase {
  evidence: EvidencePackage;
  marking: Marking;
  ownerOrganisationId: string;
  /** Organisations that read it besides the commission: the rung's actors, the party, the beneficiary. */
  addressees: string[];
}

type Row = Selectable<CaseTable>;
type StoredBody = Omit<Case, 'status' | 'marking' | 'addressees' | 'deadline' | 'rungId'>;

function rowToCase(row: Row, addressees: string[]): Case {
  const body = JSON.parse(row.body) as StoredBody;
  return {
    ...body,
    // The row's own id: a copy of a row under a new id is its own case (and has no log entry).
    id: row.id,
    rungId: row.rung_id,
    status: row.status as Case['status'],
    deadline: row.deadline,
    marking: row.marking as Marking,
    addressees,
  };
}

function caseToRow(c: Case): Row {
  const { status, marking, addressees: _a, deadline, rungId, ...body } = c;
  return {
    id: c.id,
    ladder_id: c.ladderId,
    agreement_version_id: c.agreementVersionId,
    party: c.party,
    rung_id: rungId,
    status,
    deadline,
    body: JSON.stringify(body),
    opened_at: c.openedAt,
    updated_at: c.updatedAt,
    marking,
    owner_organisation_id: c.ownerOrganisationId,
    author_user_id: null,
  };
}

/** Stores a new case and its addressees. */
export async function insertCase(db: Executor, c: Case): Promise<void> {
  await db.insertInto('cases').values(caseToRow(c)).execute();
  await insertAddressees(
    db,
    CASE_RECORD_KIND,
    c.addressees.map((org) => [c.id, org] as const),
  );
}

/** Writes a case's state and addressees. */
export async function updateCase(db: Executor, c: Case): Promise<void> {
  const { id: _id, ...rest } = caseToRow(c);
  await db.updateTable('cases').set(rest).where('id', '=', c.id).execute();
  await replaceAddressees(db, CASE_RECORD_KIND, c.id, c.addressees);
}

async function hydrate(db: Executor, rows: Row[]): Promise<Case[]> {
  if (rows.length === 0) return [];
  const by = new Map<string, string[]>();
  for (let i = 0; i < rows.length; i += 500) {
    const addressees = await db
      .selectFrom('record_addressees')
      .select(['record_id', 'organisation_id'])
      .where('record_kind', '=', CASE_RECORD_KIND)
      .where(
        'record_id',
        'in',
        rows.slice(i, i + 500).map((r) => r.id),
      )
      .execute();
    for (const a of addressees)
      if (a.organisation_id !== null)
        by.set(a.record_id, [...(by.get(a.record_id) ?? []), a.organisation_id]);
  }
  return rows.map((r) => rowToCase(r, (by.get(r.id) ?? []).sort()));
}

/** One case if the principal may see it (undefined principal: the system itself). */
export async function findCase(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<Case | undefined> {
  let q = db.selectFrom('cases').selectAll('cases').where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleTo(principal, 'cases', CASE_RECORD_KIND));
  return (await hydrate(db, await q.execute()))[0];
}

/** Cases by id for the system (the audit rebuilds their log records). */
export async function findCases(db: Executor, ids: readonly string[]): Promise<Case[]> {
  if (ids.length === 0) return [];
  return hydrate(db, await db.selectFrom('cases').selectAll().where('id', 'in', ids).execute());
}

export interface CaseFilter {
  status?: Case['status'];
  ladder?: string;
  limit: number;
  offset?: number;
}

/** The cases the principal may see, newest first, with the total. */
export async function listVisibleCases(
  db: Executor,
  principal: Principal,
  filter: CaseFilter,
): Promise<{ cases: Case[]; total: number }> {
  let q = db.selectFrom('cases').where(visibleTo(principal, 'cases', CASE_RECORD_KIND));
  if (filter.status !== undefined) q = q.where('status', '=', filter.status);
  if (filter.ladder !== undefined) q = q.where('ladder_id', '=', filter.ladder);
  const total = await q.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('cases')
    .orderBy('opened_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return { cases: await hydrate(db, rows), total: Number(total.n) };
}

/** Cases that are not closed (the ladder acts on them), for the system. */
export async function listLiveCases(db: Executor): Promise<Case[]> {
  return hydrate(
    db,
    await db.selectFrom('cases').selectAll().where('status', '!=', 'closed').orderBy('id').execute(),
  );
}

/** Every case, for the replay's comparison. */
export async function listAllCases(db: Executor): Promise<Case[]> {
  return hydrate(db, await db.selectFrom('cases').selectAll().orderBy('opened_at').orderBy('id').execute());
}

type DecisionRow = Selectable<CaseDecisionTable>;

/** A decision as stored. */
export function decisionFromRow(r: DecisionRow): CaseDecision {
  return {
    id: r.id,
    caseId: r.case_id,
    rungId: r.rung_id,
    actor: r.actor,
    organisationId: r.organisation_id,
    userId: r.user_id,
    option: r.option,
    reason: r.reason,
    at: r.at,
  };
}

export async function insertDecision(db: Executor, d: CaseDecision): Promise<void> {
  await db
    .insertInto('case_decisions')
    .values({
      id: d.id,
      case_id: d.caseId,
      rung_id: d.rungId,
      actor: d.actor,
      organisation_id: d.organisationId,
      user_id: d.userId,
      option: d.option,
      reason: d.reason,
      at: d.at,
    })
    .execute();
}

/** The decisions on these cases (all cases when `caseIds` is undefined), in order. */
export async function listDecisions(db: Executor, caseIds?: readonly string[]): Promise<CaseDecision[]> {
  if (caseIds !== undefined && caseIds.length === 0) return [];
  let q = db.selectFrom('case_decisions').selectAll();
  if (caseIds !== undefined) q = q.where('case_id', 'in', caseIds);
  return (await q.orderBy('at').orderBy('id').execute()).map(decisionFromRow);
}

type InactionRow = Selectable<CaseInactionTable>;

/** An inaction as stored. */
export function inactionFromRow(r: InactionRow): CaseInaction {
  return { id: r.id, caseId: r.case_id, rungId: r.rung_id, actor: r.actor, deadline: r.deadline, at: r.at };
}

export async function insertInaction(db: Executor, i: CaseInaction): Promise<void> {
  await db
    .insertInto('case_inactions')
    .values({
      id: i.id,
      case_id: i.caseId,
      rung_id: i.rungId,
      actor: i.actor,
      deadline: i.deadline,
      at: i.at,
    })
    .execute();
}

/** Inactions on these cases (all when undefined), in order. */
export async function listInactions(db: Executor, caseIds?: readonly string[]): Promise<CaseInaction[]> {
  if (caseIds !== undefined && caseIds.length === 0) return [];
  let q = db.selectFrom('case_inactions').selectAll();
  if (caseIds !== undefined) q = q.where('case_id', 'in', caseIds);
  return (await q.orderBy('at').orderBy('id').execute()).map(inactionFromRow);
}

/** How far the ladder has acted on the findings. */
export async function readWatermark(db: Executor): Promise<Watermark> {
  const row = await db
    .selectFrom('response_state')
    .select('value')
    .where('key', '=', 'findings')
    .executeTakeFirst();
  return row === undefined ? { at: '', ids: [] } : (JSON.parse(row.value) as Watermark);
}

export async function writeWatermark(db: Executor, mark: Watermark): Promise<void> {
  const value = JSON.stringify(mark);
  const updated = await db
    .updateTable('response_state')
    .set({ value })
    .where('key', '=', 'findings')
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0)
    await db.insertInto('response_state').values({ key: 'findings', value }).execute();
}

interface FindingBody {
  bodyId: string;
  incidentId: string;
  severity: Severity;
  attribution?: { party?: string; confidence?: string };
  sector?: string;
  side?: string;
  zones: string[];
  provisions: string[];
  observedFrom: string;
}

/**
 * Decided findings in the order the body decided them (the documented shape, read for the ladder),
 * with a watermark, only those the ladder has not acted on yet.
 */
export async function listDecidedFindings(db: Executor, after?: Watermark): Promise<LadderFinding[]> {
  const since = after?.at ?? '';
  let q = db
    .selectFrom('findings')
    .select(['id', 'agreement_version_id', 'state', 'outcome', 'category', 'body', 'decided_at'])
    .where('decided_at', 'is not', null);
  if (since !== '') q = q.where('decided_at', '>=', since);
  const rows = await q.orderBy('decided_at').orderBy('id').execute();
  return rows
    .filter((r) => after === undefined || !processed(after, { id: r.id, decidedAt: r.decided_at ?? '' }))
    .map((r) => {
      const b = JSON.parse(r.body) as FindingBody;
      const party = b.attribution?.party;
      const confidence = b.attribution?.confidence;
      return {
        id: r.id,
        incidentId: b.incidentId,
        agreementVersionId: r.agreement_version_id,
        bodyId: b.bodyId,
        state: r.state,
        outcome: r.outcome,
        category: r.category,
        severity: b.severity,
        ...(party !== undefined ? { party } : {}),
        ...(confidence !== undefined ? { confidence } : {}),
        ...(b.sector !== undefined ? { sector: b.sector } : {}),
        ...(b.side !== undefined ? { side: b.side } : {}),
        zones: b.zones,
        provisions: b.provisions,
        observedFrom: b.observedFrom,
        decidedAt: r.decided_at ?? '',
      };
    });
}

async function logIndexes(
  db: Executor,
  recordKind: string,
  ids: readonly string[],
): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('log_commitments as c')
    .innerJoin('log_entries as e', 'e.queue_seq', 'c.queue_seq')
    .select(['c.record_id', 'e.idx'])
    .where('c.record_kind', '=', recordKind)
    .where('c.record_id', 'in', ids)
    .orderBy('e.idx')
    .execute();
  return new Map(rows.map((r) => [r.record_id, Number(r.idx)]));
}

/** The evidence package of findings: their incidents, reports, evidence hashes and log positions. */
export async function evidencePackage(
  db: Executor,
  findings: readonly LadderFinding[],
): Promise<EvidencePackage> {
  const incidents = [...new Set(findings.map((f) => f.incidentId))].sort();
  const reports =
    incidents.length === 0
      ? []
      : (
          await db
            .selectFrom('incident_reports')
            .select('report_id')
            .where('incident_id', 'in', incidents)
            .orderBy('report_id')
            .execute()
        ).map((r) => r.report_id);
  const evidence =
    reports.length === 0
      ? []
      : await db
          .selectFrom('report_evidence')
          .select(['id', 'report_id', 'sha256'])
          .where('report_id', 'in', reports)
          .orderBy('id')
          .execute();
  const findingIdx = await logIndexes(
    db,
    'finding',
    findings.map((f) => f.id),
  );
  const evidenceIdx = await logIndexes(
    db,
    'evidence',
    evidence.map((e) => e.id),
  );
  return {
    findings: findings.map((f) => ({
      id: f.id,
      incidentId: f.incidentId,
      category: f.category,
      severity: f.severity,
      party: f.party ?? null,
      decidedAt: f.decidedAt,
      logIndex: findingIdx.get(f.id) ?? null,
    })),
    incidents,
    reports,
    evidence: evidence.map((e) => ({
      id: e.id,
      reportId: e.report_id,
      sha256: e.sha256,
      logIndex: evidenceIdx.get(e.id) ?? null,
    })),
  };
}
