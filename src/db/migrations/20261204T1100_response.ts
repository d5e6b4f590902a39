import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('ladder_id', 'text', (c) => c.notNull())
    .addColumn('agreement_version_id', 'text', (c) => c.notNull())
    .addColumn('party', 'text')
    .addColumn('rung_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .execute();
  await db.schema.createIndex('cases_status').on('cases').columns(['status', 'deadline']).execute();
  await db.schema.createIndex('cases_opened').on('cases').columns(['opened_at']).execute();
  await db.schema
    .createTable('case_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('rung_id', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('option', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addUniqueConstraint('case_decisions_once', ['case_id', 'rung_id', 'actor'])
    .execute();
  await db.schema
    .createTable('case_inactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('rung_id', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_inactions_case').on('case_inactions').columns(['case_id']).execute();
  await db.schema
    .createTable('response_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['response_state', 'case_inactions', 'case_decisions', 'cases'])
    await db.schema.dropTable(t).execute();
}
