import type { Kysely } from 'kysely';

/**
 * Escalations to the commission (generic: the hotline, notices, disclosure requests) and the parties'
 * hotline: channels, their status history and messages. Members of a channel and the organisations
 * involved in an escalation are kept in `record_addressees` (record kinds `hotline-channel`, `escalation`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('escalations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('raised_by', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution', 'text')
    .addUniqueConstraint('escalations_once', ['source_kind', 'source_id', 'reason'])
    .execute();
  await db.schema.createIndex('escalations_raised').on('escalations').columns(['raised_at']).execute();
  await db.schema
    .createIndex('escalations_source')
    .on('escalations')
    .columns(['source_kind', 'source_id'])
    .execute();

  await db.schema
    .createTable('hotline_channels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ack_minutes', 'integer', (c) => c.notNull())
    .addColumn('suspension_limit_minutes', 'integer', (c) => c.notNull())
    .addColumn('commission_reads', 'integer', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('opened_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('hotline_status_changes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('hotline_channels.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) => c.notNull())
    .addColumn('by_user_id', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addUniqueConstraint('hotline_status_changes_seq', ['channel_id', 'seq'])
    .execute();
  await db.schema
    .createTable('hotline_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull().references('hotline_channels.id'))
    .addColumn('from_organisation_id', 'text', (c) => c.notNull())
    .addColumn('from_user_id', 'text', (c) => c.notNull())
    .addColumn('to_organisation_id', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addColumn('ack_deadline', 'text', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .execute();
  await db.schema
    .createIndex('hotline_messages_channel')
    .on('hotline_messages')
    .columns(['channel_id', 'sent_at'])
    .execute();
  await db.schema
    .createIndex('hotline_messages_pending')
    .on('hotline_messages')
    .columns(['acknowledged_at', 'ack_deadline'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['hotline_messages', 'hotline_status_changes', 'hotline_channels', 'escalations'])
    await db.schema.dropTable(table).execute();
  await db
    .deleteFrom('record_addressees')
    .where('record_kind', 'in', ['hotline-channel', 'escalation'])
    .execute();
}
