import type { Command } from 'commander';
import {
  CHANNEL_STATUSES,
  URGENCIES,
  type HotlineMessage,
  type StatusChange,
  type Urgency,
} from '../../deconfliction/hotline.model.js';
import type { ChannelView } from '../../deconfliction/hotline.service.js';
import { CliError, openRuntime } from '../runtime.js';
import { asUser, print } from '../acting.js';

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`${flag} ${value}: must be a whole number of minutes, 1 or more`);
  return n;
}

function channelLine(c: ChannelView): string {
  return `${c.id}  ${c.status.padEnd(9)} since ${c.statusSince}  ${c.name} [${c.members.join(', ')}] ack ${c.ackMinutes} min, suspension limit ${c.suspensionLimitMinutes} min${c.commissionReads ? ', commission reads' : ''}`;
}

function historyText(channel: ChannelView, history: readonly StatusChange[]): string {
  return [
    channelLine(channel),
    ...history.map((h) => `  ${h.seq}. ${h.at} ${h.status} by ${h.by} [${h.organisationId}]: ${h.cause}`),
  ].join('\n');
}

function messageLine(m: HotlineMessage): string {
  const ack =
    m.acknowledgedAt !== undefined ? `acknowledged ${m.acknowledgedAt}` : `ack due ${m.ackDeadline}`;
  return `${m.id}  ${m.sentAt} ${m.from} → ${m.to} ${m.urgency.padEnd(8)} ${ack}${m.body !== undefined ? `\n    ${m.body}` : ''}`;
}

/** `hotline …`: the parties' direct line from the console. */
export function registerHotlineCommands(program: Command): void {
  const hotline = program
    .command('hotline')
    .description("the parties' hotline: channels, status history, messages and acknowledgements");

  hotline
    .command('channels')
    .description('the channels you may see, with their status')
    .requiredOption('--as <username>', 'whose view (a named user)')
    .option('--json', 'print JSON')
    .action(async (opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const channels = await s.hotline.channels(actor.principal);
        print(opts.json === true, { channels }, () =>
          [`${channels.length} channel(s)`, ...channels.map(channelLine)].join('\n'),
        );
      }),
    );

  hotline
    .command('open')
    .description('open a channel between organisations (the commission)')
    .requiredOption('--name <text>', 'the channel’s name')
    .requiredOption('--members <list>', 'comma-separated organisation ids (normally the two parties)')
    .option('--ack-minutes <n>', 'default acknowledgement deadline of a message (15)')
    .option('--suspension-limit-minutes <n>', 'how long it may stay suspended before it escalates (60)')
    .option('--commission-reads', 'let the commission read message bodies')
    .requiredOption('--as <username>', 'the commission’s analyst')
    .option('--json', 'print JSON')
    .action(
      async (opts: {
        name: string;
        members: string;
        ackMinutes?: string;
        suspensionLimitMinutes?: string;
        commissionReads?: boolean;
        as: string;
        json?: boolean;
      }) => {
        const ackMinutes = positive('--ack-minutes', opts.ackMinutes);
        const suspensionLimitMinutes = positive('--suspension-limit-minutes', opts.suspensionLimitMinutes);
        await asUser(opts.as, async (s, actor) => {
          const opened = await s.hotline.open(actor, {
            name: opts.name,
            members: opts.members.split(',').map((m) => m.trim()),
            ...(ackMinutes !== undefined ? { ackMinutes } : {}),
            ...(suspensionLimitMinutes !== undefined ? { suspensionLimitMinutes } : {}),
            commissionReads: opts.commissionReads === true,
          });
          print(opts.json === true, opened, () => historyText(opened.channel, opened.history));
        });
      },
    );

  hotline
    .command('status <channel>')
    .description('a channel’s status history; with --set, record a change (a member or the commission)')
    .option('--set <status>', CHANNEL_STATUSES.join(', '))
    .option('--cause <text>', 'why (required with --set)')
    .requiredOption('--as <username>', 'whose view, or who records the change')
    .option('--json', 'print JSON')
    .action(async (channel: string, opts: { set?: string; cause?: string; as: string; json?: boolean }) => {
      if (opts.set !== undefined && opts.cause === undefined) throw new CliError('--set needs --cause');
      await asUser(opts.as, async (s, actor) => {
        const detail =
          opts.set === undefined
            ? await s.hotline.channel(actor.principal, channel)
            : await s.hotline.changeStatus(actor, channel, { status: opts.set, cause: opts.cause ?? '' });
        print(opts.json === true, detail, () => historyText(detail.channel, detail.history));
      });
    });

  hotline
    .command('send <channel>')
    .description('send a message to another member of the channel')
    .requiredOption('--body <text>', 'the message')
    .option('--to <org>', 'the addressee (needed when the channel has more than two members)')
    .option('--urgency <level>', URGENCIES.join(', '), 'routine')
    .option('--deadline <instant>', 'acknowledgement deadline, RFC 3339 (default: the channel’s minutes)')
    .requiredOption('--as <username>', 'the sender')
    .option('--json', 'print JSON')
    .action(
      async (
        channel: string,
        opts: { body: string; to?: string; urgency: string; deadline?: string; as: string; json?: boolean },
      ) => {
        if (!(URGENCIES as readonly string[]).includes(opts.urgency))
          throw new CliError(`--urgency ${opts.urgency}: must be one of ${URGENCIES.join(', ')}`);
        await asUser(opts.as, async (s, actor) => {
          const message = await s.hotline.send(actor, channel, {
            body: opts.body,
            urgency: opts.urgency as Urgency,
            ...(opts.to !== undefined ? { to: opts.to } : {}),
            ...(opts.deadline !== undefined ? { ackDeadline: opts.deadline } : {}),
          });
          print(opts.json === true, message, () => messageLine(message));
        });
      },
    );

  hotline
    .command('ack <message>')
    .description('acknowledge a message addressed to your organisation')
    .requiredOption('--as <username>', 'the addressee’s user')
    .option('--json', 'print JSON')
    .action(async (message: string, opts: { as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const acknowledged = await s.hotline.acknowledge(actor, message);
        print(opts.json === true, acknowledged, () => messageLine(acknowledged));
      }),
    );

  hotline
    .command('messages <channel>')
    .description('a channel’s messages, newest first (metadata only for the commission unless it reads)')
    .option('--pending', 'only messages not yet acknowledged')
    .requiredOption('--as <username>', 'whose view')
    .option('--json', 'print JSON')
    .action(async (channel: string, opts: { pending?: boolean; as: string; json?: boolean }) =>
      asUser(opts.as, async (s, actor) => {
        const page = await s.hotline.messages(actor.principal, channel, {
          ...(opts.pending === true ? { pending: true } : {}),
          limit: 1000,
        });
        print(opts.json === true, page, () =>
          [`${page.total} message(s)`, ...page.messages.map(messageLine)].join('\n'),
        );
      }),
    );

  hotline
    .command('sweep')
    .description(
      'escalate missed acknowledgements and channels suspended too long, now (the server does it periodically)',
    )
    .action(async () => {
      const services = await openRuntime();
      try {
        const raised = await services.hotline.sweep(services.now());
        process.stdout.write(
          `${raised.messages} missed acknowledgement(s) and ${raised.channels} suspended channel(s) escalated\n`,
        );
      } finally {
        await services.close();
      }
    });
}
