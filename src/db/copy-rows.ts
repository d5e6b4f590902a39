import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CompiledQuery } from 'kysely';
import { from as copyFrom } from 'pg-copy-streams';
import type { Executor } from './database.js';
import { pgSessionClient } from './connect.js';
import { dialectOf } from './dialect.js';
import { insertMany } from './insert-many.js';

/**
 * Rows from which a PostgreSQL bulk write streams COPY rather than multi-row INSERTs: below it the
 * extra round trip (finding the session) costs more than it saves.
 */
export const COPY_MIN_ROWS = 100;

/** Rows per chunk of COPY text handed to the socket. */
const ROWS_PER_CHUNK = 500;

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escapeText(s: string): string {
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c] ?? c) : s;
}

/**
 * One value in COPY's text format, as `pg` would bind it as a parameter: null as `\N`, bytes as a
 * bytea hex literal, numbers and bigints as their decimal text, other objects as JSON.
 */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return escapeText(value);
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Uint8Array)
    return `\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return escapeText(JSON.stringify(value));
}

function* copyText(rows: readonly (readonly unknown[])[]): Generator<string> {
  for (let i = 0; i < rows.length; i += ROWS_PER_CHUNK) {
    let text = '';
    const end = Math.min(rows.length, i + ROWS_PER_CHUNK);
    for (let r = i; r < end; r++) text += `${(rows[r] ?? []).map(copyField).join('\t')}\n`;
    yield text;
  }
}

/**
 * Inserts rows as {@link insertMany} does, but on PostgreSQL, inside a transaction and from
 * {@link COPY_MIN_ROWS} rows, streams them with `COPY … FROM STDIN` on the transaction's own session:
 * one statement, no parameter limit, no per-statement planning. The rows are in the transaction like
 * any other write (a rollback removes them; an error aborts it). Elsewhere — SQLite, few rows, outside
 * a transaction, or a session this process cannot see (a pooler in between) — it is `insertMany`.
 * Table and column names are compile-time constants of the calling repository, never input.
 * Returns which way the rows went.
 */
export async function copyRows(
  db: Executor,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): Promise<'copy' | 'insert'> {
  if (rows.length < COPY_MIN_ROWS || !db.isTransaction || dialectOf(db) !== 'postgres') {
    await insertMany(db, table, columns, rows);
    return 'insert';
  }
  const { rows: found } = await db.executeQuery<{ database: string; pid: number }>(
    CompiledQuery.raw('select current_database() as database, pg_backend_pid() as pid'),
  );
  const session = found[0];
  const client = session === undefined ? undefined : pgSessionClient(session.database, Number(session.pid));
  if (client === undefined) {
    await insertMany(db, table, columns, rows);
    return 'insert';
  }
  const copy = client.query(copyFrom(`copy ${table} (${columns.join(',')}) from stdin`));
  await pipeline(Readable.from(copyText(rows)), copy);
  return 'copy';
}
