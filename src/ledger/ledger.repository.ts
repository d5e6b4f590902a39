import { sql } from 'kysely';
import type { Dialect, Executor } from '../db/database.js';

/** A queued entry waiting to be numbered. */
export interface QueuedEntry {
  seq: number;
  kind: string;
  data: Buffer;
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

export async function enqueueEntry(
  db: Executor,
  entry: { kind: string; data: Buffer; leafHash: Buffer; createdAt: string },
): Promise<number> {
  const row = await db
    .insertInto('log_queue')
    .values({ kind: entry.kind, data: entry.data, leaf_hash: entry.leafHash, created_at: entry.createdAt })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** Queues many entries with multi-row statements; returns their queue numbers in order. */
export async function enqueueEntries(
  db: Executor,
  entries: readonly { kind: string; data: Buffer; leafHash: Buffer; createdAt: string }[],
): Promise<number[]> {
  const seqs: number[] = [];
  for (let i = 0; i < entries.length; i += 500) {
    const rows = await db
      .insertInto('log_queue')
      .values(
        entries
          .slice(i, i + 500)
          .map((e) => ({ kind: e.kind, data: e.data, leaf_hash: e.leafHash, created_at: e.createdAt })),
      )
      .returning('seq')
      .execute();
    // Both engines return inserted rows in VALUES order for a single multi-row insert.
    for (const r of rows) seqs.push(Number(r.seq));
  }
  return seqs;
}

/** Stores many commitment salts at once. */
export async function insertCommitmentSalts(
  db: Executor,
  rows: readonly { queueSeq: number; recordKind: string; recordId: string; salt: Buffer }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('log_commitments')
      .values(
        rows.slice(i, i + 500).map((r) => ({
          queue_seq: r.queueSeq,
          record_kind: r.recordKind,
          record_id: r.recordId,
          salt: r.salt,
        })),
      )
      .execute();
  }
}

export async function insertCommitmentSalt(
  db: Executor,
  row: { queueSeq: number; recordKind: string; recordId: string; salt: Buffer },
): Promise<void> {
  await db
    .insertInto('log_commitments')
    .values({ queue_seq: row.queueSeq, record_kind: row.recordKind, record_id: row.recordId, salt: row.salt })
    .execute();
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

export async function readLogState(db: Executor): Promise<{ size: number; rootHash: Buffer }> {
  const state = await db
    .selectFrom('log_state')
    .select(['size', 'root_hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { size: Number(state.size), rootHash: state.root_hash };
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

export async function takeQueued(db: Executor, limit: number): Promise<QueuedEntry[]> {
  const rows = await db.selectFrom('log_queue').selectAll().orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ seq: Number(r.seq), kind: r.kind, data: r.data, leafHash: r.leaf_hash }));
}

export async function deleteQueued(db: Executor, seqs: number[]): Promise<void> {
  for (let i = 0; i < seqs.length; i += 500) {
    await db
      .deleteFrom('log_queue')
      .where('seq', 'in', seqs.slice(i, i + 500))
      .execute();
  }
}

export async function countQueued(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('log_queue')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertEntries(db: Executor, entries: StoredEntry[]): Promise<void> {
  // Keep each statement's parameter count well under SQLite's and PostgreSQL's limits.
  for (let i = 0; i < entries.length; i += 200) {
    await db
      .insertInto('log_entries')
      .values(
        entries.slice(i, i + 200).map((e) => ({
          idx: e.index,
          queue_seq: e.queueSeq,
          kind: e.kind,
          data: e.data,
          leaf_hash: e.leafHash,
          integrated_at: e.integratedAt,
        })),
      )
      .execute();
  }
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
