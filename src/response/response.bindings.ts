/**
 * How the response domain's rows are bound to their log entries (see `src/ledger/row-binding.ts`):
 * the service logs with `caseRecord` and the decision and inaction records as stored; the audit
 * rebuilds them with the same functions from the rows as stored now.
 */
import { sql, type Kysely } from 'kysely';
import { visibleTo } from '../access/visibility.sql.js';
import type { Principal } from '../access/policy.js';
import type { Database } from '../db/database.js';
import { pagesById, type BoundRow, type RowBinding } from '../ledger/row-binding.js';
import { CASE_RECORD_KIND, decisionFromRow, findCases, inactionFromRow } from './case.repository.js';
import { CASE_MARKING, caseRecord } from './case.service.js';

/** Every event kind that logs a case's whole state. */
export const CASE_KINDS = [
  'case.opened',
  'case.escalated',
  'case.evidence-added',
  'case.held',
  'case.closed',
];

async function boundCases(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  const cases = await findCases(db, ids);
  const rows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('cases')
          .select([
            'id',
            'ladder_id',
            'agreement_version_id',
            'party',
            'opened_at',
            'updated_at',
            'owner_organisation_id',
            'author_user_id',
          ])
          .where('id', 'in', ids)
          .execute();
  const columns = new Map(rows.map((r) => [r.id, r]));
  return cases.map((c) => {
    const r = columns.get(c.id);
    // The columns that repeat the body for queries (and, the owner, for who reads it) must agree with it.
    const agrees =
      r !== undefined &&
      r.ladder_id === c.ladderId &&
      r.agreement_version_id === c.agreementVersionId &&
      r.party === c.party &&
      r.opened_at === c.openedAt &&
      r.updated_at === c.updatedAt &&
      r.owner_organisation_id === c.ownerOrganisationId &&
      r.author_user_id === null;
    return {
      id: c.id,
      expectations: [{ kinds: CASE_KINDS, expected: { marking: c.marking, record: caseRecord(c) } }],
      ...(agrees
        ? {}
        : { problems: ['ladder, version, party, times or owner columns differ from its body'] }),
    };
  });
}

async function caseVisible(db: Kysely<Database>, principal: Principal, id: string): Promise<boolean> {
  if (!principal.permissions.has('cases:read')) return false;
  const row = await db
    .selectFrom('cases')
    .select(sql<number>`1`.as('one'))
    .where('id', '=', id)
    .where(visibleTo(principal, 'cases', CASE_RECORD_KIND))
    .executeTakeFirst();
  return row !== undefined;
}

/** The response domain's row bindings: cases, decisions, inactions. */
export const responseRowBindings: readonly RowBinding[] = [
  {
    recordKind: CASE_RECORD_KIND,
    table: 'cases',
    idFields: Object.fromEntries(CASE_KINDS.map((k) => [k, 'id'])),
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('cases').select('id').orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield await boundCases(
          db,
          page.map((r) => r.id),
        );
    },
    visible: caseVisible,
    current: async (db, id) => (await boundCases(db, [id]))[0],
  },
  {
    recordKind: 'case-decision',
    table: 'case_decisions',
    idFields: { 'case.decision': 'id' },
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('case_decisions').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield page.map((r) => ({
          id: r.id,
          expectations: [
            { kinds: ['case.decision'], expected: { marking: CASE_MARKING, record: decisionFromRow(r) } },
          ],
        }));
    },
    async visible(db, principal, id) {
      const row = await db
        .selectFrom('case_decisions')
        .select('case_id')
        .where('id', '=', id)
        .executeTakeFirst();
      return row !== undefined && caseVisible(db, principal, row.case_id);
    },
    async current(db, id) {
      const r = await db.selectFrom('case_decisions').selectAll().where('id', '=', id).executeTakeFirst();
      return (
        r && {
          id: r.id,
          expectations: [
            { kinds: ['case.decision'], expected: { marking: CASE_MARKING, record: decisionFromRow(r) } },
          ],
        }
      );
    },
  },
  {
    recordKind: 'case-inaction',
    table: 'case_inactions',
    idFields: { 'case.inaction': 'id' },
    async *rows(db) {
      for await (const page of pagesById(async (after, limit) => {
        let q = db.selectFrom('case_inactions').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }, 500))
        yield page.map((r) => ({
          id: r.id,
          expectations: [
            { kinds: ['case.inaction'], expected: { marking: CASE_MARKING, record: inactionFromRow(r) } },
          ],
        }));
    },
    async visible(db, principal, id) {
      const row = await db
        .selectFrom('case_inactions')
        .select('case_id')
        .where('id', '=', id)
        .executeTakeFirst();
      return row !== undefined && caseVisible(db, principal, row.case_id);
    },
    async current(db, id) {
      const r = await db.selectFrom('case_inactions').selectAll().where('id', '=', id).executeTakeFirst();
      return (
        r && {
          id: r.id,
          expectations: [
            { kinds: ['case.inaction'], expected: { marking: CASE_MARKING, record: inactionFromRow(r) } },
          ],
        }
      );
    },
  },
];
