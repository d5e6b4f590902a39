import type { Kysely } from 'kysely';
import { columnTypes, dialectOf } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  const real = dialectOf(db) === 'postgres' ? ('double precision' as const) : ('real' as const);
  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('external_system', 'text')
    .addColumn('external_id', 'text')
    .addColumn('superseded_by', 'text')
    .addColumn('agreement_version_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('observed_from', 'text', (c) => c.notNull())
    .addColumn('observed_to', 'text', (c) => c.notNull())
    .addColumn('time_precision', 'text', (c) => c.notNull())
    .addColumn('lon', real, (c) => c.notNull())
    .addColumn('lat', real, (c) => c.notNull())
    .addColumn('uncertainty_m', real, (c) => c.notNull())
    .addColumn('geo_precision', 'integer', (c) => c.notNull())
    .addColumn('source_id', 'text')
    .addColumn('independence_group', 'text', (c) => c.notNull())
    .addColumn('reliability', 'text', (c) => c.notNull())
    .addColumn('credibility', 'integer', (c) => c.notNull())
    .addColumn('grade_rank', 'integer', (c) => c.notNull())
    .addColumn('zones', 'text', (c) => c.notNull())
    .addColumn('side', 'text')
    .addColumn('line_distance_km', real)
    .addColumn('flagged', 'integer', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('log_seq', t.bigint)
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reports_external')
    .on('reports')
    .columns(['external_system', 'external_id'])
    .execute();
  await db.schema.createIndex('reports_observed').on('reports').columns(['observed_from']).execute();
  await db.schema
    .createIndex('reports_category')
    .on('reports')
    .columns(['category', 'observed_from'])
    .execute();
  await db.schema
    .createTable('report_sources')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reliability', 'text', (c) => c.notNull())
    .addColumn('independence_group', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('report_evidence')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('report_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size_bytes', t.bigint)
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('original_filename', 'text', (c) => c.notNull())
    .addColumn('collector', 'text', (c) => c.notNull())
    .addColumn('device', 'text')
    .addColumn('captured_at', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'text')
    .addColumn('derived_from', 'text')
    .addColumn('derivation', 'text')
    .addColumn('custodian', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute();
  await db.schema
    .createIndex('report_evidence_report')
    .on('report_evidence')
    .columns(['report_id'])
    .execute();
  await db.schema.createIndex('report_evidence_sha256').on('report_evidence').columns(['sha256']).execute();
  await db.schema
    .createTable('evidence_custody')
    .addColumn('id', t.serial, (c) =>
      dialectOf(db) === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('evidence_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', 'text')
    .addColumn('actor_organisation_id', 'text')
    .addColumn('from_custodian', 'text')
    .addColumn('to_custodian', 'text')
    .addColumn('note', 'text')
    .addColumn('request_id', 'text')
    .execute();
  await db.schema
    .createIndex('evidence_custody_evidence')
    .on('evidence_custody')
    .columns(['evidence_id', 'id'])
    .execute();
  await db.schema
    .createTable('grading_ceilings')
    .addColumn('user_id', 'text', (c) => c.primaryKey())
    .addColumn('reliability', 'text', (c) => c.notNull())
    .addColumn('credibility', 'integer', (c) => c.notNull())
    .addColumn('set_by', 'text')
    .addColumn('set_at', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'grading_ceilings',
    'evidence_custody',
    'report_evidence',
    'report_sources',
    'reports',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
