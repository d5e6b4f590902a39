import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = path.resolve('src/cli/main.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-commitments-cli-'));

function run(args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, TRUCELINE_SCRYPT_N: '1024', TRUCELINE_DATA_DIR: dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('truceline commitments / ratification', { timeout: 300_000 }, () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('pledges, delivers, refuses a delivery beyond the pledge, amends, and sums per reader', () => {
    expect(run(['init', '--demo-reports', '0']).code).toBe(0);
    for (const [org, username, roles] of [
      ['US', 'us-guarantor', 'guarantor'],
      ['RU', 'ru-liaison', 'liaison'],
    ] as const)
      expect(run(['user', 'create', '--org', org, '--username', username, '--roles', roles]).code).toBe(0);
    const pledge = run([
      'commitments',
      'pledge',
      '--as',
      'us-guarantor',
      '--guarantee',
      'g-security',
      '--category',
      'air_defence',
      '--item',
      'Interceptors',
      '--quantity',
      '40',
      '--unit',
      'pieces',
      '--on',
      '2026-11-20',
      '--response',
      'resp-weapons',
      '--marking',
      'AMBER',
      '--json',
    ]);
    expect(pledge.code, pledge.stderr).toBe(0);
    const id = (JSON.parse(pledge.stdout) as { pledge: { id: string } }).pledge.id;
    expect(pledge.stdout).not.toContain('recordedBy');
    const deliver = (q: string) =>
      run(['commitments', 'deliver', id, '--as', 'us-guarantor', '--quantity', q, '--on', '2026-11-25']);
    expect(deliver('30').code).toBe(0);
    const over = deliver('11');
    expect(over.code).not.toBe(0);
    expect(over.stderr).toContain('delivery-exceeds-pledge');
    const amend = run([
      'commitments',
      'amend',
      id,
      '--as',
      'us-guarantor',
      '--quantity',
      '60',
      '--reason',
      'tranche 2',
    ]);
    expect(amend.code, amend.stderr).toBe(0);
    expect(amend.stdout).toContain('amended');
    expect(deliver('11').code).toBe(0);

    const summary = run(['commitments', 'summary', '--as', 'us-guarantor']);
    expect(summary.code, summary.stderr).toBe(0);
    expect(summary.stdout).toMatch(/US\s+air_defence\s+pieces\s+60\s+41\s+68%/);
    const json = JSON.parse(run(['commitments', 'summary', '--as', 'ru-liaison', '--json']).stdout) as {
      byCategory: unknown[];
    };
    expect(json.byCategory).toEqual([]);
    expect(run(['commitments', 'list']).stdout).toContain('0 pledge(s)');

    const recorded = run([
      'ratification',
      'record',
      'g-security',
      'rs-us-congress',
      '--as',
      'us-guarantor',
      '--status',
      'held',
      '--on',
      '2026-12-12',
      '--for',
      '68',
      '--against',
      '31',
    ]);
    expect(recorded.code, recorded.stderr).toBe(0);
    const shown = run(['ratification', 'show', 'g-security', '--as', 'ru-liaison']);
    expect(shown.stdout).toMatch(/rs-us-congress .*: held/);
    expect(shown.stdout).toContain('2026-12-12 held 68 for, 31 against');
  });
});
