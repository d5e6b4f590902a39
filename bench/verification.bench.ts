/**
 * Verification benchmarks: the space-time correlation engine (`src/verification/correlation.ts`).
 * - `bulk`: `clusterPoints` over 1 M generated reports (20 k with --smoke) along a front (region
 *   lon 30–41, lat 44–52.5; hotspots; uncertainty 50 m–5 km with a few at 20 km; windows of minutes
 *   to a day over 90 days; six categories with their own thresholds). Target ≥ 200,000 reports/s.
 * - `postgis`: the same spatial grouping by PostGIS `ST_ClusterDBSCAN(geom, eps, 1)` on the same
 *   positions (one key, zero uncertainty, one shared window, so only distance matters), projected
 *   with an azimuthal equidistant projection on the engine's sphere centred on the region; the
 *   partitions are compared point by point and the speed ratio printed. Capped at 200,000 points in
 *   the full run (PostGIS takes minutes beyond). Skipped, not failed, without PostgreSQL/PostGIS.
 * - `incremental`: a `CorrelationIndex` of 1 M points (20 k with --smoke), then 10,000 `matches` of
 *   new points: p50/p99 (target p99 < 1 ms), build time and heap bytes per stored point.
 * - `join`: live correlation of reports that all join one incident (`Correlator.correlate` per report,
 *   as after each live intake), 400 reports (100 with --smoke) on SQLite in memory, and on PostgreSQL
 *   when TRUCELINE_TEST_PG_URL is set: CPU time of this process per join, by the incident's size
 *   (issue #19: a join used to re-read every member, so its cost grew with the incident).
 */
import { rng } from '../src/monitoring/generator.js';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  CorrelationIndex,
  clusterPoints,
  type CorrelationPoint,
  type CorrelationThreshold,
} from '../src/verification/correlation.js';
import { connectPostgis } from '../test/support/postgis-check.js';
import { sampleInput, startTestApp, uncorrelatedReports, verificationDepsOf } from '../test/support/app.js';
import { CONSOLE_ACTOR } from '../src/cli/runtime.js';
import { Correlator } from '../src/verification/correlator.service.js';
import { VerificationContext } from '../src/verification/verification.context.js';
import { msSince, num, type BenchOptions, type BenchResult } from './harness.js';

const BULK_TARGET_PER_S = 200_000;
const MATCH_P99_TARGET_MS = 1;
const POSTGIS_CAP = 200_000;
const POSTGIS_EPS_M = 1000;
/** Relative slack around eps within which PostGIS (planar, projected) and the sphere may disagree. */
const BRACKET = 0.0025;
const DAY = 86_400_000;
const START = Date.UTC(2026, 8, 1);

/** Categories and their thresholds, as an agreement version might set them. */
const CATEGORIES: Record<string, CorrelationThreshold> = {
  shelling: { distanceM: 2000, windowMs: 3_600_000 },
  'small-arms': { distanceM: 500, windowMs: 1_800_000 },
  drone: { distanceM: 1000, windowMs: 2 * 3_600_000 },
  movement: { distanceM: 5000, windowMs: 6 * 3_600_000 },
  mine: { distanceM: 300, windowMs: DAY },
  airspace: { distanceM: 10_000, windowMs: 3_600_000 },
};
const CATEGORY_NAMES = Object.keys(CATEGORIES);
const thresholdOf = (key: string): CorrelationThreshold => {
  const t = CATEGORIES[key.slice(key.indexOf('|') + 1)];
  if (t === undefined) throw new Error(`no threshold for ${key}`);
  return t;
};

/** A front across the region (lon, lat), north-east to south-west. */
const FRONT: readonly (readonly [number, number])[] = [
  [38.5, 52.2],
  [37.8, 50.5],
  [38.2, 49.2],
  [37.9, 48.1],
  [37.2, 47.4],
  [35.9, 47.3],
  [34.5, 46.9],
  [33.2, 46.6],
  [31.8, 46.4],
];

function gaussian(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** A point on the front, `t` in 0..1 along it. */
function onFront(t: number): [number, number] {
  const x = t * (FRONT.length - 1);
  const i = Math.min(FRONT.length - 2, Math.floor(x));
  const [lon1, lat1] = FRONT[i] ?? [0, 0];
  const [lon2, lat2] = FRONT[i + 1] ?? [0, 0];
  const f = x - i;
  return [lon1 + (lon2 - lon1) * f, lat1 + (lat2 - lat1) * f];
}

/**
 * `n` reports: 85 % around 80 hotspots on the front (σ 1–12 km), the rest spread up to ~40 km either
 * side of it; uncertainty log-uniform 50 m–5 km, 0.5 % at 20 km; windows from a minute to a day,
 * starting anywhere in 90 days (hotspots busier on some days).
 */
function generate(n: number, seed: number, idPrefix: string): CorrelationPoint[] {
  const r = rng(seed);
  const hotspots = Array.from({ length: 80 }, () => {
    const [lon, lat] = onFront(r());
    return { lon, lat, sigmaKm: 1 + r() * 11, busyDay: Math.floor(r() * 90) };
  });
  const points: CorrelationPoint[] = new Array<CorrelationPoint>(n);
  for (let i = 0; i < n; i += 1) {
    let lon: number;
    let lat: number;
    let day = Math.floor(r() * 90);
    if (r() < 0.85) {
      const h = hotspots[Math.floor(r() * hotspots.length)] ?? { lon: 35, lat: 48, sigmaKm: 5, busyDay: 0 };
      lat = h.lat + (gaussian(r) * h.sigmaKm) / 111.2;
      lon = h.lon + (gaussian(r) * h.sigmaKm) / (111.2 * Math.cos((h.lat * Math.PI) / 180));
      if (r() < 0.3) day = Math.min(89, Math.max(0, h.busyDay + Math.round(gaussian(r) * 2)));
    } else {
      const [flon, flat] = onFront(r());
      lon = flon + (r() - 0.5) * 1.1;
      lat = flat + (r() - 0.5) * 0.7;
    }
    lon = Math.min(41, Math.max(30, lon));
    lat = Math.min(52.5, Math.max(44, lat));
    const uncertaintyM = r() < 0.005 ? 20_000 : 50 * 100 ** r();
    const fromMs = START + day * DAY + Math.floor(r() * DAY);
    const lengthMs = 60_000 * 1440 ** r();
    points[i] = {
      id: `${idPrefix}${i}`,
      key: `v1|${CATEGORY_NAMES[Math.floor(r() * CATEGORY_NAMES.length)] ?? 'shelling'}`,
      lon,
      lat,
      uncertaintyM,
      fromMs,
      toMs: fromMs + Math.round(lengthMs),
    };
  }
  return points;
}

function summarise(labels: Int32Array): { clusters: number; largest: number; inGroups: number } {
  const sizes = new Map<number, number>();
  for (const l of labels) sizes.set(l, (sizes.get(l) ?? 0) + 1);
  let largest = 0;
  let inGroups = 0;
  for (const s of sizes.values()) {
    largest = Math.max(largest, s);
    if (s > 1) inGroups += s;
  }
  return { clusters: sizes.size, largest, inGroups };
}

/** Points whose cluster has exactly the same members in both labellings. */
function samePartition(ours: Int32Array, theirs: Int32Array): { agree: number; clustersDiffering: number } {
  const ourSize = new Map<number, number>();
  const theirSize = new Map<number, number>();
  const both = new Map<string, number>();
  for (let i = 0; i < ours.length; i += 1) {
    const a = ours[i] ?? 0;
    const b = theirs[i] ?? 0;
    ourSize.set(a, (ourSize.get(a) ?? 0) + 1);
    theirSize.set(b, (theirSize.get(b) ?? 0) + 1);
    both.set(`${a}|${b}`, (both.get(`${a}|${b}`) ?? 0) + 1);
  }
  let agree = 0;
  const differing = new Set<number>();
  for (let i = 0; i < ours.length; i += 1) {
    const a = ours[i] ?? 0;
    const b = theirs[i] ?? 0;
    const n = both.get(`${a}|${b}`) ?? 0;
    if (n === ourSize.get(a) && n === theirSize.get(b)) agree += 1;
    else differing.add(a);
  }
  return { agree, clustersDiffering: differing.size };
}

/** Points whose cluster in `fine` is not wholly inside one cluster of `coarse` (0: fine refines coarse). */
function refinementViolations(fine: Int32Array, coarse: Int32Array): number {
  const into = new Map<number, number>();
  const broken = new Set<number>();
  for (let i = 0; i < fine.length; i += 1) {
    const a = fine[i] ?? 0;
    const b = coarse[i] ?? 0;
    const seen = into.get(a);
    if (seen === undefined) into.set(a, b);
    else if (seen !== b) broken.add(a);
  }
  let points = 0;
  for (const a of fine) if (broken.has(a)) points += 1;
  return points;
}

function bulk(points: readonly CorrelationPoint[], smoke: boolean): BenchResult {
  clusterPoints(points.slice(0, Math.min(points.length, 5000)), thresholdOf); // warm-up
  const t = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const labels = clusterPoints(points, thresholdOf);
  const ms = msSince(t);
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const rate = (points.length / ms) * 1000;
  const s = summarise(labels);
  return {
    name: `bulk clusterPoints, ${num(points.length)} reports, 6 keys`,
    value: rate,
    unit: 'reports/s',
    target: smoke ? `(judged on 1 M) ≥ ${num(BULK_TARGET_PER_S)} /s` : `≥ ${num(BULK_TARGET_PER_S)} /s`,
    pass: rate >= BULK_TARGET_PER_S,
    notes: [
      `CPU time ${num(cpuMs / 1000, 2)} s (all threads, the collector's included) = ${num((points.length / cpuMs) * 1000)} reports per CPU-second: the gap to the wall clock is other processes' load`,
      `${num(ms / 1000, 2)} s; ${num(s.clusters)} clusters, the largest ${num(s.largest)} reports, ${num(s.inGroups)} reports in clusters of 2 or more`,
    ],
  };
}

async function postgis(points: readonly CorrelationPoint[]): Promise<BenchResult[]> {
  const pgUrl =
    process.env.TRUCELINE_TEST_PG_URL ?? 'postgres://truceline:truceline@127.0.0.1:5432/truceline_test';
  const skipped = (reason: string): BenchResult[] => [
    {
      name: 'PostGIS ST_ClusterDBSCAN comparison',
      value: 0,
      unit: '',
      notes: [`PostGIS: skipped (${reason})`],
    },
  ];
  let client;
  try {
    client = await connectPostgis(pgUrl);
  } catch (err) {
    return skipped(`cannot reach ${pgUrl.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`);
  }
  if (client === undefined) return skipped('the postgis extension is not available');
  const n = Math.min(points.length, POSTGIS_CAP);
  const same = points.slice(0, n).map((p, i) => ({
    id: String(i),
    key: 'all',
    lon: p.lon,
    lat: p.lat,
    uncertaintyM: 0,
    fromMs: 0,
    toMs: 0,
  }));
  const schema = `corr_bench_${process.pid}`;
  // Positions on the engine's own sphere, projected azimuthal equidistant from the region's centre:
  // no datum shift, and pairwise distances within ~0.15 % of the sphere's across the region.
  const fromProj = '+proj=longlat +R=6371008.8 +no_defs';
  const toProj = '+proj=aeqd +lat_0=48.25 +lon_0=35.5 +R=6371008.8 +units=m +no_defs';
  try {
    const version =
      (await client.query<{ v: string }>('select postgis_lib_version() as v')).rows[0]?.v ?? '?';
    await client.query(`create schema ${schema}`);
    await client.query(`create table ${schema}.pts (i integer primary key, geom geometry)`);
    for (let i = 0; i < n; i += 100_000) {
      const slice = same.slice(i, i + 100_000);
      await client.query(
        `insert into ${schema}.pts select i, ST_Transform(ST_MakePoint(x, y), $4, $5)
         from unnest($1::int[], $2::float8[], $3::float8[]) as u(i, x, y)`,
        [slice.map((_, k) => i + k), slice.map((p) => p.lon), slice.map((p) => p.lat), fromProj, toProj],
      );
    }
    await client.query(`analyze ${schema}.pts`);
    let t = process.hrtime.bigint();
    const rows = await client.query<{ i: number; c: number }>(
      `select i, ST_ClusterDBSCAN(geom, ${POSTGIS_EPS_M}, 1) over () as c from ${schema}.pts`,
    );
    const postgisMs = msSince(t);
    const theirs = new Int32Array(n);
    for (const r of rows.rows) theirs[r.i] = r.c;
    t = process.hrtime.bigint();
    const ours = clusterPoints(same, () => ({ distanceM: POSTGIS_EPS_M, windowMs: 0 }));
    const oursMs = msSince(t);
    const cmp = samePartition(ours, theirs);
    // The projection stretches distances by up to ~0.15 % across the region (never shrinks them), so
    // every difference must lie between our partitions at eps − δ and eps + δ.
    const at = (eps: number) => clusterPoints(same, () => ({ distanceM: eps, windowMs: 0 }));
    const finer = refinementViolations(at(POSTGIS_EPS_M * (1 - BRACKET)), theirs);
    const coarser = refinementViolations(theirs, at(POSTGIS_EPS_M * (1 + BRACKET)));
    const capped =
      points.length > n
        ? ` (capped at ${num(POSTGIS_CAP)} of ${num(points.length)}: PostGIS would take minutes)`
        : '';
    return [
      {
        name: `partition agrees with PostGIS ${version} ST_ClusterDBSCAN, ${num(n)} points`,
        value: (cmp.agree / n) * 100,
        unit: '% points',
        target: 'diffs only within eps ± 0.25 %',
        pass: finer + coarser === 0,
        notes: [
          `eps ${num(POSTGIS_EPS_M)} m, minPoints 1; one key, zero uncertainty, one window${capped}`,
          `${num(n - cmp.agree)} points in ${num(cmp.clustersDiffering)} of our ${num(summarise(ours).clusters)} clusters differ (PostGIS ${num(summarise(theirs).clusters)} clusters); one pair at the eps boundary joins or splits two whole clusters`,
          `bracket: ours at eps − ${BRACKET * 100} % refines PostGIS (${finer} points break it), PostGIS refines ours at eps + ${BRACKET * 100} % (${coarser} break it)${finer + coarser === 0 ? ': every difference is a pair within 0.25 % of eps' : ''}`,
        ],
      },
      {
        name: 'PostGIS ST_ClusterDBSCAN on the same points',
        value: (n / postgisMs) * 1000,
        unit: 'reports/s',
        notes: [
          `PostGIS ${num(postgisMs / 1000, 2)} s (query only, points preloaded and projected) vs Truceline ${num(oursMs / 1000, 2)} s: Truceline ${num(postgisMs / oursMs, 1)}× faster`,
          `Truceline on the same points: ${num((n / oursMs) * 1000)} reports/s`,
        ],
      },
    ];
  } catch (err) {
    return skipped(`query failed: ${(err as Error).message}`);
  } finally {
    await client.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await client.end();
  }
}

/** Heap plus array buffers after a full collection, when the collector can be called. */
function heapBytes(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as (() => void) | undefined;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function incremental(
  points: readonly CorrelationPoint[],
  probes: readonly CorrelationPoint[],
): BenchResult[] {
  const before = heapBytes();
  let t = process.hrtime.bigint();
  const index = new CorrelationIndex(thresholdOf);
  index.addAll(points);
  const buildMs = msSince(t);
  const bytesPerPoint = (heapBytes() - before) / points.length;
  for (const q of probes.slice(0, 500)) index.matches(q); // warm-up
  const wall = new Float64Array(probes.length);
  const cpu = new Float64Array(probes.length);
  let found = 0;
  for (let i = 0; i < probes.length; i += 1) {
    const q = probes[i] as CorrelationPoint;
    const c = process.cpuUsage();
    t = process.hrtime.bigint();
    found += index.matches(q).length;
    wall[i] = msSince(t);
    const used = process.cpuUsage(c);
    cpu[i] = (used.user + used.system) / 1000;
  }
  wall.sort();
  cpu.sort();
  const at = (a: Float64Array, f: number) => a[Math.min(a.length - 1, Math.floor(f * a.length))] ?? 0;
  // Filing reports one by one: add the probes, then take them out again.
  t = process.hrtime.bigint();
  for (const q of probes) index.add(q);
  const addMs = msSince(t);
  t = process.hrtime.bigint();
  for (const q of probes) index.remove(q.id);
  const removeMs = msSince(t);
  return [
    {
      name: `CorrelationIndex.matches of a new point vs ${num(points.length)} stored, p99`,
      value: at(wall, 0.99),
      unit: 'ms',
      target: `< ${MATCH_P99_TARGET_MS} ms`,
      pass: at(wall, 0.99) < MATCH_P99_TARGET_MS,
      notes: [
        `${num(probes.length)} queries, wall clock: p50 ${num(at(wall, 0.5), 3)} ms, p99 ${num(at(wall, 0.99), 3)} ms, max ${num(wall[wall.length - 1] ?? 0, 3)} ms; ${num(found / probes.length, 1)} matches per query on average`,
        `CPU time of the same queries (without preemption by other processes): p50 ${num(at(cpu, 0.5), 3)} ms, p99 ${num(at(cpu, 0.99), 3)} ms`,
        `build (addAll) ${num(buildMs / 1000, 2)} s = ${num((points.length / buildMs) * 1000)} points/s; heap ${num(bytesPerPoint)} bytes per stored point (ids shared with the input, not counted)`,
        `add one by one ${num((probes.length / addMs) * 1000)} points/s, remove ${num((probes.length / removeMs) * 1000)} points/s (${num(probes.length)} each, into the full index)`,
      ],
    },
  ];
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  if (options.part === 'join') return join(options.smoke);
  const count = options.smoke ? 20_000 : 1_000_000;
  const t = process.hrtime.bigint();
  // The probes of `incremental` come from the same hotspots as the stored points: one generation.
  const all = generate(count + 10_000, 42, 'r');
  const points = all.slice(0, count);
  const probes = all.slice(count);
  const genMs = msSince(t);
  process.stdout.write(`generated ${num(count)} reports in ${num(genMs / 1000, 1)} s\n`);
  const results: BenchResult[] = [];
  const part = options.part;
  if (part === undefined || part === 'bulk') results.push(bulk(points, options.smoke));
  if (part === undefined || part === 'postgis') results.push(...(await postgis(points)));
  if (part === undefined || part === 'incremental') results.push(...incremental(points, probes));
  if (part === undefined) results.push(...(await join(options.smoke)));
  return results;
}

/** Reports per size class of the incident in `join`. */
const JOIN_BUCKET = 100;

/**
 * `join`: reports filed one by one near one spot within an hour (so each joins the one incident) and
 * correlated each on its own, timing only the correlation; CPU time per join by the incident's size.
 */
async function join(smoke: boolean): Promise<BenchResult[]> {
  const count = smoke ? JOIN_BUCKET : 4 * JOIN_BUCKET;
  const engines = process.env.TRUCELINE_TEST_PG_URL
    ? (['sqlite', 'postgres'] as const)
    : (['sqlite'] as const);
  const results: BenchResult[] = [];
  for (const engine of engines) {
    const t = await startTestApp(engine, { monitoring: {} });
    try {
      // An intake of its own, not wired to correlation: only the correlation is timed.
      const intake = uncorrelatedReports(t);
      const correlator = new Correlator(new VerificationContext(verificationDepsOf(t)));
      const base = Date.parse('2026-11-25T18:00:00Z');
      const cpu: number[] = [];
      for (let i = 0; i < count; i += 1) {
        const input = sampleInput({
          externalId: `join-${i}`,
          source: {
            name: `source ${i % 7}`,
            reliability: 'ABCDF'[i % 5],
            independenceGroup: `group-${i % 7}`,
          },
          credibility: 1 + (i % 6),
          observed: {
            from: new Date(base + (i % 60) * 60_000).toISOString(),
            precision: 'exact',
            timeZone: 'Europe/Kyiv',
          },
          location: {
            lon: 38.08 + ((i * 37) % 100) / 10_000,
            lat: 48.36 + ((i * 53) % 100) / 10_000,
            uncertaintyM: 300,
          },
        });
        const stored = await intake.submit(CONSOLE_ACTOR, [input], () => '/body', false);
        const id = stored.reports[0]?.id;
        if (id === undefined) throw new Error(`report ${i} was not stored`);
        const before = process.cpuUsage();
        await correlator.correlate([id]);
        const used = process.cpuUsage(before);
        cpu.push((used.user + used.system) / 1000);
      }
      const perBucket: number[] = [];
      for (let b = 0; b < count; b += JOIN_BUCKET) {
        const slice = cpu.slice(b, b + JOIN_BUCKET);
        perBucket.push(slice.reduce((a, c) => a + c, 0) / slice.length);
      }
      results.push({
        name: `live join into one incident, ${engine}, CPU per join at ${num(count - JOIN_BUCKET)}–${num(count - 1)} members`,
        value: perBucket.at(-1) ?? 0,
        unit: 'ms',
        notes: [
          `by the incident's size: ${perBucket.map((ms, i) => `${num(i * JOIN_BUCKET)}–${num((i + 1) * JOIN_BUCKET - 1)}: ${num(ms, 2)} ms`).join(', ')} (this process's CPU: ${engine === 'sqlite' ? 'the database too' : 'the client side only'})`,
        ],
      });
    } finally {
      await t.close();
    }
  }
  return results;
}
