import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import type { Database, Dialect } from './database.js';
import { WalSync, type DeferredSync } from './deferred-sync.js';

/** A connected database and what it runs on. */
export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where it lives, with any password removed, for messages and logs. */
  description: string;
  /**
   * Commits whose fsync runs off the event loop (SQLite files only: their commits otherwise fsync on
   * it); undefined where a commit does not hold up the process (PostgreSQL, SQLite in memory).
   */
  deferredSync?: DeferredSync;
  close(): Promise<void>;
  /**
   * PostgreSQL only: a new connection outside the pool, as the pool's are made (same server, same
   * schema), for a session held open to LISTEN (`EventRelay`). Not yet connected; the caller ends it.
   */
  newClient?: () => pg.Client;
  /** PostgreSQL only: the schema the connections use when not the default (tests). */
  schema?: string;
}

/** Raised when the configured database cannot be opened; the message names the cause. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

// 64-bit integers come back as JS numbers; every count and index we store is a safe integer.
pg.types.setTypeParser(20, (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`integer ${value} is beyond 2^53`);
  return n;
});

/**
 * The pool clients of this process's open PostgreSQL sessions, by database and backend process id: a
 * bulk write finds the client behind its Kysely transaction here to stream COPY on that same session
 * (see `copy-rows.ts`). Kysely keeps the client private; the session names itself by
 * `pg_backend_pid()`.
 */
const sessions = new Map<string, pg.ClientBase>();

const sessionKey = (database: string, pid: number) => `${database}\u0000${pid}`;

function registerSession(client: pg.PoolClient): void {
  const pid = (client as unknown as { processID: number | null }).processID;
  if (pid === null || client.database === undefined) return;
  const key = sessionKey(client.database, pid);
  sessions.set(key, client);
  client.once('end', () => sessions.delete(key));
}

/** The pool client of the session with this backend pid on `database`, if this process holds it. */
export function pgSessionClient(database: string, pid: number): pg.ClientBase | undefined {
  return sessions.get(sessionKey(database, pid));
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function sqlitePath(url: string): string {
  const rest = url.slice('sqlite:'.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

function ensureWritableDirectory(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.write-probe-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new DatabaseUnavailableError(
      `data directory ${dir} is not writable (${code}); set TRUCELINE_DATA_DIR or DATABASE_URL to a writable place`,
    );
  }
}

/**
 * Page size of a new SQLite database (an existing one keeps its own): a stored report row is about
 * 2 KB, so a 4 KiB page held one, 41 % of it empty; an 8 KiB page holds three. On a 30 k-report
 * import, 25 % fewer bytes written (docs/monitoring.md).
 */
export const SQLITE_PAGE_SIZE = 8192;

/** How long a SQLite connection waits for another writer's lock by default (the server's requests). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

function openSqlite(url: string, busyTimeoutMs: number): Db {
  const file = sqlitePath(url);
  const inMemory = file === ':memory:' || file === '';
  if (!inMemory) ensureWritableDirectory(path.dirname(path.resolve(file)));
  let handle: SqliteDatabase.Database;
  try {
    handle = new SqliteDatabase(inMemory ? ':memory:' : file);
    handle.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
    if (!inMemory) handle.pragma('journal_mode = WAL');
    // A file's commits are made durable by its WalSync, off the event loop (deferred-sync.ts).
    handle.pragma(inMemory ? 'synchronous = FULL' : 'synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
    handle.pragma(`busy_timeout = ${busyTimeoutMs}`);
  } catch (err) {
    throw new DatabaseUnavailableError(`cannot open SQLite database ${file}: ${(err as Error).message}`);
  }
  const statements = withStatementCache(handle);
  const wal = inMemory ? undefined : new WalSync(`${path.resolve(file)}-wal`);
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: statements }, wal && { handle, statements, wal }),
  });
  return {
    db,
    dialect: 'sqlite',
    description: inMemory ? 'sqlite::memory:' : `sqlite:${file}`,
    ...(wal !== undefined ? { deferredSync: wal.deferred(db) } : {}),
    close: async () => {
      await db.destroy();
      await wal?.close();
    },
  };
}

/** What a SQLite file's connection needs to make each commit durable (see {@link durableConnection}). */
interface Durability {
  handle: SqliteDatabase.Database;
  statements: ReturnType<typeof withStatementCache>;
  wal: WalSync;
}

/**
 * The connection of a SQLite file whose statements that commit (a COMMIT, or a write outside a
 * transaction) return only once the WAL is fdatasynced (`WalSync`, on the thread pool): Kysely holds
 * the one connection until then, so nothing in this process reads a commit before it is on disk.
 */
function durableConnection(connection: DatabaseConnection, d: Durability): DatabaseConnection {
  return {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const inTransaction = d.handle.inTransaction;
      const result = await connection.executeQuery<R>(query);
      if (!d.handle.inTransaction && query.sql !== 'rollback') {
        // Ended a transaction, or wrote outside one (the statement is the cached one just run).
        if (inTransaction || !d.statements.prepare(query.sql).readonly) await d.wal.afterCommit();
      }
      return result;
    },
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}

/** What Kysely's driver runs for a ROLLBACK when SQLite already rolled the transaction back. */
const NOTHING_TO_ROLL_BACK = {
  reader: false,
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
} as unknown as SqliteDatabase.Statement;

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running a short
 * insert. The same SQL text always gets the same prepared statement here (most recently used kept).
 * SQLite has one connection and Kysely a mutex over it, so a statement is never run twice at once.
 */
/**
 * SQLite with write transactions begun IMMEDIATE: the write lock is taken (waiting up to the busy
 * timeout) at BEGIN. Kysely begins DEFERRED, so a transaction that read first and writes later fails
 * at once with "database is locked" when another process (the server beside a CLI import, say)
 * committed in between: a stale snapshot cannot be upgraded, and SQLite does not wait for it.
 * A transaction begun read only (`setAccessMode('read only')`, the database audit) stays DEFERRED:
 * a read snapshot that holds no lock.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    config: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly durability?: Durability,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const durability = this.durability;
    if (durability !== undefined) {
      const acquire = driver.acquireConnection.bind(driver);
      let durable: DatabaseConnection | undefined;
      driver.acquireConnection = async () => {
        // Acquired every time (that takes Kysely's lock on the one connection), wrapped once.
        const connection = await acquire();
        return (durable ??= durableConnection(connection, durability));
      };
    }
    const deferred = driver.beginTransaction.bind(driver);
    driver.beginTransaction = async (connection, settings) => {
      if (settings.accessMode === 'read only') return deferred(connection, settings);
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

function withStatementCache(handle: SqliteDatabase.Database, capacity = 512) {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => handle.close(),
    prepare(text: string): SqliteDatabase.Statement {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, …); Kysely's
      // ROLLBACK then fails with "no transaction is active" and hides the error that mattered (a full
      // disk became a 500). With no transaction open, ROLLBACK has nothing to do.
      if (text === 'rollback' && !handle.inTransaction) return NOTHING_TO_ROLL_BACK;
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text); // re-inserted below: the Map's order is the recency order
      } else {
        statement = handle.prepare(text);
        if (cache.size >= capacity) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

async function openPostgres(url: string, poolSize: number, schema?: string): Promise<Db> {
  const settings = {
    connectionString: url,
    connectionTimeoutMillis: 5000,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  };
  const pool = new pg.Pool({ ...settings, max: poolSize });
  // A client that loses its server must not crash the process; the next query on it reports it (and
  // the pool then drops it). The pool's own listener covers idle clients; this one covers clients that
  // are checked out but between queries, like the sequencer's long-held connection.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    registerSession(client);
  });
  const description = redact(url);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end();
    const e = err as NodeJS.ErrnoException;
    throw new DatabaseUnavailableError(
      `cannot reach PostgreSQL at ${description}: ${e.code ?? ''} ${e.message}`.trim(),
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: 'postgres',
    description,
    close: () => db.destroy(),
    // Keepalive: a held session whose server vanished (the network dropped it) is noticed.
    newClient: () => new pg.Client({ ...settings, keepAlive: true }),
    ...(schema !== undefined ? { schema } : {}),
  };
}

/**
 * Opens the database named by a `DATABASE_URL`: `sqlite:PATH`, `sqlite::memory:`, or `postgres://…`.
 * Throws DatabaseUnavailableError with the cause when it cannot.
 */
export async function openDatabase(
  url: string,
  options: {
    poolSize?: number;
    /** PostgreSQL schema to use (tests isolate themselves this way). */ schema?: string;
    /**
     * SQLite: how long to wait for another writer's lock before failing with "database is busy"
     * (default {@link SQLITE_BUSY_TIMEOUT_MS}; a CLI command beside a running server waits longer).
     */
    busyTimeoutMs?: number;
  } = {},
): Promise<Db> {
  if (url.startsWith('sqlite:')) return openSqlite(url, options.busyTimeoutMs ?? SQLITE_BUSY_TIMEOUT_MS);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return openPostgres(url, options.poolSize ?? 10, options.schema);
  }
  throw new DatabaseUnavailableError(
    `DATABASE_URL ${redact(url)}: unsupported scheme (use sqlite:PATH or postgres://USER@HOST/DB)`,
  );
}

/** Checks the connection answers; used by /readyz. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
