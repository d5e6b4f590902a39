/**
 * The breach-response ladder (issue #17, Performance):
 *
 * - `evaluate`: all rungs of the illustrative agreement's ladder evaluated after one new finding, with
 *   100,000 findings on record (10,000 with --smoke) in the engine's window counts: p99 (target < 5 ms).
 * - `replay`: the ladder replayed over a year of 100,000 decided findings (10,000 with --smoke),
 *   from an empty state, as `truceline ladder replay` runs it (target < 10 s; the database read of
 *   the findings is not included, the comparison with the stored cases is).
 */
import { fileURLToPath } from 'node:url';
import type { Agreement } from '../src/agreement/agreement.schema.js';
import { loadAgreementFile } from '../src/agreement/agreement.validate.js';
import type { LadderCase } from '../src/response/ladder.cases.js';
import { LadderEngine, replayLadder } from '../src/response/ladder.engine.js';
import { compareReplay } from '../src/response/ladder.replay.js';
import type { LadderFinding } from '../src/response/ladder.triggers.js';
import { msSince, num, quantile, type BenchOptions, type BenchResult } from './harness.js';

const EVALUATE_P99_TARGET_MS = 5;
const REPLAY_TARGET_S = 10;
const YEAR_MS = 365 * 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` decided findings spread over a year, most verified, in decision order. */
function generate(agreement: Agreement, count: number, seed: number): LadderFinding[] {
  const rand = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const categories = agreement.report_taxonomy.map((c) => c.id);
  const sectors = ['sector-west', 'sector-centre', 'sector-east'];
  const out: LadderFinding[] = [];
  for (let i = 0; i < count; i += 1) {
    const decided = START + Math.floor((i / count) * YEAR_MS);
    const party = pick(['RU', 'UA', undefined, undefined]);
    out.push({
      id: `f-${seed}-${String(i).padStart(7, '0')}`,
      incidentId: `i-${i}`,
      agreementVersionId: 'v',
      bodyId: 'MVC',
      state: rand() < 0.9 ? 'adopted' : 'rejected',
      outcome: rand() < 0.85 ? 'verified' : 'not_verified',
      category: pick(categories),
      severity: pick(['minor', 'minor', 'minor', 'serious', 'grave'] as const),
      ...(party !== undefined ? { party } : {}),
      sector: pick(sectors),
      zones: [],
      provisions: ['P-02'],
      observedFrom: new Date(decided - Math.floor(rand() * 3 * 86_400_000)).toISOString(),
      decidedAt: new Date(decided).toISOString(),
    });
  }
  return out;
}

function evaluate(
  agreement: Agreement,
  findings: readonly LadderFinding[],
  probes: readonly LadderFinding[],
): BenchResult {
  const engine = new LadderEngine(() => agreement);
  let t = process.hrtime.bigint();
  for (const f of findings) engine.remember(f);
  const buildMs = msSince(t);
  const live = new Map<string, LadderCase>();
  const wall = new Float64Array(probes.length);
  let changes = 0;
  for (let i = 0; i < probes.length; i += 1) {
    const f = probes[i] as LadderFinding;
    t = process.hrtime.bigint();
    const changed = engine.onFinding(f, [...live.values()]);
    wall[i] = msSince(t);
    changes += changed.length;
    for (const ch of changed) live.set(ch.case.id, ch.case);
  }
  wall.sort();
  return {
    name: `all rungs after one new finding, ${num(findings.length)} on record, p99`,
    value: quantile(wall, 0.99),
    unit: 'ms',
    target: `< ${EVALUATE_P99_TARGET_MS} ms`,
    pass: quantile(wall, 0.99) < EVALUATE_P99_TARGET_MS,
    notes: [
      `${num(probes.length)} new findings: p50 ${num(quantile(wall, 0.5), 3)} ms, p99 ${num(quantile(wall, 0.99), 3)} ms, max ${num(wall[wall.length - 1] ?? 0, 3)} ms; ${num(changes)} case changes`,
      `window counts built from ${num(findings.length)} findings (${num(engine.size - probes.length)} breaches: adopted and verified) in ${num(buildMs / 1000, 2)} s`,
    ],
  };
}

function replay(agreement: Agreement, findings: readonly LadderFinding[]): BenchResult {
  const t = process.hrtime.bigint();
  const to = new Date(START + YEAR_MS);
  const result = replayLadder(new LadderEngine(() => agreement), findings, [], to);
  // Compare with itself, as the replay compares with the stored cases.
  const report = compareReplay(result.cases, result.inactions, result, new Date(START), to);
  const s = msSince(t) / 1000;
  return {
    name: `replay of a year with ${num(findings.length)} findings`,
    value: s,
    unit: 's',
    target: `< ${REPLAY_TARGET_S} s`,
    pass: s < REPLAY_TARGET_S && report.mismatches.length === 0,
    notes: [
      `${num(result.cases.length)} cases, ${num(result.inactions.length)} inactions, ${num(report.reproduced)} reproduced, ${num(report.mismatches.length)} mismatches`,
    ],
  };
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const loaded = await loadAgreementFile(
    fileURLToPath(new URL('../examples/illustrative-framework.yaml', import.meta.url)),
  );
  if (loaded.agreement === undefined) throw new Error('the illustrative agreement does not load');
  const agreement = loaded.agreement;
  const count = options.smoke ? 10_000 : 100_000;
  const findings = generate(agreement, count, 7);
  const results: BenchResult[] = [];
  if (options.part === undefined || options.part === 'evaluate') {
    const probes = generate(agreement, options.smoke ? 500 : 2_000, 8).map((f, i) => ({
      ...f,
      id: `p-${i}`,
      decidedAt: new Date(START + YEAR_MS + i * 60_000).toISOString(),
      observedFrom: new Date(START + YEAR_MS + i * 60_000 - 3_600_000).toISOString(),
    }));
    results.push(evaluate(agreement, findings, probes));
  }
  if (options.part === undefined || options.part === 'replay') results.push(replay(agreement, findings));
  return results;
}
