import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * PostgreSQL only: sends `payloads` on `channel`, in order. Several go in one transaction, which
 * PostgreSQL delivers to every listener together, in order, and not interleaved with other
 * transactions' notifications.
 */
export async function notifyAll(
  db: Kysely<Database>,
  channel: string,
  payloads: readonly string[],
): Promise<void> {
  if (payloads.length === 1) {
    await sql`select pg_notify(${channel}, ${payloads[0]})`.execute(db);
    return;
  }
  await db.transaction().execute(async (tx) => {
    for (const payload of payloads) await sql`select pg_notify(${channel}, ${payload})`.execute(tx);
  });
}
