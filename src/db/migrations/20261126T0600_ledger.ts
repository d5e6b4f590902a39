import type { Kysely } from 'kysely';
import { columnTypes, dialectOf } from '../dialect.js';

const EMPTY_ROOT_HEX = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('log_queue')
    // AUTOINCREMENT on SQLite: queue numbers must never be reused after the queue empties.
    .addColumn('seq', t.serial, (c) =>
      dialectOf(db) === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', t.blob, (c) => c.notNull())
    .addColumn('leaf_hash', t.blob, (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log_entries')
    .addColumn('idx', t.bigint, (c) => c.primaryKey())
    .addColumn('queue_seq', t.bigint, (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', t.blob, (c) => c.notNull())
    .addColumn('leaf_hash', t.blob, (c) => c.notNull())
    .addColumn('integrated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('size', t.bigint, (c) => c.notNull())
    .addColumn('root_hash', t.blob, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db
    .insertInto('log_state')
    .values({
      id: 1,
      size: 0,
      root_hash: Buffer.from(EMPTY_ROOT_HEX, 'hex'),
      updated_at: new Date(0).toISOString(),
    })
    .execute();
  await db.schema
    .createTable('log_checkpoints')
    .addColumn('size', t.bigint, (c) => c.primaryKey())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log_cosignatures')
    .addColumn('size', t.bigint, (c) => c.notNull())
    .addColumn('witness', 'text', (c) => c.notNull())
    .addColumn('signature_line', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_cosignatures_pk', ['size', 'witness'])
    .execute();
  await db.schema
    .createTable('log_witnesses')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('vkey', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .execute();
  await db.schema
    .createTable('log_commitments')
    .addColumn('queue_seq', t.bigint, (c) => c.primaryKey())
    .addColumn('record_kind', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('salt', t.blob, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('log_commitments_record')
    .on('log_commitments')
    .columns(['record_kind', 'record_id'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'log_commitments',
    'log_witnesses',
    'log_cosignatures',
    'log_checkpoints',
    'log_state',
    'log_entries',
    'log_queue',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
