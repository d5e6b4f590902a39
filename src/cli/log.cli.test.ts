import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import { CommanderError } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatCheckpoint } from '../ledger/checkpoint.js';
import { generateCosignerKey, verifyCosignature } from '../ledger/cosignature.js';
import { holdKey, readSigner } from '../ledger/log-keys.js';
import { EMPTY_ROOT, hashLeaf } from '../ledger/merkle.js';
import { signNote } from '../ledger/note.js';
import { formatAddCheckpointRequest } from '../ledger/witness-core.js';
import { buildProgram, describeFailure } from './program.js';

const MAIN = path.resolve('src/cli/main.ts');
// Spawned commands run in a temp dir (the audit state file lands in the working directory): import tsx by path.
const TSX = pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('truceline log, keys, audit and witness commands', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  const home = process.cwd();
  beforeEach(() => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-log-cli-')));
    env = { TRUCELINE_DATA_DIR: path.join(dir, 'data'), TRUCELINE_SCRYPT_N: '1024' };
  });
  afterEach(() => {
    process.chdir(home);
    vi.unstubAllEnvs();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The real binary, in a child process (slow: ~2 s a run). */
  function spawnCli(args: string[]): Result {
    const res = spawnSync(process.execPath, ['--import', TSX, MAIN, ...args], {
      env: { ...process.env, ...env },
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
  }

  /** The same program in this process, with main.ts's error handling. */
  async function cli(args: string[]): Promise<Result> {
    const out: string[] = [];
    const err: string[] = [];
    const capture = (into: string[]) => (chunk: string | Uint8Array) => {
      into.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err));
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    process.chdir(dir);
    let code = 0;
    try {
      await buildProgram()
        .exitOverride()
        .configureOutput({ writeOut: capture(out), writeErr: capture(err) })
        .parseAsync(args, { from: 'user' });
    } catch (e) {
      if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
      else {
        err.push(`truceline: ${describeFailure(e)}\n`);
        code = 1;
      }
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      process.chdir(home);
    }
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  const keyFile = () => path.join(dir, 'data', 'log-signer.key');

  it('generates, shows and rotates the log key, keeping the old one', async () => {
    const generated = await cli(['keys', 'generate', '--origin', 'example.org/log']);
    expect(generated.code).toBe(0);
    const vkey = generated.stdout.split('\n')[0] ?? '';
    expect(vkey).toMatch(/^example\.org\/log\+[0-9a-f]{8}\+/);
    expect((await cli(['keys', 'show'])).stdout).toBe(`${vkey}\n`);
    const again = await cli(['keys', 'generate']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^truceline: .*log-signer\.key exists; use `truceline keys rotate`[^\n]*\n$/,
    );
    // A running server holds the key (this test process plays it); a dead one's marker is stale.
    const release = holdKey(keyFile());
    const stale = `${keyFile()}.held-by-2147483646`;
    fs.writeFileSync(stale, 'crashed\n');
    const refused = await cli(['keys', 'rotate']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `truceline: a running server signs with ${keyFile()} (process ${process.pid}); stop it first, ` +
        'or it would go on signing checkpoints with the retired key\n',
    );
    expect(readSigner(keyFile()).verifierKey).toBe(vkey);
    expect(fs.existsSync(stale)).toBe(false);
    release();
    const rotated = await cli(['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    const current = readSigner(keyFile()).verifierKey;
    expect(rotated.stdout).toContain(`  new ${current}\n`);
    expect(current).not.toBe(vkey);
    expect(current.startsWith('example.org/log+')).toBe(true);
    const retired = fs.readdirSync(path.join(dir, 'data')).filter((f) => f.endsWith('.retired'));
    expect(retired).toHaveLength(1);
    expect(readSigner(path.join(dir, 'data', retired[0] ?? '')).verifierKey).toBe(vkey);
  });

  it('adds, lists and removes witnesses', async () => {
    const witness = generateCosignerKey('witness.example/ua').verifierKey;
    expect((await cli(['log', 'witness', 'add', 'ua', witness, '--url', 'http://127.0.0.1:8090'])).code).toBe(
      0,
    );
    expect((await cli(['log', 'witness', 'list'])).stdout).toBe(`ua  ${witness}  http://127.0.0.1:8090\n`);
    expect((await cli(['log', 'witness', 'remove', 'ua'])).code).toBe(0);
    expect(await cli(['log', 'witness', 'remove', 'ua'])).toMatchObject({
      code: 1,
      stderr: 'truceline: no witness named "ua"\n',
    });
    expect((await cli(['log', 'witness', 'list'])).stdout).toBe('No witnesses.\n');
  });

  it('fails in one line on a bad witness key or URL, a missing log or a bad policy', async () => {
    expect(await cli(['log', 'witness', 'add', 'ru', 'nonsense'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^truceline: not a witness verifier key: [^\n]+\n$/),
    });
    const witness = generateCosignerKey('witness.example/ru').verifierKey;
    expect(await cli(['log', 'witness', 'add', 'ru', witness, '--url', 'ftp://x'])).toMatchObject({
      code: 1,
      stderr: 'truceline: --url ftp://x: must be http:// or https://\n',
    });
    expect(await cli(['audit', 'nowhere'])).toMatchObject({
      code: 1,
      stderr: `truceline: checkpoint: missing from ${dir}/nowhere\n`,
    });
    fs.writeFileSync(path.join(dir, 'policy'), 'log nonsense\n');
    expect(await cli(['audit', 'nowhere', '--policy', 'policy'])).toMatchObject({
      code: 1,
      stderr: 'truceline: policy:1: not a log verifier key: nonsense\n',
    });
  });

  it('exports the log and audits it, then names a changed database row (real binary)', async () => {
    expect((await cli(['init', '--demo-reports', '0'])).code).toBe(0);
    const exported = await cli(['log', 'export', 'mirror']);
    expect(exported.stdout).toMatch(
      /^Exported truceline\.local\/illustrative-framework-2025 at size \d+ to /,
    );
    expect(fs.existsSync(path.join(dir, 'mirror/checkpoint'))).toBe(true);
    const audit = await cli(['audit', 'mirror']);
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(/^OK truceline\.local\/illustrative-framework-2025: \d+ entries/);
    expect(audit.stderr).toMatch(/^truceline: warning: no policy given/);
    expect(fs.existsSync(path.join(dir, '.truceline-audit-state.json'))).toBe(true);
    const dbFile = path.join(dir, 'data', 'truceline.db');
    const sqlite = new SqliteDatabase(dbFile);
    sqlite.prepare('update log_entries set data = ? where idx = 1').run(Buffer.from('{}'));
    sqlite.close();
    expect(spawnCli(['audit', 'mirror', '--database', `sqlite:${dbFile}`])).toMatchObject({
      code: 1,
      stderr: 'truceline: database: row 1 of log_entries differs from log entry 1 (data changed)\n',
    });
  });

  it('tamper: audit --database checks every row against the log, names the edited one and exits 1', async () => {
    expect((await cli(['init', '--demo-reports', '20'])).code).toBe(0);
    // Integrates and checkpoints what init queued (no server ran).
    expect((await cli(['log', 'export', 'mirror'])).code).toBe(0);
    const dbFile = path.join(dir, 'data', 'truceline.db');
    const clean = await cli(['audit', '--database', `sqlite:${dbFile}`]);
    expect(clean.stderr).not.toMatch(/truceline: database:/);
    expect(clean).toMatchObject({ code: 0 });
    expect(clean.stdout).toMatch(
      /^OK database .*: \d+ log entries rebuild the root of all \d+ stored checkpoint\(s\); \d+ rows match/,
    );
    expect(fs.existsSync(path.join(dir, '.truceline-audit-state.json'))).toBe(true);
    const sqlite = new SqliteDatabase(dbFile);
    const { id } = sqlite.prepare('select id from reports order by id limit 1').get() as { id: string };
    sqlite.prepare("update reports set category = 'other' where id = ?").run(id);
    sqlite.close();
    const tampered = await cli(['audit', '--database', `sqlite:${dbFile}`]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toContain(`truceline: database: reports row ${id} (report): edited: log entry `);
    expect(tampered.stderr).toMatch(/1 row\(s\) that do not match the log\n$/);
    expect(await cli(['audit'])).toMatchObject({ code: 1 });
  });

  it('runs a witness: init, add-log, serve on a free port, cosign (real binary)', async () => {
    const witnessDir = path.join(dir, 'witness');
    const init = await cli(['witness', 'init', '--dir', witnessDir, '--name', 'witness.example/ua']);
    expect(init.code).toBe(0);
    const vkey = init.stdout.split('\n')[0] ?? '';
    const logVkey =
      (await cli(['keys', 'generate', '--origin', 'example.org/log'])).stdout.split('\n')[0] ?? '';
    expect((await cli(['witness', 'add-log', '--dir', witnessDir, '--vkey', logVkey])).code).toBe(0);

    const server = spawn(
      process.execPath,
      ['--import', TSX, MAIN, 'witness', 'serve', '--dir', witnessDir, '--port', '0'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const address = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /Witness listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        server.once('exit', (code) => reject(new Error(`witness exited with ${code}`)));
      });
      const signer = readSigner(keyFile());
      const text = formatCheckpoint({
        origin: 'example.org/log',
        size: 1,
        rootHash: hashLeaf(Buffer.from('hi')),
      });
      const response = await fetch(`${address}/add-checkpoint`, {
        method: 'POST',
        body: formatAddCheckpointRequest(0, [], signNote(text, [signer])),
      });
      expect(response.status).toBe(200);
      expect(verifyCosignature(text, await response.text(), vkey).name).toBe('witness.example/ua');
      const empty = formatCheckpoint({ origin: 'example.org/log', size: 0, rootHash: EMPTY_ROOT });
      const rollback = await fetch(`${address}/add-checkpoint`, {
        method: 'POST',
        body: formatAddCheckpointRequest(0, [], signNote(empty, [signer])),
      });
      expect(rollback.status).toBe(409);
      expect(await rollback.text()).toBe('1\n');
    } finally {
      server.kill('SIGTERM');
    }
  });
});
