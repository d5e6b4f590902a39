/**
 * Deconfliction benchmarks: the conflict engine (`src/deconfliction/conflicts.ts`).
 * - `check`: `ConflictIndex.check` of one new movement (a 200-point route of ~0.5–1.5 km steps, a
 *   48 h window) against 10,000 active notices (1,000 with --smoke) and every restricted area of
 *   `examples/illustrative-framework.yaml` (signature dated, so every restriction is in force).
 *   Notices over lon 30–40, lat 45–50: 50 % sites (precision 10–500 m), 35 % movements (20–200
 *   vertices, corridors 50–500 m, 4–48 h), 15 % flights (3–15 legs of 10–60 km, corridors 1–5 km,
 *   altitude bands, 1–6 h); windows start within the coming week; 2,000 incidents over the last day.
 *   Target p99 < 2 ms.
 * - `recheck`: `recheckAll` after a new incident, in steady state (worst of 5). Target < 1 s. The
 *   cold figure (a fresh index's first re-check: every search still to do) is printed beside it.
 * The check's p99 is over the fastest of 3 runs of each query (see `check`): the machine is shared.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAndValidate } from '../src/agreement/agreement.validate.js';
import {
  ConflictIndex,
  restrictedAreas,
  type ConflictSettings,
  type IncidentPoint,
  type NoticeShape,
  type RestrictedArea,
} from '../src/deconfliction/conflicts.js';
import { rng } from '../src/monitoring/generator.js';
import { msSince, num, quantile, type BenchOptions, type BenchResult } from './harness.js';

const CHECK_P99_TARGET_MS = 2;
const RECHECK_TARGET_MS = 1000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 1, 8);
const SETTINGS: ConflictSettings = { separationM: 1000, incidentRadiusM: 2000, incidentWindowMs: 24 * HOUR };
const DEG = Math.PI / 180;

function loadAreas(): ReturnType<typeof restrictedAreas> {
  const path = fileURLToPath(new URL('../examples/illustrative-framework.yaml', import.meta.url));
  const result = parseAndValidate(readFileSync(path, 'utf8'), path);
  const a = result.agreement;
  if (a === undefined) throw new Error('the illustrative framework does not validate');
  // Signed on 1 January: every D-relative restriction is in force by the bench's March dates.
  const dated = {
    ...a,
    anchors: [{ id: 'S', name: 'Signature', at: '2026-01-01T00:00' }, ...a.anchors.slice(1)],
  };
  return restrictedAreas(dated);
}

/** A wandering route of `n` vertices from (lon, lat): steps of minStep..maxStep km, heading drifting. */
function route(r: () => number, n: number, minStepKm: number, maxStepKm: number): [number, number][] {
  let lon = 30.5 + r() * 9;
  let lat = 45.5 + r() * 4;
  let heading = r() * 360;
  const out: [number, number][] = [[lon, lat]];
  for (let i = 1; i < n; i++) {
    heading += (r() - 0.5) * 40;
    const km = minStepKm + r() * (maxStepKm - minStepKm);
    lat += (km * Math.cos(heading * DEG)) / 111.2;
    lon += (km * Math.sin(heading * DEG)) / (111.2 * Math.cos(lat * DEG));
    if (lat < 45 || lat > 50) heading = 180 - heading;
    if (lon < 30 || lon > 40) heading = -heading;
    lat = Math.min(50, Math.max(45, lat));
    lon = Math.min(40, Math.max(30, lon));
    out.push([lon, lat]);
  }
  return out;
}

function notices(count: number, seed: number): NoticeShape[] {
  const r = rng(seed);
  const out: NoticeShape[] = [];
  for (let i = 0; i < count; i++) {
    const notifier = `org-${Math.floor(r() * 20)}`;
    const start = NOW - 12 * HOUR + Math.floor(r() * 7 * 24 * HOUR);
    const u = r();
    if (u < 0.5) {
      out.push({
        id: `s${i}`,
        notifier,
        kind: 'site',
        coords: [[30 + r() * 10, 45 + r() * 5]],
        widthM: 10 + r() * 490,
        from: start - 20 * 24 * HOUR,
        to: start + (3 + r() * 27) * 24 * HOUR,
      });
    } else if (u < 0.85) {
      out.push({
        id: `m${i}`,
        notifier,
        kind: 'movement',
        coords: route(r, 20 + Math.floor(r() * 181), 0.3, 1.5),
        widthM: 50 + r() * 450,
        from: start,
        to: start + (4 + r() * 44) * HOUR,
      });
    } else {
      const minM = Math.floor(r() * 30) * 100;
      out.push({
        id: `f${i}`,
        notifier,
        kind: 'flight',
        coords: route(r, 4 + Math.floor(r() * 12), 10, 60),
        widthM: 1000 + r() * 4000,
        from: start,
        to: start + (1 + r() * 5) * HOUR,
        altitude: { minM, maxM: minM + 300 + Math.floor(r() * 20) * 100 },
      });
    }
  }
  return out;
}

function incidents(count: number, seed: number): IncidentPoint[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `i${i}`,
    lon: 30 + r() * 10,
    lat: 45 + r() * 5,
    at: NOW - Math.floor(r() * 24 * HOUR),
  }));
}

/** Wall and CPU milliseconds of one call (CPU time is the whole process's: GC threads count). */
function timed<T>(f: () => T): { value: T; wallMs: number; cpuMs: number } {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  const value = f();
  const wallMs = msSince(t);
  const used = process.cpuUsage(c);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function newMovements(count: number, seed: number): NoticeShape[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const from = NOW + Math.floor(r() * 5 * 24 * HOUR);
    return {
      id: `q${i}`,
      notifier: 'org-new',
      kind: 'movement' as const,
      coords: route(r, 200, 0.5, 1.5),
      widthM: 100 + r() * 400,
      from,
      to: from + 48 * HOUR,
    };
  });
}

/**
 * Each query is run `REPEATS` times in rounds (all queries, then all again) and its fastest run
 * kept: on a machine shared with other work, a single run's wall clock mostly measures preemption.
 * The single-run (first round) figures are printed too.
 */
const REPEATS = 3;

function check(index: ConflictIndex, queries: readonly NoticeShape[]): BenchResult {
  for (const q of queries.slice(0, 100)) index.check(q); // warm-up
  const best = new Float64Array(queries.length).fill(Infinity);
  const first = new Float64Array(queries.length);
  const cpu = new Float64Array(queries.length);
  const kinds = new Map<string, number>();
  for (let round = 0; round < REPEATS; round++) {
    queries.forEach((q, i) => {
      const m = timed(() => index.check(q));
      best[i] = Math.min(best[i] ?? Infinity, m.wallMs);
      if (round > 0) return;
      first[i] = m.wallMs;
      cpu[i] = m.cpuMs;
      for (const f of m.value) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
    });
  }
  for (const a of [best, first, cpu]) a.sort();
  const found = [...kinds].map(([k, v]) => `${k} ${num(v / queries.length, 2)}`).join(', ');
  return {
    name: `check of a new 200-point movement vs ${num(index.size)} notices + zones, p99`,
    value: quantile(best, 0.99),
    unit: 'ms',
    target: `< ${CHECK_P99_TARGET_MS} ms`,
    pass: quantile(best, 0.99) < CHECK_P99_TARGET_MS,
    notes: [
      `${num(queries.length)} queries, fastest of ${REPEATS} runs each: p50 ${num(quantile(best, 0.5), 3)} ms, p99 ${num(quantile(best, 0.99), 3)} ms, max ${num(best[best.length - 1] ?? 0, 3)} ms`,
      `single run (first round), wall clock: p50 ${num(quantile(first, 0.5), 3)} ms, p99 ${num(quantile(first, 0.99), 3)} ms; process CPU time: p50 ${num(quantile(cpu, 0.5), 3)} ms, p99 ${num(quantile(cpu, 0.99), 3)} ms`,
      `conflicts per query: ${found || 'none'}`,
    ],
  };
}

function recheck(
  stored: readonly NoticeShape[],
  areas: readonly RestrictedArea[],
  smoke: boolean,
): BenchResult {
  const runs = smoke ? 3 : 5;
  // Cold: a fresh index (as after a restart), nothing searched yet.
  const fresh = new ConflictIndex(SETTINGS, areas);
  for (const n of stored) fresh.upsert(n);
  for (const i of incidents(2_000, 11)) fresh.addIncident(i);
  const cold = timed(() => fresh.recheckAll(NOW).length);
  // Steady state: every notice was checked on submission; then incidents keep arriving.
  const runsWall: number[] = [];
  const runsCpu: number[] = [];
  let found = 0;
  for (let k = 0; k < runs; k++) {
    fresh.addIncident({ id: `new${k}`, lon: 35 + k * 0.1, lat: 47.5, at: NOW });
    const m = timed(() => fresh.recheckAll(NOW).length);
    runsWall.push(m.wallMs);
    runsCpu.push(m.cpuMs);
    found = m.value;
  }
  const worst = Math.max(...runsWall);
  return {
    name: `recheckAll of ${num(stored.length)} notices after a new incident (worst of ${runs})`,
    value: worst,
    unit: 'ms',
    target: `< ${num(RECHECK_TARGET_MS)} ms`,
    pass: worst < RECHECK_TARGET_MS,
    notes: [
      `runs in order: ${runsWall.map((x) => num(x, 0)).join(', ')} ms wall (process CPU ${runsCpu.map((x) => num(x, 0)).join(', ')} ms); ${num(found)} conflicts, each pair once`,
      `cold first re-check of a fresh index (every zone, pair and incident search done; R-trees built): ${num(cold.wallMs, 0)} ms wall, ${num(cold.cpuMs, 0)} ms CPU, ${num(cold.value)} conflicts`,
      'later re-checks reuse zone conflicts and proximity pairs (notices are immutable once stored) and search again only incidents and notices stored since',
    ],
  };
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  await Promise.resolve();
  const count = options.smoke ? 1_000 : 10_000;
  const probes = Number(process.env.BENCH_PROBES) || (options.smoke ? 200 : 2_000);
  const t = process.hrtime.bigint();
  const areas = loadAreas();
  const areasMs = msSince(t);
  const stored = notices(count, 7);
  const results: BenchResult[] = [];
  const part = options.part;
  if (part === undefined || part === 'recheck') results.push(recheck(stored, areas, options.smoke));
  if (part === undefined || part === 'check') {
    const index = new ConflictIndex(SETTINGS, areas);
    const load = timed(() => {
      for (const n of stored) {
        index.upsert(n);
        index.check(n); // as on submission: the service checks each notice it stores
      }
    });
    for (const i of incidents(2_000, 11)) index.addIncident(i);
    const result = check(index, newMovements(probes, 99));
    results.push({
      ...result,
      notes: [
        ...(result.notes ?? []),
        `${areas.length} restricted areas (${areas.map((a) => `${a.zoneId}: ${a.restricts.join('+')}`).join(', ')}) derived in ${num(areasMs, 0)} ms; ${num(count)} notices upserted and checked one by one in ${num(load.wallMs / 1000, 2)} s`,
      ],
    });
  }
  return results;
}
