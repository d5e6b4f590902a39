import type { Kysely } from 'kysely';

/**
 * Daily report editions get a language (`en`, `uk`) for HTML and PDF; null for JSON and for the
 * editions recorded before, which were all English and were logged without one.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('daily_report_editions').addColumn('lang', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('daily_report_editions').dropColumn('lang').execute();
}
