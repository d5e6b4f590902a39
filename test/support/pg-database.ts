/**
 * A PostgreSQL database of its own, for what cannot be given a schema (other processes, the
 * benchmarks). No vitest here: the benchmarks import it.
 */
import pg from 'pg';

/** A fresh PostgreSQL database `name` beside the one `url` names (same server and role); `drop()` removes it. */
export async function createPgDatabase(
  url: string,
  name: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
