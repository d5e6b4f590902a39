/**
 * Shared shape of the benchmarks: options, results, the machine description and the report lines.
 */
import os from 'node:os';

export { createPgDatabase } from '../test/support/pg-database.js';

/** Options every bench module's `run` receives. */
export interface BenchOptions {
  /** Short run for CI: smaller sizes, same targets. */
  readonly smoke: boolean;
  /** Run only this part of a module (`--only ledger.proofs` → `proofs`); undefined = all parts. */
  readonly part?: string;
}

/** One measured figure and its verdict. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Human-readable target, e.g. `≥ 20,000 /s`; undefined for figures reported for context. */
  readonly target?: string;
  readonly pass?: boolean;
  /** Extra context printed under the figure. */
  readonly notes?: readonly string[];
}

/** What a `bench/*.bench.ts` module exports. */
export interface BenchModule {
  run(options: BenchOptions): Promise<BenchResult[]>;
}

/** CPU model, cores, RAM, Node version, platform and current load (other work skews figures), on one line. */
export function machine(): string {
  const cpus = os.cpus();
  const ram = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return (
    `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${ram} GiB RAM, ` +
    `Node ${process.version}, ${process.platform} ${process.arch}; load average ${load} at start`
  );
}

/** A number with thousands separators and at most `digits` decimals. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Formats one result as report lines. */
export function formatResult(result: BenchResult): string {
  const value = `${num(result.value, result.value < 10 ? 3 : 0)} ${result.unit}`;
  const verdict = result.pass === undefined ? '' : result.pass ? 'PASS' : 'FAIL';
  const target = result.target === undefined ? '' : `target ${result.target}`;
  const head = `  ${result.name.padEnd(58)} ${value.padStart(16)}  ${target.padEnd(20)} ${verdict}`.trimEnd();
  return [head, ...(result.notes ?? []).map((n) => `      ${n}`)].join('\n');
}

/**
 * The `q` quantile (0–1) of values sorted ascending: the value at rank ⌊q·n⌋, the last for q = 1;
 * `empty` when there are none.
 */
export function quantile(sorted: ArrayLike<number>, q: number, empty = 0): number {
  return sorted.length === 0
    ? empty
    : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? empty);
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` value). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
