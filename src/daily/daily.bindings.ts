/**
 * How stored editions are bound to their log entries (see `src/ledger/row-binding.ts`): the service
 * logs `editionRecord` and the audit rebuilds it from the row with the same function.
 */
import { sql, type Kysely } from 'kysely';
import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Database } from '../db/database.js';
import { pagesById, type BoundRow, type RowBinding } from '../ledger/row-binding.js';
import { EDITION_PUBLISHED, EDITION_RECORD_KIND, editionRecord } from './daily.model.js';
import { findEditions } from './daily.repository.js';

async function bound(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  return (await findEditions(db, ids))
    .sort((a, b) => (a.sha256 < b.sha256 ? -1 : 1))
    .map((e) => ({
      id: e.sha256,
      expectations: [
        { kinds: [EDITION_PUBLISHED], expected: { marking: e.marking, record: editionRecord(e) } },
      ],
    }));
}

/** The daily report domain's row bindings, for `ROW_BINDINGS`. */
export const dailyRowBindings: RowBinding[] = [
  {
    recordKind: EDITION_RECORD_KIND,
    table: 'daily_report_editions',
    idFields: { [EDITION_PUBLISHED]: 'sha256' },
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('daily_report_editions').select('id').orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield await bound(
          db,
          page.map((r) => r.id),
        );
    },
    async visible(db: Kysely<Database>, principal: Principal, id: string) {
      const row = await db
        .selectFrom('daily_report_editions')
        .select(sql<number>`1`.as('one'))
        .where('id', '=', id)
        .where(visibleTo(principal, 'daily_report_editions', EDITION_RECORD_KIND))
        .executeTakeFirst();
      return row !== undefined;
    },
    current: async (db, id) => (await bound(db, [id]))[0],
  },
];
