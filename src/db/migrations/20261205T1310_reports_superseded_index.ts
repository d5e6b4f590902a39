import { sql, type Kysely } from 'kysely';

/**
 * `reports_superseded_by`: finds the previous revision of a report (`previousRevisionsOf`, run by
 * every correlation) without reading the whole reports table. Partial: the current reports (nearly
 * all, superseded_by null) are not in it, so an intake writes nothing more to it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('reports_superseded_by')
    .on('reports')
    .column('superseded_by')
    .where(sql.ref('superseded_by'), 'is not', null)
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('reports_superseded_by').execute();
}
