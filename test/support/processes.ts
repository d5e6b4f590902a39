/**
 * A real Truceline deployment driven as separate processes, for the crash and fault suites: a data
 * directory (and a PostgreSQL database of its own), the CLI run to completion, `truceline serve`
 * started and killed, live intake over HTTP, and the checks made on the database once every process
 * is dead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { sampleInput } from './app.js';
import { PG_URL } from './databases.js';
import { createPgDatabase } from './pg-database.js';
import { openDatabase } from '../../src/db/connect.js';
import type { Dialect } from '../../src/db/database.js';
import { parseCheckpoint } from '../../src/ledger/checkpoint.js';
import { auditDatabase } from '../../src/ledger/database-audit.js';
import { readSigner } from '../../src/ledger/log-keys.js';
import { MerkleTree } from '../../src/ledger/merkle.js';
import { parseNote } from '../../src/ledger/note.js';
import { ROW_BINDINGS } from '../../src/server/row-bindings.js';
import { ACLED_COLUMNS } from '../../src/monitoring/import/acled.js';
import { csvLine } from '../../src/monitoring/import/csv-parse.js';

const MAIN = path.resolve('src/cli/main.ts');

/** mulberry32: a small seeded PRNG, so a failing sequence can be run again. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Deployment {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly databaseUrl: string;
  readonly keyFile: string;
  drop(): Promise<void>;
}

/** A PostgreSQL database of its own (processes cannot be given a schema); `drop` removes it. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (PG_URL === undefined) throw new Error('TRUCELINE_TEST_PG_URL is not set');
  return createPgDatabase(PG_URL, `tl_proc_${crypto.randomBytes(5).toString('hex')}`);
}

/** A data directory (under `parent`, default the temp dir) and a database of the dialect. */
export async function deployment(dialect: Dialect, options: { parent?: string } = {}): Promise<Deployment> {
  const dir = fs.mkdtempSync(path.join(options.parent ?? os.tmpdir(), 'tl-proc-'));
  let databaseUrl = `sqlite:${path.join(dir, 'truceline.db')}`;
  let dropDatabase = async () => {};
  if (dialect === 'postgres') {
    const database = await freshPostgresDatabase();
    databaseUrl = database.url;
    dropDatabase = () => database.drop();
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TRUCELINE_DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    TRUCELINE_SCRYPT_N: '1024',
    TRUCELINE_RATE_LIMIT: '10000000',
    LOG_LEVEL: 'warn',
  };
  return {
    dir,
    env,
    databaseUrl,
    keyFile: path.join(dir, 'log-signer.key'),
    drop: async () => {
      await dropDatabase();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the CLI to completion. */
export function cli(
  d: Deployment,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...d.env, ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Runs the CLI and returns its output; throws with its stderr when it fails. */
export function cliOk(d: Deployment, args: string[]): string {
  const res = cli(d, args);
  if (res.code !== 0)
    throw new Error(`truceline ${args.join(' ')} exited ${res.code}: ${res.stderr || res.stdout}`);
  return res.stdout;
}

/** `init` with the demo organisations and agreement, a UA monitor, and that monitor's API token. */
export function initialiseWithMonitor(d: Deployment): string {
  cliOk(d, ['init', '--demo-reports', '0']);
  cliOk(d, ['user', 'create', '--org', 'UA', '--username', 'proc-monitor', '--roles', 'monitor']);
  const out = cliOk(d, ['token', 'create', '--user', 'proc-monitor', '--name', 'proc', '--days', '1']);
  const secret = /Secret \(shown once\): (tl_\S+)/.exec(out)?.[1];
  if (secret === undefined) throw new Error(`no token in: ${out}`);
  return secret;
}

/** Starts a CLI command in the background. */
export function truceline(d: Deployment, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    env: { ...d.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export const exited = (proc: ChildProcess): Promise<void> =>
  proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

export async function kill(proc: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  proc.kill(signal);
  await exited(proc);
}

/** Resolves with the server's base URL once it listens; rejects if it exits first. */
export function listening(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /open\s+(http:\/\/\S+?)\/\s/.exec(out);
      if (m?.[1]) resolve(m[1].replace('localhost', '127.0.0.1'));
    });
    proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.once('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening: ${err || out}`)),
    );
  });
}

/** `truceline serve` on a free port, once it listens. */
export async function serve(
  d: Deployment,
  env: NodeJS.ProcessEnv = {},
): Promise<{ proc: ChildProcess; url: string; output: () => string }> {
  const proc = truceline(d, ['serve', '--port', '0'], env);
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return { proc, url: await listening(proc), output: () => output };
}

/** Posts one report; the answer's status and body (status 0 when the connection failed). */
export async function postReport(
  url: string,
  token: string,
  n: number,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const body = sampleInput({
    narrative: `process suite report ${n} ${crypto.randomBytes(4).toString('hex')}`,
    counts: { events: 1 + (n % 7) },
  });
  try {
    const res = await fetch(`${url}/api/v1/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: await res.text(), ms: performance.now() - started };
  } catch {
    return { status: 0, body: '', ms: performance.now() - started };
  }
}

/** The id of a report a 201 answered with. */
export const reportIdOf = (body: string): string =>
  (JSON.parse(body) as { report: { id: string } }).report.id;

/**
 * Live intake: `writers` loops post one report each until stopped. 201s are recorded in `acked`;
 * `onAnswer` sees every other answer (status 0: the connection failed).
 */
export function intake(
  url: string,
  token: string,
  acked: Set<string>,
  onAnswer: (status: number, body: string) => 'go-on' | 'stop',
  writers = 8,
) {
  let stopped = false;
  let n = 0;
  let acknowledge = () => {};
  const firstAck = new Promise<void>((resolve) => (acknowledge = resolve));
  const writer = async () => {
    while (!stopped) {
      n += 1;
      const res = await postReport(url, token, n);
      if (res.status === 201) {
        acked.add(reportIdOf(res.body));
        acknowledge();
      } else if (onAnswer(res.status, res.body) === 'stop') return;
    }
  };
  const running = Array.from({ length: writers }, writer);
  return {
    /** The first 201 (or 10 s), so that a fault lands under load rather than before the first request. */
    firstAck: Promise.race([firstAck, sleep(10_000)]),
    stop: async () => {
      stopped = true;
      await Promise.all(running);
    },
  };
}

export interface Published {
  readonly size: number;
  readonly root: Buffer;
}

/** Polls the published checkpoint while the server runs, keeping each new size. */
export function watchCheckpoints(url: string, seen: Published[]) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const res = await fetch(`${url}/log/checkpoint`);
        if (res.ok) {
          const cp = parseCheckpoint(parseNote(await res.text()).text);
          const last = seen.at(-1);
          if (last === undefined || last.size !== cp.size) seen.push({ size: cp.size, root: cp.rootHash });
        }
      } catch {
        return;
      }
      await sleep(100);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

export interface StoreCheck {
  /** Acknowledged reports not stored. */
  readonly lost: string[];
  /** The database audit's problems: rows without their entry, entries without their row, a bad tree. */
  readonly problems: string[];
  /** Published checkpoints the log no longer extends. */
  readonly inconsistent: string[];
  readonly reports: number;
  readonly logSize: number;
  readonly queued: number;
}

/** With every process dead: the acknowledged reports, the audit, and the published checkpoints. */
export async function checkStore(
  d: Deployment,
  acked: ReadonlySet<string>,
  published: readonly Published[],
): Promise<StoreCheck> {
  const database = await openDatabase(d.databaseUrl, { poolSize: 2 });
  try {
    const ids = new Set((await database.db.selectFrom('reports').select('id').execute()).map((r) => r.id));
    const lost = [...acked].filter((id) => !ids.has(id));
    const report = await auditDatabase(database.db, {
      bindings: ROW_BINDINGS,
      logKeys: [readSigner(d.keyFile).verifierKey],
    });
    const problems = [
      ...report.logProblems,
      ...report.findings.map((f) => `${f.table} row ${f.id}: ${f.check}: ${f.detail}`),
    ];
    const tree = new MerkleTree();
    const { rows } = await sql<{
      leaf_hash: Buffer;
    }>`select leaf_hash from log_entries order by idx`.execute(database.db);
    for (const row of rows) tree.append(row.leaf_hash);
    const inconsistent = published
      .filter((p) => p.size > tree.size || !tree.root(p.size).equals(p.root))
      .map((p) => `checkpoint of size ${p.size} (log now ${tree.size})`);
    return { lost, problems, inconsistent, reports: ids.size, logSize: tree.size, queued: report.queued };
  } finally {
    await database.close();
  }
}

/** An ACLED CSV of `rows` shelling events in Donetsk oblast, ids `UKR<prefix>…` (900000 + i by default). */
export function acledFile(dir: string, rows: number, prefix = ''): string {
  const file = path.join(dir, `acled${prefix}-${rows}.csv`);
  const lines = [csvLine([...ACLED_COLUMNS])];
  const base: Record<string, string> = {
    event_date: '2026-11-20',
    year: '2026',
    time_precision: '1',
    disorder_type: 'Political violence',
    event_type: 'Explosions/Remote violence',
    sub_event_type: 'Shelling/artillery/missile attack',
    actor1: 'Military Forces of Russia (2000-)',
    inter1: '8',
    iso: '804',
    region: 'Europe',
    country: 'Ukraine',
    admin1: 'Donetsk',
    geo_precision: '1',
    source: 'Ukrinform',
    source_scale: 'National',
    fatalities: '0',
    timestamp: '1764000000',
  };
  for (let i = 0; i < rows; i++) {
    const row: Record<string, string> = {
      ...base,
      event_id_cnty: `UKR${prefix}${900000 + i}`,
      location: `Place ${i}`,
      latitude: (47.9 + (i % 97) * 0.01).toFixed(4),
      longitude: (37.5 + (i % 89) * 0.012).toFixed(4),
      notes: `Suite row ${prefix}${i}: shelling reported.`,
    };
    lines.push(csvLine(ACLED_COLUMNS.map((c) => row[c] ?? '')));
  }
  fs.writeFileSync(file, lines.join('\r\n') + '\r\n');
  return file;
}
