import fs from 'node:fs';
import { CommanderError, type Command } from 'commander';
import { ANONYMOUS, type Principal } from '../../access/policy.js';
import { isNotFound } from '../../core/errors.js';
import { isLanguage, LANGUAGES } from '../../core/language.js';
import { DAILY_FORMATS, type DailyFormat } from '../../daily/daily.model.js';
import type { AppServices } from '../../server/context.js';
import { CliError, openRuntime } from '../runtime.js';

const LANGUAGE_NAMES = { en: 'English', uk: 'Ukrainian' } as const;

/** A one-line usage error on stderr; the command exits with 2, as commander's own usage errors do. */
function usageError(message: string): CommanderError {
  process.stderr.write(`${message}\n`);
  return new CommanderError(2, 'truceline.usage', message);
}

/**
 * Whose edition: a user's (by username: what that user may see), else an organisation's as a whole
 * (by id: its markings' view, as `export --as` takes it), else the public's.
 */
async function viewerOf(s: AppServices, opts: { as?: string; public?: boolean }): Promise<Principal> {
  if (opts.public === true || opts.as === undefined) return ANONYMOUS;
  const user = await s.sessions.principalForConsole(opts.as);
  if (user !== undefined) return user;
  try {
    const org = await s.organisations.get(opts.as);
    return {
      userId: null,
      username: null,
      organisationId: org.id,
      organisationKind: org.kind,
      roles: [],
      permissions: new Set(),
      via: 'token',
    };
  } catch (err) {
    if (isNotFound(err)) throw new CliError(`--as ${opts.as}: no such enabled user or organisation`);
    throw err;
  }
}

/** `truceline report daily` and `truceline report verify`. */
export function registerReportCommands(program: Command): void {
  const report = program
    .command('report')
    .description('the daily report, and checking a copy against the log');

  report
    .command('daily')
    .description("write a day's report (public edition unless --as), and record it in the log")
    .requiredOption('--date <YYYY-MM-DD>', 'the UTC day')
    .requiredOption('--format <format>', DAILY_FORMATS.join(' | '))
    .requiredOption('--out <file>', 'where to write')
    .option('--as <name>', 'the edition of a user (username) or of an organisation as a whole (id)')
    .option('--public', 'the public edition (the default)')
    .option('--lang <lang>', `the language of HTML and PDF: ${LANGUAGES.join(' | ')}`, 'en')
    .action(
      async (opts: {
        date: string;
        format: string;
        out: string;
        as?: string;
        public?: boolean;
        lang: string;
      }) => {
        if (opts.as !== undefined && opts.public === true)
          throw usageError('truceline report daily: say --as <name> or --public, not both');
        if (!(DAILY_FORMATS as readonly string[]).includes(opts.format))
          throw usageError(
            `truceline report daily: --format ${opts.format}: must be one of ${DAILY_FORMATS.join(', ')}`,
          );
        if (!isLanguage(opts.lang))
          throw usageError(
            `truceline report daily: --lang ${opts.lang}: must be one of ${LANGUAGES.join(', ')}`,
          );
        const lang = opts.lang;
        const services = await openRuntime();
        try {
          const viewer = await viewerOf(services, opts);
          const out = await services.daily.render(viewer, opts.date, opts.format as DailyFormat, lang);
          fs.writeFileSync(opts.out, out.bytes);
          const e = out.edition;
          process.stdout.write(
            `Wrote the ${e.edition === 'public' ? 'public' : `${e.audience}`} edition of ${e.date} (${opts.format}${e.lang !== null ? `, ${LANGUAGE_NAMES[e.lang]}` : ''}, ${e.byteLength} bytes) to ${opts.out}\n` +
              `sha256 ${e.sha256} — ${out.logged ? 'logged as daily-report.published' : 'the same bytes were logged before'}\n`,
          );
        } finally {
          await services.close();
        }
      },
    );

  report
    .command('verify <file>')
    .description('check a daily report file against the record: its SHA-256 and the log entry that holds it')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      let bytes: Buffer;
      try {
        bytes = fs.readFileSync(file);
      } catch {
        throw new CliError(`${file}: cannot be read`);
      }
      const services = await openRuntime();
      try {
        const check = await services.daily.verify(bytes);
        if (opts.json === true) process.stdout.write(`${JSON.stringify(check, null, 2)}\n`);
        else if (check.edition === undefined)
          process.stdout.write(`${file}: sha256 ${check.sha256} is NOT in the record\n`);
        else {
          const e = check.edition;
          process.stdout.write(
            `${file}: sha256 ${check.sha256} is the ${e.edition === 'public' ? 'public' : 'restricted'} ${e.format} edition${e.lang !== null ? ` in ${LANGUAGE_NAMES[e.lang]}` : ''} of ${e.date}, generated ${e.generatedAt}; ` +
              `${e.logIndex !== null ? `log entry ${e.logIndex}` : 'its log entry is queued, not yet integrated'}\n`,
          );
        }
        if (check.edition === undefined) process.exitCode = 1;
      } finally {
        await services.close();
      }
    });
}
