import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { CliError } from './runtime.js';

/** The JS heap a streamed import runs in, MiB (`TRUCELINE_IMPORT_HEAP_MB`; 0: Node's own limit). */
export const DEFAULT_IMPORT_HEAP_MB = 256;

/** Set in the import's own process, so that it does not start another. */
const CHILD_MARK = 'TRUCELINE_IMPORT_CHILD';

/** The heap limit for a streamed import from the environment; throws naming a bad value. */
export function importHeapMb(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.TRUCELINE_IMPORT_HEAP_MB;
  if (raw === undefined || raw === '') return DEFAULT_IMPORT_HEAP_MB;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 0 || (mb > 0 && mb < 64))
    throw new CliError(
      `TRUCELINE_IMPORT_HEAP_MB=${raw}: must be a whole number of MiB, at least 64 (or 0 for Node's own limit)`,
    );
  return mb;
}

/**
 * Runs this `truceline import` again in a process whose old-generation heap is capped, and returns its
 * exit code; undefined when this process is to run the import itself (it is that child already, the
 * limit is 0, or the heap was set by the caller's own `--max-old-space-size`).
 *
 * Why: a streamed import keeps 35–60 MB of live objects whatever the file's size, but V8 lets the heap
 * grow with the allocation rate between major collections, to 200–250 MB and more: the process's
 * resident set grew with the file (789 MiB at 200,000 rows) with nothing in it that the import holds.
 * A capped heap collects sooner: 499 MiB at 200,000 rows, about 6 % slower (docs/monitoring.md).
 * V8 takes the limit only at start, hence a process of its own. GeoJSON files are read whole, so they
 * are not capped.
 */
export function runImportInCappedHeap(extraArgs: readonly string[]): number | undefined {
  const env = process.env;
  if (env[CHILD_MARK] === '1') return undefined;
  const mb = importHeapMb(env);
  if (mb === 0) return undefined;
  const own = [...process.execArgv, env.NODE_OPTIONS ?? ''].join(' ');
  if (own.includes('--max-old-space-size')) return undefined;
  const entry = process.argv[1];
  // Only the CLI's own entry can be run again (not a test or a program that built the CLI in process).
  if (entry === undefined || !/^main\.(ts|js)$/.test(path.basename(entry))) return undefined;
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${mb}`, entry, ...process.argv.slice(2), ...extraArgs],
    { stdio: 'inherit', env: { ...env, [CHILD_MARK]: '1' } },
  );
  if (child.error !== undefined)
    throw new CliError(`cannot start the import process: ${child.error.message}`);
  if (child.signal !== null || child.status === 134)
    process.stderr.write(
      `truceline: the import process ended ${child.signal !== null ? `on ${child.signal}` : 'out of memory'}` +
        ` (its heap is capped at ${mb} MiB: TRUCELINE_IMPORT_HEAP_MB raises the cap, 0 removes it).` +
        ' Ended before its commit, it stored nothing; after it, its reports are stored and the' +
        " server's correlation catch-up groups any it had not.\n",
    );
  return child.status ?? 1;
}
