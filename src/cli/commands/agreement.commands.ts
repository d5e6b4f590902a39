import fs from 'node:fs';
import type { Command } from 'commander';
import { isMarking } from '../../access/marking.js';
import { formatProblem } from '../../agreement/agreement.problems.js';
import { agreementJsonSchema } from '../../agreement/agreement.schema.js';
import { loadAgreementFile } from '../../agreement/agreement.validate.js';
import { diffAgreements, formatDiff } from '../../agreement/agreement.diff.js';
import { negotiationStatus, type NegotiationStatus } from '../../agreement/negotiation.js';
import type { Agreement } from '../../agreement/agreement.schema.js';
import type { AppServices } from '../../server/context.js';
import { CliError, CONSOLE_ACTOR, openRuntime } from '../runtime.js';
import { CONSOLE_PRINCIPAL } from '../../access/bootstrap.js';

async function withServices<T>(work: (s: AppServices) => Promise<T>): Promise<T> {
  const services = await openRuntime();
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

/**
 * Runs `work` with a resolver from "file or loaded version id" to an agreement, opening the database
 * only when some argument is not a file.
 */
async function withMaybeServices(
  refs: string[],
  work: (resolve: (ref: string | undefined) => Promise<Agreement>) => Promise<void>,
): Promise<void> {
  const needsDb = refs.some((r) => r === '' || !fs.existsSync(r));
  const services = needsDb ? await openRuntime() : undefined;
  try {
    await work(async (ref) => {
      if (ref !== undefined && ref !== '' && fs.existsSync(ref)) {
        const result = await loadAgreementFile(ref);
        if (result.agreement === undefined) {
          throw new CliError(`${ref} is not valid:\n${result.problems.map(formatProblem).join('\n')}`);
        }
        return result.agreement;
      }
      if (!services) throw new CliError(`${ref ?? ''}: no such file or loaded version`);
      return (await services.agreements.get(CONSOLE_PRINCIPAL, ref === '' ? undefined : ref)).agreement;
    });
  } finally {
    await services?.close();
  }
}

function formatNegotiation(title: string, s: NegotiationStatus): string {
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  const out = [
    `${title}`,
    `  consensus: ${s.agreed} of ${s.total} provisions agreed by every party (${pct(s.consensusShare)})`,
  ];
  if (s.openHurdles.length > 0) out.push('  open hurdles:');
  for (const h of s.openHurdles) {
    const who = [
      ...(h.disputedBy.length > 0 ? [`disputed by ${h.disputedBy.join(', ')}`] : []),
      ...(h.openBy.length > 0 ? [`open for ${h.openBy.join(', ')}`] : []),
    ].join('; ');
    out.push(`    ${h.provisionId} ${h.title} — ${who}`);
  }
  for (const d of s.deadlines) {
    const when =
      d.due === undefined
        ? 'date not fixed'
        : `${d.due.slice(0, 10)}, ${d.overdue ? `${-(d.daysLeft ?? 0)} days overdue` : `${d.daysLeft ?? '?'} days left`}`;
    out.push(`  deadline ${d.id}: ${d.text} (${when})`);
  }
  for (const g of s.guarantees) {
    out.push(`  guarantee ${g.guaranteeId} ${g.name}: ${g.legalForm}, ${g.ratification}`);
    for (const step of g.pendingSteps)
      out.push(
        `    pending: ${step.actor} ${step.body} ${step.kind} (${step.status}${step.due ? `, due ${step.due.slice(0, 10)}` : ''})`,
      );
  }
  return `${out.join('\n')}\n`;
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** `agreement validate | load | show | versions | schema`. */
export function registerAgreementCommands(program: Command): void {
  const agreement = program
    .command('agreement')
    .description('the agreement as data: validate, load, show, compare');

  agreement
    .command('validate <files...>')
    .description('check agreement files; prints FILE:LINE: path: reason per problem, exit 1 if any')
    .action(async (files: string[]) => {
      let problems = 0;
      for (const file of files) {
        const result = await loadAgreementFile(file);
        for (const p of result.problems) process.stdout.write(`${formatProblem(p)}\n`);
        problems += result.problems.length;
        if (result.problems.length === 0) process.stderr.write(`${file}: valid\n`);
      }
      if (problems > 0) {
        process.stderr.write(`${problems} problem${problems === 1 ? '' : 's'}\n`);
        process.exitCode = 1;
      }
    });

  agreement
    .command('load <file>')
    .description('validate and store a new agreement version (atomic: a bad file changes nothing)')
    .option('--marking <tlp>', 'TLP marking: CLEAR, GREEN, AMBER, AMBER+STRICT or RED', 'GREEN')
    .action((file: string, opts: { marking: string }) =>
      withServices(async (s) => {
        if (!isMarking(opts.marking))
          throw new CliError(`--marking ${opts.marking}: must be CLEAR, GREEN, AMBER, AMBER+STRICT or RED`);
        const { version, created } = await s.agreements.load(CONSOLE_ACTOR, {
          text: readText(file),
          fileName: file,
          marking: opts.marking,
        });
        process.stdout.write(
          created
            ? `Loaded ${version.id} "${version.title}" (${version.status}, in force from ${version.entryIntoForce}), sha256 ${version.contentSha256}.\n`
            : `${version.id} is already loaded with the same content; nothing changed.\n`,
        );
      }),
    );

  agreement
    .command('versions')
    .description('list loaded versions, newest first')
    .action(() =>
      withServices(async (s) => {
        const versions = await s.agreements.listVersions(CONSOLE_PRINCIPAL);
        if (versions.length === 0) process.stdout.write('No agreement loaded yet.\n');
        for (const v of versions) {
          process.stdout.write(
            `${v.id}\t${v.status}\t${v.marking}\t${v.entryIntoForce ? `in force ${v.entryIntoForce}` : 'not yet in force'}\tloaded ${v.loadedAt}\t${v.title}\n`,
          );
        }
      }),
    );

  agreement
    .command('show')
    .description('print a loaded version as JSON (default: the newest)')
    .option('--version <id>', 'version id, e.g. illustrative-framework@1')
    .option('--source', 'print the file as it was loaded instead of the canonical JSON')
    .action((opts: { version?: string; source?: boolean }) =>
      withServices(async (s) => {
        const loaded = await s.agreements.get(CONSOLE_PRINCIPAL, opts.version);
        process.stdout.write(
          opts.source
            ? await s.agreements.sourceText(CONSOLE_PRINCIPAL, loaded.info.id)
            : `${JSON.stringify(loaded.agreement, null, 2)}\n`,
        );
      }),
    );

  agreement
    .command('diff <from> <to>')
    .description('what changed between two versions: each a file or a loaded version id')
    .action((from: string, to: string) =>
      withMaybeServices([from, to], async (resolve) => {
        const [a, b] = [await resolve(from), await resolve(to)];
        const lines = formatDiff(diffAgreements(a, b));
        process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : 'No differences.\n');
      }),
    );

  agreement
    .command('status')
    .description(
      'negotiation status: consensus share, open hurdles, disputed provisions, deadlines, ratification',
    )
    .option('--version <id>', 'a loaded version (default: the newest)')
    .option('--file <file>', 'an agreement file instead of a loaded version')
    .option('--json', 'print JSON')
    .action((opts: { version?: string; file?: string; json?: boolean }) =>
      withMaybeServices(opts.file !== undefined ? [opts.file] : [opts.version ?? ''], async (resolve) => {
        const agreement = await resolve(opts.file ?? opts.version);
        const status = negotiationStatus(agreement, new Date());
        process.stdout.write(
          opts.json ? `${JSON.stringify(status, null, 2)}\n` : formatNegotiation(agreement.title, status),
        );
      }),
    );

  agreement
    .command('schema')
    .description('print the agreement file format as JSON Schema')
    .action(() => {
      process.stdout.write(`${JSON.stringify(agreementJsonSchema(), null, 2)}\n`);
    });
}
