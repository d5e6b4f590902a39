import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect.js';

/**
 * `access_generation`: one counter that every change to who may do or read what moves, in the
 * changing statement's own transaction (triggers, so every writer counts: services, the CLI beside a
 * running server, another server process). Caches of a requester's context (the token's principal,
 * the agreement versions it may read, its grading ceiling, the organisations) are used only while the
 * counter, read once per request, still has the value they were built at: a revoked token or a
 * removed membership stops working at the next request in every process.
 *
 * What moves it: organisations, users, grading ceilings and agreement versions (any row written),
 * record addressees of agreement versions, and API tokens (created, deleted, or their secret, owner,
 * scopes, expiry or revocation changed; not `last_used_at`).
 */
const WATCHED = ['organisations', 'users', 'grading_ceilings', 'agreement_versions'] as const;
const TOKEN_COLUMNS = ['secret_hash', 'user_id', 'scopes', 'expires_at', 'revoked_at'] as const;
const BUMP = 'update access_generation set value = value + 1 where id = 1';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('access_generation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('access_generation').values({ id: 1, value: 0 }).execute();
  if (dialectOf(db) === 'postgres') {
    await sql
      .raw(
        `create function bump_access_generation() returns trigger language plpgsql as $$
         begin ${BUMP}; return null; end $$`,
      )
      .execute(db);
    for (const table of WATCHED)
      await sql
        .raw(
          `create trigger ${table}_access_generation after insert or update or delete on ${table}
           for each statement execute function bump_access_generation()`,
        )
        .execute(db);
    await sql
      .raw(
        `create trigger api_tokens_access_generation after insert or delete or update of
         ${TOKEN_COLUMNS.join(', ')} on api_tokens for each statement execute function bump_access_generation()`,
      )
      .execute(db);
    for (const [events, row] of [
      ['insert or update', 'new'],
      ['delete', 'old'],
    ] as const)
      await sql
        .raw(
          `create trigger record_addressees_access_generation_${row} after ${events} on record_addressees
           for each row when (${row}.record_kind = 'agreement_version') execute function bump_access_generation()`,
        )
        .execute(db);
    return;
  }
  for (const table of WATCHED)
    for (const event of ['insert', 'update', 'delete'])
      await sql
        .raw(
          `create trigger ${table}_access_generation_${event} after ${event} on ${table} begin ${BUMP}; end`,
        )
        .execute(db);
  for (const event of ['insert', 'delete'])
    await sql
      .raw(
        `create trigger api_tokens_access_generation_${event} after ${event} on api_tokens begin ${BUMP}; end`,
      )
      .execute(db);
  await sql
    .raw(
      `create trigger api_tokens_access_generation_update after update of ${TOKEN_COLUMNS.join(', ')}
       on api_tokens begin ${BUMP}; end`,
    )
    .execute(db);
  for (const [event, row] of [
    ['insert', 'new'],
    ['update', 'new'],
    ['delete', 'old'],
  ] as const)
    await sql
      .raw(
        `create trigger record_addressees_access_generation_${event} after ${event} on record_addressees
         when ${row}.record_kind = 'agreement_version' begin ${BUMP}; end`,
      )
      .execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are typed against Kysely<any>
export async function down(db: Kysely<any>): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    for (const table of [...WATCHED, 'api_tokens'])
      await sql.raw(`drop trigger ${table}_access_generation on ${table}`).execute(db);
    for (const row of ['new', 'old'])
      await sql
        .raw(`drop trigger record_addressees_access_generation_${row} on record_addressees`)
        .execute(db);
    await sql.raw('drop function bump_access_generation()').execute(db);
  } else {
    const triggers = await sql<{ name: string }>`
      select name from sqlite_master where type = 'trigger' and name like '%_access_generation%'`.execute(db);
    for (const { name } of triggers.rows) await sql.raw(`drop trigger ${name}`).execute(db);
  }
  await db.schema.dropTable('access_generation').execute();
}
