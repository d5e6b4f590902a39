import { sql, type Selectable } from 'kysely';
import type { Principal } from '../access/policy.js';
import type { Executor } from '../db/database.js';
import { insertAddressees } from '../verification/incident.repository.js';
import type { EscalationTable } from './escalation.tables.js';

/** The record kind escalations are logged and addressed under. */
export const ESCALATION_RECORD_KIND = 'escalation';

/** Something escalated to the commission, as services see it. */
export interface Escalation {
  id: string;
  /** `hotline-channel`, `hotline-message`, `notice-delivery`, `disclosure-request`, or another domain's kind. */
  sourceKind: string;
  sourceId: string;
  /** The organisations involved (they and the commission see the escalation), sorted. */
  organisations: string[];
  reason: string;
  raisedAt: string;
  /** The user who raised it, or `system` for a periodic sweep. */
  raisedBy: string;
  resolvedAt?: string;
  resolvedBy?: string;
  resolution?: string;
}

type Row = Selectable<EscalationTable>;

function rowToEscalation(r: Row, organisations: string[]): Escalation {
  return {
    id: r.id,
    sourceKind: r.source_kind,
    sourceId: r.source_id,
    organisations,
    reason: r.reason,
    raisedAt: r.raised_at,
    raisedBy: r.raised_by,
    ...(r.resolved_at !== null ? { resolvedAt: r.resolved_at } : {}),
    ...(r.resolved_by !== null ? { resolvedBy: r.resolved_by } : {}),
    ...(r.resolution !== null ? { resolution: r.resolution } : {}),
  };
}

/**
 * Who may see escalations: a signed-in user of the commission sees all of them, an organisation those
 * it is involved in, nobody else any (the SQL form of `canSeeEscalation`).
 */
function visibleEscalations(principal: Principal) {
  // Only signed-in users of a commission organisation and the console carry this kind.
  if (principal.organisationKind === 'commission') return sql<boolean>`1 = 1`;
  const org = principal.organisationId;
  if (org === null || principal.userId === null) return sql<boolean>`1 = 0`;
  return sql<boolean>`exists (select 1 from record_addressees ra
    where ra.record_kind = ${ESCALATION_RECORD_KIND} and ra.record_id = escalations.id and ra.organisation_id = ${org})`;
}

async function hydrate(db: Executor, rows: readonly Row[]): Promise<Escalation[]> {
  if (rows.length === 0) return [];
  const addressees = await db
    .selectFrom('record_addressees')
    .select(['record_id', 'organisation_id'])
    .where('record_kind', '=', ESCALATION_RECORD_KIND)
    .where(
      'record_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const by = new Map<string, string[]>();
  for (const a of addressees)
    if (a.organisation_id !== null) by.set(a.record_id, [...(by.get(a.record_id) ?? []), a.organisation_id]);
  return rows.map((r) => rowToEscalation(r, (by.get(r.id) ?? []).sort()));
}

/** Stores a new escalation and the organisations involved. */
export async function insertEscalation(db: Executor, e: Escalation): Promise<void> {
  await db
    .insertInto('escalations')
    .values({
      id: e.id,
      source_kind: e.sourceKind,
      source_id: e.sourceId,
      reason: e.reason,
      raised_at: e.raisedAt,
      raised_by: e.raisedBy,
      resolved_at: null,
      resolved_by: null,
      resolution: null,
    })
    .execute();
  await insertAddressees(
    db,
    ESCALATION_RECORD_KIND,
    e.organisations.map((org) => [e.id, org] as const),
  );
}

/** Records the commission's resolution of an escalation. */
export async function markResolved(
  db: Executor,
  id: string,
  resolution: { resolvedAt: string; resolvedBy: string; resolution: string },
): Promise<void> {
  await db
    .updateTable('escalations')
    .set({
      resolved_at: resolution.resolvedAt,
      resolved_by: resolution.resolvedBy,
      resolution: resolution.resolution,
    })
    .where('id', '=', id)
    .execute();
}

/** The escalation of one source for one reason, if raised already (no visibility filter: the system). */
export async function findEscalationBySource(
  db: Executor,
  sourceKind: string,
  sourceId: string,
  reason: string,
): Promise<Escalation | undefined> {
  const rows = await db
    .selectFrom('escalations')
    .selectAll()
    .where('source_kind', '=', sourceKind)
    .where('source_id', '=', sourceId)
    .where('reason', '=', reason)
    .execute();
  return (await hydrate(db, rows))[0];
}

/** One escalation if the principal may see it (undefined principal: the system itself). */
export async function findEscalation(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<Escalation | undefined> {
  let q = db.selectFrom('escalations').selectAll('escalations').where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleEscalations(principal));
  return (await hydrate(db, await q.execute()))[0];
}

/** Escalations by id for the system (no visibility filter): the audit rebuilds their log records. */
export async function findEscalations(db: Executor, ids: readonly string[]): Promise<Escalation[]> {
  if (ids.length === 0) return [];
  return hydrate(db, await db.selectFrom('escalations').selectAll().where('id', 'in', ids).execute());
}

/** What to list. */
export interface EscalationFilter {
  sourceKind?: string;
  sourceId?: string;
  /** Only open (unresolved) or only resolved escalations. */
  open?: boolean;
  /** Only escalations involving this organisation. */
  organisation?: string;
  limit: number;
  offset?: number;
}

/** Escalations the principal may see, newest first. */
export async function listVisibleEscalations(
  db: Executor,
  principal: Principal,
  filter: EscalationFilter,
): Promise<{ escalations: Escalation[]; total: number }> {
  let q = db.selectFrom('escalations').where(visibleEscalations(principal));
  if (filter.sourceKind !== undefined) q = q.where('source_kind', '=', filter.sourceKind);
  if (filter.sourceId !== undefined) q = q.where('source_id', '=', filter.sourceId);
  if (filter.open === true) q = q.where('resolved_at', 'is', null);
  if (filter.open === false) q = q.where('resolved_at', 'is not', null);
  if (filter.organisation !== undefined) {
    const org = filter.organisation;
    q = q.where(
      sql<boolean>`exists (select 1 from record_addressees rf
        where rf.record_kind = ${ESCALATION_RECORD_KIND} and rf.record_id = escalations.id and rf.organisation_id = ${org})`,
    );
  }
  const total = await q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll('escalations')
    .orderBy('raised_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return { escalations: await hydrate(db, rows), total: Number(total.n) };
}

/** Of the given sources of one kind, those already escalated (any reason): sweeps skip them. */
export async function escalatedSources(
  db: Executor,
  sourceKind: string,
  sourceIds: readonly string[],
): Promise<Set<string>> {
  if (sourceIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('escalations')
    .select('source_id')
    .where('source_kind', '=', sourceKind)
    .where('source_id', 'in', sourceIds)
    .execute();
  return new Set(rows.map((r) => r.source_id));
}

/** Every escalation id in order, page by page (the audit). */
export async function escalationIdsAfter(
  db: Executor,
  after: string | undefined,
  limit: number,
): Promise<{ id: string }[]> {
  let q = db.selectFrom('escalations').select('id').orderBy('id').limit(limit);
  if (after !== undefined) q = q.where('id', '>', after);
  return q.execute();
}
