/**
 * How the deconfliction domain's stored rows are bound to their log entries (see
 * `src/ledger/row-binding.ts`). Every step of a notice is a `notice_events` row logged as itself; a
 * notice's and a copy's current rows must equal the snapshot of their latest logged step.
 */
import { sql, type Kysely } from 'kysely';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import type { Database } from '../db/database.js';
import { pagesById, type BoundRow, type RowBinding } from '../ledger/row-binding.js';
import { conflictRecord } from './conflict.service.js';
import {
  NOTICE_CONFLICT_RECORD_KIND,
  NOTICE_EVENT_RECORD_KIND,
  NOTICE_REQUEST_RECORD_KIND,
  rowToConflict,
  rowToDelivery,
  rowToEvent,
  rowToNotice,
  rowToRequest,
} from './notice.repository.js';
import { noticeEventRecord } from './notice.service.js';

/** Every kind of step a notice or one of its copies logs. */
export const NOTICE_EVENT_KINDS = [
  'submitted',
  'replaced',
  'cancelled',
  'withdrawn',
  'reconfirmed',
  'expired',
  'forwarded',
  'delivered',
  'acknowledged',
  'approved',
  'refused',
  'objected',
  'superseded',
  'overdue',
  'disclosed',
].map((k) => `notice.${k}`);
const CONFLICT_KINDS = ['notice.conflict-detected', 'notice.conflict-cleared'];
const REQUEST_KINDS = ['notice.fields-requested', 'notice.request-answered'];
const idFields = (kinds: readonly string[]) => Object.fromEntries(kinds.map((k) => [k, 'id']));
const same = (a: unknown, b: unknown) => canonicalBytes(a).equals(canonicalBytes(b));

async function markingsOf(db: Kysely<Database>, noticeIds: readonly string[]): Promise<Map<string, Marking>> {
  if (noticeIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('notices')
    .select(['id', 'marking'])
    .where('id', 'in', noticeIds)
    .execute();
  return new Map(rows.map((r) => [r.id, r.marking as Marking]));
}

async function boundEvents(
  db: Kysely<Database>,
  rows: readonly Database['notice_events'][],
): Promise<BoundRow[]> {
  const markings = await markingsOf(db, [...new Set(rows.map((r) => r.notice_id))]);
  return rows.map((r) => {
    const marking = markings.get(r.notice_id);
    return {
      id: r.id,
      expectations: [
        {
          kinds: NOTICE_EVENT_KINDS,
          ...(marking !== undefined
            ? { expected: { marking, record: noticeEventRecord(rowToEvent(r)) } }
            : {}),
        },
      ],
      ...(marking === undefined ? { problems: [`its notice ${r.notice_id} is gone`] } : {}),
    };
  });
}

/** The snapshot of the latest step of each notice (notice steps) or copy (delivery steps). */
async function latestSnapshots(
  db: Kysely<Database>,
  column: 'notice_id' | 'delivery_id',
  ids: readonly string[],
): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  if (ids.length === 0) return out;
  let q = db
    .selectFrom('notice_events')
    .select(['notice_id', 'delivery_id', 'seq', 'snapshot'])
    .where(column, 'in', ids);
  if (column === 'notice_id') q = q.where('delivery_id', 'is', null);
  const rows = await q.orderBy('seq').execute();
  for (const r of rows)
    out.set((column === 'notice_id' ? r.notice_id : r.delivery_id) ?? '', JSON.parse(r.snapshot));
  return out;
}

async function boundNotices(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('notices').selectAll().where('id', 'in', ids).execute();
  const latest = await latestSnapshots(db, 'notice_id', ids);
  return rows.map((r) => {
    const logged = latest.get(r.id);
    const problems =
      logged === undefined
        ? ['no step of this notice was logged']
        : same(logged, rowToNotice(r))
          ? []
          : ['the notice differs from its latest logged step'];
    return { id: r.id, expectations: [], ...(problems.length > 0 ? { problems } : {}) };
  });
}

async function boundDeliveries(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('notice_deliveries').selectAll().where('id', 'in', ids).execute();
  const latest = await latestSnapshots(db, 'delivery_id', ids);
  return rows.map((r) => {
    const logged = latest.get(r.id);
    const problems =
      logged === undefined
        ? ['no step of this copy was logged']
        : same(logged, rowToDelivery(r))
          ? []
          : ['the copy differs from its latest logged step'];
    return { id: r.id, expectations: [], ...(problems.length > 0 ? { problems } : {}) };
  });
}

async function noticeOwnerSide(
  db: Kysely<Database>,
  principal: Principal,
  noticeId: string,
): Promise<boolean> {
  const org = principal.organisationId;
  if (principal.userId === null || org === null) return false;
  const row = await db
    .selectFrom('notices')
    .select(sql<number>`1`.as('one'))
    .where('id', '=', noticeId)
    .where((eb) => eb.or([eb('owner_organisation_id', '=', org), eb('via_organisation_id', '=', org)]))
    .executeTakeFirst();
  return row !== undefined;
}

function pages<T extends 'notices' | 'notice_deliveries'>(db: Kysely<Database>, table: T) {
  return pagesById(async (after, limit) => {
    let q = db
      .selectFrom(table as 'notices')
      .select('id')
      .orderBy('id')
      .limit(limit);
    if (after !== undefined) q = q.where('id', '>', after);
    return q.execute();
  }, 500);
}

/** Every row of a table whose rows are bound one by one, page by page. */
function rowPages<T extends 'notice_events' | 'notice_conflicts' | 'notice_requests'>(
  db: Kysely<Database>,
  table: T,
) {
  return pagesById(async (after, limit) => {
    let q = db
      .selectFrom(table as 'notice_events')
      .selectAll()
      .orderBy('id')
      .limit(limit);
    if (after !== undefined) q = q.where('id', '>', after);
    return q.execute() as Promise<Database[T][]>;
  }, 500);
}

/** A conflict bound to its latest entry (always AMBER). */
function boundConflict(r: Database['notice_conflicts']): BoundRow {
  return {
    id: r.id,
    expectations: [
      { kinds: CONFLICT_KINDS, expected: { marking: 'AMBER', record: conflictRecord(rowToConflict(r)) } },
    ],
  };
}

/** Disclosure requests bound to their latest entry, under their notice's marking. */
async function boundRequests(
  db: Kysely<Database>,
  rows: readonly Database['notice_requests'][],
): Promise<BoundRow[]> {
  const markings = await markingsOf(db, [...new Set(rows.map((r) => r.notice_id))]);
  return rows.map((r) => {
    const marking = markings.get(r.notice_id);
    return {
      id: r.id,
      expectations: [
        {
          kinds: REQUEST_KINDS,
          ...(marking !== undefined ? { expected: { marking, record: rowToRequest(r) } } : {}),
        },
      ],
      ...(marking === undefined ? { problems: [`its notice ${r.notice_id} is gone`] } : {}),
    };
  });
}

/** The deconfliction domain's row bindings (escalations bind themselves: escalation.bindings.ts). */
export const noticeRowBindings: readonly RowBinding[] = [
  {
    recordKind: NOTICE_EVENT_RECORD_KIND,
    table: 'notice_events',
    idFields: idFields(NOTICE_EVENT_KINDS),
    async *rows(db) {
      for await (const page of rowPages(db, 'notice_events')) yield await boundEvents(db, page);
    },
    async visible(db, principal, id) {
      const row = await db.selectFrom('notice_events').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return false;
      if (
        row.addressee_organisation_id !== null &&
        row.addressee_organisation_id === principal.organisationId
      )
        return principal.userId !== null;
      return noticeOwnerSide(db, principal, row.notice_id);
    },
    async current(db, id) {
      const row = await db.selectFrom('notice_events').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : (await boundEvents(db, [row]))[0];
    },
  },
  {
    recordKind: 'notice',
    table: 'notices',
    idFields: {},
    async *rows(db) {
      for await (const page of pages(db, 'notices'))
        yield await boundNotices(
          db,
          page.map((r) => r.id),
        );
    },
    visible: (db, principal, id) => noticeOwnerSide(db, principal, id),
    current: async (db, id) => (await boundNotices(db, [id]))[0],
  },
  {
    recordKind: 'notice-delivery',
    table: 'notice_deliveries',
    idFields: {},
    async *rows(db) {
      for await (const page of pages(db, 'notice_deliveries'))
        yield await boundDeliveries(
          db,
          page.map((r) => r.id),
        );
    },
    async visible(db, principal, id) {
      const row = await db
        .selectFrom('notice_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined) return false;
      if (row.addressee_organisation_id === principal.organisationId) return principal.userId !== null;
      return noticeOwnerSide(db, principal, row.notice_id);
    },
    current: async (db, id) => (await boundDeliveries(db, [id]))[0],
  },
  {
    recordKind: NOTICE_CONFLICT_RECORD_KIND,
    table: 'notice_conflicts',
    idFields: idFields(CONFLICT_KINDS),
    async *rows(db) {
      for await (const page of rowPages(db, 'notice_conflicts')) yield page.map(boundConflict);
    },
    async visible(db, principal, id) {
      const row = await db
        .selectFrom('notice_conflicts')
        .select(['owner_organisation_id'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (row === undefined || principal.userId === null) return false;
      return (
        principal.organisationKind === 'commission' || row.owner_organisation_id === principal.organisationId
      );
    },
    async current(db, id) {
      const r = await db.selectFrom('notice_conflicts').selectAll().where('id', '=', id).executeTakeFirst();
      return r === undefined ? undefined : boundConflict(r);
    },
  },
  {
    recordKind: NOTICE_REQUEST_RECORD_KIND,
    table: 'notice_requests',
    idFields: idFields(REQUEST_KINDS),
    async *rows(db) {
      for await (const page of rowPages(db, 'notice_requests')) yield await boundRequests(db, page);
    },
    async visible(db, principal, id) {
      const row = await db.selectFrom('notice_requests').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined || principal.userId === null) return false;
      return (
        row.owner_organisation_id === principal.organisationId ||
        row.requester_organisation_id === principal.organisationId
      );
    },
    async current(db, id) {
      const r = await db.selectFrom('notice_requests').selectAll().where('id', '=', id).executeTakeFirst();
      return r === undefined ? undefined : (await boundRequests(db, [r]))[0];
    },
  },
];
