import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './connect.js';
import type { Database } from './database.js';
import type { DeferredSync } from './deferred-sync.js';
import { GroupCommit } from './group-commit.js';

async function safetyLevel(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ synchronous: number }>`pragma synchronous`.execute(db);
  return rows[0]?.synchronous ?? -1;
}

async function storedIds(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`select id from probe order by id`.execute(db);
  return rows.map((r) => r.id);
}

/** A deferred sync whose flushes wait until the test lets them go. */
function gated(inner: DeferredSync) {
  const gates: (() => void)[] = [];
  let failWith: Error | undefined;
  const sync: DeferredSync = {
    transaction: (body) => inner.transaction(body),
    flush: async () => {
      await new Promise<void>((resolve) => gates.push(resolve));
      if (failWith !== undefined) throw failWith;
      await inner.flush();
    },
  };
  return {
    sync,
    gates,
    fail: (err: Error) => {
      failWith = err;
    },
  };
}

describe('deferred sync [sqlite file]', () => {
  let dir: string;
  let database: Db;
  let sync: DeferredSync;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-deferred-sync-'));
    database = await openDatabase(`sqlite:${path.join(dir, 'test.db')}`);
    await sql`create table probe (id text primary key)`.execute(database.db);
    if (database.deferredSync === undefined) throw new Error('a SQLite file must offer deferred sync');
    sync = database.deferredSync;
  });
  afterEach(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is offered for SQLite files only (in memory nothing is durable anyway)', async () => {
    const memory = await openDatabase('sqlite::memory:');
    expect(memory.deferredSync).toBeUndefined();
    await memory.close();
  });

  it('commits with NORMAL and leaves the connection at FULL for every other transaction', async () => {
    let during = -1;
    await sync.transaction(async (tx) => {
      await sql`insert into probe (id) values ('a')`.execute(tx);
      during = await safetyLevel(tx);
    });
    expect(during).toBe(1); // NORMAL
    expect(await safetyLevel(database.db)).toBe(2); // FULL
    await sync.flush();
    expect(await storedIds(database.db)).toEqual(['a']);
  });

  it('sets FULL back when the transaction fails, and keeps nothing of it', async () => {
    await expect(
      sync.transaction(async (tx) => {
        await sql`insert into probe (id) values ('a')`.execute(tx);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await safetyLevel(database.db)).toBe(2);
    expect(await storedIds(database.db)).toEqual([]);
  });

  it('answers a group commit only after its flush, and lets the next group write meanwhile', async () => {
    const { sync: slow, gates } = gated(sync);
    const committer = new GroupCommit(database.db, { maxWaitMs: 5, deferredSync: slow });
    let firstDone = false;
    const first = committer
      .run((tx) => sql`insert into probe (id) values ('a')`.execute(tx))
      .then(() => (firstDone = true));
    while (gates.length < 1) await new Promise((r) => setTimeout(r, 2));
    // Committed (another group and plain readers see it) but not yet answered.
    const second = committer.run((tx) => sql`insert into probe (id) values ('b')`.execute(tx));
    while (gates.length < 2) await new Promise((r) => setTimeout(r, 2));
    expect(await storedIds(database.db)).toEqual(['a', 'b']);
    expect(firstDone).toBe(false);
    for (const open of gates) open();
    await Promise.all([first, second]);
    expect(firstDone).toBe(true);
    await committer.idle();
  });

  it('rejects every write of a group whose flush fails (stored, but not known to be on disk)', async () => {
    const { sync: failing, gates, fail } = gated(sync);
    const committer = new GroupCommit(database.db, { maxWaitMs: 5, deferredSync: failing });
    fail(new Error('EIO: i/o error, fdatasync'));
    const outcomes = Promise.allSettled(
      ['a', 'b'].map((id) => committer.run((tx) => sql`insert into probe (id) values (${id})`.execute(tx))),
    );
    while (gates.length < 1) await new Promise((r) => setTimeout(r, 2));
    for (const open of gates) open();
    const settled = await outcomes;
    expect(settled.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect((settled[0] as PromiseRejectedResult).reason).toMatchObject({ message: /fdatasync/ });
  });
});
