import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
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

/** Counts the fdatasyncs of every open file from now on; `hold` keeps the next ones waiting. */
async function watchDatasync() {
  const state = { count: 0, waiting: 0, gate: undefined as Promise<void> | undefined, open: () => {} };
  const probe = await fsp.open(os.tmpdir(), 'r');
  const prototype = Object.getPrototypeOf(probe) as fsp.FileHandle;
  await probe.close();
  // Called below with each file handle as `this`, as the real method is.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const datasync = prototype.datasync;
  vi.spyOn(prototype, 'datasync').mockImplementation(async function (this: fsp.FileHandle) {
    state.waiting += 1;
    await state.gate;
    state.waiting -= 1;
    state.count += 1;
    return datasync.call(this);
  });
  return {
    get count() {
      return state.count;
    },
    get waiting() {
      return state.waiting;
    },
    hold: () => {
      state.gate = new Promise((resolve) => (state.open = resolve));
    },
    release: () => {
      state.open();
      state.gate = undefined;
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
    vi.restoreAllMocks();
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is offered for SQLite files only (in memory nothing is durable anyway)', async () => {
    const memory = await openDatabase('sqlite::memory:');
    expect(memory.deferredSync).toBeUndefined();
    await memory.close();
  });

  it('runs a file with synchronous = NORMAL: its commits are made durable by the WAL fdatasync', async () => {
    expect(await safetyLevel(database.db)).toBe(1);
  });

  it('returns from a commit, or a write outside a transaction, only after the fdatasync; reads sync nothing', async () => {
    const syncs = await watchDatasync();
    await database.db.transaction().execute(async (tx) => {
      await sql`insert into probe (id) values ('a')`.execute(tx);
      await sql`insert into probe (id) values ('b')`.execute(tx);
    });
    expect(syncs.count).toBe(1);
    await sql`insert into probe (id) values ('c')`.execute(database.db);
    expect(syncs.count).toBe(2);
    await storedIds(database.db);
    expect(syncs.count).toBe(2);
    syncs.hold();
    let committed = false;
    const commit = database.db
      .transaction()
      .execute((tx) => sql`insert into probe (id) values ('d')`.execute(tx))
      .then(() => (committed = true));
    while (syncs.waiting === 0) await new Promise((r) => setTimeout(r, 2));
    let read = false;
    const reading = storedIds(database.db).then(() => (read = true));
    await new Promise((r) => setTimeout(r, 30));
    // Neither the commit nor a read behind it goes on before the disk has the commit.
    expect([committed, read]).toEqual([false, false]);
    syncs.release();
    await Promise.all([commit, reading]);
    expect(syncs.count).toBe(3);
  });

  it('commits a deferred transaction without waiting; its flush syncs', async () => {
    const syncs = await watchDatasync();
    await sync.transaction((tx) => sql`insert into probe (id) values ('a')`.execute(tx));
    expect(syncs.count).toBe(0);
    await sync.flush();
    expect(syncs.count).toBe(1);
    // The next plain commit waits again.
    await sql`insert into probe (id) values ('b')`.execute(database.db);
    expect(syncs.count).toBe(2);
  });

  it('keeps nothing of a deferred transaction that fails', async () => {
    await expect(
      sync.transaction(async (tx) => {
        await sql`insert into probe (id) values ('a')`.execute(tx);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
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
