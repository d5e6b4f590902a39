import type { Command } from 'commander';
import {
  ATTRIBUTION_CONFIDENCES,
  INCIDENT_STATUSES,
  VOTES,
  isIncidentStatus,
  type AttributionConfidence,
  type Incident,
  type IncidentStatus,
  type VoteChoice,
} from '../../verification/incident.model.js';
import type { FindingDetail, FindingView } from '../../verification/finding.service.js';
import type { IncidentDetail } from '../../verification/incident.service.js';
import { SEVERITY_ORDER } from '../../verification/verification.settings.js';
import type { Severity } from '../../agreement/agreement.schema.rules.js';
import { CliError, openRuntime } from '../runtime.js';
import { asUser, print } from '../acting.js';

const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new CliError(`${flag} ${value}: must be one of ${allowed.join(', ')}`);
  return value as T;
}

function incidentLine(i: Incident, now: Date): string {
  const open = i.status === 'reported' || i.status === 'under_review';
  const overdue = open && Date.parse(i.dueAt) < now.getTime() ? ' OVERDUE' : '';
  return `${i.id}  ${i.status.padEnd(12)} ${i.severity.padEnd(7)} ${i.category.padEnd(22)} ${i.reportIds.length} report(s), ${i.corroboration.level}, due ${i.dueAt}${overdue}`;
}

function incidentText(d: IncidentDetail): string {
  const i = d.incident;
  const lines = [
    `incident ${i.id}: ${i.status}${i.duplicateOf !== undefined ? ` of ${i.duplicateOf}` : ''}`,
    `  category ${i.category}, severity ${i.severity}, provisions ${i.provisions.join(', ') || '-'}`,
    `  where ${i.lat.toFixed(5)}, ${i.lon.toFixed(5)} ± ${i.radiusM} m; zones ${i.zones.join(', ') || '-'}; side ${i.side ?? '-'}; sector ${i.sector ?? '-'}`,
    `  when ${i.observedFrom} – ${i.observedTo}; opened ${i.openedAt}, due ${i.dueAt}`,
    `  corroboration ${i.corroboration.level}: ${i.corroboration.reasons.join('; ')}`,
    `  attribution ${i.attribution !== undefined ? `${i.attribution.party ?? 'unknown'} (${i.attribution.confidence}) by ${i.attribution.method}` : '-'}`,
    ...(i.pending !== undefined
      ? [`  awaiting a second analyst to confirm: ${i.pending.status} (${i.pending.reason})`]
      : []),
    `  reports ${i.reportIds.join(', ')}`,
    '  transitions:',
    ...d.transitions.map(
      (t) => `    ${t.at} ${t.from} → ${t.to} (${t.step}) by ${t.by} [${t.organisationId}]: ${t.reason}`,
    ),
    `  you may move it to: ${d.allowed.join(', ') || 'nothing'}`,
  ];
  return lines.join('\n');
}

function findingText(d: FindingDetail): string {
  const f: FindingView = d.finding;
  return [
    `finding ${f.id} on incident ${f.incidentId}: ${f.state}${f.publishedAt !== undefined ? `, published ${f.publishedAt}${f.public ? ' to the public' : ' to the parties'}` : ''}`,
    `  ${f.outcome}: ${f.category}, ${f.severity}; attribution ${f.attribution?.party ?? '-'} (${f.attribution?.confidence ?? '-'})`,
    `  ${f.summary}`,
    `  rule ${f.decisionRule}: for ${f.tally.for}, against ${f.tally.against}, abstain ${f.tally.abstain}; ${f.tally.seatsVoting} seat(s) voted, quorum ${f.tally.quorum}`,
    ...(d.votes ?? []).map(
      (v) =>
        `    ${v.at} ${v.username} [${v.organisationId}] ${v.choice}${v.opinion !== undefined ? `: ${v.opinion}` : ''}`,
    ),
    ...(d.votes === undefined
      ? d.opinions.map((o) => `    [${o.organisationId}] ${o.choice}: ${o.opinion}`)
      : []),
  ].join('\n');
}

/** `incidents …`, `findings …` and `quiet-days`: the verification workflow from the console. */
export function registerVerificationCommands(program: Command): void {
  const incidents = program
    .command('incidents')
    .description(
      'verification: incidents grouped from reports, their review, attribution, splits and merges',
    );

  incidents
    .command('list')
    .description('the verification queue, by deadline')
    .requiredOption('--as <username>', 'whose view (a named user)')
    .option('--status <list>', `comma-separated: ${INCIDENT_STATUSES.join(', ')}`)
    .option('--category <id>', 'category id')
    .option('--severity <level>', SEVERITY_ORDER.join(', '))
    .option('--sector <id>', 'sector id')
    .option('--overdue', 'only open incidents past their deadline')
    .option('--limit <n>', 'at most', '100')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        as: string;
        status?: string;
        category?: string;
        severity?: string;
        sector?: string;
        overdue?: boolean;
        limit: string;
        json?: boolean;
      }) => {
        const statuses = opts.status !== undefined ? list(opts.status) : [];
        const bad = statuses.filter((s) => !isIncidentStatus(s));
        if (bad.length > 0)
          throw new CliError(`--status ${bad.join(',')}: must be among ${INCIDENT_STATUSES.join(', ')}`);
        const limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit < 1)
          throw new CliError(`--limit ${opts.limit}: must be a positive whole number`);
        await asUser(opts.as, async (s, actor) => {
          const now = s.now();
          const page = await s.verification.incidents.list(actor.principal, {
            ...(statuses.length > 0 ? { status: statuses as IncidentStatus[] } : {}),
            ...(opts.category !== undefined ? { category: opts.category } : {}),
            ...(opts.severity !== undefined
              ? { severity: oneOf('--severity', opts.severity, SEVERITY_ORDER) }
              : {}),
            ...(opts.sector !== undefined ? { sector: opts.sector } : {}),
            ...(opts.overdue === true ? { overdueAt: now.toISOString() } : {}),
            limit,
          });
          print(opts.json === true, page, () =>
            [
              `${page.total} incident(s)${page.total > page.incidents.length ? `, first ${page.incidents.length}` : ''}`,
              ...page.incidents.map((i) => incidentLine(i, now)),
            ].join('\n'),
          );
        });
      },
    );

  incidents
    .command('next')
    .description('the next incident for you to work: open, due first, one you did not report')
    .requiredOption('--as <username>', 'the analyst')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const next = await s.verification.incidents.next(actor.principal);
        print(opts.json === true, next ?? null, () =>
          next === undefined ? 'nothing to work' : incidentLine(next, s.now()),
        );
      }),
    );

  incidents
    .command('show <id>')
    .description('one incident: where, when, corroboration, attribution, transitions')
    .requiredOption('--as <username>', 'whose view')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const detail = await s.verification.incidents.get(actor.principal, id);
        print(opts.json === true, detail, () => incidentText(detail));
      }),
    );

  incidents
    .command('transition <id>')
    .description('move an incident to another status (allowed transitions and four-eyes rules apply)')
    .requiredOption('--to <status>', INCIDENT_STATUSES.join(', '))
    .requiredOption('--reason <text>', 'why (recorded and logged)')
    .requiredOption('--as <username>', 'the analyst')
    .option('--duplicate-of <id>', 'with --to duplicate: the incident this one repeats')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: { to: string; reason: string; as: string; duplicateOf?: string; json?: boolean },
      ) => {
        const to = oneOf('--to', opts.to, INCIDENT_STATUSES);
        await asUser(opts.as, async (s, actor) => {
          const detail = await s.verification.incidents.transition(actor, id, {
            to,
            reason: opts.reason,
            ...(opts.duplicateOf !== undefined ? { duplicateOf: opts.duplicateOf } : {}),
          });
          print(opts.json === true, detail, () => incidentText(detail));
        });
      },
    );

  incidents
    .command('attribute <id>')
    .description('record who is held responsible, how sure, by which method')
    .requiredOption('--confidence <level>', ATTRIBUTION_CONFIDENCES.join(', '))
    .requiredOption('--method <text>', 'how it was attributed')
    .requiredOption('--as <username>', 'the analyst')
    .option('--party <id>', 'the party (omit with --confidence unknown)')
    .option('--evidence <ids>', 'comma-separated report or evidence ids it rests on')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: {
          confidence: string;
          method: string;
          as: string;
          party?: string;
          evidence?: string;
          json?: boolean;
        },
      ) => {
        const confidence: AttributionConfidence = oneOf(
          '--confidence',
          opts.confidence,
          ATTRIBUTION_CONFIDENCES,
        );
        await asUser(opts.as, async (s, actor) => {
          const detail = await s.verification.incidents.attribute(actor, id, {
            confidence,
            method: opts.method,
            ...(opts.party !== undefined ? { party: opts.party } : {}),
            ...(opts.evidence !== undefined ? { evidence: list(opts.evidence) } : {}),
          });
          print(opts.json === true, detail, () => incidentText(detail));
        });
      },
    );

  incidents
    .command('assess <id>')
    .description("set the severity (the agreement's scale) and the provisions violated")
    .requiredOption('--as <username>', 'the analyst')
    .option('--severity <level>', SEVERITY_ORDER.join(', '))
    .option('--provisions <ids>', 'comma-separated provision ids')
    .option('--json', 'print JSON')
    .action(
      async (id: string, opts: { as: string; severity?: string; provisions?: string; json?: boolean }) => {
        if (opts.severity === undefined && opts.provisions === undefined)
          throw new CliError('say --severity, --provisions or both');
        const severity: Severity | undefined =
          opts.severity !== undefined ? oneOf('--severity', opts.severity, SEVERITY_ORDER) : undefined;
        await asUser(opts.as, async (s, actor) => {
          const detail = await s.verification.incidents.assess(actor, id, {
            ...(severity !== undefined ? { severity } : {}),
            ...(opts.provisions !== undefined ? { provisions: list(opts.provisions) } : {}),
          });
          print(opts.json === true, detail, () => incidentText(detail));
        });
      },
    );

  incidents
    .command('split <id>')
    .description('take reports out of an open incident into a new one')
    .requiredOption('--reports <ids>', 'comma-separated report ids to split off')
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--as <username>', 'the analyst')
    .action(async (id: string, opts: { reports: string; reason: string; as: string }) =>
      asUser(opts.as, async (s, actor) => {
        const { from, to } = await s.verification.incidents.split(actor, id, {
          reportIds: list(opts.reports),
          reason: opts.reason,
        });
        process.stdout.write(`${incidentLine(from, s.now())}\n${incidentLine(to, s.now())}\n`);
      }),
    );

  incidents
    .command('merge <id>')
    .description('merge other open incidents into this one; they become its duplicates')
    .requiredOption('--from <ids>', 'comma-separated incident ids to merge in')
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--as <username>', 'the analyst')
    .action(async (id: string, opts: { from: string; reason: string; as: string }) =>
      asUser(opts.as, async (s, actor) => {
        const detail = await s.verification.incidents.merge(actor, id, {
          incidentIds: list(opts.from),
          reason: opts.reason,
        });
        process.stdout.write(`${incidentText(detail)}\n`);
      }),
    );

  incidents
    .command('correlate')
    .description('group every pending report into incidents now (intake does this by itself)')
    .action(async () => {
      const services = await openRuntime();
      try {
        const r = await services.verification.correlator.correlateAll();
        process.stdout.write(
          `${r.reports} pending report(s): ${r.opened} incident(s) opened, ${r.joined} report(s) joined open incidents, ${r.followed} revision(s) followed (${(r.ms / 1000).toFixed(1)} s)\n`,
        );
      } finally {
        await services.close();
      }
    });

  const findings = program
    .command('findings')
    .description("verification: the body's findings, votes and publication");

  findings
    .command('list')
    .description('findings you may see (without --as: the public ones)')
    .option('--as <username>', 'whose view')
    .option('--json', 'print JSON')
    .action(async (opts: { as?: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const page = await s.verification.findings.list(actor.principal, { limit: 1000 });
        print(opts.json === true, page, () =>
          [
            `${page.total} finding(s)`,
            ...page.findings.map(
              (f) =>
                `${f.id}  ${f.state.padEnd(9)} ${f.outcome.padEnd(12)} ${f.category} ${f.severity}${f.publishedAt !== undefined ? `, published ${f.publishedAt}` : ''}`,
            ),
          ].join('\n'),
        );
      }),
    );

  findings
    .command('show <id>')
    .description('one finding, its tally, votes (for the body) and separate opinions')
    .option('--as <username>', 'whose view (default: the public)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { as?: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const detail = await s.verification.findings.get(actor.principal, id);
        print(opts.json === true, detail, () => findingText(detail));
      }),
    );

  findings
    .command('propose <incident>')
    .description("put a concluded incident to the verification body's vote")
    .requiredOption('--summary <text>', 'what the finding says')
    .requiredOption('--as <username>', 'the analyst')
    .option('--public', 'publish it to the public too once adopted')
    .action(async (incident: string, opts: { summary: string; as: string; public?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const detail = await s.verification.findings.propose(actor, incident, {
          summary: opts.summary,
          public: opts.public === true,
        });
        process.stdout.write(`${findingText(detail)}\n`);
      }),
    );

  findings
    .command('vote <id>')
    .description('vote on a finding (a member with a voting seat; once)')
    .requiredOption('--choice <vote>', VOTES.join(', '))
    .requiredOption('--as <username>', 'the commissioner')
    .option('--opinion <text>', 'a separate opinion (dissent or concurrence with reasons)')
    .action(async (id: string, opts: { choice: string; as: string; opinion?: string }) => {
      const choice: VoteChoice = oneOf('--choice', opts.choice, VOTES);
      await asUser(opts.as, async (s, actor) => {
        const detail = await s.verification.findings.vote(actor, id, {
          choice,
          ...(opts.opinion !== undefined ? { opinion: opts.opinion } : {}),
        });
        process.stdout.write(`${findingText(detail)}\n`);
      });
    });

  findings
    .command('close <id>')
    .description('close the vote: decide with the votes cast')
    .requiredOption('--as <username>', 'the analyst')
    .action(async (id: string, opts: { as: string }) =>
      asUser(opts.as, async (s, actor) => {
        process.stdout.write(`${findingText(await s.verification.findings.close(actor, id))}\n`);
      }),
    );

  findings
    .command('publish <id>')
    .description('publish an adopted finding to the parties (and the public, when marked public)')
    .requiredOption('--as <username>', 'the analyst')
    .action(async (id: string, opts: { as: string }) =>
      asUser(opts.as, async (s, actor) => {
        process.stdout.write(`${findingText(await s.verification.findings.publish(actor, id))}\n`);
      }),
    );

  program
    .command('quiet-days')
    .description('consecutive days without a verified violation, per zone and sector')
    .option('--as <username>', 'whose view (default: the public, from public findings)')
    .option('--as-of <instant>', 'count up to this RFC 3339 instant (default now)')
    .option('--json', 'print JSON')
    .action(async (opts: { as?: string; asOf?: string; json?: boolean }) => {
      const asOf = opts.asOf !== undefined ? new Date(opts.asOf) : undefined;
      if (asOf !== undefined && Number.isNaN(asOf.getTime()))
        throw new CliError(`--as-of ${opts.asOf ?? ''}: not a date-time`);
      await asUser(opts.as, async (s, actor) => {
        const q = await s.verification.quietDays(actor.principal, asOf !== undefined ? { asOf } : {});
        print(opts.json === true, q, () =>
          [
            `quiet days as of ${q.asOf} (${q.timeZone}), counted since ${q.since} from ${q.basis === 'incidents' ? 'verified incidents' : 'published findings'}:`,
            ...q.areas.map(
              (a) =>
                `  ${String(a.quietDays).padStart(5)}  ${a.kind.padEnd(6)} ${a.id} ${a.name}${a.lastViolation !== undefined ? ` (last ${a.lastViolation})` : ''}`,
            ),
          ].join('\n'),
        );
      });
    });
}
