import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_URL } from '../../test/support/databases.js';
import { openDatabase, type Db } from '../db/connect.js';
import { Election } from './election.js';
import { startSweeps } from './sweeper.js';

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('sweeps and the election', () => {
  it('run only while the process leads', async () => {
    let leads = false;
    let runs = 0;
    const stop = startSweeps(
      [{ name: 'count', run: () => Promise.resolve((runs += 1)) }],
      () => undefined,
      undefined,
      10,
      () => leads,
    );
    await sleep(100);
    expect(runs).toBe(0);
    leads = true;
    await until('a round', () => runs > 0);
    await stop();
  });

  it('on SQLite, the one server process always leads', async () => {
    const db = await openDatabase('sqlite::memory:');
    const election = new Election(db.db, db.dialect);
    election.start();
    expect(election.leading).toBe(true);
    await election.stop();
    await db.close();
  });
});

describe.skipIf(PG_URL === undefined)('the election on PostgreSQL', () => {
  const opened: Db[] = [];
  const elections: Election[] = [];
  afterEach(async () => {
    for (const e of elections.splice(0)) await e.stop();
    for (const db of opened.splice(0)) await db.close();
  });

  /** Two "processes" standing for a lock of this test's own. */
  async function candidates(): Promise<{ key: number; all: Election[] }> {
    const key = crypto.randomInt(1, 2 ** 31);
    const all: Election[] = [];
    for (let i = 0; i < 2; i += 1) {
      const db = await openDatabase(PG_URL ?? '', { poolSize: 2 });
      opened.push(db);
      const election = new Election(db.db, db.dialect, key, 100);
      elections.push(election);
      all.push(election);
      election.start();
    }
    await until('a leader', () => all.some((e) => e.leading));
    await sleep(300);
    expect(all.filter((e) => e.leading)).toHaveLength(1);
    return { key, all };
  }

  it('has one leader, and another when it stops', async () => {
    const { all } = await candidates();
    const leader = all.find((e) => e.leading) as Election;
    const other = all.find((e) => !e.leading) as Election;
    await leader.stop();
    expect(leader.leading).toBe(false);
    await until('the other to lead', () => other.leading, 2000);
  });

  it('hands the lead on when the leader loses its session', async () => {
    const { key, all } = await candidates();
    const leader = all.find((e) => e.leading) as Election;
    const other = all.find((e) => !e.leading) as Election;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(
        `select pg_terminate_backend(pid) from pg_locks
          where locktype = 'advisory' and granted and classid = 0 and objid = $1 and objsubid = 1`,
        [key],
      );
    } finally {
      await admin.end();
    }
    await until('the other to lead', () => other.leading && !leader.leading, 3000);
  });
});
