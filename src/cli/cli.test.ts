import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const MAIN = path.resolve('src/cli/main.ts');

function run(args: string[], env: Record<string, string> = {}) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...process.env, TRUCELINE_SCRYPT_N: '1024', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function dataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-'));
}

// Each test spawns the CLI several times; on a loaded 2-core machine a spawn can take seconds.
describe('truceline CLI', { timeout: 180_000 }, () => {
  it('prints help for every command and exits 0', () => {
    const top = run(['--help']);
    expect(top.code).toBe(0);
    for (const cmd of ['init', 'serve', 'start', 'db', 'user', 'token', 'org'])
      expect(top.stdout).toContain(cmd);
    for (const sub of [
      ['db', 'migrate'],
      ['user', 'create'],
      ['token', 'create'],
      ['org', 'list'],
    ]) {
      const res = run([...sub, '--help']);
      expect(res.code, sub.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/^Usage: truceline/);
    }
  });

  it('exits 2 on an unknown command', () => {
    const res = run(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown command 'frobnicate'/);
  });

  it('initialises once, printing a one-time admin password, and refuses a second time', () => {
    const dir = dataDir();
    const bad = run(['init', '--demo-reports', 'many'], { TRUCELINE_DATA_DIR: dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('truceline: --demo-reports many: must be a whole number, 0 or more\n');
    const first = run(['init', '--demo-reports', '25'], { TRUCELINE_DATA_DIR: dir });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/agreement illustrative-framework-\S+ ".+" and 25 generated reports\.\n/);
    expect(first.stdout).toMatch(/username: admin\n\s+password: \S{20}/);
    expect(fs.existsSync(path.join(dir, 'truceline.db'))).toBe(true);
    const second = run(['init', '--demo-reports', '0'], { TRUCELINE_DATA_DIR: dir });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([
      'truceline: already initialised: this database has organisations and users',
    ]);
  });

  it('creates users and tokens, and explains a bad role in one line', () => {
    const env = { TRUCELINE_DATA_DIR: dataDir() };
    expect(run(['init', '--demo-reports', '0'], env).code).toBe(0);
    const created = run(
      ['user', 'create', '--org', 'UA', '--username', 'ua-liaison', '--roles', 'liaison'],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Password \(shown once\): \S{20}/);
    const bad = run(['user', 'create', '--org', 'UA', '--username', 'ua-2', '--roles', 'general'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('truceline: unknown role: general\n');
    const token = run(['token', 'create', '--user', 'ua-liaison', '--name', 'laptop', '--days', '7'], env);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/Secret \(shown once\): tl_\S+/);
    const list = run(['token', 'list'], env);
    expect(list.stdout).toContain('laptop');
    expect(list.stdout).not.toMatch(/tl_\S{20}/);
  });

  it('names an unreachable database and exits 1', () => {
    const res = run(['db', 'migrate'], { DATABASE_URL: 'postgres://x:y@127.0.0.1:9/none' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^truceline: cannot reach PostgreSQL at postgres:\/\/x:\*\*\*@127\.0\.0\.1:9\/none/,
    );
  });
});
