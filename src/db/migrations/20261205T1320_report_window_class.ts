import { sql, type Kysely } from 'kysely';
import { windowClassSql } from '../../monitoring/window-class.js';
import { dialectOf } from '../dialect.js';

/**
 * `reports.window_class`: the length class of each report's observation window (see
 * `monitoring/window-class.ts`), filled in for the reports already stored, and the index the
 * window-overlap queries read: by class, then start, covering the end and the position so a map's
 * viewport is tested without reading the rows (on PostgreSQL also the id the query joins on).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('reports')
    .addColumn('window_class', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  const spanMs =
    dialectOf(db) === 'postgres'
      ? 'round(extract(epoch from (observed_to::timestamptz - observed_from::timestamptz)) * 1000)'
      : 'cast(round((julianday(observed_to) - julianday(observed_from)) * 86400000) as integer)';
  await sql.raw(`update reports set window_class = ${windowClassSql(spanMs)}`).execute(db);
  await db.schema
    .createIndex('reports_window')
    .on('reports')
    .columns([
      'window_class',
      'observed_from',
      'observed_to',
      'lon',
      'lat',
      ...(dialectOf(db) === 'postgres' ? ['id'] : []),
    ])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reports_window').execute();
  await db.schema.alterTable('reports').dropColumn('window_class').execute();
}
