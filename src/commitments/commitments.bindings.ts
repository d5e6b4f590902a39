/**
 * How the commitments domain's rows are bound to their log entries (see `src/ledger/row-binding.ts`):
 * the services log with the record builders of `commitment.model.ts` and the audit rebuilds with the
 * same functions from the rows as stored now. Amendments, deliveries follow their pledge's marking.
 */
import { findUserSalts } from '../access/pseudonym.js';
import { sql, type Kysely } from 'kysely';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Database } from '../db/database.js';
import { pagesById, type BoundRow, type RowBinding } from '../ledger/row-binding.js';
import {
  AMENDMENT_RECORD_KIND,
  DELIVERY_RECORD_KIND,
  PLEDGE_RECORD_KIND,
  RATIFICATION_RECORD_KIND,
  amendmentRecord,
  deliveryRecord,
  pledgeRecord,
  ratificationRecord,
  withoutRecorder,
} from './commitment.model.js';
import { findAmendments, findDeliveries, findPledges, findRatifications } from './commitment.repository.js';

type Salts = ReadonlyMap<string, Buffer>;

/**
 * The records an entry may hold: as logged now (who recorded it by pseudonym), or as releases before
 * `recordedBy` was logged wrote it (an entry with `recordedBy` matches only the first).
 */
function candidates<T extends { recordedBy: string }>(
  marking: Marking,
  row: T,
  record: (row: T, salts: Salts) => { recordedBy: string | null },
  salts: Salts,
) {
  const now = record(row, salts);
  return [
    { marking, record: now },
    { marking, record: withoutRecorder(now) },
  ];
}

/** The salts of whoever recorded these rows. */
function saltsOf(
  db: Kysely<Database>,
  rows: readonly { recordedBy: string }[],
): Promise<Map<string, Buffer>> {
  return findUserSalts(
    db,
    rows.map((r) => r.recordedBy),
  );
}

const PLEDGE_KINDS = ['commitment.pledged', 'commitment.revised'];

async function pledgeVisible(db: Kysely<Database>, principal: Principal, id: string): Promise<boolean> {
  if (!principal.permissions.has('commitments:read')) return false;
  const row = await db
    .selectFrom('commitment_pledges')
    .select(sql<number>`1`.as('one'))
    .where('id', '=', id)
    .where(visibleTo(principal, 'commitment_pledges', PLEDGE_RECORD_KIND))
    .executeTakeFirst();
  return row !== undefined;
}

async function boundPledges(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  const pledges = await findPledges(db, ids);
  const salts = await saltsOf(db, pledges);
  return pledges.map((p) => ({
    id: p.id,
    expectations: [{ kinds: PLEDGE_KINDS, expected: candidates(p.marking, p, pledgeRecord, salts) }],
  }));
}

async function markingsOf(db: Kysely<Database>, pledgeIds: readonly string[]) {
  if (pledgeIds.length === 0) return new Map<string, string>();
  const rows = await db
    .selectFrom('commitment_pledges')
    .select(['id', 'marking'])
    .where('id', 'in', [...new Set(pledgeIds)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.marking]));
}

/** Rows that belong to a pledge: logged under its marking; a missing pledge is a problem. */
async function boundChildren<T extends { id: string; pledgeId: string; recordedBy: string }>(
  db: Kysely<Database>,
  children: readonly T[],
  kind: string,
  record: (child: T, salts: Salts) => { recordedBy: string | null },
): Promise<BoundRow[]> {
  const markings = await markingsOf(
    db,
    children.map((c) => c.pledgeId),
  );
  const salts = await saltsOf(db, children);
  return children.map((c) => {
    const marking = markings.get(c.pledgeId);
    return {
      id: c.id,
      expectations: [
        {
          kinds: [kind],
          ...(marking !== undefined ? { expected: candidates(marking as Marking, c, record, salts) } : {}),
        },
      ],
      ...(marking === undefined ? { problems: [`its pledge ${c.pledgeId} is gone`] } : {}),
    };
  });
}

async function boundRatifications(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  const records = await findRatifications(db, ids);
  const salts = await saltsOf(db, records);
  return records.map((r) => ({
    id: r.id,
    expectations: [
      { kinds: ['ratification.recorded'], expected: candidates(r.marking, r, ratificationRecord, salts) },
    ],
  }));
}

function idsOf(
  table: 'commitment_pledges' | 'commitment_amendments' | 'commitment_deliveries' | 'ratification_records',
) {
  return (db: Kysely<Database>) =>
    pagesById(async (after, limit) => {
      let q = db.selectFrom(table).select('id').orderBy('id').limit(limit);
      if (after !== undefined) q = q.where('id', '>', after);
      return q.execute();
    }, 500);
}

async function childVisible(
  db: Kysely<Database>,
  table: 'commitment_amendments' | 'commitment_deliveries',
  principal: Principal,
  id: string,
): Promise<boolean> {
  const row = await db.selectFrom(table).select('pledge_id').where('id', '=', id).executeTakeFirst();
  return row !== undefined && pledgeVisible(db, principal, row.pledge_id);
}

/** The commitments domain's row bindings, for `ROW_BINDINGS`. */
export const commitmentRowBindings: RowBinding[] = [
  {
    recordKind: PLEDGE_RECORD_KIND,
    table: 'commitment_pledges',
    idFields: Object.fromEntries(PLEDGE_KINDS.map((k) => [k, 'id'])),
    async *rows(db) {
      for await (const page of idsOf('commitment_pledges')(db))
        yield await boundPledges(
          db,
          page.map((r) => r.id),
        );
    },
    visible: pledgeVisible,
    current: async (db, id) => (await boundPledges(db, [id]))[0],
  },
  {
    recordKind: AMENDMENT_RECORD_KIND,
    table: 'commitment_amendments',
    idFields: { 'commitment.amended': 'id' },
    async *rows(db) {
      for await (const page of idsOf('commitment_amendments')(db))
        yield await boundChildren(
          db,
          await findAmendments(
            db,
            page.map((r) => r.id),
          ),
          'commitment.amended',
          amendmentRecord,
        );
    },
    visible: (db, principal, id) => childVisible(db, 'commitment_amendments', principal, id),
    current: async (db, id) =>
      (await boundChildren(db, await findAmendments(db, [id]), 'commitment.amended', amendmentRecord))[0],
  },
  {
    recordKind: DELIVERY_RECORD_KIND,
    table: 'commitment_deliveries',
    idFields: { 'commitment.delivered': 'id' },
    async *rows(db) {
      for await (const page of idsOf('commitment_deliveries')(db))
        yield await boundChildren(
          db,
          await findDeliveries(
            db,
            page.map((r) => r.id),
          ),
          'commitment.delivered',
          deliveryRecord,
        );
    },
    visible: (db, principal, id) => childVisible(db, 'commitment_deliveries', principal, id),
    current: async (db, id) =>
      (await boundChildren(db, await findDeliveries(db, [id]), 'commitment.delivered', deliveryRecord))[0],
  },
  {
    recordKind: RATIFICATION_RECORD_KIND,
    table: 'ratification_records',
    idFields: { 'ratification.recorded': 'id' },
    async *rows(db) {
      for await (const page of idsOf('ratification_records')(db))
        yield await boundRatifications(
          db,
          page.map((r) => r.id),
        );
    },
    async visible(db, principal, id) {
      if (!principal.permissions.has('commitments:read')) return false;
      const row = await db
        .selectFrom('ratification_records')
        .select(sql<number>`1`.as('one'))
        .where('id', '=', id)
        .where(visibleTo(principal, 'ratification_records', RATIFICATION_RECORD_KIND))
        .executeTakeFirst();
      return row !== undefined;
    },
    current: async (db, id) => (await boundRatifications(db, [id]))[0],
  },
];
