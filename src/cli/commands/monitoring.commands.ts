import fs from 'node:fs';
import cliProgress from 'cli-progress';
import { CommanderError, type Command } from 'commander';
import { isMarking, MARKINGS } from '../../access/marking.js';
import type { Organisation } from '../../access/organisation.repository.js';
import type { Principal } from '../../access/policy.js';
import { parseMapping, type ColumnMapping } from '../../monitoring/import/csv.js';
import {
  allReports,
  exportReports,
  FORMATS,
  importFile,
  problemReportCsv,
  type ImportFormat,
} from '../../monitoring/import/importer.js';
import { inferFormat } from '../../monitoring/import/sniff.js';
import type { MonitoringServices } from '../../monitoring/monitoring.js';
import { fillDemoReports } from '../../monitoring/demo.js';
import type { ReportView } from '../../monitoring/report.view.js';
import type { IntakeResult } from '../../monitoring/report.service.js';
import type { AppServices } from '../../server/context.js';
import { runImportInCappedHeap } from '../import-heap.js';
import { CliError, CONSOLE_ACTOR, openRuntime } from '../runtime.js';

async function withMonitoring<T>(work: (s: AppServices, m: MonitoringServices) => Promise<T>): Promise<T> {
  const services = await openRuntime();
  try {
    return await work(services, services.monitoring);
  } finally {
    await services.close();
  }
}

/** A one-line usage error on stderr; the command exits with 2, as commander's own usage errors do. */
function usageError(message: string): CommanderError {
  process.stderr.write(`${message}\n`);
  return new CommanderError(2, 'truceline.usage', message);
}

/** What an organisation as a whole may see: its markings' view, without any one user's RED records. */
function organisationView(organisation: Organisation): Principal {
  return {
    userId: null,
    username: null,
    organisationId: organisation.id,
    organisationKind: organisation.kind,
    roles: [],
    permissions: new Set(),
    via: 'token',
  };
}

function formatOf(value: string): ImportFormat {
  if (!(FORMATS as readonly string[]).includes(value))
    throw new CliError(`--format ${value}: must be one of ${FORMATS.join(', ')}`);
  return value as ImportFormat;
}

function mappingOf(opts: { map?: string; mapping?: string }): ColumnMapping {
  let mapping: ColumnMapping = {};
  if (opts.mapping !== undefined) {
    try {
      mapping = JSON.parse(fs.readFileSync(opts.mapping, 'utf8')) as ColumnMapping;
    } catch (err) {
      throw new CliError(`--mapping ${opts.mapping}: ${(err as Error).message}`);
    }
    const check = parseMapping(
      Object.entries(mapping)
        .map(([f, c]) => `${f}=${c}`)
        .join(','),
    );
    if (typeof check === 'string') throw new CliError(`--mapping ${opts.mapping}: ${check}`);
  }
  if (opts.map !== undefined) {
    const parsed = parseMapping(opts.map);
    if (typeof parsed === 'string') throw new CliError(`--map: ${parsed}`);
    mapping = { ...mapping, ...parsed };
  }
  return mapping;
}

function summary(result: IntakeResult, seconds: number): string {
  const verb = result.dryRun ? 'would be' : 'was';
  const rate =
    seconds > 0
      ? ` in ${seconds.toFixed(1)} s (${Math.round((result.accepted + result.revised + result.unchanged + result.rejected) / seconds).toLocaleString('en')} rows/s)`
      : '';
  return `${result.accepted} accepted, ${result.revised} revised, ${result.unchanged} unchanged, ${result.rejected} rejected${rate}; ${
    result.problems.length > 0 && result.accepted + result.revised === 0
      ? `nothing ${verb} applied`
      : result.dryRun
        ? 'dry run: nothing was written'
        : 'applied'
  }\n`;
}

/** `import`, `export` and `demo`. */
export function registerMonitoringCommands(program: Command): void {
  program
    .command('import')
    .argument('<file>', 'the file to import')
    .description(
      'import reports from ACLED CSV, Truceline CSV (with a column mapping) or GeoJSON; all or nothing',
    )
    .option('--format <format>', 'acled | csv | geojson (default: told from the file)')
    .option('--dry-run', 'validate and classify everything, write nothing')
    .option(
      '--apply-good',
      'apply the valid rows and report the bad ones (default: apply none if any is bad)',
    )
    .option(
      '--map <field=Column,…>',
      'CSV column mapping, e.g. lat=Latitude,lon=Longitude,observed_from=Date',
    )
    .option('--mapping <file.json>', 'CSV column mapping as JSON { "field": "Column" }')
    .option('--marking <marking>', 'TLP marking of the imported reports', 'AMBER')
    .option('--org <id>', 'organisation that owns the reports (default: the commission)')
    .option('--system <name>', 'namespace of the external ids (default: the format)')
    .option('--time-zone <tz>', 'time zone of dates without one (default UTC)')
    .option('--errors <file>', 'write every problem as CSV (file,line,field,reason)')
    .option('--no-progress', 'no progress bar')
    .action(
      async (
        file: string,
        opts: {
          format?: string;
          dryRun?: boolean;
          applyGood?: boolean;
          map?: string;
          mapping?: string;
          marking: string;
          org?: string;
          system?: string;
          timeZone?: string;
          errors?: string;
          progress: boolean;
        },
      ) => {
        const given = opts.format === undefined ? undefined : formatOf(opts.format);
        if (!isMarking(opts.marking))
          throw new CliError(`--marking ${opts.marking}: must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED`);
        const marking = opts.marking;
        const mapping = mappingOf(opts);
        let format: ImportFormat;
        if (given !== undefined) format = given;
        else {
          const inferred = await inferFormat(file, { mapped: Object.keys(mapping).length > 0 });
          format = inferred.format;
          process.stderr.write(`Reading ${file} as ${format} (${inferred.reason}); --format overrides.\n`);
        }
        // A streamed file is imported in a process whose heap is capped (GeoJSON is read whole).
        if (format !== 'geojson') {
          const code = runImportInCappedHeap(given === undefined ? ['--format', format] : []);
          if (code !== undefined) {
            process.exitCode = code;
            return;
          }
        }
        await withMonitoring(async (_s, m) => {
          const bar =
            opts.progress && process.stderr.isTTY
              ? new cliProgress.SingleBar(
                  {
                    format: 'importing [{bar}] {percentage}% | {value}/{total} MB | {rows} rows',
                    stream: process.stderr,
                  },
                  cliProgress.Presets.shades_classic,
                )
              : undefined;
          const started = performance.now();
          let result: IntakeResult;
          try {
            bar?.start(1, 0, { rows: 0 });
            result = await importFile(m.reports, CONSOLE_ACTOR, file, {
              format,
              mapping,
              marking,
              ...(opts.dryRun ? { dryRun: true } : {}),
              ...(opts.applyGood ? { applyGood: true } : {}),
              ...(opts.org !== undefined ? { ownerOrganisationId: opts.org } : {}),
              ...(opts.system !== undefined ? { externalSystem: opts.system } : {}),
              ...(opts.timeZone !== undefined ? { timeZone: opts.timeZone } : {}),
              onProgress: (bytes, total, r) => {
                bar?.setTotal(Math.max(1, Math.round(total / 1e6)));
                bar?.update(Math.round(bytes / 1e6), {
                  rows: r.accepted + r.revised + r.unchanged + r.rejected,
                });
              },
            });
          } finally {
            bar?.stop();
          }
          const seconds = (performance.now() - started) / 1000;
          if (opts.errors !== undefined)
            fs.writeFileSync(opts.errors, problemReportCsv(file, result.problems));
          for (const p of result.problems.slice(0, 50))
            process.stderr.write(`${p.file ?? file}:${p.line ?? 0}: ${p.path}: ${p.reason}\n`);
          if (result.problems.length > 50)
            process.stderr.write(
              `… and ${result.problems.length - 50} more${opts.errors ? ` (all in ${opts.errors})` : ' (use --errors FILE for all)'}\n`,
            );
          process.stdout.write(summary(result, seconds));
          if (result.problems.length > 0 && !opts.applyGood) process.exitCode = 1;
        });
      },
    );

  program
    .command('export')
    .description(
      'export current reports as ACLED CSV, Truceline CSV or GeoJSON: what one organisation may see (--as), or the full record (--all)',
    )
    .requiredOption('--format <format>', 'acled | csv | geojson')
    .requiredOption('--out <file>', 'where to write')
    .option('--as <organisation>', "export only what this organisation may see (its markings' view)")
    .option('--all', "export the commission's full record, every marking (RED and AMBER included)")
    .action(async (opts: { format: string; out: string; as?: string; all?: boolean }) => {
      if ((opts.as === undefined) === (opts.all !== true))
        throw usageError('truceline export: say whose view to export: --as <organisation id> or --all');
      const format = formatOf(opts.format);
      await withMonitoring(async (s, m) => {
        const viewer =
          opts.as === undefined ? undefined : organisationView(await s.organisations.get(opts.as));
        const included = new Map<string, number>();
        async function* counted(): AsyncGenerator<ReportView[]> {
          for await (const page of allReports(m.reports, s.database.db, viewer)) {
            for (const r of page) included.set(r.marking, (included.get(r.marking) ?? 0) + 1);
            yield page;
          }
        }
        const n = await exportReports(counted(), format, opts.out);
        const levels = MARKINGS.filter((mk) => included.has(mk)).map((mk) => `${mk} ${included.get(mk)}`);
        process.stderr.write(
          `Included markings (${opts.as === undefined ? 'the full record' : `the view of ${opts.as}`}): ${
            levels.length > 0 ? levels.join(', ') : 'none'
          }\n`,
        );
        process.stdout.write(`Exported ${n} reports to ${opts.out} (${format}).\n`);
      });
    });

  program
    .command('demo')
    .description('generate realistic synthetic reports along the line of contact and take them in')
    .requiredOption('--reports <n>', 'how many reports')
    .option('--seed <n>', 'random seed (same seed, same reports)', '1')
    .option('--days <n>', 'spread over the last N days', '90')
    .action(async (opts: { reports: string; seed: string; days: string }) => {
      const count = Number(opts.reports);
      if (!Number.isInteger(count) || count < 1 || count > 10_000_000)
        throw new CliError(`--reports ${opts.reports}: must be a whole number from 1 to 10000000`);
      await withMonitoring(async (s, m) => {
        const end = s.now().getTime();
        const started = performance.now();
        const result = await fillDemoReports(m.reports, CONSOLE_ACTOR, count, {
          seed: Number(opts.seed),
          end,
          start: end - Number(opts.days) * 86_400_000,
        });
        process.stdout.write(summary(result, (performance.now() - started) / 1000));
      });
    });
}
