import { sql } from 'kysely';
import type { Executor } from './database.js';

/**
 * PostgreSQL only: takes the session-level advisory lock `key` if free. Session-level: `conn` must be
 * one connection kept until `advisoryUnlock`; if its session ends (the process died, the network
 * dropped it) the lock frees by itself.
 */
export async function tryAdvisoryLock(conn: Executor, key: number): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(
    conn,
  );
  return Boolean(rows[0]?.locked);
}

/** PostgreSQL only: gives the lock back (on the connection that took it). */
export async function advisoryUnlock(conn: Executor, key: number): Promise<void> {
  await sql`select pg_advisory_unlock(${key})`.execute(conn);
}

/** PostgreSQL only: whether the session behind `conn` still answers. */
export async function stillConnected(conn: Executor): Promise<void> {
  await sql`select 1`.execute(conn);
}
