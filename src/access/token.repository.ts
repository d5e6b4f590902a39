import type { Executor } from '../db/database.js';
import type { ApiTokenRow } from './access.tables.js';
import type { Permission } from './policy.js';
import { storageFaultOf } from '../db/faults.js';

/** An API token's metadata; the secret itself is never stored, only its hash. */
export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  scopes: Permission[];
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    scopes: JSON.parse(row.scopes) as Permission[],
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
  };
}

export async function insertToken(db: Executor, token: ApiToken, secretHash: string): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      name: token.name,
      secret_hash: secretHash,
      scopes: JSON.stringify(token.scopes),
      expires_at: token.expiresAt,
      revoked_at: null,
      last_used_at: null,
      created_at: token.createdAt,
    })
    .execute();
}

export async function findTokenBySecretHash(db: Executor, secretHash: string): Promise<ApiToken | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('secret_hash', '=', secretHash)
    .executeTakeFirst();
  return row && toApiToken(row);
}

export async function findTokenById(db: Executor, id: string): Promise<ApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toApiToken(row);
}

/** Stored rows of a user's tokens, secret hash included: for the log records of their revocation. */
export async function listTokenRows(db: Executor, filter: { userId: string }): Promise<ApiTokenRow[]> {
  return db.selectFrom('api_tokens').selectAll().where('user_id', '=', filter.userId).orderBy('id').execute();
}

/** One stored row, secret hash included: for the log record of a change. */
export async function findTokenRowById(db: Executor, id: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listTokens(db: Executor, filter: { userId?: string } = {}): Promise<ApiToken[]> {
  let q = db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc');
  if (filter.userId !== undefined) q = q.where('user_id', '=', filter.userId);
  return (await q.execute()).map(toApiToken);
}

/** Revokes one token, or every live token of a user (a new password ends them all). */
export async function markTokensRevoked(
  db: Executor,
  which: { id: string } | { userId: string },
  at: string,
): Promise<void> {
  let q = db.updateTable('api_tokens').set({ revoked_at: at }).where('revoked_at', 'is', null);
  q = 'id' in which ? q.where('id', '=', which.id) : q.where('user_id', '=', which.userId);
  await q.execute();
}

/**
 * Records when a token was last used. Bookkeeping, not part of the answer: when the storage cannot take
 * the write (a full disk, a read-only database), the request that uses the token still goes on, so that
 * reads keep working through a write fault (issue 14, B5).
 */
export async function markTokenUsed(db: Executor, id: string, at: string): Promise<void> {
  try {
    await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
  } catch (err) {
    if (storageFaultOf(err) === undefined) throw err;
  }
}
