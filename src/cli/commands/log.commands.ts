import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { openDatabase } from '../../db/connect.js';
import { auditLog, type AuditReport, type DatabaseEntries } from '../../ledger/audit.js';
import { openAuditState, openLogSource } from '../../ledger/audit-io.js';
import { parseAuditPolicy, parseNameOf, type AuditPolicy } from '../../ledger/audit-trust.js';
import { cosignatureVerifier } from '../../ledger/cosignature.js';
import { auditDatabase, type DatabaseAuditReport } from '../../ledger/database-audit.js';
import { readEntries } from '../../ledger/ledger.repository.js';
import { readSigner } from '../../ledger/log-keys.js';
import { loadConfig } from '../../config/config.js';
import { ROW_BINDINGS } from '../../server/row-bindings.js';
import { exportLog } from '../../ledger/log-export.js';
import type { AppServices } from '../../server/context.js';
import { CliError, openRuntime } from '../runtime.js';

/** Audits of at least this many entries get a progress bar (when stderr is a terminal). */
const AUDIT_PROGRESS_ENTRIES = 50_000;
/** Exports of at least this many tiles (about 50,000 entries) get one too. */
const EXPORT_PROGRESS_TILES = 200;

async function withServices<T>(work: (s: AppServices) => Promise<T>): Promise<T> {
  const services = await openRuntime();
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/** A progress callback drawing a bar on stderr, only on a terminal and only for large logs. */
function progressBar(
  unit: string,
  minTotal: number,
): { update(done: number, total: number): void; stop(): void } {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(done, total) {
      if (bar === undefined) {
        if (!process.stderr.isTTY || total < minTotal) return;
        bar = new cliProgress.SingleBar(
          { stream: process.stderr, format: `{bar} {percentage}% | {value}/{total} ${unit} | ETA {eta}s` },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
      }
      bar.update(done);
    },
    stop: () => bar?.stop(),
  };
}

function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(`--url ${url}: not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new CliError(`--url ${url}: must be http:// or https://`);
  return url;
}

function summary(report: AuditReport, location: string, stateFile: string): string {
  const lines = [
    `OK ${report.origin}: ${report.size} entries, root ${report.rootHash.toString('base64')}`,
    `  checkpoint signed by ${report.logKey}` +
      (report.rotations.length > 0 ? ` (followed ${report.rotations.length} key rotation(s) logged)` : ''),
    `  cosigned by ${report.cosignedBy.length} known witness(es)` +
      (report.cosignedBy.length > 0 ? `: ${report.cosignedBy.map(parseNameOf).join(', ')}` : '') +
      `; quorum ${report.quorum}` +
      (report.unknownLines > 0
        ? `; ${report.unknownLines} signature line(s) from unknown keys not checked`
        : ''),
    `  ${report.bundles} entry bundles and ${report.tiles} tiles from ${location}: ` +
      'every entry, tile and the root match',
    report.previous === undefined
      ? `  first audit of this log here; remembered in ${stateFile}`
      : `  consistent with the ${report.previous.size} entries verified before (${stateFile})`,
  ];
  if (report.databaseRows !== undefined)
    lines.push(`  database: all ${report.databaseRows} log_entries rows match the log`);
  return `${lines.join('\n')}\n`;
}

interface AuditOpts {
  policy?: string;
  state: string;
  database?: string;
}

async function readPolicy(file: string | undefined): Promise<AuditPolicy | undefined> {
  if (file === undefined) return undefined;
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`cannot read the policy ${file}: ${err.code ?? err.message}`);
  });
  return parseAuditPolicy(text, file);
}

async function audit(target: string | undefined, opts: AuditOpts): Promise<void> {
  if (target === undefined && opts.database === undefined)
    throw new CliError('give a log to audit (a directory or a /log/ URL), --database <url>, or both');
  const policy = await readPolicy(opts.policy);
  const stateFile = path.resolve(opts.state);
  const state = await openAuditState(stateFile);
  const database = opts.database === undefined ? undefined : await openDatabase(opts.database);
  try {
    if (target !== undefined) await auditTiles(target, policy, state, stateFile, database);
    if (database !== undefined) await auditRowsOf(database, policy, state, stateFile);
  } finally {
    await database?.close();
  }
}

async function auditTiles(
  target: string,
  policy: AuditPolicy | undefined,
  state: Awaited<ReturnType<typeof openAuditState>>,
  stateFile: string,
  database: Awaited<ReturnType<typeof openDatabase>> | undefined,
): Promise<void> {
  const source = openLogSource(target);
  const entries: DatabaseEntries | undefined = database && {
    location: database.description,
    read: (from, to) => readEntries(database.db, from, to),
  };
  const bar = progressBar('entries', AUDIT_PROGRESS_ENTRIES);
  try {
    const report = await auditLog(source, {
      ...(policy ? { policy } : {}),
      ...(entries ? { database: entries } : {}),
      previous: (origin) => state.get(origin),
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.stop();
    for (const warning of report.warnings) process.stderr.write(`truceline: warning: ${warning}\n`);
    await state.save(report.origin, { size: report.size, rootHash: report.rootHash });
    process.stdout.write(summary(report, source.location, stateFile));
  } finally {
    bar.stop();
  }
}

/** The log key of this deployment's key file, if it can be read: trusted when no policy is given. */
function deploymentLogKeys(): string[] {
  try {
    return [readSigner(loadConfig().logKeyFile).verifierKey];
  } catch {
    return [];
  }
}

/** Prints what a database audit found; one line per problem, naming the table, row and check. */
export function formatDatabaseAudit(report: DatabaseAuditReport): string {
  const lines = report.logProblems.map((p) => `truceline: database: ${p}`);
  for (const f of report.findings)
    lines.push(`truceline: database: ${f.table} row ${f.id} (${f.recordKind}): ${f.check}: ${f.detail}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

async function auditRowsOf(
  database: Awaited<ReturnType<typeof openDatabase>>,
  policy: AuditPolicy | undefined,
  state: Awaited<ReturnType<typeof openAuditState>>,
  stateFile: string,
): Promise<void> {
  const bar = progressBar('entries', AUDIT_PROGRESS_ENTRIES);
  const logKeys = policy === undefined ? deploymentLogKeys() : undefined;
  const report = await auditDatabase(database.db, {
    bindings: ROW_BINDINGS,
    ...(policy ? { policy } : {}),
    ...(logKeys ? { logKeys } : {}),
    previous: (origin) => state.get(origin),
    onProgress: (done, total) => bar.update(done, total),
  }).finally(() => bar.stop());
  for (const warning of report.warnings) process.stderr.write(`truceline: warning: ${warning}\n`);
  const bad = report.logProblems.length + report.findings.length;
  if (bad > 0) {
    process.stderr.write(formatDatabaseAudit(report));
    throw new CliError(
      `database ${database.description}: ${report.logProblems.length} log problem(s), ` +
        `${report.findings.length} row(s) that do not match the log`,
    );
  }
  if (report.origin !== undefined)
    await state.save(report.origin, { size: report.size, rootHash: report.rootHash });
  process.stdout.write(
    `OK database ${database.description}: ${report.size} log entries rebuild the root of all ` +
      `${report.checkpoints} stored checkpoint(s)` +
      (report.previous
        ? `, consistent with the ${report.previous.size} verified before (${stateFile})`
        : '') +
      `; ${report.rows} rows match their latest log entries` +
      (report.queued > 0 ? ` (${report.queued} entries still queued)` : '') +
      '\n',
  );
}

/** `log witness …`, `log export` and `audit`. */
export function registerLogCommands(program: Command): void {
  const log = program.command('log').description('the transparency log');
  const witness = log.command('witness').description('witnesses the log asks to cosign its checkpoints');
  witness
    .command('add <name> <vkey>')
    .description('add (or replace) a witness: its cosignature/v1 verifier key and where it listens')
    .option('--url <url>', 'submission prefix of the witness (POST <url>/add-checkpoint)')
    .action((name: string, vkey: string, opts: { url?: string }) =>
      withServices(async (s) => {
        try {
          cosignatureVerifier(vkey);
        } catch (err) {
          throw new CliError(`not a witness verifier key: ${(err as Error).message}`);
        }
        const url = opts.url === undefined ? null : checkUrl(opts.url);
        await s.witnesses.upsert(s.database.db, { name, vkey, url });
        process.stdout.write(
          `Witness ${name} added${url ? `; the log asks ${url} to cosign` : ' (no URL: it is not asked)'}.\n`,
        );
      }),
    );
  witness
    .command('list')
    .description('list witnesses')
    .action(() =>
      withServices(async (s) => {
        const rows = await s.witnesses.list();
        if (rows.length === 0) process.stdout.write('No witnesses.\n');
        for (const w of rows) process.stdout.write(`${w.name}  ${w.vkey}  ${w.url ?? '-'}\n`);
      }),
    );
  witness
    .command('remove <name>')
    .description('stop asking a witness (its past cosignatures stay)')
    .action((name: string) =>
      withServices(async (s) => {
        if (!(await s.witnesses.remove(name))) throw new CliError(`no witness named "${name}"`);
        process.stdout.write(`Witness ${name} removed.\n`);
      }),
    );

  log
    .command('export <dir>')
    .description('write checkpoint, vkey and every tile and entry bundle to DIR, as /log/ serves them')
    .action((dir: string) =>
      withServices(async (s) => {
        const { reader, sequencer } = s.ledger;
        await reader.refresh();
        // Entries still queued (no server running) are integrated first, as the sequencer would.
        while ((await sequencer.integrateOnce()) > 0);
        const checkpoint = await reader.checkpoint();
        if (!checkpoint) throw new CliError('the log has no checkpoint yet: nothing to export');
        const bar = progressBar('tiles', EXPORT_PROGRESS_TILES);
        const target = path.resolve(dir);
        const written = await exportLog(
          {
            checkpointNote: checkpoint.note,
            size: checkpoint.size,
            vkey: reader.verifierKey,
            tile: (level, index, width) => reader.tile(level, index, width),
            entryBundle: (index, width) => reader.entryBundle(index, width),
          },
          target,
          (done, total) => bar.update(done, total),
        );
        bar.stop();
        process.stdout.write(
          `Exported ${reader.origin} at size ${checkpoint.size} to ${target}: ` +
            `${written.tiles} tiles, ${written.bundles} entry bundles, checkpoint, vkey.\n`,
        );
      }),
    );

  program
    .command('audit [target]')
    .description(
      'verify a log offline from an exported DIR or a /log/ URL: signatures, every entry and tile, ' +
        'the root, and consistency with the last audit; with --database, also every stored row ' +
        'against its latest log entry',
    )
    .option('--policy <file>', 'trusted keys: "log <vkey>", "witness <vkey>", "quorum <k>" lines')
    .option('--state <file>', 'where the last verified size and root are kept', '.truceline-audit-state.json')
    .option(
      '--database <url>',
      "audit this database: its log (entries, tree, stored checkpoints) and every bound row's commitment",
    )
    .action((target: string | undefined, opts: AuditOpts) => audit(target, opts));
}
