import { sql, type Selectable } from 'kysely';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Severity } from '../agreement/agreement.schema.rules.js';
import type { Executor } from '../db/database.js';
import { insertMany } from '../db/insert-many.js';
import type { Classification } from '../monitoring/report.model.js';
import type { ReportTable } from '../monitoring/report.tables.js';
import { longestWindowClass } from '../monitoring/report.repository.js';
import { earliestStart } from '../monitoring/window-class.js';
import type {
  Attribution,
  Corroboration,
  Incident,
  IncidentStatus,
  PendingConclusion,
  Transition,
} from './incident.model.js';
import type { IncidentTable, IncidentTransitionTable } from './verification.tables.js';
import { atLeast } from './verification.settings.js';

/** The record kind incidents are marked and addressed under (record_addressees, log entries). */
export const INCIDENT_RECORD_KIND = 'incident';

type IncidentRow = Selectable<IncidentTable>;

function rowToIncident(row: IncidentRow, reportIds: string[], addressees: string[]): Incident {
  return {
    id: row.id,
    agreementVersionId: row.agreement_version_id,
    category: row.category,
    status: row.status as IncidentStatus,
    ...(row.duplicate_of !== null ? { duplicateOf: row.duplicate_of } : {}),
    severity: row.severity as Severity,
    provisions: JSON.parse(row.provisions) as string[],
    zones: JSON.parse(row.zones) as string[],
    ...(row.side !== null ? { side: row.side } : {}),
    ...(row.sector !== null ? { sector: row.sector } : {}),
    lon: Number(row.lon),
    lat: Number(row.lat),
    radiusM: Number(row.radius_m),
    observedFrom: row.observed_from,
    observedTo: row.observed_to,
    reportIds,
    corroboration: JSON.parse(row.corroboration) as Corroboration,
    ...(row.attribution !== null ? { attribution: JSON.parse(row.attribution) as Attribution } : {}),
    ...(row.pending !== null ? { pending: JSON.parse(row.pending) as PendingConclusion } : {}),
    concludedBy: JSON.parse(row.concluded_by) as string[],
    openedAt: row.opened_at,
    dueAt: row.due_at,
    updatedAt: row.updated_at,
    marking: row.marking as Marking,
    ownerOrganisationId: row.owner_organisation_id,
    addressees,
  };
}

function incidentToRow(i: Incident): IncidentRow {
  return {
    id: i.id,
    agreement_version_id: i.agreementVersionId,
    category: i.category,
    status: i.status,
    duplicate_of: i.duplicateOf ?? null,
    severity: i.severity,
    provisions: JSON.stringify(i.provisions),
    zones: JSON.stringify(i.zones),
    side: i.side ?? null,
    sector: i.sector ?? null,
    lon: i.lon,
    lat: i.lat,
    radius_m: i.radiusM,
    observed_from: i.observedFrom,
    observed_to: i.observedTo,
    corroboration: JSON.stringify(i.corroboration),
    attribution: i.attribution !== undefined ? JSON.stringify(i.attribution) : null,
    pending: i.pending !== undefined ? JSON.stringify(i.pending) : null,
    concluded_by: JSON.stringify(i.concludedBy),
    opened_at: i.openedAt,
    due_at: i.dueAt,
    updated_at: i.updatedAt,
    marking: i.marking,
    owner_organisation_id: i.ownerOrganisationId,
    author_user_id: null,
  };
}

/** Inserts new incidents with their addressees. */
export async function insertIncidents(db: Executor, incidents: readonly Incident[]): Promise<void> {
  if (incidents.length === 0) return;
  const rows = incidents.map(incidentToRow);
  const columns = Object.keys(rows[0] as object) as (keyof IncidentRow)[];
  await insertMany(
    db,
    'incidents',
    columns,
    rows.map((r) => columns.map((c) => r[c])),
  );
  await insertAddressees(
    db,
    INCIDENT_RECORD_KIND,
    incidents.flatMap((i) => i.addressees.map((org) => [i.id, org] as const)),
  );
}

/** Writes an incident's changed fields (everything but its id, version and opening). */
export async function updateIncident(db: Executor, incident: Incident): Promise<void> {
  const { id: _id, agreement_version_id: _v, opened_at: _o, ...rest } = incidentToRow(incident);
  await db.updateTable('incidents').set(rest).where('id', '=', incident.id).execute();
}

/** Organisations a marked record is addressed to, as (record id, organisation id) pairs. */
export async function insertAddressees(
  db: Executor,
  recordKind: string,
  pairs: readonly (readonly [string, string])[],
): Promise<void> {
  if (pairs.length === 0) return;
  await insertMany(
    db,
    'record_addressees',
    ['record_kind', 'record_id', 'organisation_id', 'user_id'],
    pairs.map(([id, org]) => [recordKind, id, org, null]),
  );
}

/** Replaces the organisations a record is addressed to. */
export async function replaceAddressees(
  db: Executor,
  recordKind: string,
  id: string,
  organisations: readonly string[],
): Promise<void> {
  await db
    .deleteFrom('record_addressees')
    .where('record_kind', '=', recordKind)
    .where('record_id', '=', id)
    .execute();
  await insertAddressees(
    db,
    recordKind,
    organisations.map((org) => [id, org] as const),
  );
}

async function addresseesOf(
  db: Executor,
  recordKind: string,
  ids: readonly string[],
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('record_addressees')
    .select(['record_id', 'organisation_id'])
    .where('record_kind', '=', recordKind)
    .where('record_id', 'in', ids)
    .where('organisation_id', 'is not', null)
    .execute();
  for (const r of rows) {
    const list = out.get(r.record_id) ?? [];
    list.push(r.organisation_id ?? '');
    out.set(r.record_id, list);
  }
  for (const list of out.values()) list.sort();
  return out;
}

async function membersOf(db: Executor, incidentIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (incidentIds.length === 0) return out;
  const rows = await db
    .selectFrom('incident_reports')
    .select(['incident_id', 'report_id'])
    .where('incident_id', 'in', incidentIds)
    .orderBy('report_id')
    .execute();
  for (const r of rows) {
    const list = out.get(r.incident_id) ?? [];
    list.push(r.report_id);
    out.set(r.incident_id, list);
  }
  return out;
}

async function hydrate(db: Executor, rows: IncidentRow[]): Promise<Incident[]> {
  const ids = rows.map((r) => r.id);
  const [members, addressees] = await Promise.all([
    membersOf(db, ids),
    addresseesOf(db, INCIDENT_RECORD_KIND, ids),
  ]);
  return rows.map((r) => rowToIncident(r, members.get(r.id) ?? [], addressees.get(r.id) ?? []));
}

/** One incident, if the principal may see it (undefined principal: the system itself). */
export async function findIncident(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<Incident | undefined> {
  let q = db.selectFrom('incidents').selectAll('incidents').where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleTo(principal, 'incidents', INCIDENT_RECORD_KIND));
  const row = await q.executeTakeFirst();
  return row === undefined ? undefined : (await hydrate(db, [row]))[0];
}

/** Several incidents by id, for the system (no marking filter). */
export async function findIncidents(db: Executor, ids: readonly string[]): Promise<Incident[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('incidents').selectAll().where('id', 'in', ids).execute();
  return hydrate(db, rows);
}

/** Filters of the verification queue. */
export interface IncidentFilter {
  status?: IncidentStatus[];
  category?: string;
  severity?: Severity;
  sector?: string;
  zone?: string;
  /** Opened at or before this instant (RFC 3339): the age filter. */
  openedBefore?: string;
  /** Only incidents whose deadline has passed by this instant and that are still open. */
  overdueAt?: string;
  from?: string;
  to?: string;
  bbox?: [number, number, number, number];
  /** Only incidents under one of these agreement versions (none: no incident). */
  judgedBy?: readonly string[];
  sort?: 'due' | '-observed';
  limit: number;
  offset?: number;
}

/** Incidents the principal may see, filtered; `due` sorts the queue by deadline, oldest first. */
export async function listVisibleIncidents(
  db: Executor,
  principal: Principal,
  filter: IncidentFilter,
): Promise<{ incidents: Incident[]; total: number }> {
  let q = db.selectFrom('incidents').where(visibleTo(principal, 'incidents', INCIDENT_RECORD_KIND));
  if (filter.status !== undefined && filter.status.length > 0) q = q.where('status', 'in', filter.status);
  if (filter.category !== undefined) q = q.where('category', '=', filter.category);
  if (filter.severity !== undefined) q = q.where('severity', '=', filter.severity);
  if (filter.sector !== undefined) q = q.where('sector', '=', filter.sector);
  if (filter.zone !== undefined)
    q = q.where('zones', 'like', `%${JSON.stringify(filter.zone).replace(/[%_]/g, '')}%`);
  if (filter.openedBefore !== undefined) q = q.where('opened_at', '<=', filter.openedBefore);
  if (filter.overdueAt !== undefined)
    q = q.where('due_at', '<', filter.overdueAt).where('status', 'in', ['reported', 'under_review']);
  if (filter.from !== undefined) q = q.where('observed_to', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('observed_from', '<=', filter.to);
  if (filter.bbox !== undefined) {
    const [w, s, e, n] = filter.bbox;
    q = q.where('lon', '>=', w).where('lon', '<=', e).where('lat', '>=', s).where('lat', '<=', n);
  }
  if (filter.judgedBy !== undefined)
    q =
      filter.judgedBy.length > 0
        ? q.where('agreement_version_id', 'in', [...filter.judgedBy])
        : q.where(sql<boolean>`1 = 0`);
  const total = await q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  let rows = q.selectAll('incidents');
  rows =
    filter.sort === '-observed'
      ? rows.orderBy('observed_from', 'desc').orderBy('id')
      : rows.orderBy('due_at').orderBy('id');
  const page = await rows
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return { incidents: await hydrate(db, page), total: Number(total.n) };
}

/** Which incident each of these reports belongs to, if any. */
export async function incidentsOfReports(
  db: Executor,
  reportIds: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < reportIds.length; i += 500) {
    const rows = await db
      .selectFrom('incident_reports')
      .select(['report_id', 'incident_id'])
      .where('report_id', 'in', reportIds.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.report_id, r.incident_id);
  }
  return out;
}

/** Puts reports into an incident (each report is in at most one: the primary key). */
export async function addMembers(
  db: Executor,
  incidentId: string,
  reportIds: readonly string[],
  how: 'correlated' | 'analyst',
  by: string | null,
  at: string,
): Promise<void> {
  await insertMany(
    db,
    'incident_reports',
    ['report_id', 'incident_id', 'how', 'added_by', 'added_at'],
    reportIds.map((id) => [id, incidentId, how, by, at]),
  );
}

/** Moves reports from whatever incident holds them to another. */
export async function moveMembers(
  db: Executor,
  reportIds: readonly string[],
  incidentId: string,
  by: string,
  at: string,
): Promise<void> {
  for (let i = 0; i < reportIds.length; i += 500)
    await db
      .updateTable('incident_reports')
      .set({ incident_id: incidentId, how: 'analyst', added_by: by, added_at: at })
      .where('report_id', 'in', reportIds.slice(i, i + 500))
      .execute();
}

/** A revised report takes its previous revision's place in an incident. */
export async function followRevision(
  db: Executor,
  previousId: string,
  revisionId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('incident_reports')
    .select('incident_id')
    .where('report_id', '=', previousId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  await db
    .updateTable('incident_reports')
    .set({ report_id: revisionId })
    .where('report_id', '=', previousId)
    .execute();
  return row.incident_id;
}

/** For revised reports (by their new id), the revision each supersedes. */
export async function previousRevisionsOf(
  db: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('reports')
      .select(['id', 'superseded_by'])
      .where('superseded_by', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) if (r.superseded_by !== null) out.set(r.superseded_by, r.id);
  }
  return out;
}

/**
 * Reports of these markings are grouped into incidents. AMBER+STRICT and RED reports never are: an
 * incident (addressed to the verification body) would reveal them beyond their own addressees.
 */
export const CORRELATED_MARKINGS: Marking[] = ['CLEAR', 'GREEN', 'AMBER'];

/** What verification needs of a member report. */
export interface MemberReport {
  id: string;
  category: string;
  agreementVersionId: string;
  lon: number;
  lat: number;
  uncertaintyM: number;
  observedFrom: string;
  observedTo: string;
  sourceId: string | null;
  independenceGroup: string;
  reliability: string;
  credibility: number;
  ownerOrganisationId: string;
  authorUserId: string | null;
  zones: string[];
  side: string | null;
  marking: Marking;
  supersededBy: string | null;
  /** Provisions the classification found possibly violated. */
  provisions: string[];
  /**
   * The highest severity the agreement gives a strike on a notified, delivered site or movement the
   * report touches (docs/deconfliction.md), if it touches one.
   */
  strikeSeverity?: Severity;
}

const MEMBER_COLUMNS = [
  'id',
  'category',
  'agreement_version_id',
  'lon',
  'lat',
  'uncertainty_m',
  'observed_from',
  'observed_to',
  'source_id',
  'independence_group',
  'reliability',
  'credibility',
  'owner_organisation_id',
  'author_user_id',
  'zones',
  'side',
  'marking',
  'superseded_by',
  'body',
] as const;

type MemberRow = Pick<Selectable<ReportTable>, (typeof MEMBER_COLUMNS)[number]>;

/** The highest strike severity among the delivered notices a classification touched. */
function strikeSeverityOf(c: Classification | undefined): { strikeSeverity?: Severity } {
  let best: Severity | undefined;
  for (const m of c?.notified ?? [])
    if (
      m.delivered === true &&
      m.severity !== undefined &&
      (best === undefined || !atLeast(best, m.severity))
    )
      best = m.severity;
  return best === undefined ? {} : { strikeSeverity: best };
}

function rowToMember(r: MemberRow): MemberReport {
  const classification = (JSON.parse(r.body) as { classification?: Classification }).classification;
  const provisions = new Set<string>();
  for (const v of classification?.possibleViolations ?? [])
    if (v.provision !== undefined) provisions.add(v.provision);
  return {
    id: r.id,
    category: r.category,
    agreementVersionId: r.agreement_version_id,
    lon: Number(r.lon),
    lat: Number(r.lat),
    uncertaintyM: Number(r.uncertainty_m),
    observedFrom: r.observed_from,
    observedTo: r.observed_to,
    sourceId: r.source_id,
    independenceGroup: r.independence_group,
    reliability: r.reliability,
    credibility: Number(r.credibility),
    ownerOrganisationId: r.owner_organisation_id,
    authorUserId: r.author_user_id,
    zones: JSON.parse(r.zones) as string[],
    side: r.side,
    marking: r.marking as Marking,
    supersededBy: r.superseded_by,
    provisions: [...provisions].sort(),
    ...strikeSeverityOf(classification),
  };
}

/** Reports by id, as verification reads them (no marking filter: the system's own view). */
export async function findMemberReports(db: Executor, ids: readonly string[]): Promise<MemberReport[]> {
  const out: MemberReport[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('reports')
      .select(MEMBER_COLUMNS)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    out.push(...rows.map(rowToMember));
  }
  return out;
}

/** The reports of these incidents, grouped by incident. */
export async function memberReportsOf(
  db: Executor,
  incidentIds: readonly string[],
): Promise<Map<string, MemberReport[]>> {
  const members = await membersOf(db, incidentIds);
  const reports = await findMemberReports(db, [...members.values()].flat());
  const byId = new Map(reports.map((r) => [r.id, r]));
  return new Map([...members].map(([incident, ids]) => [incident, ids.flatMap((id) => byId.get(id) ?? [])]));
}

/**
 * The members of an incident that a revision has superseded meanwhile (report id → the revision's id):
 * the one column of a member report that changes after it is stored. Reads no report body.
 */
export async function supersededMembersOf(db: Executor, incidentId: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('incident_reports')
    .innerJoin('reports', 'reports.id', 'incident_reports.report_id')
    .select(['reports.id as id', 'reports.superseded_by as superseded_by'])
    .where('incident_reports.incident_id', '=', incidentId)
    .where('reports.superseded_by', 'is not', null)
    .execute();
  return new Map(rows.flatMap((r) => (r.superseded_by === null ? [] : [[r.id, r.superseded_by] as const])));
}

/** Where a keyset-paged read of the uncorrelated reports stopped: the last report it returned. */
export interface UncorrelatedCursor {
  observedFrom: string;
  id: string;
}

/**
 * Current reports that belong to no incident and may be grouped (see CORRELATED_MARKINGS): the next
 * `limit` in (observed_from, id) order, oldest first, after `after` when given. A bulk correlation
 * reads them slice by slice this way, so its memory does not grow with the backlog.
 */
export async function listUncorrelatedReports(
  db: Executor,
  limit: number,
  after?: UncorrelatedCursor,
): Promise<MemberReport[]> {
  let q = db
    .selectFrom('reports')
    .select(MEMBER_COLUMNS.map((c) => `reports.${c}` as const))
    .leftJoin('incident_reports', 'incident_reports.report_id', 'reports.id')
    .where('incident_reports.report_id', 'is', null)
    .where('reports.superseded_by', 'is', null)
    .where('reports.marking', 'in', CORRELATED_MARKINGS);
  if (after !== undefined)
    q = q.where('reports.observed_from', '>=', after.observedFrom).where((eb) =>
      // The first bound alone lets the index on observed_from start at the cursor (PostgreSQL read
      // every report for each slice without it); the second skips what the cursor already returned.
      eb.or([
        eb('reports.observed_from', '>', after.observedFrom),
        eb.and([eb('reports.observed_from', '=', after.observedFrom), eb('reports.id', '>', after.id)]),
      ]),
    );
  const rows = await q.orderBy('reports.observed_from').orderBy('reports.id').limit(limit).execute();
  return rows.map(rowToMember);
}

/**
 * The member reports of open incidents whose observed windows reach into [from, to] (RFC 3339 UTC
 * instants, as stored), in (observed_from, id) order: what a bulk slice of reports observed in that
 * span, widened by the largest correlation window, can match. Their starts are bounded below by the
 * longest window class stored (`monitoring/window-class.ts`), so the index range read does not grow
 * with every report before the span.
 */
export async function listOpenIncidentMembersWithin(
  db: Executor,
  span: { from: string; to: string },
): Promise<{ incidentId: string; report: MemberReport }[]> {
  const longest = await longestWindowClass(db);
  const earliest = longest < 0 ? undefined : earliestStart(span.from, longest);
  let q = openMembersQuery(db)
    .where('reports.observed_to', '>=', span.from)
    .where('reports.observed_from', '<=', span.to);
  if (earliest !== undefined) q = q.where('reports.observed_from', '>=', earliest);
  const rows = await q.orderBy('reports.observed_from').orderBy('reports.id').execute();
  return rows.map((r) => ({ incidentId: r.incident_id, report: rowToMember(r) }));
}

/** The member reports of every open incident (what a new report may join). */
export async function listOpenIncidentMembers(
  db: Executor,
): Promise<{ incidentId: string; report: MemberReport }[]> {
  const rows = await openMembersQuery(db).execute();
  return rows.map((r) => ({ incidentId: r.incident_id, report: rowToMember(r) }));
}

/** The member reports of the open incidents, each with its incident's id. */
function openMembersQuery(db: Executor) {
  return db
    .selectFrom('incident_reports')
    .innerJoin('incidents', 'incidents.id', 'incident_reports.incident_id')
    .innerJoin('reports', 'reports.id', 'incident_reports.report_id')
    .select([
      'incident_reports.incident_id as incident_id',
      ...MEMBER_COLUMNS.map((c) => `reports.${c}` as const),
    ])
    .where('incidents.status', 'in', ['reported', 'under_review']);
}

/**
 * Records a step of an incident's life.
 *
 * @returns its place among the incident's steps (`seq`, from 1)
 */
export async function insertTransition(db: Executor, t: Transition): Promise<number> {
  const seq = Number((await lastSeq(db, t.incidentId)) ?? 0) + 1;
  await db
    .insertInto('incident_transitions')
    .values({
      id: t.id,
      incident_id: t.incidentId,
      seq,
      from_status: t.from,
      to_status: t.to,
      step: t.step,
      by_user_id: t.by,
      organisation_id: t.organisationId,
      reason: t.reason,
      duplicate_of: t.duplicateOf ?? null,
      at: t.at,
    })
    .execute();
  return seq;
}

async function lastSeq(db: Executor, incidentId: string) {
  const last = await db
    .selectFrom('incident_transitions')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  return last?.seq;
}

/** A stored step as the service sees it (the audit rebuilds logged transitions with it too). */
export function transitionFromRow(r: Selectable<IncidentTransitionTable>): Transition {
  return {
    id: r.id,
    incidentId: r.incident_id,
    from: r.from_status as IncidentStatus,
    to: r.to_status as IncidentStatus,
    step: r.step as Transition['step'],
    by: r.by_user_id,
    organisationId: r.organisation_id,
    reason: r.reason,
    at: r.at,
    ...(r.duplicate_of !== null ? { duplicateOf: r.duplicate_of } : {}),
  };
}

/** An incident's steps, oldest first. */
export async function listTransitions(db: Executor, incidentId: string): Promise<Transition[]> {
  const rows = await db
    .selectFrom('incident_transitions')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .orderBy('seq')
    .execute();
  return rows.map(transitionFromRow);
}

/** Bumps the generation every change of membership or status makes (in the same transaction). */
export async function bumpGeneration(db: Executor): Promise<void> {
  await db
    .updateTable('verification_state')
    .set({ value: sql`value + 1` })
    .where('key', '=', 'generation')
    .execute();
}

/** The current generation: a correlator holding an older one reloads. */
export async function readGeneration(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('verification_state')
    .select('value')
    .where('key', '=', 'generation')
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}

/** Verified violations by day, per zone and sector, for quiet-day counts. */
export async function listVerifiedViolationDays(
  db: Executor,
  since: string,
): Promise<{ observedFrom: string; zones: string[]; sector: string | null; agreementVersionId: string }[]> {
  const rows = await db
    .selectFrom('incidents')
    .select(['observed_from', 'zones', 'sector', 'agreement_version_id'])
    .where('status', '=', 'verified')
    .where('observed_to', '>=', since)
    .execute();
  return rows.map((r) => ({
    observedFrom: r.observed_from,
    zones: JSON.parse(r.zones) as string[],
    sector: r.sector,
    agreementVersionId: r.agreement_version_id,
  }));
}
