import fs from 'node:fs';
import type { Command } from 'commander';
import { AppError, invalid } from '../../core/errors.js';
import type { NoticeInput } from '../../deconfliction/notice.input.js';
import { noticesFromGeoJson, noticesToGeoJson } from '../../deconfliction/notice.geojson.js';
import {
  RESPONSES,
  type Delivery,
  type Notice,
  type NoticeEvent,
  type Response,
} from '../../deconfliction/notice.model.js';
import { buildProof, verifyProof, type ProofBundle } from '../../deconfliction/notice.proof.js';
import type { AddresseeDetail, NoticeDetail } from '../../deconfliction/notice.service.js';
import { ed25519Verifier } from '../../ledger/note.js';
import { asUser, print } from '../acting.js';
import { CliError, openRuntime } from '../runtime.js';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new CliError(`${file}: not JSON (${(err as Error).message})`);
  }
}

/** A notice file: one notice as JSON (the API's body), or a GeoJSON FeatureCollection of notices. */
function noticesIn(file: string): { inputs: NoticeInput[]; collection: boolean } {
  const body = readJson(file);
  if (typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'FeatureCollection')
    return { inputs: noticesFromGeoJson(body), collection: true };
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid(`${file}: expected a notice object or a GeoJSON FeatureCollection`, [
      { path: '', reason: 'is not an object' },
    ]);
  return { inputs: [body as NoticeInput], collection: false };
}

function copyLine(d: Delivery): string {
  const when = d.respondedAt ?? d.deliveredAt ?? d.forwardedAt;
  return `${d.addressee.padEnd(8)} ${d.state.padEnd(12)} since ${when}${d.dueAt !== undefined && d.respondedAt === undefined ? `, due ${d.dueAt}` : ''}${d.overdueAt !== undefined ? ' OVERDUE' : ''}${d.reason !== undefined ? ` — ${d.reason}` : ''}`;
}

function noticeLine(n: Notice & { stale?: boolean }): string {
  const flags = [
    n.late ? 'LATE' : '',
    n.emergency ? 'emergency' : '',
    n.stale === true ? 'STALE (re-confirm)' : '',
  ].filter((f) => f !== '');
  return `${n.id}  ${n.state.padEnd(9)} ${n.kind.padEnd(8)} ${n.obligationId} / ${n.subject}  ${n.startsAt} – ${n.endsAt}${flags.length > 0 ? `  [${flags.join(', ')}]` : ''}`;
}

function eventLine(e: NoticeEvent): string {
  return `  ${String(e.seq).padStart(3)}. ${e.at} ${e.kind}${e.addressee !== undefined ? ` (${e.addressee})` : ''}${e.organisationId !== undefined ? ` by ${e.organisationId}` : ''}${e.reason !== undefined ? `: ${e.reason}` : ''}`;
}

function detailText(d: NoticeDetail | AddresseeDetail): string {
  if (d.role === 'notifier')
    return [
      noticeLine(d.notice),
      `  notified by ${d.notice.notifier}${d.notice.via !== undefined ? ` via ${d.notice.via}` : ''}; marking ${d.notice.marking}`,
      ...(d.notice.lateReason !== undefined ? [`  late: ${d.notice.lateReason}`] : []),
      '  copies:',
      ...d.deliveries.map((c) => `    ${copyLine(c)}`),
      '  history:',
      ...d.events.map(eventLine),
    ].join('\n');
  const v = d.delivery.view;
  return [
    `${d.notice.id}  ${d.notice.state} — your copy (${d.delivery.addressee}): ${d.delivery.state}`,
    ...(v === null
      ? ['  withdrawn by its notifier: only its hash remains', `  view hash ${d.delivery.viewHash}`]
      : [
          `  ${v.kind} ${v.obligationId} / ${v.subject} from ${v.notifier}; ${v.startsAt} – ${v.endsAt}`,
          `  ${v.obligationKind === 'notification' ? 'a notification: acknowledging means received, never approved' : 'a permission request: approve or refuse'}`,
          `  location ${v.location}: ${JSON.stringify(v.geometry)}`,
          `  details ${JSON.stringify(v.details)}`,
        ]),
    '  history:',
    ...d.events.map(eventLine),
  ].join('\n');
}

/** Names the file in a refusal of what it holds. */
async function fromFile<T>(file: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError)
      throw new AppError(err.code, `${file}: ${err.message}`, err.errors, err.headers);
    throw err;
  }
}

/** `notice …`: notices from the console, acting as a named user. */
export function registerNoticeCommands(program: Command): void {
  const notice = program
    .command('notice')
    .description('deconfliction notices: submit, list, answer, cancel, withdraw, prove delivery');

  notice
    .command('submit <file>')
    .description(
      'submit a notice (JSON, the API body) or a GeoJSON FeatureCollection of notices (all or none)',
    )
    .requiredOption('--as <username>', 'the notifying user')
    .option('--json', 'print JSON')
    .action(async (file: string, opts: { as: string; json?: boolean }) => {
      const { inputs, collection } = await fromFile(file, () => Promise.resolve(noticesIn(file)));
      await asUser(opts.as, async (s, actor) => {
        const done = await fromFile(file, async () =>
          collection
            ? await s.deconfliction.notices.submitMany(actor, inputs)
            : [await s.deconfliction.notices.submit(actor, inputs[0] as NoticeInput)],
        );
        const conflicts = await s.deconfliction.conflicts.list(actor.principal, {
          state: 'open',
          limit: 1000,
        });
        print(opts.json === true, { notices: done, conflicts: conflicts.conflicts }, () =>
          [
            `Submitted ${done.length} notice(s):`,
            ...done.map((d) => detailText(d)),
            ...conflicts.conflicts
              .filter((c) => done.some((d) => d.notice.id === c.noticeId))
              .map((c) => `CONFLICT ${c.kind} (${c.distanceM} m): ${c.reason}`),
          ].join('\n'),
        );
      });
    });

  notice
    .command('list')
    .description('notices you submitted and copies addressed to you (listing delivers them)')
    .requiredOption('--as <username>', 'whose view')
    .option('--role <role>', 'mine | addressed')
    .option('--awaiting', 'copies awaiting your answer')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; role?: string; awaiting?: boolean; json?: boolean }) => {
      if (opts.role !== undefined && opts.role !== 'mine' && opts.role !== 'addressed')
        throw new CliError(`--role ${opts.role}: must be mine or addressed`);
      await asUser(opts.as, async (s, actor) => {
        const page = await s.deconfliction.notices.list(actor, {
          ...(opts.role !== undefined ? { role: opts.role as 'mine' | 'addressed' } : {}),
          ...(opts.awaiting === true ? { awaiting: true } : {}),
          limit: 1000,
        });
        print(opts.json === true, page, () =>
          [
            `${page.notices.length} notice(s) of yours, ${page.addressed.length} addressed to you`,
            ...page.notices.flatMap((n) => [noticeLine(n), ...n.deliveries.map((d) => `    ${copyLine(d)}`)]),
            ...page.addressed.map(
              (d) => `${d.noticeId}  addressed to you: ${copyLine(d)} (notice ${d.noticeState})`,
            ),
          ].join('\n'),
        );
      });
    });

  notice
    .command('show <id>')
    .description('a notice: in full if yours, your copy if addressed to you (the first read delivers it)')
    .requiredOption('--as <username>', 'whose view')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const d = await s.deconfliction.notices.read(actor, id);
        print(opts.json === true, d, () => detailText(d));
      }),
    );

  notice
    .command('respond <id> <response>')
    .description(`answer your copy: ${RESPONSES.join(' | ')} (acknowledge = received, never approval)`)
    .requiredOption('--as <username>', 'a user of the addressee')
    .option('--reason <text>', 'why (required to object or refuse)')
    .option('--json', 'print JSON')
    .action(async (id: string, response: string, opts: { as: string; reason?: string; json?: boolean }) => {
      if (!(RESPONSES as readonly string[]).includes(response))
        throw new CliError(`response ${response}: must be one of ${RESPONSES.join(', ')}`);
      await asUser(opts.as, async (s, actor) => {
        const d = await s.deconfliction.notices.respond(actor, id, response as Response, opts.reason);
        print(opts.json === true, d, () => detailText(d));
      });
    });

  for (const action of ['cancel', 'withdraw'] as const)
    notice
      .command(`${action} <id>`)
      .description(
        action === 'cancel'
          ? 'cancel an active notice (NOTAM C)'
          : 'withdraw a notice: its content is taken back from every addressee',
      )
      .requiredOption('--reason <text>', 'why')
      .requiredOption('--as <username>', 'a user of the notifier')
      .option('--json', 'print JSON')
      .action(async (id: string, opts: { reason: string; as: string; json?: boolean }) =>
        asUser(opts.as, async (s, actor) => {
          const d = await s.deconfliction.notices[action](actor, id, opts.reason);
          print(opts.json === true, d, () => detailText(d));
        }),
      );

  notice
    .command('reconfirm <id>')
    .description('re-confirm an active notice (its data still stands)')
    .requiredOption('--as <username>', 'a user of the notifier')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const d = await s.deconfliction.notices.reconfirm(actor, id);
        print(opts.json === true, d, () => detailText(d));
      }),
    );

  notice
    .command('replace <id> <file>')
    .description('replace an active notice with a new version from a JSON file (NOTAM R)')
    .requiredOption('--as <username>', 'a user of the notifier')
    .option('--json', 'print JSON')
    .action(async (id: string, file: string, opts: { as: string; json?: boolean }) => {
      const { inputs, collection } = noticesIn(file);
      if (collection || inputs.length !== 1)
        throw new CliError(`${file}: a replacement is one notice, not a collection`);
      await asUser(opts.as, async (s, actor) => {
        const d = await fromFile(file, () =>
          s.deconfliction.notices.replace(actor, id, inputs[0] as NoticeInput),
        );
        print(opts.json === true, d, () => detailText(d));
      });
    });

  notice
    .command('conflicts')
    .description('conflicts of your notices (all, for the commission)')
    .requiredOption('--as <username>', 'whose view')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const page = await s.deconfliction.conflicts.list(actor.principal, { state: 'open', limit: 1000 });
        print(opts.json === true, page, () =>
          [
            `${page.total} open conflict(s)`,
            ...page.conflicts.map((c) => `${c.noticeId}  ${c.kind.padEnd(18)} ${c.distanceM} m  ${c.reason}`),
          ].join('\n'),
        );
      }),
    );

  notice
    .command('export')
    .description('your notices and the copies addressed to you as GeoJSON')
    .requiredOption('--as <username>', 'whose view')
    .requiredOption('--out <file>', 'where to write')
    .action(async (opts: { as: string; out: string }) =>
      asUser(opts.as, async (s, actor) => {
        const page = await s.deconfliction.notices.list(actor, { limit: 100_000 });
        const fc = noticesToGeoJson(page);
        fs.writeFileSync(opts.out, `${JSON.stringify(fc)}\n`);
        process.stdout.write(`Exported ${fc.features.length} notice(s) to ${opts.out}.\n`);
      }),
    );

  notice
    .command('proof <id>')
    .description(
      'write the proof bundle of a notice (its steps you may see, with entries, salts and receipts)',
    )
    .requiredOption('--as <username>', 'whose view')
    .requiredOption('--out <file>', 'where to write')
    .action(async (id: string, opts: { as: string; out: string }) =>
      asUser(opts.as, async (s, actor) => {
        const { events } = await s.deconfliction.notices.history(actor.principal, id);
        // Integrate what is queued (when no server runs, nothing else will) so every step has its receipt.
        while ((await s.ledger.integrateOnce()) > 0);
        await s.ledger.refresh();
        const bundle = await buildProof(s.database.db, s.ledger.reader, id, events);
        fs.writeFileSync(opts.out, `${JSON.stringify(bundle, null, 2)}\n`);
        const pending = bundle.steps.filter((st) => st.receipt === null).length;
        process.stdout.write(
          `Wrote ${bundle.steps.length} step(s) of notice ${id} to ${opts.out}${pending > 0 ? ` (${pending} not yet in the log: fetch again later)` : ''}.\n`,
        );
      }),
    );

  notice
    .command('verify-proof <file>')
    .description(
      'check a proof bundle offline: every step against its log entry and receipt (no server needed)',
    )
    .option('--vkey <vkey>', "the log's verifier key (default: the one in the bundle — pin your own!)")
    .option('--json', 'print JSON')
    .action((file: string, opts: { vkey?: string; json?: boolean }) => {
      const bundle = readJson(file) as ProofBundle;
      const vkey = opts.vkey ?? bundle.vkey;
      let result: ReturnType<typeof verifyProof>;
      try {
        result = verifyProof(bundle, { log: ed25519Verifier(vkey) });
      } catch (err) {
        throw new CliError(`${file}: does not verify: ${(err as Error).message}`);
      }
      print(opts.json === true, result, () =>
        [
          `${file}: ${result.verified.length} step(s) verified against the log${opts.vkey === undefined ? ' (key taken from the bundle: pass --vkey to pin the log you trust)' : ''}${result.pending > 0 ? `; ${result.pending} pending` : ''}`,
          ...result.verified.map(
            (v) =>
              `  #${v.index} ${v.at} ${v.kind}${v.addressee !== undefined ? ` (${v.addressee}${v.state !== undefined ? `, ${v.state}` : ''})` : ''}${v.viewHash !== undefined ? ` view ${v.viewHash.slice(0, 16)}…` : ''}`,
          ),
        ].join('\n'),
      );
    });

  notice
    .command('sweep')
    .description(
      'mark overdue copies, expire ended notices and re-check conflicts now (the server does it periodically)',
    )
    .action(async () => {
      const services = await openRuntime();
      try {
        const done = await services.deconfliction.notices.sweep(services.now());
        const conflicts = await services.deconfliction.conflicts.recheck();
        process.stdout.write(
          `${done.overdue} copy(ies) overdue and escalated, ${done.expired} notice(s) expired; conflicts: ${conflicts.added} new, ${conflicts.cleared} cleared, ${conflicts.open} open.\n`,
        );
      } finally {
        await services.close();
      }
    });
}
