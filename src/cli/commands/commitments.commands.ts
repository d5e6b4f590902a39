import type { Command } from 'commander';
import { consoleActor, type Actor } from '../../access/audit.service.js';
import { ANONYMOUS } from '../../access/policy.js';
import type { AppServices } from '../../server/context.js';
import type { PledgeDetail, PledgeView } from '../../commitments/commitment.service.js';
import type { CommitmentSummary, SummaryRow } from '../../commitments/commitment.summary.js';
import type { RatificationView } from '../../commitments/ratification.service.js';
import {
  PLEDGE_CATEGORIES,
  PLEDGE_MARKINGS,
  RATIFICATION_RECORD_STATUSES,
} from '../../commitments/commitment.model.js';
import type { PledgeFilter } from '../../commitments/commitment.repository.js';
import { CliError, openRuntime } from '../runtime.js';

/** Opens the runtime and acts as the named user, or as the public without `--as`. */
async function asUser<T>(
  username: string | undefined,
  work: (s: AppServices, actor: Actor) => Promise<T>,
): Promise<T> {
  const services = await openRuntime();
  try {
    let actor: Actor = consoleActor(ANONYMOUS);
    if (username !== undefined) {
      const principal = await services.sessions.principalForConsole(username);
      if (principal === undefined) throw new CliError(`--as ${username}: no such enabled user`);
      actor = consoleActor(principal);
    }
    return await work(services, actor);
  } finally {
    await services.close();
  }
}

function amount(flag: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new CliError(`${flag} ${value}: must be a number`);
  return n;
}

function whole(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`${flag} ${value}: must be a whole number`);
  return n;
}

function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** Strips the recording user's id: the CLI prints what the API shows. */
function shown(p: PledgeView) {
  const { recordedBy: _by, ...rest } = p;
  return rest;
}

function pledgeLine(p: PledgeView): string {
  return `${p.id}  ${p.guarantor.padEnd(4)} ${p.category.padEnd(13)} ${p.delivered}/${p.quantity} ${p.unit}  ${p.item}  [${p.marking}] ${p.pledgedOn} r${p.revision}`;
}

function detailText(d: PledgeDetail): string {
  return [
    pledgeLine(d.pledge),
    `  under ${d.pledge.guaranteeId}${d.pledge.responseId !== undefined ? ` response ${d.pledge.responseId}` : ''}${d.pledge.provision !== undefined ? ` provision ${d.pledge.provision}` : ''}; remaining ${d.pledge.remaining} ${d.pledge.unit}`,
    ...d.amendments.map((a) => `  amended ${a.amendedOn}: ${a.fromQuantity} → ${a.toQuantity} (${a.reason})`),
    ...d.deliveries.map(
      (x) => `  delivered ${x.deliveredOn}: ${x.quantity}${x.note !== undefined ? ` (${x.note})` : ''}`,
    ),
  ].join('\n');
}

function table(title: string, rows: readonly SummaryRow[]): string[] {
  const head = `${'guarantor'.padEnd(10)}${'category'.padEnd(14)}${'unit'.padEnd(9)}${'pledged'.padStart(16)}${'delivered'.padStart(16)}${'share'.padStart(8)}`;
  return [
    title,
    head,
    ...rows.map(
      (r) =>
        `${(r.guarantor ?? '·').padEnd(10)}${(r.category ?? '·').padEnd(14)}${r.unit.padEnd(9)}${String(r.pledged).padStart(16)}${String(r.delivered).padStart(16)}${`${Math.round(r.deliveredShare * 100)}%`.padStart(8)}`,
    ),
  ];
}

function summaryText(s: CommitmentSummary): string {
  return [
    `pledged vs delivered as of ${s.asOf} (what you may see)`,
    ...table('by guarantor and category', s.byGuarantorAndCategory),
    '',
    ...table('by category', s.byCategory),
    '',
    ...table('by guarantor', s.byGuarantor),
  ].join('\n');
}

function ratificationText(v: RatificationView): string {
  return [
    `${v.guaranteeId}: ${v.name}`,
    `  legal form ${v.legalForm}; ratification ${v.ratificationStatus}; provisions agreed ${Math.round(v.negotiation.consensusShare * 100)}%`,
    ...v.steps.flatMap((s) => [
      `  ${s.id} (${s.kind}, ${s.body}, by ${s.actor}): ${s.current}${s.due !== undefined ? `, due ${s.due}` : ''}`,
      ...s.history.map(
        (h) =>
          `    ${h.on} ${h.status}${h.votesFor !== undefined ? ` ${h.votesFor} for, ${h.votesAgainst ?? '?'} against` : ''}${h.note !== undefined ? ` — ${h.note}` : ''} [${h.marking}, ${h.ownerOrganisationId}]`,
      ),
    ]),
  ].join('\n');
}

function filterOf(opts: { guarantee?: string; guarantor?: string; category?: string }): PledgeFilter {
  return {
    ...(opts.guarantee !== undefined ? { guaranteeId: opts.guarantee } : {}),
    ...(opts.guarantor !== undefined ? { guarantor: opts.guarantor } : {}),
    ...(opts.category !== undefined ? { category: opts.category } : {}),
  };
}

/** `commitments …` and `ratification …`: guarantors' pledges and the guarantee's ratification. */
export function registerCommitmentCommands(program: Command): void {
  const commitments = program
    .command('commitments')
    .description("guarantors' pledges, deliveries and amendments; pledged vs delivered");

  commitments
    .command('pledge')
    .description("record a pledge under the guarantee's response menu or a support provision")
    .requiredOption('--as <username>', 'a guarantor user')
    .requiredOption('--guarantee <id>', 'the guarantee (g-security)')
    .requiredOption('--category <c>', PLEDGE_CATEGORIES.join(', '))
    .requiredOption('--item <text>', 'what: a weapons system, a programme, a fund')
    .requiredOption('--quantity <n>', 'how many or how much')
    .requiredOption('--unit <unit>', 'pieces, rounds, or a currency (EUR)')
    .requiredOption('--on <date>', 'pledged on (YYYY-MM-DD)')
    .option('--response <id>', "the guarantee's response it falls under")
    .option('--provision <id>', 'the support provision it falls under')
    .option('--guarantor <id>', 'the guarantor (when your organisation acts for several)')
    .option('--marking <m>', PLEDGE_MARKINGS.join(', '), 'AMBER')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        as: string;
        guarantee: string;
        category: string;
        item: string;
        quantity: string;
        unit: string;
        on: string;
        response?: string;
        provision?: string;
        guarantor?: string;
        marking: string;
        json?: boolean;
      }) =>
        asUser(opts.as, async (s, actor) => {
          const d = await s.commitments.commitments.pledge(actor, {
            guaranteeId: opts.guarantee,
            category: opts.category,
            item: opts.item,
            quantity: amount('--quantity', opts.quantity),
            unit: opts.unit,
            pledgedOn: opts.on,
            marking: opts.marking,
            ...(opts.response !== undefined ? { responseId: opts.response } : {}),
            ...(opts.provision !== undefined ? { provision: opts.provision } : {}),
            ...(opts.guarantor !== undefined ? { guarantor: opts.guarantor } : {}),
          });
          print(opts.json === true, { ...d, pledge: shown(d.pledge) }, () => detailText(d));
        }),
    );

  commitments
    .command('deliver <pledgeId>')
    .description('record a delivery against a pledge (refused beyond it: amend first)')
    .requiredOption('--as <username>', 'a user of the pledging guarantor')
    .requiredOption('--quantity <n>', 'how many or how much')
    .requiredOption('--on <date>', 'delivered on (YYYY-MM-DD)')
    .option('--note <text>', 'a note')
    .option('--evidence <sha256>', 'SHA-256 of the evidence of delivery')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: { as: string; quantity: string; on: string; note?: string; evidence?: string; json?: boolean },
      ) =>
        asUser(opts.as, async (s, actor) => {
          const d = await s.commitments.commitments.deliver(actor, id, {
            quantity: amount('--quantity', opts.quantity),
            deliveredOn: opts.on,
            ...(opts.note !== undefined ? { note: opts.note } : {}),
            ...(opts.evidence !== undefined ? { evidenceSha256: opts.evidence } : {}),
          });
          print(opts.json === true, { ...d, pledge: shown(d.pledge) }, () => detailText(d));
        }),
    );

  commitments
    .command('amend <pledgeId>')
    .description("change a pledge's quantity, with a reason (never below what was delivered)")
    .requiredOption('--as <username>', 'a user of the pledging guarantor')
    .requiredOption('--quantity <n>', 'the new quantity')
    .requiredOption('--reason <text>', 'why')
    .option('--on <date>', 'amended on (YYYY-MM-DD; default today)')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        opts: { as: string; quantity: string; reason: string; on?: string; json?: boolean },
      ) =>
        asUser(opts.as, async (s, actor) => {
          const d = await s.commitments.commitments.amend(actor, id, {
            quantity: amount('--quantity', opts.quantity),
            reason: opts.reason,
            ...(opts.on !== undefined ? { amendedOn: opts.on } : {}),
          });
          print(opts.json === true, { ...d, pledge: shown(d.pledge) }, () => detailText(d));
        }),
    );

  for (const [name, description] of [
    ['list', 'the pledges you may see, with what was delivered'],
    ['summary', 'pledged vs delivered by guarantor and category (per unit)'],
  ] as const)
    commitments
      .command(name)
      .description(description)
      .option('--as <username>', 'whose view (default: the public, CLEAR only)')
      .option('--guarantee <id>', 'one guarantee')
      .option('--guarantor <id>', 'one guarantor')
      .option('--category <c>', 'one category')
      .option('--json', 'print JSON')
      .action(
        async (opts: {
          as?: string;
          guarantee?: string;
          guarantor?: string;
          category?: string;
          json?: boolean;
        }) =>
          asUser(opts.as, async (s, actor) => {
            if (name === 'summary') {
              const summary = await s.commitments.commitments.summary(actor.principal, filterOf(opts));
              print(opts.json === true, summary, () => summaryText(summary));
              return;
            }
            const pledges = await s.commitments.commitments.list(actor.principal, filterOf(opts));
            print(opts.json === true, pledges.map(shown), () =>
              [`${pledges.length} pledge(s)`, ...pledges.map(pledgeLine)].join('\n'),
            );
          }),
      );

  const ratification = program
    .command('ratification')
    .description("the guarantee's legal form and ratification steps, with their recorded progress");

  ratification
    .command('show <guaranteeId>')
    .description('legal form, steps and their history, beside the negotiation status')
    .option('--as <username>', 'whose view (default: the public)')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { as?: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const view = await s.commitments.ratification.show(actor.principal, id);
        print(opts.json === true, view, () => ratificationText(view));
      }),
    );

  ratification
    .command('record <guaranteeId> <stepId>')
    .description("record a step's progress (by the step's actor or the commission)")
    .requiredOption('--as <username>', "a user of the step's actor or the commission")
    .requiredOption('--status <s>', RATIFICATION_RECORD_STATUSES.join(', '))
    .requiredOption('--on <date>', 'the date (YYYY-MM-DD)')
    .option('--for <n>', 'votes for')
    .option('--against <n>', 'votes against')
    .option('--note <text>', 'a note')
    .option('--marking <m>', 'CLEAR, GREEN, AMBER', 'CLEAR')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        stepId: string,
        opts: {
          as: string;
          status: string;
          on: string;
          for?: string;
          against?: string;
          note?: string;
          marking: string;
          json?: boolean;
        },
      ) =>
        asUser(opts.as, async (s, actor) => {
          const view = await s.commitments.ratification.record(actor, id, stepId, {
            status: opts.status,
            on: opts.on,
            marking: opts.marking,
            ...(opts.for !== undefined ? { votesFor: whole('--for', opts.for) } : {}),
            ...(opts.against !== undefined ? { votesAgainst: whole('--against', opts.against) } : {}),
            ...(opts.note !== undefined ? { note: opts.note } : {}),
          });
          print(opts.json === true, view, () => ratificationText(view));
        }),
    );
}
