/**
 * Crash suite (issue 14, B1): a real `truceline serve` under live intake, and `truceline import`, each
 * killed with SIGKILL at random moments — during start-up, under load, mid-transaction.
 *
 * After every kill, with the process dead, the database itself is checked:
 * - every report the server answered 201 for is stored (0 lost);
 * - `auditDatabase` finds every row bound to its log commitment and the log rebuilding the root of
 *   every stored checkpoint (0 half-written: a row without its entry, or an entry without its row, is a
 *   finding);
 * - every checkpoint the server published before the crash (polled from `/log/checkpoint` while it
 *   ran) is a prefix of the log as it stands: same root at that size (0 inconsistent);
 * - an import is all or nothing: a killed one left no report of its file; run again it completes, and
 *   a third run changes nothing (resumable and idempotent).
 *
 * Quick by default (CI); `TRUCELINE_SUITE=full` kills the server ≥ 100 times and the import 20 times
 * per engine. `TRUCELINE_SUITE_SEED` picks other moments.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from '../support/databases.js';
import {
  acledFile,
  checkStore,
  cliOk,
  deployment,
  initialiseWithMonitor,
  intake,
  kill,
  listening,
  serve,
  prng,
  truceline,
  watchCheckpoints,
  type Deployment,
  type Published,
  type StoreCheck,
} from '../support/processes.js';
import { openDatabase } from '../../src/db/connect.js';

const FULL = process.env.TRUCELINE_SUITE === 'full';
const SERVER_KILLS = FULL ? 100 : 4;
const IMPORT_KILLS = FULL ? 20 : 2;
const IMPORT_ROWS = FULL ? 20_000 : 10_000;
const SEED = Number(process.env.TRUCELINE_SUITE_SEED ?? 20261204);

async function acledReports(d: Deployment): Promise<number> {
  const database = await openDatabase(d.databaseUrl, { poolSize: 1 });
  try {
    const row = await database.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('external_system', '=', 'acled')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  } finally {
    await database.close();
  }
}

describeEachDialect('crash suite (issue 14, B1)', (dialect) => {
  let d: Deployment;
  let token: string;
  const random = prng(SEED + (dialect === 'postgres' ? 1 : 0));
  const acked = new Set<string>();
  const published: Published[] = [];
  const refused: string[] = [];
  const tally = {
    serverKills: 0,
    duringStart: 0,
    importKills: 0,
    checks: 0,
    lost: 0,
    problems: 0,
    inconsistent: 0,
    answers503: 0,
  };

  beforeAll(async () => {
    d = await deployment(dialect);
    token = initialiseWithMonitor(d);
  }, 300_000);

  afterAll(async () => {
    process.stdout.write(
      `crash suite [${dialect}]: ${tally.serverKills} server kills (${tally.duringStart} during start-up), ` +
        `${tally.importKills} import kills, ${tally.checks} checks; ${acked.size} reports acknowledged ` +
        `(${tally.answers503} answers 503, retried), ` +
        `${tally.lost} lost; ${tally.problems} audit problems (half-written rows or entries); ` +
        `${published.length} published checkpoints, ${tally.inconsistent} inconsistent\n`,
    );
    await d?.drop();
  });

  const assertClean = (c: StoreCheck, after: string) => {
    tally.checks += 1;
    tally.lost += c.lost.length;
    tally.problems += c.problems.length;
    tally.inconsistent += c.inconsistent.length;
    expect(c.lost, `acknowledged reports missing after ${after}`).toEqual([]);
    expect(c.problems, `audit after ${after}`).toEqual([]);
    expect(c.inconsistent, `published checkpoints after ${after}`).toEqual([]);
  };

  it(
    `kills the server ${SERVER_KILLS} times under live intake and loses nothing it acknowledged`,
    async () => {
      for (let k = 0; k < SERVER_KILLS; k++) {
        const proc = truceline(d, ['serve', '--port', '0']);
        const up = listening(proc);
        up.catch(() => {});
        // One kill in five lands during start-up: migrations, the log's recovery, the first integration.
        if (random() < 0.2) {
          await sleep(200 + random() * 2500);
          await kill(proc);
          tally.duringStart += 1;
        } else {
          const url = await up;
          const load = intake(url, token, acked, (status, body) => {
            // A dying server answers nothing (0). A 503 says the database did not answer in time (this
            // machine may be overloaded): the request wrote nothing and the writer tries again. Anything
            // else is a refusal the suite did not expect.
            if (status === 503) {
              tally.answers503 += 1;
              return 'go-on';
            }
            if (status !== 0) refused.push(`${status} ${body.slice(0, 200)}`);
            return 'stop';
          });
          const watch = watchCheckpoints(url, published);
          await load.firstAck;
          await sleep(random() * 1500);
          await kill(proc);
          await Promise.all([load.stop(), watch.stop()]);
        }
        tally.serverKills += 1;
        assertClean(await checkStore(d, acked, published), `server kill ${k + 1}`);
      }
      expect(refused, 'requests refused other than by a dying server').toEqual([]);
      expect(acked.size, 'the load acknowledged reports').toBeGreaterThan(0);
    },
    FULL ? 7_200_000 : 600_000,
  );

  it(
    `kills an import ${IMPORT_KILLS} times: all or nothing, then resumable and idempotent`,
    async () => {
      const file = acledFile(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-crash-import-')), IMPORT_ROWS);
      const args = ['import', file, '--format', 'acled', '--no-progress', '--marking', 'CLEAR'];
      for (let k = 0; k < IMPORT_KILLS; k++) {
        const proc = truceline(d, args);
        // Soon enough to land inside the import's transaction on a quiet machine too.
        await sleep(800 + random() * 1700);
        const finished = proc.exitCode !== null;
        await kill(proc);
        if (!finished) tally.importKills += 1;
        const n = await acledReports(d);
        expect([0, IMPORT_ROWS], `reports of the file after import kill ${k + 1}`).toContain(n);
        assertClean(await checkStore(d, acked, published), `import kill ${k + 1}`);
        if (n === IMPORT_ROWS) break; // it finished before the kill: nothing left to interrupt
      }
      cliOk(d, args);
      expect(await acledReports(d)).toBe(IMPORT_ROWS);
      const before = await checkStore(d, acked, published);
      assertClean(before, 'the completed import');
      cliOk(d, args);
      const again = await checkStore(d, acked, published);
      assertClean(again, 'the repeated import');
      expect(again.reports, 'a repeated import adds no report').toBe(before.reports);
      expect(again.logSize, 'a repeated import adds no log entry').toBe(before.logSize);
      expect(tally.importKills, 'imports killed before they finished').toBeGreaterThan(0);
    },
    FULL ? 3_600_000 : 600_000,
  );

  it('a last start integrates everything queued, and the CLI audit agrees', async () => {
    const { proc, url } = await serve(d);
    const watch = watchCheckpoints(url, published);
    // The sequencer integrates what the crashes and the imports left queued.
    let queued = -1;
    for (let i = 0; i < 240 && queued !== 0; i++) {
      await sleep(250);
      queued = (await checkStore(d, acked, published)).queued;
    }
    await watch.stop();
    await kill(proc, 'SIGTERM');
    const last = await checkStore(d, acked, published);
    assertClean(last, 'the last start');
    expect(last.queued, 'entries left queued').toBe(0);
    const out = cliOk(d, [
      'audit',
      '--database',
      d.databaseUrl,
      '--state',
      path.join(os.tmpdir(), `tl-crash-${crypto.randomUUID()}.json`),
    ]);
    expect(out).toMatch(/^OK database/);
  }, 300_000);
});
