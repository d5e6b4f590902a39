import crypto from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connect.js';
import type { Dialect } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** Set to a PostgreSQL URL to run every repository and API test on PostgreSQL too (CI always does). */
export const PG_URL = process.env.TRUCELINE_TEST_PG_URL;

/**
 * Key of the advisory lock between test migrations (shared) and test schema drops (exclusive). Kysely's
 * migrator lists the tables of every schema of the database (`has_schema_privilege` on each), so a
 * schema another test file drops meanwhile fails it with "schema t_… does not exist".
 */
const SCHEMA_LOCK_KEY = 0x7363_6865;

async function withSchemaLock<T>(mode: 'shared' | 'exclusive', work: () => Promise<T>): Promise<T> {
  if (PG_URL === undefined) return work();
  const lock = new pg.Client({ connectionString: PG_URL });
  await lock.connect();
  const suffix = mode === 'shared' ? '_shared' : '';
  try {
    await lock.query(`select pg_advisory_lock${suffix}($1)`, [SCHEMA_LOCK_KEY]);
    return await work();
  } finally {
    await lock.end(); // the session's end gives the lock back
  }
}

/** Runs `work`, which migrates a PostgreSQL test schema, while no test schema is being dropped. */
export const whileMigrating = <T>(work: () => Promise<T>): Promise<T> => withSchemaLock('shared', work);

/** Drops a PostgreSQL test schema while no test migration runs. */
export async function dropTestSchema(schema: string): Promise<void> {
  await withSchemaLock('exclusive', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await c.end();
    }
  });
}

/**
 * A fresh, migrated, empty database of the given dialect; `drop()` removes it. SQLite lives in memory
 * unless `sqliteFile` names a file (WAL, as deployed: for tests with a second connection).
 */
export async function freshDatabase(
  dialect: Dialect,
  options: { sqliteFile?: string } = {},
): Promise<Db & { drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const db = await openDatabase(`sqlite:${options.sqliteFile ?? ':memory:'}`);
    await migrateToLatest(db.db);
    return { ...db, drop: () => db.close() };
  }
  if (PG_URL === undefined) throw new Error('TRUCELINE_TEST_PG_URL is not set');
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const db = await openDatabase(PG_URL, { schema, poolSize: 4 });
  await whileMigrating(() => migrateToLatest(db.db, { schema }));
  return {
    ...db,
    drop: async () => {
      await db.close();
      await dropTestSchema(schema);
    },
  };
}

/**
 * Runs the same test body on every engine: SQLite always, PostgreSQL when TRUCELINE_TEST_PG_URL is set
 * (reported as skipped otherwise), the way Kysely's own suite loops over dialects.
 */
export function describeEachDialect(name: string, body: (dialect: Dialect) => void): void {
  describe(`${name} [sqlite]`, () => body('sqlite'));
  describe.skipIf(PG_URL === undefined)(`${name} [postgres]`, () => body('postgres'));
}
