/**
 * An engine-neutral dump of every Truceline table, taken in one read transaction (one snapshot), and
 * its reverse. Rows are written as JSON lines (`{"column": value, …}`, byte strings as
 * `{"$base64": "…"}`), one file per table, so a dump made on SQLite loads into PostgreSQL and back.
 *
 * Why not `VACUUM INTO` / `pg_dump`: one code path for both engines, a format that can be read and
 * hashed part by part, and restores across engines. The snapshot is what the engine gives a single
 * read transaction: SQLite in WAL mode reads one consistent version of the file while writers go on;
 * PostgreSQL runs the transaction REPEATABLE READ (one snapshot for every statement in it).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { once } from 'node:events';
import readline from 'node:readline';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Dialect } from '../db/database.js';

/** Kysely's own bookkeeping: recorded as the list of applied migrations, never dumped as rows. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

/** Rows fetched per round trip from a PostgreSQL cursor. */
const FETCH_ROWS = 2000;

type Row = Record<string, unknown>;
// Tables are found at run time (the dump does not know each domain's row types), so it speaks Kysely<any>.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type AnyDb = Kysely<any>;

/** What a snapshot saw, besides the rows. */
export interface SnapshotInfo {
  /** Migrations applied to the dumped schema, in order. */
  migrations: string[];
  /** Rows per table. */
  counts: Record<string, number>;
  /** Last value handed out by each table's auto-increment counter (never reused after a restore). */
  sequences: Record<string, number>;
  /** The log's state in the snapshot (`log_state`). */
  log: { size: number; rootHash: string };
}

/** A table file written by {@link dumpDatabase}: its name in the backup and its hash. */
export interface DumpedPart {
  table: string;
  file: string;
  sha256: string;
  bytes: number;
}

function encodeValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return { $base64: value.toString('base64') };
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value).toString('base64') };
  if (typeof value === 'bigint') return Number(value);
  return value;
}

function decodeValue(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$base64' in value) {
    return Buffer.from(String(value.$base64), 'base64');
  }
  return value;
}

async function listTables(db: AnyDb | Transaction<Database>, dialect: Dialect): Promise<string[]> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master
          where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`.execute(
          db,
        );
  return rows.rows.map((r) => r.name).filter((name) => !MIGRATION_TABLES.has(name));
}

async function appliedMigrations(db: AnyDb | Transaction<Database>, dialect: Dialect): Promise<string[]> {
  const tables =
    dialect === 'sqlite'
      ? await sql<{
          n: number;
        }>`select count(*) as n from sqlite_master where name = 'kysely_migration'`.execute(db)
      : await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
          where table_schema = current_schema() and table_name = 'kysely_migration'`.execute(db);
  if (Number(tables.rows[0]?.n ?? 0) === 0) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** `table -> column` of every auto-increment (serial) column, PostgreSQL only. */
async function serialColumns(
  db: AnyDb | Transaction<Database>,
): Promise<{ table: string; column: string }[]> {
  const rows = await sql<{
    table: string;
    column: string;
  }>`select table_name as "table", column_name as "column"
      from information_schema.columns
      where table_schema = current_schema() and column_default like 'nextval(%'`.execute(db);
  return rows.rows.filter((r) => !MIGRATION_TABLES.has(r.table));
}

async function readSequences(tx: Transaction<Database>, dialect: Dialect): Promise<Record<string, number>> {
  const sequences: Record<string, number> = {};
  if (dialect === 'sqlite') {
    const exists = await sql<{ n: number }>`select count(*) as n from sqlite_master
        where name = 'sqlite_sequence'`.execute(tx);
    if (Number(exists.rows[0]?.n ?? 0) === 0) return sequences;
    const rows = await sql<{ name: string; seq: number }>`select name, seq from sqlite_sequence`.execute(tx);
    for (const r of rows.rows) if (!MIGRATION_TABLES.has(r.name)) sequences[r.name] = Number(r.seq);
    return sequences;
  }
  for (const { table, column } of await serialColumns(tx)) {
    // Sequences are not transactional: the value may be past the snapshot, which is safe (never reused).
    const rows = await sql<{
      value: number | string;
    }>`select case when s.is_called then s.last_value else 0 end as value
        from ${sql.raw(`${await sequenceName(tx, table, column)}`)} s`.execute(tx);
    sequences[table] = Number(rows.rows[0]?.value ?? 0);
  }
  return sequences;
}

async function sequenceName(
  db: AnyDb | Transaction<Database>,
  table: string,
  column: string,
): Promise<string> {
  const rows = await sql<{
    name: string | null;
  }>`select pg_get_serial_sequence(quote_ident(${table}), ${column}) as name`.execute(db);
  const name = rows.rows[0]?.name;
  if (!name) throw new Error(`no sequence behind ${table}.${column}`);
  return name;
}

/** Streams every row of `table` inside the snapshot transaction. */
async function* tableRows(tx: Transaction<Database>, dialect: Dialect, table: string): AsyncGenerator<Row> {
  if (dialect === 'sqlite') {
    const query = (tx as unknown as AnyDb).selectFrom(table).selectAll();
    for await (const row of query.stream()) yield row;
    return;
  }
  await sql`declare truceline_backup no scroll cursor for select * from ${sql.table(table)}`.execute(tx);
  try {
    for (;;) {
      const batch = await sql<Row>`fetch ${sql.raw(String(FETCH_ROWS))} from truceline_backup`.execute(tx);
      for (const row of batch.rows) yield row;
      if (batch.rows.length < FETCH_ROWS) break;
    }
  } finally {
    await sql`close truceline_backup`.execute(tx);
  }
}

async function writeLines(
  file: string,
  lines: AsyncIterable<string>,
): Promise<{ sha256: string; bytes: number }> {
  const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  try {
    for await (const line of lines) {
      const chunk = Buffer.from(`${line}\n`, 'utf8');
      hash.update(chunk);
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * Dumps every table into `dir/<table>.jsonl` in one read transaction and returns what the snapshot
 * held. `onSnapshot` runs inside the transaction after the log state is read (tests use it to write
 * concurrently while the dump runs).
 */
export async function dumpDatabase(
  db: Kysely<Database>,
  dialect: Dialect,
  dir: string,
  onSnapshot?: () => Promise<void>,
): Promise<{ info: SnapshotInfo; parts: DumpedPart[] }> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Read only: on SQLite it stays a DEFERRED read transaction (connect.ts), a snapshot that holds no
  // lock, so the server beside it goes on writing.
  const readOnly = db.transaction().setAccessMode('read only');
  const builder = dialect === 'postgres' ? readOnly.setIsolationLevel('repeatable read') : readOnly;
  return builder.execute(async (tx) => {
    // The first read fixes the snapshot (SQLite WAL and PostgreSQL REPEATABLE READ alike).
    const state = await sql<{ size: number | string; root_hash: Buffer }>`select size, root_hash
        from log_state where id = 1`.execute(tx);
    const logRow = state.rows[0];
    if (!logRow) throw new Error('the database has no log state: is it a Truceline database?');
    await onSnapshot?.();
    const migrations = await appliedMigrations(tx, dialect);
    const tables = await listTables(tx, dialect);
    const counts: Record<string, number> = {};
    const parts: DumpedPart[] = [];
    for (const table of tables) {
      let count = 0;
      const file = `${table}.jsonl`;
      const lines = async function* () {
        for await (const row of tableRows(tx, dialect, table)) {
          count += 1;
          const encoded: Row = {};
          for (const [key, value] of Object.entries(row)) encoded[key] = encodeValue(value);
          yield JSON.stringify(encoded);
        }
      };
      const { sha256, bytes } = await writeLines(`${dir}/${file}`, lines());
      counts[table] = count;
      parts.push({ table, file, sha256, bytes });
    }
    const sequences = await readSequences(tx, dialect);
    return {
      info: {
        migrations,
        counts,
        sequences,
        log: { size: Number(logRow.size), rootHash: Buffer.from(logRow.root_hash).toString('base64') },
      },
      parts,
    };
  });
}

/** Rows in each table other than the seeded `log_state`; empty means nothing to lose. */
export async function rowCounts(db: Kysely<Database>, dialect: Dialect): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await listTables(db, dialect)) {
    const rows = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    counts[table] = Number(rows.rows[0]?.n ?? 0);
  }
  const state = await sql<{ size: number | string }>`select size from log_state where id = 1`.execute(db);
  // A freshly migrated database holds the empty log's state row and nothing else.
  if (Number(state.rows[0]?.size ?? 0) === 0 && counts.log_state === 1) counts.log_state = 0;
  return counts;
}

/** Parents before children, from the target's foreign keys. */
async function loadOrder(tx: Transaction<Database>, dialect: Dialect, tables: string[]): Promise<string[]> {
  const edges =
    dialect === 'sqlite'
      ? await sql<{ child: string; parent: string }>`select m.name as child, p."table" as parent
          from sqlite_master m join pragma_foreign_key_list(m.name) p where m.type = 'table'`.execute(tx)
      : await sql<{ child: string; parent: string }>`select tc.table_name as child, ccu.table_name as parent
          from information_schema.table_constraints tc
          join information_schema.constraint_column_usage ccu
            on tc.constraint_name = ccu.constraint_name and tc.table_schema = ccu.table_schema
          where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = current_schema()`.execute(tx);
  const parents = new Map<string, Set<string>>();
  for (const { child, parent } of edges.rows) {
    if (child === parent) continue;
    parents.set(child, (parents.get(child) ?? new Set()).add(parent));
  }
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const parent of parents.get(table) ?? []) if (tables.includes(parent)) visit(parent);
    ordered.push(table);
  };
  for (const table of [...tables].sort()) visit(table);
  return ordered;
}

async function* readRows(file: string): AsyncGenerator<Row> {
  const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === '') continue;
    const parsed = JSON.parse(line) as Row;
    const row: Row = {};
    for (const [key, value] of Object.entries(parsed)) row[key] = decodeValue(value);
    yield row;
  }
}

/** Rows inserted per statement (SQLite allows 32,766 parameters; rows have at most ~30 columns). */
const INSERT_ROWS = 200;

async function setSequences(
  tx: Transaction<Database>,
  dialect: Dialect,
  sequences: Record<string, number>,
): Promise<void> {
  if (dialect === 'sqlite') {
    for (const [table, value] of Object.entries(sequences)) {
      const autoincrement = await sql<{ n: number }>`select count(*) as n from sqlite_master
          where type = 'table' and name = ${table} and sql like '%AUTOINCREMENT%'`.execute(tx);
      if (Number(autoincrement.rows[0]?.n ?? 0) === 0) continue;
      const updated =
        await sql`update sqlite_sequence set seq = max(seq, ${value}) where name = ${table}`.execute(tx);
      if (Number(updated.numAffectedRows ?? 0) === 0)
        await sql`insert into sqlite_sequence (name, seq) values (${table}, ${value})`.execute(tx);
    }
    return;
  }
  for (const { table, column } of await serialColumns(tx)) {
    const name = await sequenceName(tx, table, column);
    const recorded = sequences[table] ?? 0;
    await sql`select setval(${name}, greatest(coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0), ${recorded}, 1),
        coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) > 0 or ${recorded} > 0)`.execute(
      tx,
    );
  }
}

/**
 * Replaces every row of the dumped tables with the dump's, in one transaction: on any failure the
 * target keeps what it had. The target's schema must be the dump's (same migrations applied).
 */
export async function loadDatabase(
  db: Kysely<Database>,
  dialect: Dialect,
  dir: string,
  info: SnapshotInfo,
  parts: readonly { table: string; file: string }[],
  /** Runs in the loading transaction once every row is in; if it throws, nothing was loaded. */
  check?: (tx: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const known = new Set(await listTables(db, dialect));
  const missing = parts.filter((p) => !known.has(p.table)).map((p) => p.table);
  if (missing.length > 0) throw new Error(`the target database has no table ${missing.join(', ')}`);
  await db.transaction().execute(async (tx) => {
    const order = await loadOrder(
      tx,
      dialect,
      parts.map((p) => p.table),
    );
    for (const table of [...order].reverse()) await sql`delete from ${sql.table(table)}`.execute(tx);
    const any = tx as unknown as AnyDb;
    for (const table of order) {
      const part = parts.find((p) => p.table === table);
      if (!part) continue;
      let batch: Row[] = [];
      const flush = async () => {
        if (batch.length > 0) await any.insertInto(table).values(batch).execute();
        batch = [];
      };
      for await (const row of readRows(`${dir}/${part.file}`)) {
        batch.push(row);
        if (batch.length >= INSERT_ROWS) await flush();
      }
      await flush();
    }
    await setSequences(tx, dialect, info.sequences);
    if (check) await check(tx);
  });
}
