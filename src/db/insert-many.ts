import { CompiledQuery } from 'kysely';
import type { Executor } from './database.js';
import { dialectOf } from './dialect.js';

/** Parameters per statement: under SQLite's 32,766 and PostgreSQL's 65,535 limits. */
const MAX_PARAMETERS = 30_000;
/** Rows per statement: beyond a few hundred, statement preparation costs more than it saves. */
const MAX_ROWS = 500;

const statements = new Map<string, string>();

function statement(
  postgres: boolean,
  table: string,
  columns: readonly string[],
  rows: number,
  returning?: string,
): string {
  const key = `${postgres ? 'pg' : 'lite'}|${table}|${columns.join(',')}|${rows}|${returning ?? ''}`;
  let text = statements.get(key);
  if (text === undefined) {
    const groups: string[] = [];
    let n = 0;
    for (let r = 0; r < rows; r++) {
      const marks = columns.map(() => (postgres ? `$${++n}` : '?'));
      groups.push(`(${marks.join(',')})`);
    }
    text = `insert into ${table} (${columns.join(',')}) values ${groups.join(',')}${returning ? ` returning ${returning}` : ''}`;
    if (statements.size > 200) statements.clear();
    statements.set(key, text);
  }
  return text;
}

/** The statements of a multi-row insert: rows per statement kept under the engines' parameter limits. */
function* statementsFor(
  postgres: boolean,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  returning?: string,
): Generator<{ query: CompiledQuery; rows: number }> {
  const per = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / columns.length)));
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const params: unknown[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    yield {
      query: CompiledQuery.raw(statement(postgres, table, columns, chunk.length, returning), params),
      rows: chunk.length,
    };
  }
}

/**
 * Multi-row INSERT of prepared value tuples, chunked under the engines' parameter limits. Used by
 * bulk paths where building each statement with the query builder would cost more than the insert.
 * Table and column names are compile-time constants of the calling repository, never input.
 */
export async function insertMany(
  db: Executor,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  returning?: string,
): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const { query } of statementsFor(dialectOf(db) === 'postgres', table, columns, rows, returning)) {
    const result = await db.executeQuery(query);
    if (returning !== undefined) out.push(...result.rows);
  }
  return out;
}
