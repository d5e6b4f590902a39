/**
 * The import as `truceline import FILE --format csv --marking AMBER` runs it (the CLI's runtime:
 * DATABASE_URL and TRUCELINE_DATA_DIR from the environment, migrations, services, one transaction),
 * in a process of its own, so that its peak resident set is the import's alone. Run by
 * `monitoring.bench.ts` as `node --import tsx bench/import-process.ts FILE`; prints one line of JSON:
 * what was stored, the time `importFile` took, its stages, and the process's peak RSS (ru_maxrss).
 */
import { importFile } from '../src/monitoring/import/importer.js';
import { CONSOLE_ACTOR, openRuntime } from '../src/cli/runtime.js';

/** What the import process reports to the bench. */
export interface ImportProcessResult {
  accepted: number;
  rejected: number;
  problems: string[];
  ms: number;
  prepareMs: number;
  writeMs: number;
  /** Building the indexes dropped for the load (SQLite, large imports), before the commit. */
  indexMs: number;
  commitMs: number;
  /** Announcing the reports and verification grouping them into incidents, after the commit. */
  afterCommitMs: number;
  /** Peak resident set of the whole process, MiB. */
  peakRssMib: number;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: import-process.ts FILE');
  const services = await openRuntime();
  try {
    const started = process.hrtime.bigint();
    const result = await importFile(services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'csv',
      marking: 'AMBER',
      chunkSize: 4000,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const out: ImportProcessResult = {
      accepted: result.accepted,
      rejected: result.rejected,
      problems: result.problems.slice(0, 3).map((p) => `line ${p.line ?? '?'} ${p.path}: ${p.reason}`),
      ms,
      prepareMs: result.timings.prepareMs,
      writeMs: result.timings.writeMs,
      indexMs: result.timings.indexMs,
      commitMs: result.timings.commitMs,
      afterCommitMs: result.timings.afterCommitMs,
      peakRssMib: process.resourceUsage().maxRSS / 1024,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await services.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `import-process: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
