import { CompiledQuery, sql } from 'kysely';
import type { Dialect, Executor } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import { copyRows } from '../db/copy-rows.js';

/** A queued entry waiting to be numbered (its bytes stay in the database). */
export interface QueuedEntry {
  seq: number;
  leafHash: Buffer;
}

/** An integrated log entry. */
export interface StoredEntry {
  index: number;
  queueSeq: number;
  kind: string;
  data: Buffer;
  leafHash: Buffer;
  integratedAt: string;
}

/**
 * Takes `count` new queue numbers, ascending, with one query, before the entries that carry them are
 * queued (each entry logs its own number). On PostgreSQL from `log_queue`'s sequence (concurrent
 * writers take disjoint numbers; a rolled-back one is never reused). On SQLite, whose one writer holds
 * the write lock for the rest of the transaction, the numbers after the highest ever used: the
 * AUTOINCREMENT counter (`sqlite_sequence`, kept when the queue empties), or a higher number still in
 * the queue or the log (a database restored without its counter).
 */
export async function reserveQueueNumbers(db: Executor, count: number): Promise<number[]> {
  if (count === 0) return [];
  if (dialectOf(db) === 'postgres') {
    const { rows } = await db.executeQuery<{ seq: number | bigint | string }>(
      CompiledQuery.raw(
        `select nextval(pg_get_serial_sequence('log_queue', 'seq')) as seq from generate_series(1, $1)`,
        [count],
      ),
    );
    return rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
  }
  const { rows } = await db.executeQuery<{ last: number | bigint | null }>(
    CompiledQuery.raw(
      'select max(' +
        "coalesce((select seq from sqlite_sequence where name = 'log_queue'), 0), " +
        'coalesce((select max(seq) from log_queue), 0), ' +
        'coalesce((select max(queue_seq) from log_entries), 0)) as last',
    ),
  );
  const last = Number(rows[0]?.last ?? 0);
  return Array.from({ length: count }, (_, i) => last + 1 + i);
}

/**
 * Queues entries under the queue numbers {@link reserveQueueNumbers} took for them. Every log entry
 * passes through here, so it skips the query builder (see `insertMany`; COPY for a bulk write on
 * PostgreSQL, see `copyRows`).
 */
export async function enqueueEntries(
  db: Executor,
  entries: readonly { seq: number; kind: string; data: Buffer; leafHash: Buffer; createdAt: string }[],
): Promise<void> {
  await copyRows(
    db,
    'log_queue',
    ['seq', 'kind', 'data', 'leaf_hash', 'created_at'],
    entries.map((e) => [e.seq, e.kind, e.data, e.leafHash, e.createdAt]),
  );
}

/** Stores commitment salts. */
export async function insertCommitmentSalts(
  db: Executor,
  rows: readonly { queueSeq: number; recordKind: string; recordId: string; salt: Buffer }[],
): Promise<void> {
  await copyRows(
    db,
    'log_commitments',
    ['queue_seq', 'record_kind', 'record_id', 'salt'],
    rows.map((r) => [r.queueSeq, r.recordKind, r.recordId, r.salt]),
  );
}

export async function findCommitmentSalts(
  db: Executor,
  recordKind: string,
  recordId: string,
): Promise<{ queueSeq: number; salt: Buffer }[]> {
  const rows = await db
    .selectFrom('log_commitments')
    .select(['queue_seq', 'salt'])
    .where('record_kind', '=', recordKind)
    .where('record_id', '=', recordId)
    .orderBy('queue_seq')
    .execute();
  return rows.map((r) => ({ queueSeq: Number(r.queue_seq), salt: r.salt }));
}

/**
 * Locks the log state for the rest of the transaction and returns it. On PostgreSQL a row lock; on
 * SQLite a no-op write that takes the database's write lock before anything is read.
 */
export async function lockLogState(
  db: Executor,
  dialect: Dialect,
): Promise<{ size: number; rootHash: Buffer }> {
  if (dialect === 'postgres') {
    const row = await sql<{
      size: number;
      root_hash: Buffer;
    }>`select size, root_hash from log_state where id = 1 for update`.execute(db);
    const state = row.rows[0];
    if (!state) throw new Error('log_state row is missing');
    return { size: Number(state.size), rootHash: state.root_hash };
  }
  await db.updateTable('log_state').set({ id: 1 }).where('id', '=', 1).execute();
  const state = await db
    .selectFrom('log_state')
    .select(['size', 'root_hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { size: Number(state.size), rootHash: state.root_hash };
}

/** How many entries the log holds (the size of the latest integration that committed). */
export async function readLogSize(db: Executor): Promise<number> {
  const state = await db.selectFrom('log_state').select('size').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(state.size);
}

/** Key of the PostgreSQL advisory lock whose holder is the database's one sequencer ("truc"). */
export const SEQUENCER_LOCK_KEY = 0x7472_7563;

/**
 * PostgreSQL only: tries to become the database's sequencer; true if this session now holds the lock.
 * Session-level, so `conn` must be one connection held until `releaseSequencerLock`.
 */
export async function tryAcquireSequencerLock(conn: Executor): Promise<boolean> {
  const { rows } = await sql<{
    locked: boolean;
  }>`select pg_try_advisory_lock(${SEQUENCER_LOCK_KEY}) as locked`.execute(conn);
  return Boolean(rows[0]?.locked);
}

/** PostgreSQL only: gives up being the sequencer (on the connection that took the lock). */
export async function releaseSequencerLock(conn: Executor): Promise<void> {
  await sql`select pg_advisory_unlock(${SEQUENCER_LOCK_KEY})`.execute(conn);
}

export async function updateLogState(
  db: Executor,
  size: number,
  rootHash: Buffer,
  at: string,
): Promise<void> {
  await db
    .updateTable('log_state')
    .set({ size, root_hash: rootHash, updated_at: at })
    .where('id', '=', 1)
    .execute();
}

/** The oldest queued entries, up to `limit`, in queue order. */
export async function peekQueued(db: Executor, limit: number): Promise<QueuedEntry[]> {
  const { rows } = await db.executeQuery<{ seq: number | bigint; leaf_hash: Buffer }>(
    CompiledQuery.raw(
      `select seq, leaf_hash from log_queue order by seq limit ${dialectOf(db) === 'postgres' ? '$1' : '?'}`,
      [limit],
    ),
  );
  return rows.map((r) => ({ seq: Number(r.seq), leafHash: r.leaf_hash }));
}

/**
 * Moves queued entries into the log: the entry with queue number `seqs[i]` becomes entry `first + i`.
 * The bytes are copied inside the database, one statement per run of consecutive queue numbers (on
 * SQLite the whole batch is one run). Call it with the log state locked (see `lockLogState`).
 */
export async function integrateQueued(
  db: Executor,
  seqs: readonly number[],
  first: number,
  integratedAt: string,
): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  const p = (n: number) => (postgres ? `$${n}` : '?');
  // Never a range past what was read: on PostgreSQL a lower queue number can commit after a higher one.
  for (let start = 0; start < seqs.length;) {
    let end = start + 1;
    while (end < seqs.length && seqs[end] === (seqs[end - 1] as number) + 1) end += 1;
    const low = seqs[start] as number;
    const high = seqs[end - 1] as number;
    const copied = await db.executeQuery(
      CompiledQuery.raw(
        'insert into log_entries (idx, queue_seq, kind, data, leaf_hash, integrated_at) ' +
          `select seq + ${p(1)}, seq, kind, data, leaf_hash, ${p(2)} from log_queue ` +
          `where seq >= ${p(3)} and seq <= ${p(4)} order by seq`,
        [first + start - low, integratedAt, low, high],
      ),
    );
    if (Number(copied.numAffectedRows) !== end - start)
      throw new Error(`log queue ${low}..${high} changed while it was being integrated`);
    await db.executeQuery(
      CompiledQuery.raw(`delete from log_queue where seq >= ${p(1)} and seq <= ${p(2)}`, [low, high]),
    );
    start = end;
  }
}

export async function countQueued(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('log_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function readLeafHashes(db: Executor, from: number, to: number): Promise<Buffer[]> {
  const rows = await db
    .selectFrom('log_entries')
    .select(['idx', 'leaf_hash'])
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
  return rows.map((r) => r.leaf_hash);
}

/** Integrated entries with indices in [from, to), in order (the auditor reads a database directly). */
export async function readEntries(db: Executor, from: number, to: number): Promise<StoredEntry[]> {
  const rows = await db
    .selectFrom('log_entries')
    .selectAll()
    .where('idx', '>=', from)
    .where('idx', '<', to)
    .orderBy('idx')
    .execute();
  return rows.map((r) => ({
    index: Number(r.idx),
    queueSeq: Number(r.queue_seq),
    kind: r.kind,
    data: r.data,
    leafHash: r.leaf_hash,
    integratedAt: r.integrated_at,
  }));
}

export async function findEntryIndexBySeq(db: Executor, seqs: number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  for (let i = 0; i < seqs.length; i += 500) {
    const rows = await db
      .selectFrom('log_entries')
      .select(['idx', 'queue_seq'])
      .where('queue_seq', 'in', seqs.slice(i, i + 500))
      .execute();
    for (const r of rows) found.set(Number(r.queue_seq), Number(r.idx));
  }
  return found;
}

/** The index and kind of integrated entries by queue number (entries still queued are absent). */
export async function findEntriesBySeq(
  db: Executor,
  seqs: readonly number[],
): Promise<Map<number, { index: number; kind: string }>> {
  const found = new Map<number, { index: number; kind: string }>();
  for (let i = 0; i < seqs.length; i += 500) {
    const rows = await db
      .selectFrom('log_entries')
      .select(['idx', 'queue_seq', 'kind'])
      .where('queue_seq', 'in', seqs.slice(i, i + 500))
      .execute();
    for (const r of rows) found.set(Number(r.queue_seq), { index: Number(r.idx), kind: r.kind });
  }
  return found;
}

export async function insertCheckpoint(db: Executor, size: number, note: string, at: string): Promise<void> {
  await db.insertInto('log_checkpoints').values({ size, note, created_at: at }).execute();
}

export async function latestCheckpoint(
  db: Executor,
): Promise<{ size: number; note: string; createdAt: string } | undefined> {
  const row = await db
    .selectFrom('log_checkpoints')
    .selectAll()
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { size: Number(row.size), note: row.note, createdAt: row.created_at };
}

export async function listCheckpoints(
  db: Executor,
  limit: number,
): Promise<{ size: number; note: string; createdAt: string }[]> {
  const rows = await db
    .selectFrom('log_checkpoints')
    .selectAll()
    .orderBy('size', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ size: Number(r.size), note: r.note, createdAt: r.created_at }));
}

export async function insertCosignature(
  db: Executor,
  size: number,
  witness: string,
  line: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('log_cosignatures')
    .values({ size, witness, signature_line: line, created_at: at })
    .execute();
}

export async function cosignaturesAt(
  db: Executor,
  size: number,
): Promise<{ witness: string; line: string }[]> {
  const rows = await db
    .selectFrom('log_cosignatures')
    .select(['witness', 'signature_line'])
    .where('size', '=', size)
    .orderBy('witness')
    .execute();
  return rows.map((r) => ({ witness: r.witness, line: r.signature_line }));
}

export async function lastCosignedSize(db: Executor, witness: string): Promise<number> {
  const row = await db
    .selectFrom('log_cosignatures')
    .select((eb) => eb.fn.max('size').as('size'))
    .where('witness', '=', witness)
    .executeTakeFirst();
  return row?.size === null || row?.size === undefined ? 0 : Number(row.size);
}

export async function listWitnesses(
  db: Executor,
): Promise<{ name: string; vkey: string; url: string | null }[]> {
  return db.selectFrom('log_witnesses').selectAll().orderBy('name').execute();
}

export async function upsertWitness(
  db: Executor,
  w: { name: string; vkey: string; url: string | null },
): Promise<void> {
  await db.deleteFrom('log_witnesses').where('name', '=', w.name).execute();
  await db.insertInto('log_witnesses').values(w).execute();
}

export async function deleteWitness(db: Executor, name: string): Promise<number> {
  const result = await db.deleteFrom('log_witnesses').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows);
}
