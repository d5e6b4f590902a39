import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  const real = dialectOf(db) === 'postgres' ? ('double precision' as const) : ('real' as const);
  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agreement_version_id', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('provisions', 'text', (c) => c.notNull())
    .addColumn('zones', 'text', (c) => c.notNull())
    .addColumn('side', 'text')
    .addColumn('sector', 'text')
    .addColumn('lon', real, (c) => c.notNull())
    .addColumn('lat', real, (c) => c.notNull())
    .addColumn('radius_m', real, (c) => c.notNull())
    .addColumn('observed_from', 'text', (c) => c.notNull())
    .addColumn('observed_to', 'text', (c) => c.notNull())
    .addColumn('corroboration', 'text', (c) => c.notNull())
    .addColumn('attribution', 'text')
    .addColumn('pending', 'text')
    .addColumn('concluded_by', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .execute();
  await db.schema.createIndex('incidents_status').on('incidents').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('incidents_observed').on('incidents').columns(['observed_from']).execute();
  await db.schema
    .createTable('incident_reports')
    .addColumn('report_id', 'text', (c) => c.primaryKey().references('reports.id'))
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('how', 'text', (c) => c.notNull())
    .addColumn('added_by', 'text')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_reports_incident')
    .on('incident_reports')
    .columns(['incident_id'])
    .execute();
  await db.schema
    .createTable('incident_transitions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('from_status', 'text', (c) => c.notNull())
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('by_user_id', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_transitions_incident')
    .on('incident_transitions')
    .columns(['incident_id', 'seq'])
    .execute();
  await db.schema
    .createTable('findings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('incident_id', 'text', (c) => c.notNull().references('incidents.id'))
    .addColumn('agreement_version_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('public', 'integer', (c) => c.notNull())
    .addColumn('proposed_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addColumn('published_at', 'text')
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .execute();
  await db.schema.createIndex('findings_incident').on('findings').columns(['incident_id']).execute();
  await db.schema
    .createTable('finding_votes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('finding_id', 'text', (c) => c.notNull().references('findings.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('choice', 'text', (c) => c.notNull())
    .addColumn('opinion', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addUniqueConstraint('finding_votes_once', ['finding_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('verification_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await db.insertInto('verification_state').values({ key: 'generation', value: 0 }).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'verification_state',
    'finding_votes',
    'findings',
    'incident_transitions',
    'incident_reports',
    'incidents',
  ])
    await db.schema.dropTable(table).execute();
}
