import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from './connect.js';
import type { Executor } from './database.js';
import { dropIndexesForLoad, recreateIndexes } from './deferred-indexes.js';

let database: Db;
beforeEach(async () => {
  database = await openDatabase('sqlite::memory:');
  await sql`create table things (id text primary key, code text unique, a integer, b text)`.execute(
    database.db,
  );
  await sql`create index things_a on things (a, b)`.execute(database.db);
  await sql`create index things_b_set on things (b) where b is not null`.execute(database.db);
  await sql`create unique index things_b_a on things (b, a)`.execute(database.db);
  for (let i = 0; i < 200; i += 1)
    await sql`insert into things values (${`t${i}`}, ${`c${i}`}, ${i % 13}, ${i % 3 === 0 ? null : `b${i}`})`.execute(
      database.db,
    );
});
afterEach(async () => {
  await database.close();
});

const schemaOf = async (db: Executor) =>
  (
    await sql<{ name: string; sql: string | null }>`
      select name, sql from sqlite_master where type = 'index' order by name`.execute(db)
  ).rows;

const statsOf = async (db: Executor) =>
  (await sql<Record<string, unknown>>`select * from sqlite_stat1 order by idx`.execute(db)).rows;

it('drops the named secondary indexes and builds them again exactly, statistics included', async () => {
  await sql`analyze`.execute(database.db);
  const schema = await schemaOf(database.db);
  const stats = await statsOf(database.db);
  await database.db.transaction().execute(async (tx) => {
    const dropped = await dropIndexesForLoad(tx, ['things_a', 'things_b_set', 'things_b_a', 'no_such']);
    // The unique index guards correctness and stays; an unknown name is skipped.
    expect(dropped.map((d) => d.name)).toEqual(['things_a', 'things_b_set']);
    expect((await schemaOf(tx)).map((r) => r.name)).toEqual([
      'sqlite_autoindex_things_1',
      'sqlite_autoindex_things_2',
      'things_b_a',
    ]);
    await sql`insert into things values ('t-new', 'c-new', 5, 'b-new')`.execute(tx);
    await recreateIndexes(tx, dropped);
  });
  expect(await schemaOf(database.db)).toEqual(schema);
  expect(await statsOf(database.db)).toEqual(stats);
  const plan = await sql<{ detail: string }>`
    explain query plan select id from things where a = 5 and b = 'b-new'`.execute(database.db);
  expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/things_a|things_b_a/);
  const found = await sql<{ n: number }>`
    select count(*) as n from things indexed by things_a where a = 5`.execute(database.db);
  expect(found.rows[0]?.n).toBe(16);
});

it('a rollback brings the dropped indexes back', async () => {
  const schema = await schemaOf(database.db);
  await database.db
    .transaction()
    .execute(async (tx) => {
      await dropIndexesForLoad(tx, ['things_a', 'things_b_set']);
      throw new Error('bad row');
    })
    .catch(() => undefined);
  expect(await schemaOf(database.db)).toEqual(schema);
});

it('never drops the indexes SQLite made for constraints', async () => {
  await database.db.transaction().execute(async (tx) => {
    const dropped = await dropIndexesForLoad(tx, ['sqlite_autoindex_things_1', 'sqlite_autoindex_things_2']);
    expect(dropped).toEqual([]);
  });
});
