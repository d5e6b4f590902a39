import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect, freshDatabase } from '../../test/support/databases.js';
import { GroupCommit, type GroupCommitOptions } from './group-commit.js';
import type { Database } from './database.js';
import type { Kysely, Transaction } from 'kysely';

describeEachDialect('group commit', (dialect) => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;

  beforeEach(async () => {
    database = await freshDatabase(dialect);
    await sql`create table group_commit_probe (id text primary key, value integer not null)`.execute(
      database.db,
    );
  });
  afterEach(async () => {
    await database.drop();
  });

  /** A group committer that counts its transactions and their sizes. */
  function counted(options: Partial<GroupCommitOptions> = {}) {
    const groups: number[] = [];
    const committer = new GroupCommit(database.db, {
      maxWaitMs: 20,
      beforeCommit: (size) => {
        groups.push(size);
      },
      ...options,
    });
    return { committer, groups };
  }

  function insert(tx: Transaction<Database>, id: string, value: number) {
    return sql`insert into group_commit_probe (id, value) values (${id}, ${value})`.execute(tx);
  }

  async function storedIds(db: Kysely<Database> = database.db): Promise<string[]> {
    const { rows } = await sql<{ id: string }>`select id from group_commit_probe order by id`.execute(db);
    return rows.map((r) => r.id);
  }

  it('writes submitted together in one transaction, each caller getting its own result', async () => {
    const { committer, groups } = counted();
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        committer.run(async (tx) => {
          await insert(tx, `r${n}`, n);
          return n * 10;
        }),
      ),
    );
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(groups).toEqual([5]);
    expect(await storedIds()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
  });

  it('fails a write that throws alone: its changes are rolled back, the others commit', async () => {
    const { committer, groups } = counted();
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        committer.run(async (tx) => {
          await insert(tx, `r${n}`, n);
          if (n === 2) throw new Error('report 2 is invalid');
          return n;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ message: 'report 2 is invalid' });
    expect(groups).toEqual([3]);
    expect(await storedIds()).toEqual(['r1', 'r3']);
  });

  it('fails a write whose statement the database refuses alone (the transaction goes on)', async () => {
    await sql`insert into group_commit_probe (id, value) values ('taken', 0)`.execute(database.db);
    const { committer } = counted();
    const outcomes = await Promise.allSettled([
      committer.run((tx) => insert(tx, 'a', 1)),
      committer.run((tx) => insert(tx, 'taken', 2)),
      committer.run((tx) => insert(tx, 'b', 3)),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await storedIds()).toEqual(['a', 'b', 'taken']);
  });

  it('rejects every write of a group whose transaction fails, and writes nothing', async () => {
    const { committer } = counted({
      beforeCommit: () => {
        throw new Error('disk full');
      },
    });
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map((n) => committer.run((tx) => insert(tx, `r${n}`, n))),
    );
    expect(
      outcomes.every((o) => o.status === 'rejected' && (o.reason as Error).message === 'disk full'),
    ).toBe(true);
    expect(await storedIds()).toEqual([]);
  });

  it('splits a queue longer than maxItems into several transactions', async () => {
    const { committer, groups } = counted({ maxItems: 4 });
    await Promise.all([...Array(10).keys()].map((n) => committer.run((tx) => insert(tx, `r${n}`, n))));
    expect(groups.reduce((a, b) => a + b, 0)).toBe(10);
    expect(Math.max(...groups)).toBeLessThanOrEqual(4);
    expect((await storedIds()).length).toBe(10);
  });

  it('writes several groups at once when allowed, each write once', async () => {
    const { committer, groups } = counted({ maxItems: 3, concurrency: 3 });
    const results = await Promise.all(
      [...Array(12).keys()].map((n) =>
        committer.run(async (tx) => {
          await insert(tx, `r${String(n).padStart(2, '0')}`, n);
          return n;
        }),
      ),
    );
    expect(results).toEqual([...Array(12).keys()]);
    expect(groups.reduce((a, b) => a + b, 0)).toBe(12);
    expect(Math.max(...groups)).toBeLessThanOrEqual(3);
    expect((await storedIds()).length).toBe(12);
  });

  it("runs each write in its caller's async context", async () => {
    const store = new AsyncLocalStorage<string>();
    const { committer } = counted();
    const seen = await Promise.all(
      ['alice', 'bob'].map((who) =>
        store.run(who, () =>
          committer.run(async (tx) => {
            await insert(tx, who, 1);
            return store.getStore();
          }),
        ),
      ),
    );
    expect(seen).toEqual(['alice', 'bob']);
  });
});
