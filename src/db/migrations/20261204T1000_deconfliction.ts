import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  const real = dialectOf(db) === 'postgres' ? ('double precision' as const) : ('real' as const);
  await db.schema
    .createTable('notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('series_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('replaces', 'text')
    .addColumn('agreement_version_id', 'text', (c) => c.notNull())
    .addColumn('obligation_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('via_organisation_id', 'text')
    .addColumn('author_user_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('emergency', 'integer', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull())
    .addColumn('late_reason', 'text')
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('reconfirm_due', 'text')
    .addColumn('reconfirmed_at', 'text')
    .addColumn('geometry', 'text', (c) => c.notNull())
    .addColumn('precision_m', real)
    .addColumn('corridor_m', real)
    .addColumn('altitude_min_m', real)
    .addColumn('altitude_max_m', real)
    .addColumn('windows', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('addressees', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('min_lon', real, (c) => c.notNull())
    .addColumn('min_lat', real, (c) => c.notNull())
    .addColumn('max_lon', real, (c) => c.notNull())
    .addColumn('max_lat', real, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('end_reason', 'text')
    .execute();
  await db.schema.createIndex('notices_state_ends').on('notices').columns(['state', 'ends_at']).execute();
  await db.schema.createIndex('notices_owner').on('notices').columns(['owner_organisation_id']).execute();
  await db.schema.createIndex('notices_series').on('notices').columns(['series_id', 'version']).execute();
  await db.schema
    .createTable('notice_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('addressee_organisation_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('view', 'text')
    .addColumn('view_hash', 'text', (c) => c.notNull())
    .addColumn('disclosed', 'text', (c) => c.notNull())
    .addColumn('forwarded_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addColumn('delivered_by', 'text')
    .addColumn('responded_at', 'text')
    .addColumn('responded_by', 'text')
    .addColumn('reason', 'text')
    .addColumn('due_at', 'text')
    .addColumn('overdue_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notice_deliveries_notice')
    .on('notice_deliveries')
    .columns(['notice_id'])
    .execute();
  await db.schema
    .createIndex('notice_deliveries_addressee')
    .on('notice_deliveries')
    .columns(['addressee_organisation_id', 'state'])
    .execute();
  await db.schema
    .createTable('notice_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('delivery_id', 'text')
    .addColumn('addressee_organisation_id', 'text')
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by_user_id', 'text')
    .addColumn('organisation_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('snapshot', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notice_events_notice')
    .on('notice_events')
    .columns(['notice_id', 'seq'])
    .execute();
  await db.schema
    .createTable('notice_conflicts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('other_notice_id', 'text')
    .addColumn('zone_id', 'text')
    .addColumn('incident_id', 'text')
    .addColumn('distance_m', real, (c) => c.notNull())
    .addColumn('lon', real, (c) => c.notNull())
    .addColumn('lat', real, (c) => c.notNull())
    .addColumn('window_from', 'text', (c) => c.notNull())
    .addColumn('window_to', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('cleared_at', 'text')
    .execute();
  await db.schema
    .createIndex('notice_conflicts_notice')
    .on('notice_conflicts')
    .columns(['notice_id', 'state'])
    .execute();
  await db.schema
    .createTable('notice_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('notice_id', 'text', (c) => c.notNull().references('notices.id'))
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('notice_deliveries.id'))
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('requester_organisation_id', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('beyond', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .addColumn('answered_by', 'text')
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'notice_requests',
    'notice_conflicts',
    'notice_events',
    'notice_deliveries',
    'notices',
  ])
    await db.schema.dropTable(table).execute();
}
