import type { Command } from 'commander';
import { consoleActor, type Actor } from '../../access/audit.service.js';
import type { AppServices } from '../../server/context.js';
import type { Case } from '../../response/case.repository.js';
import type { CaseDetail } from '../../response/case.service.js';
import { CASE_STATUSES, type CaseStatus } from '../../response/ladder.cases.js';
import { formatReplay } from '../../response/ladder.replay.js';
import { CliError, openRuntime } from '../runtime.js';

/** Opens the runtime and acts as the named user (cases are read and decided by named people). */
async function asUser<T>(username: string, work: (s: AppServices, actor: Actor) => Promise<T>): Promise<T> {
  const services = await openRuntime();
  try {
    const principal = await services.sessions.principalForConsole(username);
    if (principal === undefined) throw new CliError(`--as ${username}: no such enabled user`);
    return await work(services, consoleActor(principal));
  } finally {
    await services.close();
  }
}

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

function caseLine(c: Case): string {
  return `${c.id}  ${c.ladderId} ${c.rungId.padEnd(8)} ${c.status.padEnd(6)} party ${c.party ?? '-'}  ${c.findingIds.length} finding(s)  deadline ${c.deadline ?? '-'}`;
}

function caseText(d: CaseDetail): string {
  const c = d.case;
  return [
    `case ${c.id}: ${c.ladderId} at ${c.rungId}, ${c.status}${c.outcome !== null ? ` (${c.outcome})` : ''}`,
    `  party ${c.party ?? '-'}; actors ${c.actors.join(', ')} decide by ${c.decisionRule}; deadline ${c.deadline ?? '-'}`,
    `  findings ${c.findingIds.join(', ')}`,
    `  incidents ${c.evidence.incidents.join(', ') || '-'}; reports ${c.evidence.reports.length}; evidence items ${c.evidence.evidence.length}`,
    '  steps:',
    ...c.steps.map((s) => `    ${s.at} ${s.kind} ${s.rungId}: ${s.reason}`),
    '  decisions:',
    ...d.decisions.map(
      (x) => `    ${x.at} ${x.actor} [${x.organisationId}] at ${x.rungId}: ${x.option} (${x.reason})`,
    ),
    '  inaction:',
    ...d.inactions.map((i) => `    ${i.actor} did not decide at ${i.rungId} by ${i.deadline}`),
    `  options ${d.options.join(', ') || '-'}`,
  ].join('\n');
}

function date(flag: string, value: string): Date {
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new CliError(`${flag} ${value}: not a date (YYYY-MM-DD or RFC 3339)`);
  return d;
}

/** `cases …` and `ladder …`: the breach-response ladder from the console. */
export function registerResponseCommands(program: Command): void {
  const cases = program.command('cases').description('breach response: cases on the escalation ladder');

  cases
    .command('list')
    .description('cases you may read, newest first')
    .requiredOption('--as <username>', 'whose view (a named user)')
    .option('--status <status>', CASE_STATUSES.join(', '))
    .option('--limit <n>', 'at most', '100')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; status?: string; limit: string; json?: boolean }) => {
      if (opts.status !== undefined && !(CASE_STATUSES as readonly string[]).includes(opts.status))
        throw new CliError(`--status ${opts.status}: must be one of ${CASE_STATUSES.join(', ')}`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new CliError(`--limit ${opts.limit}: must be a positive whole number`);
      await asUser(opts.as, async (s, actor) => {
        const page = await s.response.cases.list(actor.principal, {
          ...(opts.status !== undefined ? { status: opts.status as CaseStatus } : {}),
          limit,
        });
        print(opts.json === true, page, () =>
          page.cases.length === 0 ? 'no cases' : page.cases.map(caseLine).join('\n'),
        );
      });
    });

  cases
    .command('show <id>')
    .description('a case: rung, deadline, evidence, decisions, inaction, options')
    .requiredOption('--as <username>', 'whose view (a named user)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const detail = await s.response.cases.get(actor.principal, id);
        print(opts.json === true, detail, () => caseText(detail));
      }),
    );

  cases
    .command('decide <id>')
    .description("an actor's decision at the case's rung: escalate, hold, close or respond:<response id>")
    .requiredOption('--as <username>', 'who decides (a named user of an organisation acting for the rung)')
    .requiredOption('--option <option>', 'escalate, hold, close or respond:<response id>')
    .requiredOption('--reason <text>', 'why')
    .option('--rung <id>', 'the rung you decide at (refused if the case moved on)')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: { as: string; option: string; reason: string; rung?: string; json?: boolean },
      ) =>
        asUser(opts.as, async (s, actor) => {
          const detail = await s.response.cases.decide(actor, id, {
            option: opts.option,
            reason: opts.reason,
            ...(opts.rung !== undefined ? { rung: opts.rung } : {}),
          });
          print(opts.json === true, detail, () => caseText(detail));
        }),
    );

  const ladder = program.command('ladder').description('the escalation ladder: replay and status');

  ladder
    .command('replay')
    .description(
      'runs the ladder over a period from the stored findings and decisions and compares the cases',
    )
    .requiredOption('--as <username>', 'whose view (a named user)')
    .requiredOption('--from <date>', 'first day (cases opened from then)')
    .requiredOption('--to <date>', 'last instant')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; from: string; to: string; json?: boolean }) => {
      const from = date('--from', opts.from);
      const to = date('--to', opts.to);
      if (from > to) throw new CliError('--from must be before --to');
      await asUser(opts.as, async (s, actor) => {
        const report = await s.response.replay(actor.principal, from, to);
        print(opts.json === true, report, () => formatReplay(report));
        if (report.mismatches.length > 0) process.exitCode = 1;
      });
    });

  ladder
    .command('status')
    .description("the guarantees' activation and void conditions, and the live cases by rung")
    .requiredOption('--as <username>', 'whose view (a named user)')
    .option('--version <id>', 'agreement version (default: the newest you may read)')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; version?: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const status = await s.response.guarantees(actor.principal, opts.version);
        const live = (await s.response.cases.list(actor.principal, { limit: 1000 })).cases.filter(
          (c) => c.status !== 'closed',
        );
        print(opts.json === true, { ...status, liveCases: live }, () =>
          [
            `agreement ${status.versionId}`,
            ...status.guarantees.flatMap((g) => [
              `guarantee ${g.id}: ${g.state}`,
              ...[...g.activation, ...g.void].map(
                (c) => `  ${c.id}: ${c.met ? `met by ${c.findingIds.join(', ')}` : 'not met'}`,
              ),
            ]),
            `live cases: ${live.length}`,
            ...live.map(caseLine),
          ].join('\n'),
        );
      }),
    );
}
