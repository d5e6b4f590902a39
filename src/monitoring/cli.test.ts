import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';

const MAIN = path.resolve('src/cli/main.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-monitoring-cli-'));

function run(args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, TRUCELINE_SCRYPT_N: '1024', TRUCELINE_DATA_DIR: dir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('truceline import / export / demo', { timeout: 180_000 }, () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('generates demo reports, exports them, and imports the export idempotently, with a per-row report', () => {
    expect(run(['init', '--demo-reports', '0']).code).toBe(0);
    // A version of the agreement that is in force (the demo's own awaits its signature date).
    const agreement = path.join(dir, 'agreement.yaml');
    fs.writeFileSync(agreement, illustrativeAgreementText().replace(/^version: 3$/m, 'version: 4'));
    expect(run(['agreement', 'load', agreement]).code).toBe(0);
    const demo = run(['demo', '--reports', '300', '--days', '30']);
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/^\d+ accepted, 0 revised, 0 unchanged, \d+ rejected/);
    const out = path.join(dir, 'reports.csv');
    const exported = run(['export', '--format', 'acled', '--out', out]);
    expect(exported.stdout).toMatch(/Exported \d+ reports/);
    const again = run(['import', out, '--format', 'acled', '--system', 'demo-acled', '--dry-run']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/dry run: nothing was written/);
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'observed_from,lat,lon,category\r\n2026-11-20T10:00:00Z,95,38,cfv-small-arms\r\n');
    const errors = path.join(dir, 'errors.csv');
    const rejected = run(['import', bad, '--format', 'csv', '--errors', errors]);
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain(`${bad}:2: lat: latitude 95 is out of range`);
    expect(fs.readFileSync(errors, 'utf8')).toMatch(/^file,line,field,reason\r\n.*,2,lat,latitude 95/);
    const wrongFormat = run(['import', bad, '--format', 'acled']);
    expect(wrongFormat.code).toBe(1);
    expect(wrongFormat.stderr).toMatch(/missing ACLED columns/);
    // Each step spawns the CLI (tsx compiles it afresh), so the whole story takes a while.
  }, 300_000);
});
