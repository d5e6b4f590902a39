import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
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

/** Runs `serve` on a free port, asks /healthz once, stops it; returns the status and all it printed. */
async function serveOnce(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', ...args], {
    env: { ...process.env, TRUCELINE_SCRYPT_N: '1024', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /open\s+(http:\/\/\S+?)\/\n/.exec(output);
        if (m?.[1] !== undefined) {
          clearInterval(timer);
          resolve(m[1]);
        }
      }, 100);
      void exited.then(() => {
        clearInterval(timer);
        reject(new Error(`serve exited: ${output}`));
      });
    });
    const res = await fetch(`${url}/healthz`);
    await res.text();
    // Pino writes asynchronously: give the request's line a moment to arrive.
    await new Promise((r) => setTimeout(r, 500));
    return { status: res.status, output };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
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

  it('ships `truceline` as an executable bin: a shebang that survives compilation, chmod 755 on build', () => {
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.bin.truceline).toBe('dist/cli/main.js');
    const compiled = ts.transpileModule(fs.readFileSync(MAIN, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    expect(compiled.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(pkg.scripts.build).toMatch(
      /^tsc -p tsconfig\.build\.json && node -e .*chmodSync\('dist\/cli\/main\.js', 0o755\)/,
    );
  });

  it('exits 2 on an unknown command', () => {
    const res = run(['frobnicate']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown command 'frobnicate'/);
    expect(res.stderr).toMatch(/ — run `truceline --help`\n$/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('answers a usage error of a subcommand with one line naming its help, and exits 2', () => {
    const unknownOption = run(['import', 'reports.csv', '--frob']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toBe("error: unknown option '--frob' — run `truceline import --help`\n");
    const missingArgument = run(['import']);
    expect(missingArgument.code).toBe(2);
    expect(missingArgument.stderr).toBe(
      "error: missing required argument 'file' — run `truceline import --help`\n",
    );
    const nested = run(['log', 'witness', 'add', 'ua']);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toBe(
      "error: missing required argument 'vkey' — run `truceline log witness add --help`\n",
    );
    const badChoice = run(['serve', '--log-level', 'loud']);
    expect(badChoice.code).toBe(2);
    expect(badChoice.stderr.trim().split('\n')).toHaveLength(1);
    expect(badChoice.stderr).toMatch(/'loud' is invalid.* — run `truceline serve --help`/);
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
    // The demo's log is named after its agreement, not a placeholder: the origin is in every checkpoint.
    expect(fs.readFileSync(path.join(dir, 'log-signer.key'), 'utf8')).toMatch(
      /^PRIVATE\+KEY\+truceline\.local\/illustrative-framework-2025\+/,
    );
    const second = run(['init', '--demo-reports', '0'], { TRUCELINE_DATA_DIR: dir });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toEqual([
      'truceline: already initialised: this database has organisations and users',
    ]);
  });

  it('keeps the origin of an existing log key: a new default never renames a log', () => {
    const env = { TRUCELINE_DATA_DIR: dataDir() };
    expect(run(['keys', 'generate', '--origin', 'truceline.invalid/log'], env).code).toBe(0);
    const key = fs.readFileSync(path.join(env.TRUCELINE_DATA_DIR, 'log-signer.key'), 'utf8');
    expect(run(['init', '--demo-reports', '0'], env).code).toBe(0);
    expect(fs.readFileSync(path.join(env.TRUCELINE_DATA_DIR, 'log-signer.key'), 'utf8')).toBe(key);
    expect(run(['keys', 'show'], env).stdout).toMatch(/^truceline\.invalid\/log\+/);
  });

  it('logs no request by default; --log-level info or TRUCELINE_LOG_LEVEL=info logs each one', async () => {
    const env = { TRUCELINE_DATA_DIR: dataDir() };
    const quiet = await serveOnce([], env);
    expect(quiet.status).toBe(200);
    expect(quiet.output).not.toMatch(/request completed/);
    const byOption = await serveOnce(['--log-level', 'info'], env);
    expect(byOption.output).toMatch(/"msg":"request completed"/);
    const byEnv = await serveOnce([], { ...env, TRUCELINE_LOG_LEVEL: 'info' });
    expect(byEnv.output).toMatch(/"msg":"request completed"/);
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
