import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  const real = dialectOf(db) === 'postgres' ? ('double precision' as const) : ('real' as const);
  await db.schema
    .createTable('commitment_pledges')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('guarantee_id', 'text', (c) => c.notNull())
    .addColumn('agreement_version_id', 'text', (c) => c.notNull())
    .addColumn('guarantor', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('quantity', real, (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('response_id', 'text')
    .addColumn('provision', 'text')
    .addColumn('pledged_on', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .execute();
  await db.schema
    .createIndex('commitment_pledges_guarantee')
    .on('commitment_pledges')
    .columns(['guarantee_id', 'guarantor'])
    .execute();
  await db.schema
    .createTable('commitment_amendments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pledge_id', 'text', (c) => c.notNull().references('commitment_pledges.id'))
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('from_quantity', real, (c) => c.notNull())
    .addColumn('to_quantity', real, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('amended_on', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('commitment_amendments_pledge')
    .on('commitment_amendments')
    .columns(['pledge_id', 'revision'])
    .execute();
  await db.schema
    .createTable('commitment_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pledge_id', 'text', (c) => c.notNull().references('commitment_pledges.id'))
    .addColumn('quantity', real, (c) => c.notNull())
    .addColumn('delivered_on', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('evidence_sha256', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('commitment_deliveries_pledge')
    .on('commitment_deliveries')
    .columns(['pledge_id', 'delivered_on'])
    .execute();
  await db.schema
    .createTable('ratification_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('guarantee_id', 'text', (c) => c.notNull())
    .addColumn('agreement_version_id', 'text', (c) => c.notNull())
    .addColumn('step_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('on_date', 'text', (c) => c.notNull())
    .addColumn('votes_for', 'integer')
    .addColumn('votes_against', 'integer')
    .addColumn('note', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .execute();
  await db.schema
    .createIndex('ratification_records_step')
    .on('ratification_records')
    .columns(['guarantee_id', 'step_id', 'seq'])
    .execute();
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('kinds', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subscription_id', 'text', (c) => c.notNull().references('webhook_subscriptions.id'))
    .addColumn('event_kind', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('attempt_log', 'text', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('next_attempt_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_subscription')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'created_at'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'webhook_deliveries',
    'webhook_subscriptions',
    'ratification_records',
    'commitment_deliveries',
    'commitment_amendments',
    'commitment_pledges',
  ])
    await db.schema.dropTable(table).execute();
}
