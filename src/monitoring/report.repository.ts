import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Executor } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import { copyRows } from '../db/copy-rows.js';
import { gradeRank, type Credibility, type Reliability } from './grading.js';
import { reportFromRow, storedBody } from './report.body.js';
import { REPORT_RECORD_KIND, type Report } from './report.model.js';
import type { ReportTable } from './report.tables.js';
import { earliestStart, windowClassOf } from './window-class.js';

/** The stored columns of a report, in the order {@link reportValues} gives them. */
export const REPORT_COLUMNS = [
  'id',
  'revision',
  'external_system',
  'external_id',
  'superseded_by',
  'agreement_version_id',
  'category',
  'observed_from',
  'observed_to',
  'window_class',
  'time_precision',
  'lon',
  'lat',
  'uncertainty_m',
  'geo_precision',
  'source_id',
  'independence_group',
  'reliability',
  'credibility',
  'grade_rank',
  'zones',
  'side',
  'line_distance_km',
  'flagged',
  'body',
  'content_sha256',
  'log_seq',
  'marking',
  'owner_organisation_id',
  'author_user_id',
  'created_at',
  'seal_salt',
] as const satisfies readonly (keyof ReportTable)[];

/** The stored columns of a report, in REPORT_COLUMNS order (the bulk path binds them as they are). */
export function reportValues(r: Report, logSeq: number | null, sealSalt: Buffer | null = null): unknown[] {
  const c = r.classification;
  const zoneIds = c.zones.map((z) => z.band ?? z.id);
  for (const z of c.zones) if (z.band !== undefined && !zoneIds.includes(z.id)) zoneIds.push(z.id);
  return [
    r.id,
    r.revision,
    r.externalSystem ?? null,
    r.externalId ?? null,
    null,
    c.agreementVersionId,
    r.category,
    r.observed.from,
    r.observed.to,
    windowClassOf(r.observed.from, r.observed.to),
    r.observed.precision,
    r.location.lon,
    r.location.lat,
    r.location.uncertaintyM,
    r.location.precision,
    r.source?.id ?? null,
    r.source?.independenceGroup ?? `report:${r.id}`,
    r.grade.reliability,
    r.grade.credibility,
    gradeRank(r.grade.reliability, r.grade.credibility),
    JSON.stringify(zoneIds),
    c.side ?? null,
    c.lineDistanceKm ?? null,
    c.possibleViolations.some((v) => v.rule !== 'category') ? 1 : 0,
    storedBody(r),
    r.contentSha256,
    logSeq,
    r.marking,
    r.ownerOrganisationId,
    r.authorUserId,
    r.createdAt,
    sealSalt,
  ];
}

/**
 * SQLite page cache for one long bulk transaction, KiB (used only as needed): 128 MiB. The cache
 * fills with what the transaction writes, so at 1 GiB it held 245 MiB at 60 k reports and more the
 * larger the file; at 128 MiB a 100 k import peaked 265 MiB lower with no slower writes (one pair of
 * runs, docs/monitoring.md).
 */
export const BULK_CACHE_KIB = 128 << 10;

/**
 * Gives SQLite a page cache for one long bulk transaction (bounded: see {@link BULK_CACHE_KIB}), so
 * index pages are less often spilled and re-read; PostgreSQL needs nothing.
 */
export async function prepareForBulkWrites(db: Executor): Promise<void> {
  if (dialectOf(db) === 'sqlite') await sql.raw(`pragma cache_size = -${BULK_CACHE_KIB}`).execute(db);
}

/** Rows a bulk write stores before the reports table's statistics are first refreshed. */
export const BULK_ANALYZE_FIRST_ROWS = 5000;

/**
 * Refreshes PostgreSQL's statistics of the reports table inside the bulk write's own transaction,
 * which ANALYZE sees: a table filled by the running import has none, so the planner looked up
 * external ids (idempotency) by `external_system` alone and filtered every stored row, each chunk
 * slower than the last (14.8 s of a 100 k import). SQLite's planner uses the index without them.
 */
export async function refreshBulkStatistics(db: Executor): Promise<void> {
  if (dialectOf(db) === 'postgres') await sql`analyze reports`.execute(db);
}

/** Which of the given user ids exist: a report may be addressed to those only. */
export async function findExistingUserIds(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('users')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/** Inserts classified reports (and their addressees): multi-row statements, or COPY on PostgreSQL (`copyRows`). */
export async function insertReports(
  db: Executor,
  rows: { report: Report; logSeq: number | null; sealSalt: Buffer }[],
): Promise<void> {
  await copyRows(
    db,
    'reports',
    REPORT_COLUMNS,
    rows.map((r) => reportValues(r.report, r.logSeq, r.sealSalt)),
  );
  const addressees: unknown[][] = [];
  for (const { report } of rows) {
    for (const org of report.addressees.organisations)
      addressees.push([REPORT_RECORD_KIND, report.id, org, null]);
    for (const user of report.addressees.users) addressees.push([REPORT_RECORD_KIND, report.id, null, user]);
  }
  if (addressees.length > 0)
    await copyRows(
      db,
      'record_addressees',
      ['record_kind', 'record_id', 'organisation_id', 'user_id'],
      addressees,
    );
}

/**
 * The current (not superseded) revision of one organisation's reports by external id within one
 * external system; other organisations' reports with the same ids are not looked at.
 */
export async function findCurrentByExternalIds(
  db: Executor,
  owner: string,
  system: string,
  externalIds: readonly string[],
): Promise<Map<string, { id: string; revision: number; contentSha256: string }>> {
  const found = new Map<string, { id: string; revision: number; contentSha256: string }>();
  for (let i = 0; i < externalIds.length; i += 500) {
    const rows = await db
      .selectFrom('reports')
      .select(['id', 'revision', 'external_id', 'content_sha256'])
      .where('external_system', '=', system)
      .where('external_id', 'in', externalIds.slice(i, i + 500))
      .where('owner_organisation_id', '=', owner)
      .where('superseded_by', 'is', null)
      .execute();
    for (const r of rows)
      if (r.external_id !== null)
        found.set(r.external_id, { id: r.id, revision: Number(r.revision), contentSha256: r.content_sha256 });
  }
  return found;
}

export async function markSuperseded(db: Executor, pairs: { id: string; by: string }[]): Promise<void> {
  for (const p of pairs)
    await db.updateTable('reports').set({ superseded_by: p.by }).where('id', '=', p.id).execute();
}

export interface ReportFilter {
  from?: string;
  to?: string;
  category?: string;
  zone?: string;
  bbox?: [number, number, number, number];
  sourceId?: string;
  /** Only reports this organisation owns. */
  ownerOrganisationId?: string;
  flagged?: boolean;
  externalId?: string;
  externalSystem?: string;
  /**
   * Only reports judged by one of these agreement versions (none: no report). A filter on what a
   * classification says (zone, category, flagged) matches only where the reader may read it.
   */
  judgedBy?: readonly string[];
  includeSuperseded?: boolean;
  sort?: 'observed' | '-observed' | 'grade';
  limit: number;
  /** Keyset position: the sort key and id of the last row of the previous page. */
  after?: { key: string | number; id: string };
}

function rowToReport(row: Selectable<ReportTable>): Report & { logSeq: number | null } {
  return { ...reportFromRow(row), logSeq: row.log_seq === null ? null : Number(row.log_seq) };
}

/** The longest class of observation window stored (`window-class.ts`); -1 when there are no reports. */
export async function longestWindowClass(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('reports')
    .select((eb) => eb.fn.max('window_class').as('k'))
    .executeTakeFirst();
  return row?.k === null || row?.k === undefined ? -1 : Number(row.k);
}

/**
 * What bounds a window-overlap query to the index ranges it needs (the overlap itself is tested by
 * the caller): reports start no earlier than the longest stored class allows; with a viewport, each
 * class present is asked for its own range of starts on the covering index `reports_window`, which
 * tests end and position without reading a row, and only the rows that pass are read.
 */
async function windowOverlap(
  db: Executor,
  from: string,
  to: string | undefined,
  bbox: readonly [number, number, number, number] | undefined,
): Promise<RawBuilder<boolean>> {
  const longest = await longestWindowClass(db);
  if (longest < 0) return sql<boolean>`1 = 0`;
  const earliest = earliestStart(from, longest);
  const bounded = earliest === undefined ? sql<boolean>`1 = 1` : sql<boolean>`observed_from >= ${earliest}`;
  if (bbox === undefined) return bounded;
  const [w, s, e, n] = bbox;
  const key = dialectOf(db) === 'postgres' ? 'id' : 'rowid';
  const arms = [];
  for (let k = 0; k <= longest; k += 1) {
    const start = earliestStart(from, k);
    arms.push(sql`select ${sql.raw(key)} from reports where window_class = ${k}
      ${start === undefined ? sql`` : sql`and observed_from >= ${start}`}
      ${to === undefined ? sql`` : sql`and observed_from <= ${to}`}
      and observed_to >= ${from} and lon >= ${w} and lon <= ${e} and lat >= ${s} and lat <= ${n}`);
  }
  return sql<boolean>`(${bounded} and ${sql.ref(`reports.${key}`)} in (${sql.join(arms, sql` union all `)}))`;
}

/** The sort key of a row for the keyset cursor. */
type SortKeyRow = Pick<Selectable<ReportTable>, 'id' | 'grade_rank' | 'observed_from'>;

/** The reports the principal may see that pass the filter (its sort, limit and cursor aside). */
async function filteredReportsQuery(
  db: Executor,
  principal: Principal | undefined,
  filter: Omit<ReportFilter, 'limit' | 'sort' | 'after'>,
) {
  let q = db.selectFrom('reports');
  if (principal !== undefined) q = q.where(visibleTo(principal, 'reports', REPORT_RECORD_KIND));
  if (filter.includeSuperseded !== true) q = q.where('superseded_by', 'is', null);
  if (filter.from !== undefined) q = q.where('observed_to', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('observed_from', '<=', filter.to);
  if (filter.from !== undefined) q = q.where(await windowOverlap(db, filter.from, filter.to, filter.bbox));
  if (filter.category !== undefined) q = q.where('category', '=', filter.category);
  if (filter.zone !== undefined)
    q = q.where('zones', 'like', `%${JSON.stringify(filter.zone).replace(/[%_]/g, '')}%`);
  if (filter.bbox !== undefined) {
    const [w, s, e, n] = filter.bbox;
    q = q.where('lon', '>=', w).where('lon', '<=', e).where('lat', '>=', s).where('lat', '<=', n);
  }
  if (filter.sourceId !== undefined) q = q.where('source_id', '=', filter.sourceId);
  if (filter.ownerOrganisationId !== undefined)
    q = q.where('owner_organisation_id', '=', filter.ownerOrganisationId);
  if (filter.flagged !== undefined) q = q.where('flagged', '=', filter.flagged ? 1 : 0);
  if (filter.externalId !== undefined) q = q.where('external_id', '=', filter.externalId);
  if (filter.externalSystem !== undefined) q = q.where('external_system', '=', filter.externalSystem);
  if (filter.judgedBy !== undefined)
    q =
      filter.judgedBy.length > 0
        ? q.where('agreement_version_id', 'in', [...filter.judgedBy])
        : q.where(sql<boolean>`1 = 0`);
  return q;
}

/**
 * The reports the principal may see, filtered, ordered and positioned after the cursor: the one
 * query behind the full list and the map's slim list, which differ only in the columns they read.
 */
async function visibleReportsQuery(db: Executor, principal: Principal | undefined, filter: ReportFilter) {
  let q = await filteredReportsQuery(db, principal, filter);
  const sort = filter.sort ?? '-observed';
  const after = filter.after;
  if (sort === 'grade') {
    if (after !== undefined)
      q = q.where(
        sql<boolean>`(grade_rank > ${Number(after.key)} or (grade_rank = ${Number(after.key)} and id > ${after.id}))`,
      );
    q = q.orderBy('grade_rank').orderBy('id');
  } else if (sort === 'observed') {
    if (after !== undefined)
      q = q.where(
        sql<boolean>`(observed_from > ${String(after.key)} or (observed_from = ${String(after.key)} and id > ${after.id}))`,
      );
    q = q.orderBy('observed_from').orderBy('id');
  } else {
    if (after !== undefined)
      q = q.where(
        sql<boolean>`(observed_from < ${String(after.key)} or (observed_from = ${String(after.key)} and id < ${after.id}))`,
      );
    q = q.orderBy('observed_from', 'desc').orderBy('id', 'desc');
  }
  return q.limit(filter.limit + 1);
}

/** One page of rows (the query asked for one more than the limit) and the keyset position of its last. */
function pageOf<R extends SortKeyRow>(
  rows: R[],
  filter: ReportFilter,
): { page: R[]; last?: { key: string | number; id: string } } {
  const page = rows.slice(0, filter.limit);
  const lastRow = rows.length > filter.limit ? page[page.length - 1] : undefined;
  if (lastRow === undefined) return { page };
  const key = filter.sort === 'grade' ? Number(lastRow.grade_rank) : lastRow.observed_from;
  return { page, last: { key, id: lastRow.id } };
}

/** Reports the principal may see, filtered, in keyset pages. */
export async function listVisibleReports(
  db: Executor,
  principal: Principal | undefined,
  filter: ReportFilter,
): Promise<{ reports: (Report & { logSeq: number | null })[]; last?: { key: string | number; id: string } }> {
  const rows = await (await visibleReportsQuery(db, principal, filter)).selectAll('reports').execute();
  const { page, last } = pageOf(rows, filter);
  return { reports: page.map(rowToReport), ...(last !== undefined ? { last } : {}) };
}

/**
 * What the map draws of a report, read from its columns (never its body): see `mapReportFor` in
 * report.view.ts for what each reader gets of it.
 */
export interface MapReportRecord {
  id: string;
  category: string;
  /**
   * The category as submitted, read only where the report was judged by a version outside
   * `readable` (undefined otherwise, and where none was submitted): the reader keeps a category it
   * gave itself.
   */
  submittedCategory: string | undefined;
  agreementVersionId: string;
  observed: { from: string; to: string };
  location: { lon: number; lat: number; uncertaintyM: number };
  grade: { reliability: Reliability; credibility: Credibility };
  /** Ids of the zones and bands containing the point (the classification's). */
  zones: string[];
  /** Whether the classification found possible violations of a restriction (beyond the category's provisions). */
  flagged: boolean;
}

/**
 * The map's slim list: the reports `listVisibleReports` lists for the same principal and filter, in
 * the same order and pages, each as the few columns the map draws. The submitted category is read
 * from the body only for reports judged by a version outside `readable` (the versions the reader may
 * read), so most rows are never parsed.
 */
export async function listVisibleMapReports(
  db: Executor,
  principal: Principal | undefined,
  filter: ReportFilter,
  readable: readonly string[],
): Promise<{ reports: MapReportRecord[]; last?: { key: string | number; id: string } }> {
  const submitted =
    dialectOf(db) === 'postgres'
      ? sql<string | null>`(body::json -> 'submitted' ->> 'category')`
      : sql<string | null>`json_extract(body, '$.submitted.category')`;
  const submittedCategory =
    readable.length === 0
      ? submitted
      : sql<
          string | null
        >`case when agreement_version_id in (${sql.join(readable.map((v) => sql`${v}`))}) then null else ${submitted} end`;
  const rows = await (
    await visibleReportsQuery(db, principal, filter)
  )
    .select([
      'id',
      'category',
      'agreement_version_id',
      'observed_from',
      'observed_to',
      'lon',
      'lat',
      'uncertainty_m',
      'reliability',
      'credibility',
      'grade_rank',
      'zones',
      'flagged',
      submittedCategory.as('submitted_category'),
    ])
    .execute();
  const { page, last } = pageOf(rows, filter);
  return {
    reports: page.map((r) => ({
      id: r.id,
      category: r.category,
      submittedCategory: r.submitted_category ?? undefined,
      agreementVersionId: r.agreement_version_id,
      observed: { from: r.observed_from, to: r.observed_to },
      location: { lon: Number(r.lon), lat: Number(r.lat), uncertaintyM: Number(r.uncertainty_m) },
      grade: { reliability: r.reliability as Reliability, credibility: Number(r.credibility) as Credibility },
      zones: JSON.parse(r.zones) as string[],
      flagged: Number(r.flagged) === 1,
    })),
    ...(last !== undefined ? { last } : {}),
  };
}

/** How many reports fall in one cell of a grid of `cell` degrees: its south-west corner and the count. */
export interface ReportCell {
  lon: number;
  lat: number;
  count: number;
}

/**
 * The reports the principal may see that pass the filter, counted per cell of a grid of `cell`
 * degrees anchored at (-180, -90): the map's density where a window holds more reports than one
 * page. Cells without reports are left out.
 */
export async function countVisibleReportsByCell(
  db: Executor,
  principal: Principal | undefined,
  filter: Omit<ReportFilter, 'limit' | 'sort' | 'after'>,
  cell: number,
): Promise<ReportCell[]> {
  // Longitude + 180 and latitude + 90 are never negative, so flooring is truncating; SQLite's cast
  // truncates, PostgreSQL's rounds.
  const index = (column: 'lon' | 'lat', offset: number) =>
    dialectOf(db) === 'postgres'
      ? sql<number>`floor((${sql.ref(column)} + ${offset}::double precision) / ${cell}::double precision)::bigint`
      : sql<number>`cast((${sql.ref(column)} + ${offset}) / ${cell} as integer)`;
  const rows = await (
    await filteredReportsQuery(db, principal, filter)
  )
    .select([index('lon', 180).as('x'), index('lat', 90).as('y'), (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['x', 'y'])
    .execute();
  return rows.map((r) => ({
    lon: Number((Number(r.x) * cell - 180).toFixed(9)),
    lat: Number((Number(r.y) * cell - 90).toFixed(9)),
    count: Number(r.n),
  }));
}

/** One report if the principal may see it (undefined principal: the system itself). */
export async function findVisibleReport(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<(Report & { logSeq: number | null }) | undefined> {
  let q = db.selectFrom('reports').selectAll('reports').where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleTo(principal, 'reports', REPORT_RECORD_KIND));
  const row = await q.executeTakeFirst();
  return row && rowToReport(row);
}
