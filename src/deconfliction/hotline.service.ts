import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor, AuditTrail } from '../access/audit.service.js';
import type { Marking } from '../access/marking.js';
import type { OrganisationKind, Permission, Principal } from '../access/policy.js';
import { forbidden, invalid, notFound, ruleViolated, type FieldProblem } from '../core/errors.js';
import type { Database, Executor } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import { isCommission, type EscalationService } from './escalation.service.js';
import {
  CHANNEL_STATUSES,
  URGENCIES,
  isChannelStatus,
  type ChannelStatus,
  type HotlineChannel,
  type HotlineMessage,
  type StatusChange,
  type Urgency,
} from './hotline.model.js';
import {
  CHANNEL_RECORD_KIND,
  MESSAGE_RECORD_KIND,
  STATUS_CHANGE_RECORD_KIND,
  findChannel,
  findMessage,
  insertChannel,
  insertMessage,
  insertStatusChange,
  latestStatusChanges,
  listChannels,
  listMessages,
  listMissedMessages,
  listStatusChanges,
  listSuspendedChannels,
  markAcknowledged,
  type MessageFilter,
} from './hotline.repository.js';

/** Hotline channels, their history and messages are the members' business: AMBER, logged as commitments. */
export const HOTLINE_MARKING: Marking = 'AMBER';
/** Defaults for a new channel. */
export const DEFAULT_ACK_MINUTES = 15;
export const DEFAULT_SUSPENSION_LIMIT_MINUTES = 60;
/** The reason a message escalates with (one escalation per message). */
export const MISSED_ACK_REASON = 'acknowledgement deadline missed';

/** What the hotline needs, injected. */
export interface HotlineDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  audit: AuditTrail;
  escalations: EscalationService;
  organisations: { list(): Promise<{ id: string; kind: OrganisationKind }[]> };
  now: () => Date;
}

/** A channel as a reader sees it: with its current status and since when. */
export interface ChannelView extends HotlineChannel {
  status: ChannelStatus;
  statusSince: string;
}

/** What the log commits to for a channel (its settings and members; status lives in its history). */
export function channelRecord(c: HotlineChannel): unknown {
  return { ...c };
}

/** What the log commits to for a message: the whole message, body included, as stored now. */
export function messageRecord(m: HotlineMessage): unknown {
  return {
    ...m,
    body: m.body ?? '',
    acknowledgedAt: m.acknowledgedAt ?? null,
    acknowledgedBy: m.acknowledgedBy ?? null,
  };
}

/** Whether the principal may read a channel's message bodies: its members, and the commission if it reads. */
export function readsBodies(principal: Principal, channel: HotlineChannel): boolean {
  const org = principal.organisationId;
  if (org !== null && principal.userId !== null && channel.members.includes(org)) return true;
  return isCommission(principal) && channel.commissionReads;
}

/** The actor of the periodic sweep: the system, acting for no organisation. */
export const SWEEP_ACTOR: Actor = {
  principal: {
    userId: null,
    username: 'system',
    organisationId: null,
    organisationKind: null,
    roles: [],
    permissions: new Set(),
    via: 'token',
  },
  requestId: null,
  clientIp: 'sweep',
};

function requirePermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) throw forbidden(`needs the permission ${permission}`);
}

const userOf = (actor: Actor) => actor.principal.userId ?? 'console';

/** What opening a channel takes. */
export interface OpenChannel {
  name: string;
  members: readonly string[];
  ackMinutes?: number;
  suspensionLimitMinutes?: number;
  commissionReads?: boolean;
}

/** What sending a message takes. */
export interface SendMessage {
  body: string;
  /** The addressee; may be left out when the channel has exactly one other member. */
  to?: string;
  urgency?: Urgency;
  /** RFC 3339; default: now plus the channel's acknowledgement minutes. */
  ackDeadline?: string;
}

/**
 * The parties' hotline: channels between organisations, opened by the commission, with a status
 * history (active, suspended, restored) and messages with acknowledgement deadlines. A missed
 * deadline, or a channel suspended longer than its limit, escalates to the commission (`sweep`).
 * Members read everything of their channels; the commission sees status, message metadata and
 * escalations, and message bodies only when the channel is configured `commissionReads`; anyone
 * else cannot learn a channel exists (404).
 */
export class HotlineService {
  constructor(private readonly deps: HotlineDeps) {}

  /** The channels the principal may see, with their current status. */
  async channels(principal: Principal): Promise<ChannelView[]> {
    requirePermission(principal, 'hotline:read');
    return this.#views(this.deps.db, await listChannels(this.deps.db, principal));
  }

  /** One channel with its status history (404 if the principal may not see it). */
  async channel(
    principal: Principal,
    id: string,
  ): Promise<{ channel: ChannelView; history: StatusChange[] }> {
    requirePermission(principal, 'hotline:read');
    const channel = await findChannel(this.deps.db, principal, id);
    if (channel === undefined) throw notFound(`hotline channel ${id}`);
    const history = await listStatusChanges(this.deps.db, id);
    return { channel: viewOf(channel, history.at(-1)), history };
  }

  /** A channel's messages, newest first; without bodies for a reader who sees metadata only. */
  async messages(
    principal: Principal,
    channelId: string,
    filter: MessageFilter,
  ): Promise<{ messages: HotlineMessage[]; total: number; bodies: boolean }> {
    requirePermission(principal, 'hotline:read');
    const channel = await findChannel(this.deps.db, principal, channelId);
    if (channel === undefined) throw notFound(`hotline channel ${channelId}`);
    const page = await listMessages(this.deps.db, channelId, filter);
    const bodies = readsBodies(principal, channel);
    return { ...page, messages: bodies ? page.messages : page.messages.map(withoutBody), bodies };
  }

  /** One message (404 if its channel is not visible), without its body for a metadata-only reader. */
  async message(principal: Principal, id: string): Promise<HotlineMessage> {
    requirePermission(principal, 'hotline:read');
    const message = await findMessage(this.deps.db, principal, id);
    const channel = message && (await findChannel(this.deps.db, principal, message.channelId));
    if (message === undefined || channel === undefined) throw notFound(`hotline message ${id}`);
    return readsBodies(principal, channel) ? message : withoutBody(message);
  }

  /** Opens a channel (the commission): members are existing organisations, at least two. */
  async open(actor: Actor, request: OpenChannel): Promise<{ channel: ChannelView; history: StatusChange[] }> {
    requirePermission(actor.principal, 'hotline:operate');
    if (!isCommission(actor.principal)) throw forbidden('only the commission opens hotline channels');
    const known = new Set((await this.deps.organisations.list()).map((o) => o.id));
    const problems: FieldProblem[] = [];
    const name = request.name.trim();
    if (name === '') problems.push({ path: '/body/name', reason: 'must not be empty' });
    const members = [...new Set(request.members.map((m) => m.trim()))].sort();
    const unknown = members.filter((m) => !known.has(m));
    if (unknown.length > 0)
      problems.push({ path: '/body/members', reason: `unknown organisation(s): ${unknown.join(', ')}` });
    if (members.length < 2)
      problems.push({
        path: '/body/members',
        reason: 'a channel joins at least two different organisations',
      });
    const ackMinutes = request.ackMinutes ?? DEFAULT_ACK_MINUTES;
    const suspensionLimitMinutes = request.suspensionLimitMinutes ?? DEFAULT_SUSPENSION_LIMIT_MINUTES;
    for (const [path, value] of [
      ['/body/ackMinutes', ackMinutes],
      ['/body/suspensionLimitMinutes', suspensionLimitMinutes],
    ] as const)
      if (!Number.isInteger(value) || value < 1 || value > 10_080)
        problems.push({ path, reason: 'must be a whole number of minutes from 1 to 10080 (a week)' });
    if (problems.length > 0) throw invalid('the channel cannot be opened', problems);
    const now = this.deps.now().toISOString();
    const channel: HotlineChannel = {
      id: crypto.randomUUID(),
      name,
      members,
      ackMinutes,
      suspensionLimitMinutes,
      commissionReads: request.commissionReads === true,
      openedAt: now,
      openedBy: userOf(actor),
    };
    const first: StatusChange = {
      id: crypto.randomUUID(),
      channelId: channel.id,
      seq: 1,
      status: 'active',
      cause: 'opened',
      by: userOf(actor),
      organisationId: actor.principal.organisationId ?? 'console',
      at: now,
    };
    await this.deps.db.transaction().execute(async (tx) => {
      await insertChannel(tx, channel);
      await insertStatusChange(tx, first);
      await this.deps.ledger.recordMany(tx, [
        {
          kind: 'hotline.channel-opened',
          recordKind: CHANNEL_RECORD_KIND,
          recordId: channel.id,
          marking: HOTLINE_MARKING,
          record: channelRecord(channel),
        },
        statusEntry(first),
      ]);
      await this.deps.audit.record(tx, actor, 'hotline.open', `hotline-channel:${channel.id}`, 'allowed');
    });
    return { channel: viewOf(channel, first), history: [first] };
  }

  /**
   * Records a change of a channel's status, by a member or the commission: to a different status,
   * `restored` only after `suspended`, with its cause.
   */
  async changeStatus(
    actor: Actor,
    channelId: string,
    request: { status: string; cause: string },
  ): Promise<{ channel: ChannelView; history: StatusChange[] }> {
    requirePermission(actor.principal, 'hotline:operate');
    const cause = request.cause.trim();
    const problems: FieldProblem[] = [];
    if (!isChannelStatus(request.status))
      problems.push({ path: '/body/status', reason: `must be one of ${CHANNEL_STATUSES.join(', ')}` });
    if (cause === '') problems.push({ path: '/body/cause', reason: 'must not be empty' });
    if (problems.length > 0) throw invalid('the status change is incomplete', problems);
    const status = request.status as ChannelStatus;
    await this.deps.db.transaction().execute(async (tx) => {
      const channel = await findChannel(tx, actor.principal, channelId);
      if (channel === undefined) throw notFound(`hotline channel ${channelId}`);
      this.#requireMemberOrCommission(actor.principal, channel);
      const current = (await latestStatusChanges(tx, [channelId])).get(channelId);
      if (current?.status === status)
        throw ruleViolated(
          'status-unchanged',
          `channel ${channelId} is ${status} already (since ${current.at})`,
          '/body/status',
        );
      if (status === 'restored' && current?.status !== 'suspended')
        throw ruleViolated(
          'restore-needs-suspension',
          `channel ${channelId} is ${current?.status ?? 'unknown'}; only a suspended channel is restored`,
          '/body/status',
        );
      const change: StatusChange = {
        id: crypto.randomUUID(),
        channelId,
        seq: (current?.seq ?? 0) + 1,
        status,
        cause,
        by: userOf(actor),
        organisationId: actor.principal.organisationId ?? 'console',
        at: this.deps.now().toISOString(),
      };
      await insertStatusChange(tx, change);
      await this.deps.ledger.record(tx, statusEntry(change));
      await this.deps.audit.record(tx, actor, 'hotline.status', `hotline-channel:${channelId}`, 'allowed');
    });
    return this.channel(actor.principal, channelId);
  }

  /** Sends a message from the actor's organisation (a member) to another member. */
  async send(actor: Actor, channelId: string, request: SendMessage): Promise<HotlineMessage> {
    requirePermission(actor.principal, 'hotline:operate');
    const now = this.deps.now();
    const body = request.body.trim();
    const urgency = request.urgency ?? 'routine';
    const problems: FieldProblem[] = [];
    if (body === '') problems.push({ path: '/body/body', reason: 'must not be empty' });
    if (!(URGENCIES as readonly string[]).includes(urgency))
      problems.push({ path: '/body/urgency', reason: `must be one of ${URGENCIES.join(', ')}` });
    let deadline: Date | undefined;
    if (request.ackDeadline !== undefined) {
      deadline = new Date(request.ackDeadline);
      if (Number.isNaN(deadline.getTime()))
        problems.push({ path: '/body/ackDeadline', reason: 'must be an RFC 3339 date and time' });
      else if (deadline.getTime() <= now.getTime())
        problems.push({
          path: '/body/ackDeadline',
          reason: `is in the past (now ${now.toISOString()}); give a later deadline or leave it out`,
        });
    }
    if (problems.length > 0) throw invalid('the message cannot be sent', problems);
    const id = crypto.randomUUID();
    await this.deps.db.transaction().execute(async (tx) => {
      const channel = await findChannel(tx, actor.principal, channelId);
      if (channel === undefined) throw notFound(`hotline channel ${channelId}`);
      const from = actor.principal.organisationId ?? '';
      if (!channel.members.includes(from))
        throw forbidden(`organisation ${from || '(none)'} is not a member of hotline channel ${channelId}`);
      const current = (await latestStatusChanges(tx, [channelId])).get(channelId);
      if (current?.status === 'suspended')
        throw ruleViolated(
          'channel-suspended',
          `channel ${channelId} is suspended since ${current.at} (${current.cause}); restore it first`,
          '/params/id',
        );
      const others = channel.members.filter((m) => m !== from);
      const to = request.to?.trim() ?? (others.length === 1 ? others[0] : undefined);
      if (to === undefined)
        throw invalid('name the addressee', [
          {
            path: '/body/to',
            reason: `required: the channel has several other members (${others.join(', ')})`,
          },
        ]);
      if (!others.includes(to))
        throw invalid('the addressee is not another member of the channel', [
          { path: '/body/to', reason: `must be one of ${others.join(', ')}` },
        ]);
      const message: HotlineMessage = {
        id,
        channelId,
        from,
        fromUserId: userOf(actor),
        to,
        urgency,
        body,
        sentAt: now.toISOString(),
        ackDeadline: (deadline ?? new Date(now.getTime() + channel.ackMinutes * 60_000)).toISOString(),
      };
      await insertMessage(tx, message);
      await this.deps.ledger.record(tx, messageEntry('hotline.message-sent', message));
      await this.deps.audit.record(tx, actor, 'hotline.send', `hotline-message:${id}`, 'allowed');
    });
    return this.message(actor.principal, id);
  }

  /** Acknowledges a message addressed to the actor's organisation, once (late acknowledgements count as late). */
  async acknowledge(actor: Actor, messageId: string): Promise<HotlineMessage> {
    requirePermission(actor.principal, 'hotline:operate');
    await this.deps.db.transaction().execute(async (tx) => {
      const message = await findMessage(tx, actor.principal, messageId);
      if (message === undefined) throw notFound(`hotline message ${messageId}`);
      const org = actor.principal.organisationId ?? '';
      if (message.to !== org)
        throw ruleViolated(
          'not-the-addressee',
          `message ${messageId} is addressed to ${message.to}, not to ${org || 'you'}`,
          '/params/id',
        );
      if (message.acknowledgedAt !== undefined)
        throw ruleViolated(
          'acknowledged-once',
          `message ${messageId} was acknowledged at ${message.acknowledgedAt}`,
          '/params/id',
        );
      const acknowledged: HotlineMessage = {
        ...message,
        acknowledgedAt: this.deps.now().toISOString(),
        acknowledgedBy: userOf(actor),
      };
      await markAcknowledged(
        tx,
        messageId,
        acknowledged.acknowledgedAt ?? '',
        acknowledged.acknowledgedBy ?? '',
      );
      await this.deps.ledger.record(tx, messageEntry('hotline.message-acknowledged', acknowledged));
      await this.deps.audit.record(tx, actor, 'hotline.ack', `hotline-message:${messageId}`, 'allowed');
    });
    return this.message(actor.principal, messageId);
  }

  /**
   * Escalates to the commission what is overdue at `now`: each message whose acknowledgement deadline
   * passed without an acknowledgement in time (once per message), and each channel suspended longer
   * than its limit (once per suspension). The server calls it periodically; each escalation commits
   * in its own transaction.
   *
   * @returns the escalations raised by this call
   */
  async sweep(now: Date): Promise<{ messages: number; channels: number }> {
    const at = now.toISOString();
    let messages = 0;
    let channels = 0;
    for (const message of await listMissedMessages(this.deps.db, at, MESSAGE_RECORD_KIND)) {
      const raised = await this.deps.db.transaction().execute(async (tx) => {
        const channel = await findChannel(tx, undefined, message.channelId);
        return this.deps.escalations.raise(tx, SWEEP_ACTOR, {
          sourceKind: MESSAGE_RECORD_KIND,
          sourceId: message.id,
          organisations: channel?.members ?? [message.from, message.to],
          reason: MISSED_ACK_REASON,
        });
      });
      if (raised.created) messages += 1;
    }
    for (const { channel, since } of await listSuspendedChannels(this.deps.db)) {
      const limit = Date.parse(since.at) + channel.suspensionLimitMinutes * 60_000;
      if (limit > now.getTime()) continue;
      const raised = await this.deps.db.transaction().execute((tx) =>
        this.deps.escalations.raise(tx, SWEEP_ACTOR, {
          sourceKind: CHANNEL_RECORD_KIND,
          sourceId: channel.id,
          organisations: channel.members,
          // One escalation per suspension: the reason names the suspension (its step and time).
          reason: `suspended since ${since.at} (status change ${since.seq}), longer than its limit of ${channel.suspensionLimitMinutes} min`,
        }),
      );
      if (raised.created) channels += 1;
    }
    return { messages, channels };
  }

  #requireMemberOrCommission(principal: Principal, channel: HotlineChannel): void {
    const org = principal.organisationId;
    if (isCommission(principal) || (org !== null && channel.members.includes(org))) return;
    throw forbidden(`organisation ${org ?? '(none)'} is not a member of hotline channel ${channel.id}`);
  }

  async #views(db: Executor, channels: HotlineChannel[]): Promise<ChannelView[]> {
    const latest = await latestStatusChanges(
      db,
      channels.map((c) => c.id),
    );
    return channels.map((c) => viewOf(c, latest.get(c.id)));
  }
}

function viewOf(channel: HotlineChannel, latest: StatusChange | undefined): ChannelView {
  return { ...channel, status: latest?.status ?? 'active', statusSince: latest?.at ?? channel.openedAt };
}

function withoutBody(m: HotlineMessage): HotlineMessage {
  const { body: _body, ...rest } = m;
  return rest;
}

function statusEntry(change: StatusChange) {
  return {
    kind: 'hotline.status-changed',
    recordKind: STATUS_CHANGE_RECORD_KIND,
    recordId: change.id,
    marking: HOTLINE_MARKING,
    record: change,
  };
}

function messageEntry(kind: string, message: HotlineMessage) {
  return {
    kind,
    recordKind: MESSAGE_RECORD_KIND,
    recordId: message.id,
    marking: HOTLINE_MARKING,
    record: messageRecord(message),
  };
}
