/**
 * The SQLite ceiling for the reports table on this machine: rows written by better-sqlite3 directly,
 * with no Truceline code at all (no Kysely, parsing, validation, classification, JSON or log), into a
 * fresh file database with the table's own columns and indexes, in one durable transaction (WAL,
 * synchronous FULL, 8 KiB pages and the bulk import's page cache, as Truceline's own database).
 * Whatever the import does, it also writes these rows, so its rate cannot exceed these figures.
 *
 * The rows are the import's own stored rows with a unique id, external id and log number each, and
 * the JSON body cut to a fixed size (300 bytes, about an eighth of a real report's), so the figure is
 * the engine's, not our body's. Three ways of keeping the indexes:
 * - `maintained`: the table as it is, every index updated row by row (what any insert into a table
 *   already in use does);
 * - `after`: the secondary indexes dropped before the load and built again after it, in the same
 *   transaction (the fastest way SQLite offers to load an empty table);
 * - `none`: the primary key only, no secondary index (the table would then not answer its queries).
 */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
// Only Truceline's settings, so the ceiling runs under the same pragmas as the import.
import { SQLITE_PAGE_SIZE } from '../src/db/connect.js';
import { BULK_CACHE_KIB } from '../src/monitoring/report.repository.js';

export interface CeilingRun {
  indexes: 'maintained' | 'after' | 'none';
  rows: number;
  rowsPerSecond: number;
  /** Time of the inserts, of building the indexes (only `after`), and of the commit, ms. */
  insertMs: number;
  indexMs: number;
  commitMs: number;
}

const ROWS_PER_STATEMENT = 50;

/**
 * Writes `rows` rows shaped like `templates` (the reports table's rows, column → value) into a fresh
 * database in `dir` whose schema is `ddl` (the CREATE TABLE and CREATE INDEX statements), once per way
 * of keeping the indexes.
 */
export function sqliteCeiling(
  dir: string,
  ddl: { type: string; sql: string }[],
  templates: Record<string, unknown>[],
  rows: number,
  bodyBytes = 300,
): CeilingRun[] {
  const first = templates[0];
  if (first === undefined) throw new Error('the ceiling needs at least one stored row as a template');
  const columns = Object.keys(first);
  const body = 'x'.repeat(bodyBytes);
  const at = (name: string) => columns.indexOf(name);
  const [id, externalId, logSeq, bodyAt] = [at('id'), at('external_id'), at('log_seq'), at('body')];
  const runs: CeilingRun[] = [];
  for (const indexes of ['maintained', 'after', 'none'] as const) {
    const file = path.join(dir, `ceiling-${indexes}.db`);
    const db = new SqliteDatabase(file);
    try {
      db.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma(`cache_size = -${BULK_CACHE_KIB}`);
      const table = ddl.filter((d) => d.type === 'table');
      const secondary = ddl.filter((d) => d.type === 'index');
      for (const d of table) db.exec(d.sql);
      if (indexes === 'maintained') for (const d of secondary) db.exec(d.sql);
      const marks = `(${columns.map(() => '?').join(',')})`;
      const insert = db.prepare(
        `insert into reports (${columns.join(',')}) values ${Array<string>(ROWS_PER_STATEMENT).fill(marks).join(',')}`,
      );
      const params = new Array<unknown>(columns.length * ROWS_PER_STATEMENT);
      const started = performance.now();
      db.exec('begin');
      for (let i = 0; i + ROWS_PER_STATEMENT <= rows; i += ROWS_PER_STATEMENT) {
        for (let k = 0; k < ROWS_PER_STATEMENT; k += 1) {
          const n = i + k;
          const template = templates[n % templates.length] ?? first;
          const o = k * columns.length;
          for (let c = 0; c < columns.length; c += 1) params[o + c] = template[columns[c] ?? ''];
          // Time-ordered unique ids, as the import's UUIDv7 are.
          params[o + id] = `${n.toString(16).padStart(12, '0')}-0000-7000-8000-000000000000`;
          params[o + externalId] = `ceiling-${n}`;
          params[o + logSeq] = n;
          params[o + bodyAt] = body;
        }
        insert.run(params);
      }
      const inserted = performance.now();
      if (indexes === 'after') for (const d of secondary) db.exec(d.sql);
      const indexed = performance.now();
      db.exec('commit');
      const committed = performance.now();
      const written = rows - (rows % ROWS_PER_STATEMENT);
      runs.push({
        indexes,
        rows: written,
        rowsPerSecond: (written / (committed - started)) * 1000,
        insertMs: inserted - started,
        indexMs: indexed - inserted,
        commitMs: committed - indexed,
      });
    } finally {
      db.close();
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    }
  }
  return runs;
}
