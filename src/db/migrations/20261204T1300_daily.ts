import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('daily_report_editions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('report_date', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('edition', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('byte_length', 'integer', (c) => c.notNull())
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('log_seq', 'bigint')
    .addColumn('marking', 'text', (c) => c.notNull())
    .addColumn('owner_organisation_id', 'text', (c) => c.notNull())
    .addColumn('author_user_id', 'text')
    .execute();
  await db.schema
    .createIndex('daily_report_editions_date')
    .on('daily_report_editions')
    .columns(['report_date', 'format'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('daily_report_editions').execute();
}
