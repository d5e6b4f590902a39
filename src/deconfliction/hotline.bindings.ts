/**
 * How the hotline's stored rows are bound to their log entries (see `src/ledger/row-binding.ts`):
 * the service logs with `channelRecord` / `messageRecord` and the audit rebuilds with the same
 * functions from the rows as stored now.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { pagesById, type BoundRow, type RowBinding } from '../ledger/row-binding.js';
import {
  CHANNEL_RECORD_KIND,
  MESSAGE_RECORD_KIND,
  STATUS_CHANGE_RECORD_KIND,
  findChannel,
  findChannels,
  hotlineIdsAfter,
  messageFromRow,
  statusChangeFromRow,
} from './hotline.repository.js';
import { HOTLINE_MARKING, channelRecord, messageRecord, readsBodies } from './hotline.service.js';

const CHANNEL_KINDS = ['hotline.channel-opened'];
const STATUS_KINDS = ['hotline.status-changed'];
const MESSAGE_KINDS = ['hotline.message-sent', 'hotline.message-acknowledged'];
const idFields = (kinds: readonly string[]) => Object.fromEntries(kinds.map((k) => [k, 'id']));

async function boundChannels(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  return (await findChannels(db, ids)).map((c) => ({
    id: c.id,
    expectations: [
      { kinds: CHANNEL_KINDS, expected: { marking: HOTLINE_MARKING, record: channelRecord(c) } },
    ],
  }));
}

async function knownChannels(db: Kysely<Database>, ids: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Set();
  const rows = await db.selectFrom('hotline_channels').select('id').where('id', 'in', unique).execute();
  return new Set(rows.map((r) => r.id));
}

async function boundStatusChanges(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('hotline_status_changes').selectAll().where('id', 'in', ids).execute();
  const known = await knownChannels(
    db,
    rows.map((r) => r.channel_id),
  );
  return rows.map((r) => ({
    id: r.id,
    expectations: [
      { kinds: STATUS_KINDS, expected: { marking: HOTLINE_MARKING, record: statusChangeFromRow(r) } },
    ],
    ...(known.has(r.channel_id) ? {} : { problems: [`its channel ${r.channel_id} is gone`] }),
  }));
}

async function boundMessages(db: Kysely<Database>, ids: readonly string[]): Promise<BoundRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('hotline_messages').selectAll().where('id', 'in', ids).execute();
  const known = await knownChannels(
    db,
    rows.map((r) => r.channel_id),
  );
  return rows.map((r) => ({
    id: r.id,
    expectations: [
      {
        kinds: MESSAGE_KINDS,
        expected: { marking: HOTLINE_MARKING, record: messageRecord(messageFromRow(r)) },
      },
    ],
    ...(known.has(r.channel_id) ? {} : { problems: [`its channel ${r.channel_id} is gone`] }),
  }));
}

async function channelOf(
  db: Kysely<Database>,
  table: 'hotline_status_changes' | 'hotline_messages',
  id: string,
): Promise<string | undefined> {
  return (await db.selectFrom(table).select('channel_id').where('id', '=', id).executeTakeFirst())
    ?.channel_id;
}

/** The hotline's row bindings. */
export const hotlineRowBindings: readonly RowBinding[] = [
  {
    recordKind: CHANNEL_RECORD_KIND,
    table: 'hotline_channels',
    idFields: idFields(CHANNEL_KINDS),
    async *rows(db) {
      for await (const page of pagesById(
        (after, limit) => hotlineIdsAfter(db, 'hotline_channels', after, limit),
        500,
      ))
        yield await boundChannels(
          db,
          page.map((r) => r.id),
        );
    },
    visible: async (db, principal, id) =>
      principal.permissions.has('hotline:read') && (await findChannel(db, principal, id)) !== undefined,
    current: async (db, id) => (await boundChannels(db, [id]))[0],
  },
  {
    recordKind: STATUS_CHANGE_RECORD_KIND,
    table: 'hotline_status_changes',
    idFields: idFields(STATUS_KINDS),
    async *rows(db) {
      for await (const page of pagesById(
        (after, limit) => hotlineIdsAfter(db, 'hotline_status_changes', after, limit),
        500,
      ))
        yield await boundStatusChanges(
          db,
          page.map((r) => r.id),
        );
    },
    async visible(db, principal, id) {
      const channelId = await channelOf(db, 'hotline_status_changes', id);
      return (
        channelId !== undefined &&
        principal.permissions.has('hotline:read') &&
        (await findChannel(db, principal, channelId)) !== undefined
      );
    },
    current: async (db, id) => (await boundStatusChanges(db, [id]))[0],
  },
  {
    recordKind: MESSAGE_RECORD_KIND,
    table: 'hotline_messages',
    idFields: idFields(MESSAGE_KINDS),
    async *rows(db) {
      for await (const page of pagesById(
        (after, limit) => hotlineIdsAfter(db, 'hotline_messages', after, limit),
        500,
      ))
        yield await boundMessages(
          db,
          page.map((r) => r.id),
        );
    },
    // The logged record holds the body: only those who may read bodies get its salt.
    async visible(db, principal, id) {
      const channelId = await channelOf(db, 'hotline_messages', id);
      if (channelId === undefined || !principal.permissions.has('hotline:read')) return false;
      const channel = await findChannel(db, principal, channelId);
      return channel !== undefined && readsBodies(principal, channel);
    },
    current: async (db, id) => (await boundMessages(db, [id]))[0],
  },
];
