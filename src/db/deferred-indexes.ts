import { sql } from 'kysely';
import type { Executor } from './database.js';
import { dialectOf } from './dialect.js';

/** A secondary index dropped for a bulk load, with the statement SQLite stored for it. */
export interface DeferredIndex {
  readonly name: string;
  readonly table: string;
  /** `sqlite_master.sql` as it was: run again, it recreates the index exactly (name, columns, WHERE). */
  readonly sql: string;
  /** Its rows of the planner's statistics (`sqlite_stat1`, `sqlite_stat4`), which DROP INDEX deletes. */
  readonly stats: readonly { table: StatTable; rows: readonly Record<string, unknown>[] }[];
}

/** The statistics tables ANALYZE writes, each with a row per index (`idx`). */
const STAT_TABLES = ['sqlite_stat1', 'sqlite_stat4'] as const;
type StatTable = (typeof STAT_TABLES)[number];

/** The statistics tables this database has (none until someone runs ANALYZE). */
async function statTables(tx: Executor): Promise<StatTable[]> {
  const { rows } = await sql<{ name: string }>`
    select name from sqlite_master where type = 'table' and name in (${sql.join([...STAT_TABLES])})`.execute(
    tx,
  );
  return STAT_TABLES.filter((t) => rows.some((r) => r.name === t));
}

const UNIQUE = /^\s*create\s+unique\s/i;

/**
 * SQLite only (PostgreSQL: none dropped, see docs/monitoring.md): drops the named indexes in the
 * caller's transaction and returns them with their definitions as `sqlite_master` holds them, so
 * {@link recreateIndexes} builds the same indexes again in one pass each before the commit. A
 * rollback restores them with everything else. Unique indexes guard correctness and are never
 * dropped, nor are the ones SQLite makes for constraints (no `sql`); a named index the schema does not
 * have is skipped.
 */
export async function dropIndexesForLoad(tx: Executor, names: readonly string[]): Promise<DeferredIndex[]> {
  if (dialectOf(tx) !== 'sqlite' || names.length === 0) return [];
  const { rows } = await sql<{ name: string; tbl_name: string; sql: string | null }>`
    select name, tbl_name, sql from sqlite_master
    where type = 'index' and name in (${sql.join(names)})
    order by name`.execute(tx);
  const stats = await statTables(tx);
  const dropped: DeferredIndex[] = [];
  for (const row of rows) {
    if (row.sql === null || UNIQUE.test(row.sql)) continue;
    const saved = [];
    for (const table of stats) {
      const kept = await sql<Record<string, unknown>>`
        select * from ${sql.table(table)} where idx = ${row.name}`.execute(tx);
      if (kept.rows.length > 0) saved.push({ table, rows: kept.rows });
    }
    await sql`drop index ${sql.id(row.name)}`.execute(tx);
    dropped.push({ name: row.name, table: row.tbl_name, sql: row.sql, stats: saved });
  }
  return dropped;
}

/**
 * Builds again, from their stored definitions, the indexes {@link dropIndexesForLoad} dropped, and
 * puts back their statistics rows as they were (the planner sees the same numbers as before the load,
 * as it would had they never been dropped).
 */
export async function recreateIndexes(tx: Executor, dropped: readonly DeferredIndex[]): Promise<void> {
  let restoredStats = false;
  for (const index of dropped) {
    await sql.raw(index.sql).execute(tx);
    for (const { table, rows } of index.stats)
      for (const row of rows) {
        const columns = Object.keys(row);
        await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))})
          values (${sql.join(columns.map((c) => row[c]))})`.execute(tx);
        restoredStats = true;
      }
  }
  // The planner reads the statistics when the schema loads: read them again now.
  if (restoredStats) await sql`analyze sqlite_schema`.execute(tx);
}
