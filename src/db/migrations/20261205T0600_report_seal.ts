import type { Kysely } from 'kysely';
import { columnTypes } from '../dialect.js';

/**
 * `reports.seal_salt`: the salt of the commitment a report's logged record makes to what only some of
 * its readers may know (its source and the notified sites it touches; see `sealedSha256`). Null for
 * reports written before the column existed, whose records carry no such commitment.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reports').addColumn('seal_salt', columnTypes(db).blob).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('reports').dropColumn('seal_salt').execute();
}
