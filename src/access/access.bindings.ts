/**
 * How organisations, users and tokens are bound to their log entries (see `src/ledger/row-binding.ts`):
 * the audit rebuilds each row's record with the builder the service logged it with.
 */
import type { RowBinding } from '../ledger/row-binding.js';
import { pagesById } from '../ledger/row-binding.js';
import {
  organisationLogRecord,
  ORGANISATION_RECORD_KIND,
  tokenLogRecord,
  TOKEN_RECORD_KIND,
  userLogRecord,
  USER_RECORD_KIND,
  withoutCreatedAt,
} from './access.log-records.js';
import type { Marking } from './marking.js';
import type { ApiTokenRow, UserRow } from './access.tables.js';
import { ACCOUNT_RECORD_MARKING } from './marking.js';
import { toApiToken } from './token.repository.js';
import { toUser } from './user.repository.js';

const organisationKinds = ['organisation.created', 'organisation.renamed'];
const userKinds = ['user.created', 'user.updated'];
const tokenKinds = ['token.created', 'token.revoked'];

/** The record as logged now, or (an entry written before `createdAt` was logged) without it. */
function shapes(marking: Marking, record: { createdAt: string }) {
  return [
    { marking, record },
    { marking, record: withoutCreatedAt(record) },
  ];
}

function boundOrganisation(row: { id: string; name: string; kind: string; created_at: string }) {
  const record = organisationLogRecord({ ...row, createdAt: row.created_at });
  return { id: row.id, expectations: [{ kinds: organisationKinds, expected: shapes('CLEAR', record) }] };
}

function boundUser(row: UserRow) {
  const record = userLogRecord(toUser(row), row.password_hash);
  return {
    id: row.id,
    expectations: [{ kinds: userKinds, expected: shapes(ACCOUNT_RECORD_MARKING, record) }],
  };
}

function boundToken(row: ApiTokenRow) {
  const record = tokenLogRecord(toApiToken(row), row.secret_hash);
  return {
    id: row.id,
    expectations: [{ kinds: tokenKinds, expected: shapes(ACCOUNT_RECORD_MARKING, record) }],
  };
}

/** The access domain's row bindings. */
export const accessRowBindings: readonly RowBinding[] = [
  {
    recordKind: ORGANISATION_RECORD_KIND,
    table: 'organisations',
    idFields: { 'organisation.created': 'id', 'organisation.renamed': 'id' },
    async *rows(db) {
      for await (const page of pagesById((after, limit) => {
        let q = db
          .selectFrom('organisations')
          .select(['id', 'name', 'kind', 'created_at'])
          .orderBy('id')
          .limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }))
        yield page.map(boundOrganisation);
    },
    // Who takes part is public.
    visible: async (db, _principal, id) =>
      (await db.selectFrom('organisations').select('id').where('id', '=', id).executeTakeFirst()) !==
      undefined,
    async current(db, id) {
      const row = await db
        .selectFrom('organisations')
        .select(['id', 'name', 'kind', 'created_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row && boundOrganisation(row);
    },
  },
  {
    recordKind: USER_RECORD_KIND,
    table: 'users',
    // grading.ceiling-set is logged under the user's id too; it binds another table (not yet audited).
    idFields: { 'user.created': 'id', 'user.updated': 'id', 'grading.ceiling-set': 'userId' },
    async *rows(db) {
      for await (const page of pagesById((after, limit) => {
        let q = db.selectFrom('users').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }))
        yield page.map(boundUser);
    },
    // A user sees their own account; user administrators see every account.
    visible: async (db, principal, id) =>
      (principal.userId === id || principal.permissions.has('users:manage')) &&
      (await db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,
    async current(db, id) {
      const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && boundUser(row);
    },
  },
  {
    recordKind: TOKEN_RECORD_KIND,
    table: 'api_tokens',
    idFields: { 'token.created': 'id', 'token.revoked': 'id' },
    async *rows(db) {
      for await (const page of pagesById((after, limit) => {
        let q = db.selectFrom('api_tokens').selectAll().orderBy('id').limit(limit);
        if (after !== undefined) q = q.where('id', '>', after);
        return q.execute();
      }))
        yield page.map(boundToken);
    },
    // A token's owner sees it; so does whoever manages every token.
    async visible(db, principal, id) {
      const row = await db.selectFrom('api_tokens').select('user_id').where('id', '=', id).executeTakeFirst();
      return (
        row !== undefined &&
        (row.user_id === principal.userId || principal.permissions.has('tokens:manage-all'))
      );
    },
    async current(db, id) {
      const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
      return row && boundToken(row);
    },
  },
];
