/**
 * Reads at field scale (issue #19): the two queries the dashboard makes, over 1 M reports (50 k with
 * --smoke), answered by the real route (`GET /api/v1/reports` through Fastify, with authentication,
 * markings, JSON and brotli), beside the same query in PostGIS in the same run:
 * - `map`: one week and a viewport (about 0.6° × 0.4°), newest first, up to 5,000 reports, as the map
 *   asks (`view=map`: the slim answer of id, category, window, position, grade, zones, flagged); the
 *   same query answering full reports is timed too (after the memory is read), as the map asked before;
 * - `list`: one week and one category, newest first, a page of 100.
 * Also the server's RSS after the queries, holding the 1 M-report database.
 *
 * The database is built fast, not through intake: 20 k generated reports (5 k with --smoke) are
 * imported for real over 120 days, then copied in SQL with new ids, times shifted by up to a day and
 * positions by up to 3 km until the table holds the target. The copies' stored bodies still carry
 * their original's times and position (the filters read the columns), and they are not in the log:
 * this database is for timing reads, not for an audit.
 *
 * The PostGIS peer holds the same rows (id, window, category, marking, a Point with a GiST index,
 * the map's slim columns, the body as text) and answers with the same JSON (for the map, the same
 * slim fields built by `json_build_object`); it needs TRUCELINE_TEST_PG_URL (or the default
 * test URL) and Debian's postgresql-15-postgis-3, and is skipped, saying so, without them.
 * Targets: p95 < 50 ms at 1 M reports and no worse than PostGIS's p95; server RSS < 512 MB.
 *
 *   npm run bench -- --only reads
 *   TRUCELINE_BENCH_READ_REPORTS=200000 npm run bench -- --only reads
 *   TRUCELINE_BENCH_KEEP=1 …              # keeps the database and prints where (to EXPLAIN a query)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { initialise } from '../src/access/bootstrap.js';
import { CONSOLE_ACTOR, openRuntime } from '../src/cli/runtime.js';
import { generateReports, rng } from '../src/monitoring/generator.js';
import type { Database } from '../src/db/database.js';
import { importFile } from '../src/monitoring/import/importer.js';
import { illustrativeAgreementText } from '../test/support/fixtures.js';
import { msSince, num, quantile, type BenchOptions, type BenchResult } from './harness.js';
import { writeCsv } from './monitoring.bench.js';
import { freePort, memoryOf, startProcess } from './processes.js';
import { ensureWebBuilt } from '../web/tests/support/build.js';
import { CHROMIUM, launchChromium } from '../web/tests/support/chromium.js';

const TARGET_P95_MS = 50;
const TARGET_RSS_MB = 512;
const TARGET_FIRST_LOAD_MB = 1;
const BENCH_PASSWORD = 'bench-password-bench';
const DAY = 86_400_000;
const PG_URL =
  process.env.TRUCELINE_TEST_PG_URL ?? 'postgres://truceline:truceline@127.0.0.1:5432/truceline_test';

/** One query's timings. */
interface Timed {
  p50: number;
  p95: number;
  bytes: number;
  wire: number;
  rows: number;
}

async function time(
  runs: number,
  once: (i: number) => Promise<{ bytes: number; wire: number; rows: number }>,
) {
  const ms: number[] = [];
  let bytes = 0;
  let wire = 0;
  let rows = 0;
  for (let i = 0; i < runs; i += 1) {
    const t = process.hrtime.bigint();
    const r = await once(i);
    ms.push(msSince(t));
    bytes += r.bytes;
    wire += r.wire;
    rows += r.rows;
  }
  ms.sort((a, b) => a - b);
  return {
    p50: quantile(ms, 0.5),
    p95: quantile(ms, 0.95),
    bytes: bytes / runs,
    wire: wire / runs,
    rows: rows / runs,
  };
}

/** The query parameters of run `i`: the same for Truceline and the peer. */
interface Query {
  from: string;
  to: string;
  bbox: [number, number, number, number];
  category: string;
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const total = Number(process.env.TRUCELINE_BENCH_READ_REPORTS) || (options.smoke ? 50_000 : 1_000_000);
  const seed = Math.min(total, options.smoke ? 5_000 : 20_000);
  const runs = options.smoke ? 15 : 100;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-bench-reads-'));
  const results: BenchResult[] = [];
  const services = await openRuntime(
    {
      dataDir: dir,
      databaseUrl: `sqlite:${path.join(dir, 'bench.db')}`,
      logKeyFile: path.join(dir, 'log-signer.key'),
      secretsKeyFile: path.join(dir, 'secrets.key'),
      rateLimitPerMinute: 1_000_000_000,
    },
    { serving: true },
  );
  let closed = false;
  try {
    await initialise(services, CONSOLE_ACTOR, {
      adminUsername: 'admin',
      demo: true,
      adminPassword: BENCH_PASSWORD,
    });
    await services.agreements.load(CONSOLE_ACTOR, {
      text: illustrativeAgreementText(),
      fileName: 'illustrative-framework.yaml',
      marking: 'GREEN',
    });
    const reports = services.monitoring.reports;
    await reports.timeline.refresh();
    const end = Date.now() - DAY;
    const start = end - 120 * DAY;
    const ctx = reports.timeline.at(end);
    if (ctx === undefined) throw new Error('the illustrative agreement is not in force now');

    // The seed: generated reports imported for real.
    let t = process.hrtime.bigint();
    const file = path.join(dir, 'seed.csv');
    writeCsv(file, generateReports(ctx, seed, { seed: 7, start, end }));
    const imported = await importFile(reports, CONSOLE_ACTOR, file, { format: 'csv', marking: 'AMBER' });
    if (imported.accepted !== seed)
      throw new Error(
        `seed import: ${imported.accepted} of ${seed} accepted; ${JSON.stringify(imported.problems.slice(0, 3))}`,
      );
    const seedMs = msSince(t);

    // Copies until the table holds `total`.
    t = process.hrtime.bigint();
    const db = services.database.db;
    const columns = Object.keys(
      (await sql<Record<string, unknown>>`select * from reports limit 1`.execute(db)).rows[0] ?? {},
    );
    const copied = (name: string, k: number): string => {
      if (name === 'id') return `id || '~${k}'`;
      if (name === 'external_id')
        return `case when external_id is null then null else external_id || '~${k}' end`;
      if (name === 'observed_from' || name === 'observed_to')
        return `strftime('%Y-%m-%dT%H:%M:%fZ', ${name}, '-' || ((rowid * 7919 + ${k} * 104729) % 86400) || ' seconds')`;
      if (name === 'lon') return `lon + ((${k} % 7) - 3) * 0.013`;
      if (name === 'lat') return `lat + (((${k} / 7) % 7) - 3) * 0.009`;
      return name;
    };
    for (let k = 1, have = seed; have < total; k += 1) {
      const take = Math.min(seed, total - have);
      await sql
        .raw(
          `insert into reports (${columns.join(', ')}) select ${columns.map((c) => copied(c, k)).join(', ')} from reports where instr(id, '~') = 0 order by rowid limit ${take}`,
        )
        .execute(db);
      // Each copy joins its original's incident, so the server's correlation catch-up finds no
      // backlog to work through while the queries are timed.
      await sql
        .raw(
          `insert into incident_reports (report_id, incident_id, how, added_by, added_at) select report_id || '~${k}', incident_id, how, added_by, added_at from incident_reports where instr(report_id, '~') = 0 and report_id || '~${k}' in (select id from reports)`,
        )
        .execute(db);
      have += take;
    }
    await sql`analyze`.execute(db);
    const copyMs = msSince(t);
    const count = Number(
      (await sql<{ n: number }>`select count(*) as n from reports`.execute(db)).rows[0]?.n ?? 0,
    );
    const dbBytes = ['bench.db', 'bench.db-wal']
      .map((f) => path.join(dir, f))
      .reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);

    // What the queries ask: a random week of the span, a box in the reports' area, the commonest category.
    const area = (
      await sql<{ w: number; s: number; e: number; n: number }>`
        select min(lon) as w, min(lat) as s, max(lon) as e, max(lat) as n from reports`.execute(db)
    ).rows[0];
    if (!area) throw new Error('no reports');
    const commonest = String(
      (
        await sql<{ category: string }>`
          select category from reports group by category order by count(*) desc limit 1`.execute(db)
      ).rows[0]?.category,
    );
    // The map at its lowest zoom over a week: the whole area, counted per cell of about a tenth of
    // its longer side (a power of two of degrees, as the map picks it).
    const region: Query['bbox'] = [
      Math.floor(area.w),
      Math.floor(area.s),
      Math.ceil(area.e),
      Math.ceil(area.n),
    ];
    const cell = Math.max(
      0.001,
      2 ** Math.round(Math.log2(Math.max(region[2] - region[0], region[3] - region[1]) / 10)),
    );
    const random = rng(11);
    const queries: Query[] = Array.from({ length: runs }, () => {
      const weekStart = start + random() * (end - start - 7 * DAY);
      const w = area.w + random() * Math.max(0, area.e - area.w - 0.6);
      const s = area.s + random() * Math.max(0, area.n - area.s - 0.4);
      return {
        from: new Date(weekStart).toISOString(),
        to: new Date(weekStart + 7 * DAY).toISOString(),
        bbox: [w, s, w + 0.6, s + 0.4].map((v) => Number(v.toFixed(4))) as Query['bbox'],
        category: commonest,
      };
    });

    const user = await services.users.create(CONSOLE_ACTOR, {
      organisationId: 'JMVC',
      username: 'bench-analyst',
      roles: ['analyst'],
      password: BENCH_PASSWORD,
    });
    const { secret } = await services.tokens.create(CONSOLE_ACTOR, { userId: user.id, name: 'bench' });

    // The peer first, from the rows as stored; then this process lets go of the database.
    const peer = await postgisPeer(services.database.db, queries, runs, region, cell);
    await services.close();
    closed = true;

    // The dashboard is built before the server starts: it lists the assets it serves when it starts,
    // so a build during the run would leave the page asking for files the server does not know.
    if (fs.existsSync(CHROMIUM)) await ensureWebBuilt();
    // A real server, in a process of its own, holding the database.
    const port = await freePort();
    const server = await startProcess(
      ['src/cli/main.ts', 'serve', '--port', String(port)],
      {
        TRUCELINE_DATA_DIR: dir,
        DATABASE_URL: `sqlite:${path.join(dir, 'bench.db')}`,
        LOG_LEVEL: 'warn',
        TRUCELINE_RATE_LIMIT: '10000000',
      },
      port,
      '/healthz',
    );
    let ours: { map: Timed; list: Timed; density: Timed; mapFull: Timed };
    let memory: ReturnType<typeof memoryOf>;
    /** The server's memory at each stage, to tell what its peak comes from. */
    const stages: { stage: string; memory: ReturnType<typeof memoryOf> }[] = [];
    let firstLoads: FirstLoad[] | string;
    try {
      const base = `http://127.0.0.1:${port}`;
      const get = (url: string) => getReports(`${base}${url}`, secret);
      const mapUrl = (q: Query, view = '&view=map') =>
        `/api/v1/reports?sort=-observed&limit=5000&from=${q.from}&to=${q.to}&bbox=${q.bbox.join(',')}${view}`;
      const listUrl = (q: Query) =>
        `/api/v1/reports?sort=-observed&limit=100&from=${q.from}&to=${q.to}&category=${encodeURIComponent(q.category)}`;
      stages.push({ stage: 'started', memory: memoryOf(server.pid) });
      // Warm the caches as a running server has them.
      await get(mapUrl(queries[0] as Query));
      const map = await time(runs, (i) => get(mapUrl(queries[i] as Query)));
      const list = await time(runs, (i) => get(listUrl(queries[i] as Query)));
      const density = await time(runs, (i) => {
        const q = queries[i] as Query;
        return get(
          `/api/v1/reports?view=density&cell=${cell}&from=${q.from}&to=${q.to}&bbox=${region.join(',')}`,
        );
      });
      stages.push({ stage: 'after the API queries', memory: memoryOf(server.pid) });
      firstLoads = await dashboardFirstLoads(base, 'bench-analyst');
      memory = memoryOf(server.pid);
      stages.push({ stage: 'after the dashboard loads', memory });
      // Full reports for the same queries, as the map asked before `view=map`: after the memory is
      // read, so the peak is the one the dashboard's own queries reach.
      ours = {
        map,
        list,
        density,
        mapFull: await time(runs, (i) => get(mapUrl(queries[i] as Query, ''))),
      };
    } finally {
      await server.stop();
    }

    const context = `${num(count)} reports (${num(seed)} imported in ${num(seedMs / 1000, 1)} s, the rest copied in ${num(copyMs / 1000, 1)} s); SQLite ${num(dbBytes / 1e9, 2)} GB`;
    for (const kind of ['map', 'list'] as const) {
      const o = ours[kind];
      const p = peer.timings?.[kind];
      const what =
        kind === 'map'
          ? 'map query (view=map): a week × a 0.6° × 0.4° viewport, up to 5,000'
          : 'list page: a week × one category, 100 newest';
      results.push({
        name: `${what}, SQLite, p95`,
        value: o.p95,
        unit: 'ms',
        target: `< ${TARGET_P95_MS} ms and ≤ PostGIS p95`,
        pass: o.p95 < TARGET_P95_MS && (p === undefined || o.p95 <= p.p95),
        notes: [
          `p50 ${num(o.p50, 1)} ms over ${runs} queries; ${num(o.rows)} reports a query, ${num(o.bytes / 1024)} KiB JSON, ${num(o.wire / 1024)} KiB brotli on the wire`,
          ...(kind === 'map'
            ? [
                `the same query answering full reports (as the map asked before view=map): p50 ${num(ours.mapFull.p50, 1)} ms, p95 ${num(ours.mapFull.p95, 1)} ms, ${num(ours.mapFull.bytes / 1024)} KiB JSON, ${num(ours.mapFull.wire / 1024)} KiB brotli`,
              ]
            : []),
          p
            ? `PostGIS ${peer.version}, same query and JSON: p50 ${num(p.p50, 1)} ms, p95 ${num(p.p95, 1)} ms (${num(p.rows)} rows); ratio Truceline/PostGIS p95 ${num(o.p95 / Math.max(0.001, p.p95), 2)}×`
            : `PostGIS: ${peer.skipped}`,
          context,
        ],
      });
    }
    {
      const o = ours.density;
      const p = peer.timings?.density;
      results.push({
        name: `map density (view=density): a week × the whole area (${region.join(', ')}), cells of ${cell}°, SQLite, p95`,
        value: o.p95,
        unit: 'ms',
        target: `< ${TARGET_P95_MS} ms and ≤ PostGIS p95`,
        pass: o.p95 < TARGET_P95_MS && (p === undefined || o.p95 <= p.p95),
        notes: [
          `p50 ${num(o.p50, 1)} ms over ${runs} queries; ${num(o.rows)} reports counted a query, ${num(o.bytes / 1024, 1)} KiB JSON, ${num(o.wire / 1024, 1)} KiB brotli on the wire`,
          p
            ? `PostGIS ${peer.version}, same counts (floor of the point's coordinates per cell, GROUP BY): p50 ${num(p.p50, 1)} ms, p95 ${num(p.p95, 1)} ms; ratio Truceline/PostGIS p95 ${num(o.p95 / Math.max(0.001, p.p95), 2)}×`
            : `PostGIS: ${peer.skipped}`,
          context,
        ],
      });
    }
    if (memory === undefined)
      results.push({
        name: 'RSS of the server process',
        value: 0,
        unit: '',
        notes: ['skipped: no /proc on this system'],
      });
    else
      results.push({
        name: `RSS of the server process (truceline serve) holding ${num(count)} reports, after the queries`,
        value: memory.rssMb,
        unit: 'MB',
        target: `< ${TARGET_RSS_MB} MB`,
        pass: memory.rssMb < TARGET_RSS_MB && memory.peakMb < TARGET_RSS_MB,
        notes: [
          `peak ${num(memory.peakMb)} MB (VmHWM) over its life: start, ${runs * 3 + 1} API queries (map with view=map, density) and the dashboard loads below`,
          `by stage, RSS (peak so far): ${stages
            .map(
              (s) =>
                `${s.stage} ${s.memory === undefined ? '?' : `${num(s.memory.rssMb)} (${num(s.memory.peakMb)})`} MB`,
            )
            .join(', ')}`,
        ],
      });
    if (typeof firstLoads === 'string')
      results.push({ name: 'dashboard first load', value: 0, unit: '', notes: [firstLoads] });
    else
      for (const load of firstLoads)
        results.push({
          name: `dashboard first load of ${load.path} on the wire (cold cache, signed in), ${num(count)} reports stored`,
          value: load.wire / 1e6,
          unit: 'MB',
          target: `< ${TARGET_FIRST_LOAD_MB} MB`,
          pass: load.wire / 1e6 < TARGET_FIRST_LOAD_MB,
          notes: [
            `${load.requests} requests, ${num(load.decoded / 1e6, 2)} MB decoded; largest: ${load.largest
              .map((r) => `${r.path} ${num(r.wire / 1024)} KiB`)
              .join(', ')}`,
          ],
        });
    return results;
  } finally {
    if (!closed) await services.close();
    if (process.env.TRUCELINE_BENCH_KEEP === '1') process.stdout.write(`kept the database in ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** GET over HTTP with brotli accepted, as a browser asks: the JSON's size, the bytes on the wire, the rows. */
function getReports(url: string, token: string): Promise<{ bytes: number; wire: number; rows: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'br, gzip' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks);
          if (res.statusCode !== 200)
            return reject(new Error(`${url}: ${res.statusCode} ${raw.toString('utf8', 0, 300)}`));
          const encoding = res.headers['content-encoding'];
          const body =
            encoding === 'br'
              ? zlib.brotliDecompressSync(raw)
              : encoding === 'gzip'
                ? zlib.gunzipSync(raw)
                : raw;
          resolve({
            bytes: body.length,
            wire: raw.length,
            rows: ((answer: { reports?: unknown[]; total?: number }) =>
              answer.reports?.length ?? answer.total ?? 0)(JSON.parse(body.toString('utf8')) as object),
          });
        });
      },
    );
    req.on('error', reject);
  });
}

/** One screen's first load: every response's bytes on the wire (headers and encoded body). */
interface FirstLoad {
  path: string;
  requests: number;
  wire: number;
  decoded: number;
  largest: { path: string; wire: number }[];
}

const DASHBOARD_SCREENS = ['/', '/map', '/reports'];

/**
 * Opens each screen in a fresh browser context (cold cache) signed in as `username`, and sums what
 * crossed the wire until the screen went quiet (no request for a second and a half; the live event
 * stream stays open and counts its headers). A string says why it was skipped.
 */
async function dashboardFirstLoads(base: string, username: string): Promise<FirstLoad[] | string> {
  if (!fs.existsSync(CHROMIUM)) return `skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  const browser = await launchChromium();
  try {
    const signedIn = await browser.newContext({ baseURL: base });
    const res = await signedIn.request.post('/api/v1/auth/login', {
      data: { username, password: BENCH_PASSWORD },
    });
    if (!res.ok()) throw new Error(`sign-in: ${res.status()} ${await res.text()}`);
    const state = await signedIn.storageState();
    await signedIn.close();
    const loads: FirstLoad[] = [];
    for (const screen of DASHBOARD_SCREENS) {
      const context = await browser.newContext({
        baseURL: base,
        storageState: state,
        viewport: { width: 1366, height: 900 },
      });
      const page = await context.newPage();
      const seen: Promise<{ path: string; wire: number; decoded: number; status: number }>[] = [];
      let lastActivity = Date.now();
      page.on('request', () => (lastActivity = Date.now()));
      page.on('requestfinished', (request) => {
        lastActivity = Date.now();
        seen.push(
          (async () => {
            const sizes = await request.sizes();
            const response = await request.response();
            const decoded =
              response === null ? 0 : (await response.body().catch(() => Buffer.alloc(0))).length;
            return {
              path: new URL(request.url()).pathname,
              wire: sizes.responseBodySize + sizes.responseHeadersSize,
              decoded,
              status: response?.status() ?? 0,
            };
          })(),
        );
      });
      await page.goto(screen, { waitUntil: 'load' });
      while (Date.now() - lastActivity < 1_500) await new Promise((r) => setTimeout(r, 250));
      const responses = await Promise.all(seen);
      // A screen that did not load is not a small first load: the figure would pass on a broken page.
      // (An API answer the reader may not have, a 403 say, is the screen's own business.)
      const failed = responses.filter(
        (r) => !r.path.startsWith('/api/') && (r.status === 0 || r.status >= 400),
      );
      if (failed.length > 0)
        throw new Error(
          `dashboard first load of ${screen}: ${failed.map((r) => `${r.path} ${r.status || 'no answer'}`).join(', ')}`,
        );
      loads.push({
        path: screen,
        requests: responses.length,
        wire: responses.reduce((sum, r) => sum + r.wire, 0),
        decoded: responses.reduce((sum, r) => sum + r.decoded, 0),
        largest: [...responses].sort((a, b) => b.wire - a.wire).slice(0, 3),
      });
      await context.close();
    }
    return loads;
  } finally {
    await browser.close();
  }
}

/**
 * The same rows in a PostGIS table with a GiST index, and the same queries answered as JSON: the map's
 * with the slim fields `view=map` answers, the list's with the stored bodies.
 */
async function postgisPeer(
  db: Kysely<Database>,
  queries: Query[],
  runs: number,
  region: Query['bbox'],
  cell: number,
): Promise<{ version?: string; skipped?: string; timings?: { map: Timed; list: Timed; density: Timed } }> {
  const client = new pg.Client({ connectionString: PG_URL });
  try {
    await client.connect();
  } catch (err) {
    return { skipped: `skipped: no PostgreSQL at ${PG_URL} (${(err as Error).message})` };
  }
  const schema = `bench_reads_${process.pid}`;
  try {
    try {
      await client.query('create extension if not exists postgis');
    } catch (err) {
      return {
        skipped: `skipped: PostGIS is not installed (${(err as Error).message}); apt-get install postgresql-15-postgis-3`,
      };
    }
    const version = String(
      (await client.query<{ v: string }>('select postgis_lib_version() as v')).rows[0]?.v,
    );
    await client.query(`create schema ${schema}`);
    await client.query(
      `create table ${schema}.peer (id text primary key, observed_from timestamptz not null, observed_to timestamptz not null,
         category text not null, marking text not null, owner text not null, geom geometry(Point, 4326) not null,
         uncertainty_m float8 not null, reliability text not null, credibility int not null, zones text not null, flagged boolean not null,
         body text not null)`,
    );
    for (let after = ''; ;) {
      const page = (
        await sql<{
          id: string;
          observed_from: string;
          observed_to: string;
          category: string;
          marking: string;
          owner_organisation_id: string;
          lon: number;
          lat: number;
          uncertainty_m: number;
          reliability: string;
          credibility: number;
          zones: string;
          flagged: number;
          body: string;
        }>`
          select id, observed_from, observed_to, category, marking, owner_organisation_id, lon, lat,
            uncertainty_m, reliability, credibility, zones, flagged, body
          from reports where id > ${after} order by id limit 5000`.execute(db)
      ).rows;
      if (page.length === 0) break;
      after = page.at(-1)?.id ?? after;
      await client.query(
        `insert into ${schema}.peer select id, f::timestamptz, t::timestamptz, c, m, o, st_setsrid(st_makepoint(x, y), 4326), u, r, cr, z, fl, b
         from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::float8[],
           $9::float8[], $10::text[], $11::int[], $12::text[], $13::boolean[], $14::text[]) as u(id, f, t, c, m, o, x, y, u, r, cr, z, fl, b)`,
        [
          page.map((r) => r.id),
          page.map((r) => r.observed_from),
          page.map((r) => r.observed_to),
          page.map((r) => r.category),
          page.map((r) => r.marking),
          page.map((r) => r.owner_organisation_id),
          page.map((r) => r.lon),
          page.map((r) => r.lat),
          page.map((r) => r.uncertainty_m),
          page.map((r) => r.reliability),
          page.map((r) => r.credibility),
          page.map((r) => r.zones),
          page.map((r) => Number(r.flagged) === 1),
          page.map((r) => r.body),
        ],
      );
    }
    await client.query(`create index on ${schema}.peer using gist (geom)`);
    await client.query(`create index on ${schema}.peer (observed_from)`);
    await client.query(`create index on ${schema}.peer (category, observed_from)`);
    await client.query(`analyze ${schema}.peer`);
    // The rows the analyst may see (the commission's own, and everything GREEN or CLEAR), as ours filters.
    const visible = `(owner = 'JMVC' or marking in ('CLEAR', 'GREEN') or marking = 'AMBER')`;
    const answer = async (text: string, values: unknown[]) => {
      const rows = (await client.query<{ body: string }>(text, values)).rows;
      const json = `{"reports":[${rows.map((r) => r.body).join(',')}]}`;
      return { bytes: json.length, wire: 0, rows: rows.length };
    };
    const map = await time(runs, (i) => {
      const q = queries[i] as Query;
      return answer(
        `select json_build_object('id', id, 'category', category,
             'observed', json_build_object('from', observed_from, 'to', observed_to),
             'location', json_build_object('lon', st_x(geom), 'lat', st_y(geom), 'uncertaintyM', uncertainty_m),
             'grade', json_build_object('reliability', reliability, 'credibility', credibility),
             'zones', zones::json, 'flagged', flagged)::text as body
           from ${schema}.peer where observed_to >= $1 and observed_from <= $2
           and geom && st_makeenvelope($3, $4, $5, $6, 4326) and ${visible}
         order by observed_from desc, id desc limit 5000`,
        [q.from, q.to, ...q.bbox],
      );
    });
    const list = await time(runs, (i) => {
      const q = queries[i] as Query;
      return answer(
        `select body from ${schema}.peer where observed_to >= $1 and observed_from <= $2 and category = $3 and ${visible}
         order by observed_from desc, id desc limit 100`,
        [q.from, q.to, q.category],
      );
    });
    const density = await time(runs, async (i) => {
      const q = queries[i] as Query;
      const rows = (
        await client.query<{ lon: number; lat: number; count: string }>(
          `select floor((st_x(geom) + 180) / $7) * $7 - 180 as lon, floor((st_y(geom) + 90) / $7) * $7 - 90 as lat, count(*) as count
           from ${schema}.peer where observed_to >= $1 and observed_from <= $2
             and geom && st_makeenvelope($3, $4, $5, $6, 4326) and ${visible}
           group by 1, 2`,
          [q.from, q.to, ...region, cell],
        )
      ).rows;
      const cells = rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat), count: Number(r.count) }));
      const total = cells.reduce((n, c) => n + c.count, 0);
      return { bytes: JSON.stringify({ cell, total, cells }).length, wire: 0, rows: total };
    });
    return { version, timings: { map, list, density } };
  } finally {
    await client.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await client.end();
  }
}
