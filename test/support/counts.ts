import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { TestApp } from './app.js';

/**
 * The row count of every table and the log size, once the log has integrated everything queued.
 * The app's own integration loop may hold the queue when the test asks (`integrateOnce` then answers
 * 0 with entries still queued), so this waits until the queue is empty: counts taken mid-integration
 * would report a write that an earlier request made as one of the next.
 */
export async function tableCounts(t: TestApp): Promise<Record<string, number>> {
  const db = t.services.database.db;
  const count = async (name: string) => {
    const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(name)}`.execute(
      db,
    );
    return Number(rows[0]?.n ?? 0);
  };
  for (let tries = 0; ; tries++) {
    while ((await t.services.ledger.integrateOnce()) > 0);
    if ((await count('log_queue')) === 0 || tries > 100) break;
    await sleep(20);
  }
  const counts: Record<string, number> = { 'log size': t.services.ledger.reader.size };
  // The test's own tables only: on PostgreSQL other tests' schemas come and go beside this one.
  const { rows: tables } = await (
    t.services.database.dialect === 'postgres'
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table'`
  ).execute(db);
  for (const { name } of tables) counts[name] = await count(name);
  return counts;
}
