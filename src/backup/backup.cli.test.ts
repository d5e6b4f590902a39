import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = path.resolve('src/cli/main.ts');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-backup-cli-'));

function run(dataDir: string, args: string[]) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, TRUCELINE_SCRYPT_N: '1024', TRUCELINE_DATA_DIR: path.join(dir, dataDir) },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('truceline backup / restore (command line, SQLite)', { timeout: 180_000 }, () => {
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('backs up with a warning about the private key, restores once, and refuses a second restore', () => {
    expect(run('a', ['init', '--demo-reports', '30']).code).toBe(0);
    expect(run('a', ['log', 'export', path.join(dir, 'exported')]).code).toBe(0);
    const target = path.join(dir, 'backup');
    const backup = run('a', ['backup', target]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/reports 30/);
    expect(backup.stderr).toMatch(/WARNING: this backup contains the PRIVATE log signing key/);
    expect(fs.statSync(target).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(target, 'manifest.json')).mode & 0o777).toBe(0o600);

    const restore = run('b', ['restore', target]);
    expect(restore.code, restore.stderr).toBe(0);
    const size = /log \S+: (\d+) entries, root (\S+)/.exec(backup.stdout);
    expect(restore.stdout).toContain(`audit: OK, ${size?.[1]} entries, root ${size?.[2]} as in the manifest`);
    expect(restore.stdout).toMatch(/database audit: OK, [1-9]\d* rows match their latest log entries/);

    const again = run('b', ['restore', target]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^truceline: sqlite:.* is not empty \(.*reports 30.*\); .*--force/);
    process.stdout.write(`[cli] ${backup.stdout.split('\n')[1]?.trim()}\n`);
  });
});
