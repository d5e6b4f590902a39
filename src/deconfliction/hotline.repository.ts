import { sql, type Selectable } from 'kysely';
import type { Principal } from '../access/policy.js';
import type { Executor } from '../db/database.js';
import { insertAddressees } from '../verification/incident.repository.js';
import type {
  ChannelStatus,
  HotlineChannel,
  HotlineMessage,
  StatusChange,
  Urgency,
} from './hotline.model.js';
import type { HotlineChannelTable, HotlineMessageTable, HotlineStatusChangeTable } from './hotline.tables.js';

/** The record kind channels are logged and addressed (their members) under. */
export const CHANNEL_RECORD_KIND = 'hotline-channel';
/** The record kind of a channel's status changes. */
export const STATUS_CHANGE_RECORD_KIND = 'hotline-status-change';
/** The record kind of messages. */
export const MESSAGE_RECORD_KIND = 'hotline-message';

/**
 * Which channels a principal may see: the commission (its users and the console) all of them, a
 * member organisation its own, nobody else any.
 */
function visibleChannels(principal: Principal, idColumn: string) {
  // Only signed-in users of a commission organisation and the console carry this kind.
  if (principal.organisationKind === 'commission') return sql<boolean>`1 = 1`;
  const org = principal.organisationId;
  if (org === null || principal.userId === null) return sql<boolean>`1 = 0`;
  return sql<boolean>`exists (select 1 from record_addressees ra
    where ra.record_kind = ${CHANNEL_RECORD_KIND} and ra.record_id = ${sql.ref(idColumn)} and ra.organisation_id = ${org})`;
}

type ChannelRow = Selectable<HotlineChannelTable>;

async function hydrateChannels(db: Executor, rows: readonly ChannelRow[]): Promise<HotlineChannel[]> {
  if (rows.length === 0) return [];
  const members = await db
    .selectFrom('record_addressees')
    .select(['record_id', 'organisation_id'])
    .where('record_kind', '=', CHANNEL_RECORD_KIND)
    .where(
      'record_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const by = new Map<string, string[]>();
  for (const m of members)
    if (m.organisation_id !== null) by.set(m.record_id, [...(by.get(m.record_id) ?? []), m.organisation_id]);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    members: (by.get(r.id) ?? []).sort(),
    ackMinutes: r.ack_minutes,
    suspensionLimitMinutes: r.suspension_limit_minutes,
    commissionReads: r.commission_reads === 1,
    openedAt: r.opened_at,
    openedBy: r.opened_by,
  }));
}

/** Stores a new channel and its members. */
export async function insertChannel(db: Executor, c: HotlineChannel): Promise<void> {
  await db
    .insertInto('hotline_channels')
    .values({
      id: c.id,
      name: c.name,
      ack_minutes: c.ackMinutes,
      suspension_limit_minutes: c.suspensionLimitMinutes,
      commission_reads: c.commissionReads ? 1 : 0,
      opened_at: c.openedAt,
      opened_by: c.openedBy,
    })
    .execute();
  await insertAddressees(
    db,
    CHANNEL_RECORD_KIND,
    c.members.map((org) => [c.id, org] as const),
  );
}

/** One channel if the principal may see it (undefined principal: the system itself). */
export async function findChannel(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<HotlineChannel | undefined> {
  let q = db.selectFrom('hotline_channels').selectAll().where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleChannels(principal, 'hotline_channels.id'));
  return (await hydrateChannels(db, await q.execute()))[0];
}

/** Channels by id for the system (no visibility filter). */
export async function findChannels(db: Executor, ids: readonly string[]): Promise<HotlineChannel[]> {
  if (ids.length === 0) return [];
  return hydrateChannels(
    db,
    await db.selectFrom('hotline_channels').selectAll().where('id', 'in', ids).execute(),
  );
}

/** Every channel the principal may see (all of them for the system), by name. */
export async function listChannels(
  db: Executor,
  principal: Principal | undefined,
): Promise<HotlineChannel[]> {
  let q = db.selectFrom('hotline_channels').selectAll();
  if (principal !== undefined) q = q.where(visibleChannels(principal, 'hotline_channels.id'));
  return hydrateChannels(db, await q.orderBy('name').orderBy('id').execute());
}

/** A stored status change as services see it (the audit rebuilds logged changes with it too). */
export function statusChangeFromRow(r: Selectable<HotlineStatusChangeTable>): StatusChange {
  return {
    id: r.id,
    channelId: r.channel_id,
    seq: r.seq,
    status: r.status as ChannelStatus,
    cause: r.cause,
    by: r.by_user_id,
    organisationId: r.organisation_id,
    at: r.at,
  };
}

/** Records one step of a channel's status history. */
export async function insertStatusChange(db: Executor, s: StatusChange): Promise<void> {
  await db
    .insertInto('hotline_status_changes')
    .values({
      id: s.id,
      channel_id: s.channelId,
      seq: s.seq,
      status: s.status,
      cause: s.cause,
      by_user_id: s.by,
      organisation_id: s.organisationId,
      at: s.at,
    })
    .execute();
}

/** A channel's status history, oldest first. */
export async function listStatusChanges(db: Executor, channelId: string): Promise<StatusChange[]> {
  const rows = await db
    .selectFrom('hotline_status_changes')
    .selectAll()
    .where('channel_id', '=', channelId)
    .orderBy('seq')
    .execute();
  return rows.map(statusChangeFromRow);
}

/** The latest status change of each of the channels. */
export async function latestStatusChanges(
  db: Executor,
  channelIds: readonly string[],
): Promise<Map<string, StatusChange>> {
  if (channelIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('hotline_status_changes as s')
    .selectAll('s')
    .where('s.channel_id', 'in', channelIds)
    .where((eb) =>
      eb(
        's.seq',
        '=',
        eb
          .selectFrom('hotline_status_changes as l')
          .select((e) => e.fn.max('l.seq').as('m'))
          .whereRef('l.channel_id', '=', 's.channel_id'),
      ),
    )
    .execute();
  return new Map(rows.map((r) => [r.channel_id, statusChangeFromRow(r)]));
}

/** The channels whose latest status is `suspended` (the sweep checks their limits). */
export async function listSuspendedChannels(
  db: Executor,
): Promise<{ channel: HotlineChannel; since: StatusChange }[]> {
  const channels = await listChannels(db, undefined);
  const latest = await latestStatusChanges(
    db,
    channels.map((c) => c.id),
  );
  return channels.flatMap((channel) => {
    const since = latest.get(channel.id);
    return since?.status === 'suspended' ? [{ channel, since }] : [];
  });
}

type MessageRow = Selectable<HotlineMessageTable>;

/** A stored message as the system sees it, body included (the audit rebuilds logged messages with it). */
export function messageFromRow(r: MessageRow): HotlineMessage {
  return {
    id: r.id,
    channelId: r.channel_id,
    from: r.from_organisation_id,
    fromUserId: r.from_user_id,
    to: r.to_organisation_id,
    urgency: r.urgency as Urgency,
    body: r.body,
    sentAt: r.sent_at,
    ackDeadline: r.ack_deadline,
    ...(r.acknowledged_at !== null ? { acknowledgedAt: r.acknowledged_at } : {}),
    ...(r.acknowledged_by !== null ? { acknowledgedBy: r.acknowledged_by } : {}),
  };
}

/** Stores a sent message. */
export async function insertMessage(db: Executor, m: HotlineMessage): Promise<void> {
  await db
    .insertInto('hotline_messages')
    .values({
      id: m.id,
      channel_id: m.channelId,
      from_organisation_id: m.from,
      from_user_id: m.fromUserId,
      to_organisation_id: m.to,
      urgency: m.urgency,
      body: m.body ?? '',
      sent_at: m.sentAt,
      ack_deadline: m.ackDeadline,
      acknowledged_at: null,
      acknowledged_by: null,
    })
    .execute();
}

/** Records a message's acknowledgement. */
export async function markAcknowledged(db: Executor, id: string, at: string, by: string): Promise<void> {
  await db
    .updateTable('hotline_messages')
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where('id', '=', id)
    .execute();
}

/** One message, body included, if its channel is visible to the principal (undefined: the system). */
export async function findMessage(
  db: Executor,
  principal: Principal | undefined,
  id: string,
): Promise<HotlineMessage | undefined> {
  let q = db.selectFrom('hotline_messages').selectAll().where('id', '=', id);
  if (principal !== undefined) q = q.where(visibleChannels(principal, 'hotline_messages.channel_id'));
  const row = await q.executeTakeFirst();
  return row === undefined ? undefined : messageFromRow(row);
}

/** Messages by id for the system (the audit). */
export async function findMessages(db: Executor, ids: readonly string[]): Promise<HotlineMessage[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('hotline_messages').selectAll().where('id', 'in', ids).execute();
  return rows.map(messageFromRow);
}

/** What to list of a channel's messages. */
export interface MessageFilter {
  /** Only messages not yet acknowledged. */
  pending?: boolean;
  limit: number;
  offset?: number;
}

/** A channel's messages, newest first, bodies included (the service strips them for who may not read). */
export async function listMessages(
  db: Executor,
  channelId: string,
  filter: MessageFilter,
): Promise<{ messages: HotlineMessage[]; total: number }> {
  let q = db.selectFrom('hotline_messages').where('channel_id', '=', channelId);
  if (filter.pending === true) q = q.where('acknowledged_at', 'is', null);
  if (filter.pending === false) q = q.where('acknowledged_at', 'is not', null);
  const total = await q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
  const rows = await q
    .selectAll()
    .orderBy('sent_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return { messages: rows.map(messageFromRow), total: Number(total.n) };
}

/**
 * Messages whose acknowledgement deadline passed by `now` without an acknowledgement in time (none,
 * or a late one), and that have not escalated yet.
 */
export async function listMissedMessages(
  db: Executor,
  now: string,
  sourceKind: string,
): Promise<HotlineMessage[]> {
  const rows = await db
    .selectFrom('hotline_messages as m')
    .selectAll('m')
    .where('m.ack_deadline', '<=', now)
    .where((eb) =>
      eb.or([eb('m.acknowledged_at', 'is', null), eb('m.acknowledged_at', '>', eb.ref('m.ack_deadline'))]),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('escalations as e')
            .select('e.id')
            .where('e.source_kind', '=', sourceKind)
            .whereRef('e.source_id', '=', 'm.id'),
        ),
      ),
    )
    .orderBy('m.ack_deadline')
    .execute();
  return rows.map(messageFromRow);
}

/** Page of row ids of a hotline table, for the audit. */
export async function hotlineIdsAfter(
  db: Executor,
  table: 'hotline_channels' | 'hotline_status_changes' | 'hotline_messages',
  after: string | undefined,
  limit: number,
): Promise<{ id: string }[]> {
  let q = db.selectFrom(table).select('id').orderBy('id').limit(limit);
  if (after !== undefined) q = q.where('id', '>', after);
  return q.execute();
}
