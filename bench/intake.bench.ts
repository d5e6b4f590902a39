/**
 * Live intake benchmark (issue #19): a real `truceline serve` process on 127.0.0.1 over a fresh
 * database, driven by autocannon with one report per POST /api/v1/reports (each body distinct), at
 * 1, 16 and 64 connections; beside it, in the same run and at the same concurrency, a bare Fastify
 * app whose route returns 201 with an empty body: the ceiling no route on this machine can beat.
 *
 * Both servers run in their own process (the load generator runs in this one), so on a 2-core machine
 * the server gets about a core of its own. Targets at c=64: ≥ 5,000 reports/s, p99 < 100 ms and
 * ≥ 0.25× the ceiling. SQLite always; PostgreSQL when TRUCELINE_TEST_PG_URL is set (a fresh database
 * is created and dropped). `--smoke` runs each level for 2 s instead of 10 s. Each level also reports
 * the server process's CPU time per report (Linux, from /proc): on a shared machine the rates swing
 * with the other load, the work each report costs much less.
 *
 *   npm run bench -- --only intake            # both engines (PostgreSQL when its URL is set)
 *   npm run bench -- --only intake.sqlite     # one engine
 *   TRUCELINE_BENCH_CPU_PROF=/tmp/prof npm run bench -- --only intake.sqlite   # server CPU profile
 *
 * The figures are also written to `bench/results/intake.json` (`intake.smoke.json` for a smoke run).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { initialise } from '../src/access/bootstrap.js';
import { CONSOLE_ACTOR, openRuntime } from '../src/cli/runtime.js';
import { generateReports } from '../src/monitoring/generator.js';
import { createPgDatabase, num, type BenchOptions, type BenchResult } from './harness.js';
import { cpuMicrosOf, freePort, ROOT, startProcess } from './processes.js';

const LEVELS = [1, 16, 64] as const;
const TARGET_PER_S = 5_000;
const TARGET_P99_MS = 100;
const TARGET_RATIO = 0.25;
const AGREEMENT = path.join(ROOT, 'examples', 'illustrative-framework.yaml');

/** One load level's outcome. */
interface Level {
  connections: number;
  perSecond: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /**
   * CPU time the server process used per request answered 201 (µs, user + system, all its threads;
   * Linux only). Unlike the rates it barely moves with the machine's load: the work each report costs.
   */
  cpuUsPerRequest?: number;
}

/** The ceiling: Fastify with one route that answers 201 and nothing else (JSON bodies parsed as usual). */
const EMPTY_ROUTE_APP = `
import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.post('/api/v1/reports', async (_request, reply) => reply.status(201).send());
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
`;

/**
 * Distinct report bodies, as the monitoring bench generates them: spread along the line and over the
 * last 30 days with a realistic mix of categories, sources and position forms (a burst of reports
 * all at one spot would instead grow one incident without end, and time the correlator's work on it).
 * Served in turn; past the end they repeat (answered 201 as unchanged).
 */
class Bodies {
  #next = 0;
  constructor(readonly bodies: readonly string[]) {}
  take(): string {
    const body = this.bodies[this.#next % this.bodies.length] ?? '{}';
    this.#next += 1;
    return body;
  }
}

/**
 * Drives `url` at `connections` for `seconds`, one POST per request with a distinct body; or, with
 * `amount`, for that many requests (the warm-up).
 */
async function drive(
  url: string,
  bodies: Bodies,
  token: string | undefined,
  connections: number,
  seconds: number,
  amount?: number,
): Promise<Level> {
  const result = await autocannon({
    url,
    connections,
    ...(amount !== undefined ? { amount } : { duration: seconds }),
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/reports',
        headers: {
          'content-type': 'application/json',
          ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
        },
        setupRequest: (request) => ({ ...request, body: bodies.take() }),
      },
    ],
  });
  const ok = result['2xx'];
  return {
    connections,
    perSecond: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok,
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** A fresh data directory and database with the demo organisations, the agreement, and a monitor's token. */
async function prepareServer(
  dir: string,
  databaseUrl: string,
  count: number,
): Promise<{ env: NodeJS.ProcessEnv; token: string; bodies: Bodies }> {
  const env = {
    TRUCELINE_DATA_DIR: dir,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'warn',
    TRUCELINE_RATE_LIMIT: '10000000',
    TRUCELINE_SCRYPT_N: '1024',
  };
  const services = await openRuntime({
    dataDir: dir,
    databaseUrl,
    logKeyFile: path.join(dir, 'log-signer.key'),
    passwordCostN: 1024,
  });
  try {
    await initialise(services, CONSOLE_ACTOR, { adminUsername: 'admin', demo: true });
    await services.agreements.load(CONSOLE_ACTOR, {
      text: fs.readFileSync(AGREEMENT, 'utf8'),
      fileName: 'examples/illustrative-framework.yaml',
      marking: 'CLEAR',
    });
    const user = await services.users.create(CONSOLE_ACTOR, {
      organisationId: 'JMVC',
      username: 'bench-monitor',
      roles: ['monitor'],
      password: 'bench-password-bench-password',
    });
    const { secret } = await services.tokens.create(CONSOLE_ACTOR, { userId: user.id, name: 'bench' });
    const timeline = services.monitoring.reports.timeline;
    await timeline.refresh();
    const end = Date.now() - 60_000;
    const ctx = timeline.at(end);
    if (ctx === undefined) throw new Error('the illustrative agreement is not in force now');
    const seed = Number(process.env.TRUCELINE_BENCH_SEED) || 19;
    const bodies: string[] = [];
    for (const input of generateReports(ctx, count, { seed, end, start: end - 30 * 86_400_000 }))
      bodies.push(JSON.stringify(input));
    return { env, token: secret, bodies: new Bodies(bodies) };
  } finally {
    await services.close();
  }
}

/** Runs the levels against Truceline and the empty route, alternating, and turns them into results. */
async function measure(
  engine: string,
  databaseUrl: string,
  dir: string,
  seconds: number,
): Promise<{ results: BenchResult[]; levels: { truceline: Level; ceiling: Level }[] }> {
  // Enough distinct reports for the fastest run at the target rate (warm-up and the three levels).
  const { env, token, bodies } = await prepareServer(dir, databaseUrl, seconds * 8_000);
  const port = await freePort();
  const server = await startProcess(
    ['src/cli/main.ts', 'serve', '--port', String(port)],
    env,
    port,
    '/healthz',
  );
  const ceilingPort = await freePort();
  const ceiling = await startProcess(
    ['--input-type=module', '-e', EMPTY_ROUTE_APP],
    { PORT: String(ceilingPort) },
    ceilingPort,
    '/healthz',
  );
  const levels: { truceline: Level; ceiling: Level }[] = [];
  // The ceiling gets the same bodies (same sizes), from a cursor of its own.
  const ceilingBodies = new Bodies(bodies.bodies);
  try {
    // A warm-up of both (JIT, serialisers compiled on first use, statement cache), not counted.
    await drive(`http://127.0.0.1:${port}`, bodies, token, 4, 0, 200);
    await drive(`http://127.0.0.1:${ceilingPort}`, ceilingBodies, undefined, 4, 0, 2000);
    for (const c of LEVELS) {
      const cpuBefore = cpuMicrosOf(server.pid);
      const truceline = await drive(`http://127.0.0.1:${port}`, bodies, token, c, seconds);
      const cpuAfter = cpuMicrosOf(server.pid);
      if (cpuBefore !== undefined && cpuAfter !== undefined && truceline.ok > 0)
        truceline.cpuUsPerRequest = Math.round((cpuAfter - cpuBefore) / truceline.ok);
      const empty = await drive(`http://127.0.0.1:${ceilingPort}`, ceilingBodies, undefined, c, seconds);
      levels.push({ truceline, ceiling: empty });
    }
  } finally {
    await server.stop();
    await ceiling.stop();
  }
  const results = levels.map(({ truceline: t, ceiling: e }): BenchResult => {
    const ratio = e.perSecond > 0 ? t.perSecond / e.perSecond : 0;
    const judged = t.connections === 64;
    const pass =
      t.failed === 0 &&
      (!judged || (t.perSecond >= TARGET_PER_S && t.p99 < TARGET_P99_MS && ratio >= TARGET_RATIO));
    return {
      name: `live intake ${engine}, c=${t.connections}, one report per POST`,
      value: t.perSecond,
      unit: 'reports/s',
      target: judged
        ? `≥ ${num(TARGET_PER_S)} /s, p99 < ${TARGET_P99_MS} ms, ≥ ${TARGET_RATIO}× ceiling`
        : 'no failures',
      pass,
      notes: [
        `p50 ${num(t.p50, 1)} ms, p99 ${num(t.p99, 1)} ms; ${num(t.ok)} answered 201, ${num(t.failed)} failed, in ${seconds} s${t.cpuUsPerRequest !== undefined ? `; server CPU ${num(t.cpuUsPerRequest)} µs per report` : ''}`,
        `empty Fastify route (ceiling): ${num(e.perSecond)} /s, p50 ${num(e.p50, 1)} ms, p99 ${num(e.p99, 1)} ms; ratio ${num(ratio, 3)}×`,
      ],
    };
  });
  return { results, levels };
}

function writeJson(smoke: boolean, engines: Record<string, { truceline: Level; ceiling: Level }[]>): void {
  const dir = path.join(import.meta.dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, smoke ? 'intake.smoke.json' : 'intake.json');
  const body = {
    bench: 'intake',
    at: new Date().toISOString(),
    smoke,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model.trim(), node: process.version },
    targets: { perSecondAtC64: TARGET_PER_S, p99MsAtC64: TARGET_P99_MS, ratioToCeiling: TARGET_RATIO },
    engines,
  };
  fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const seconds = options.smoke ? 2 : 10;
  const results: BenchResult[] = [];
  const engines: Record<string, { truceline: Level; ceiling: Level }[]> = {};
  if (options.part === undefined || options.part === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-bench-intake-'));
    try {
      const m = await measure('SQLite', `sqlite:${path.join(dir, 'truceline.db')}`, dir, seconds);
      results.push(...m.results);
      engines.sqlite = m.levels;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (options.part === undefined || options.part === 'postgres') {
    const pgUrl = process.env.TRUCELINE_TEST_PG_URL;
    if (pgUrl === undefined) {
      process.stdout.write('  live intake PostgreSQL: skipped (TRUCELINE_TEST_PG_URL is not set)\n');
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-bench-intake-pg-'));
      const database = await createPgDatabase(pgUrl, `truceline_bench_intake_${process.pid}`);
      try {
        const m = await measure('PostgreSQL', database.url, dir, seconds);
        results.push(...m.results);
        engines.postgres = m.levels;
      } finally {
        await database.drop();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  writeJson(options.smoke, engines);
  return results;
}
