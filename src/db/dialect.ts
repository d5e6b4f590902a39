import { PostgresAdapter, type Kysely } from 'kysely';
import type { Dialect } from './database.js';

/** Which engine a Kysely handle talks to; migrations use it for the few types that differ. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any> on purpose
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Column types that differ between the engines. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export function columnTypes(db: Kysely<any>) {
  const pg = dialectOf(db) === 'postgres';
  return {
    blob: pg ? ('bytea' as const) : ('blob' as const),
    bigint: pg ? ('bigint' as const) : ('integer' as const),
    /** Auto-incrementing integer primary key. */
    serial: pg ? ('bigserial' as const) : ('integer' as const),
  };
}
