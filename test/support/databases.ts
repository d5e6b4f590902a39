import crypto from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { openDatabase, type Db } from '../../src/db/connect.js';
import type { Dialect } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

/** Set to a PostgreSQL URL to run every repository and API test on PostgreSQL too (CI always does). */
export const PG_URL = process.env.TRUCELINE_TEST_PG_URL;

/** A fresh, migrated, empty database of the given dialect; `drop()` removes it. */
export async function freshDatabase(dialect: Dialect): Promise<Db & { drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const db = await openDatabase('sqlite::memory:');
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
  await migrateToLatest(db.db, { schema });
  return {
    ...db,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
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
