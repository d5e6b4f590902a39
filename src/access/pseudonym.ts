/**
 * Naming a user in a logged record without naming them (no user ids in the log): the pseudonym
 * hex(SHA-256(s ‖ recordId)), `s` the salt of the user's `user.created` entry in `log_commitments`.
 * It links no two records, tells nothing without that salt (the user and user administrators get it
 * through the salts API), and the database audit, which reads the salts, recomputes it.
 */
import crypto from 'node:crypto';
import type { Executor } from '../db/database.js';
import { USER_RECORD_KIND } from './access.log-records.js';

/**
 * The pseudonym of a user with no salted `user.created` entry (an account an early release logged in
 * full): it cannot be attributed without naming the user.
 */
export const UNATTRIBUTABLE = 'unattributable';

/**
 * The pseudonym of `userId` in the record `recordId`; null for no user (the console, the public).
 *
 * @param userSalts salts of `user.created` entries by user id ({@link findUserSalts})
 */
export function userPseudonym(
  userId: string | null,
  recordId: string,
  userSalts: ReadonlyMap<string, Buffer>,
): string | null {
  if (userId === null) return null;
  const salt = userSalts.get(userId);
  if (salt === undefined) return UNATTRIBUTABLE;
  return crypto.createHash('sha256').update(salt).update(recordId, 'utf8').digest('hex');
}

const USER_CREATED = 'user.created';

/**
 * The salts of the `user.created` entries of these users (integrated or still queued), by user id:
 * what {@link userPseudonym} hashes. A user whose account was logged in full has none.
 */
export async function findUserSalts(
  db: Executor,
  userIds: readonly (string | null)[],
): Promise<Map<string, Buffer>> {
  const ids = [...new Set(userIds.filter((id): id is string => id !== null))];
  const salts = new Map<string, Buffer>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('log_commitments as c')
      .leftJoin('log_entries as e', 'e.queue_seq', 'c.queue_seq')
      .leftJoin('log_queue as q', 'q.seq', 'c.queue_seq')
      .select(['c.record_id', 'c.salt'])
      .where('c.record_kind', '=', USER_RECORD_KIND)
      .where('c.record_id', 'in', ids.slice(i, i + 500))
      .where((eb) => eb.or([eb('e.kind', '=', USER_CREATED), eb('q.kind', '=', USER_CREATED)]))
      .execute();
    for (const r of rows) salts.set(r.record_id, Buffer.from(r.salt));
  }
  return salts;
}
