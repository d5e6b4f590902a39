/**
 * A CLI command beside a running server (issue 19, item 7): `truceline import` while `truceline serve`
 * takes live reports. On SQLite both are writers of one file: each write transaction takes the lock
 * at BEGIN (IMMEDIATE) and waits for the other's, so neither fails with "database is locked"; on
 * PostgreSQL they are two clients. Nothing acknowledged is lost and the database audits clean.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDialect } from './support/databases.js';
import {
  acledFile,
  checkStore,
  exited,
  initialiseWithMonitor,
  intake,
  kill,
  serve,
  truceline,
  type Deployment,
  deployment,
} from './support/processes.js';

const ROWS = 1000;

describeEachDialect('the CLI beside a running server', (dialect) => {
  let d: Deployment;
  let token: string;
  beforeAll(async () => {
    d = await deployment(dialect);
    token = initialiseWithMonitor(d);
  }, 120_000);
  afterAll(async () => {
    await d?.drop();
  });

  it('imports two files at once while the server takes live reports: every one stored, the audit clean', async () => {
    const server = await serve(d);
    const acked = new Set<string>();
    const refused: string[] = [];
    const load = intake(
      server.url,
      token,
      acked,
      (status, body) => {
        refused.push(`${status} ${body.slice(0, 200)}`);
        return 'go-on';
      },
      4,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-beside-'));
    try {
      await load.firstAck;
      const imports = ['1', '2'].map((prefix) => {
        const proc = truceline(d, ['import', acledFile(dir, ROWS, prefix), '--no-progress']);
        let output = '';
        proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
        proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
        return exited(proc).then(() => ({ code: proc.exitCode, output }));
      });
      const done = await Promise.all(imports);
      for (const run of done) {
        expect(run.code, run.output).toBe(0);
        expect(run.output).toContain(`${ROWS} accepted`);
      }
    } finally {
      await load.stop();
      await kill(server.proc, 'SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(refused, 'live requests refused while the imports ran').toEqual([]);
    expect(acked.size).toBeGreaterThan(0);
    const store = await checkStore(d, acked, []);
    expect(store.lost).toEqual([]);
    expect(store.problems).toEqual([]);
    expect(store.reports).toBe(acked.size + 2 * ROWS);
  }, 300_000);
});
