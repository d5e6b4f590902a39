import crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { sql, type Kysely } from 'kysely';
import type { Database, Dialect, Executor } from '../db/database.js';
import { AppError } from '../core/errors.js';
import { formatCheckpoint } from './checkpoint.js';
import { CosigningService } from './cosigning.service.js';
import {
  cosignaturesAt,
  findEntryIndexBySeq,
  insertCheckpoint,
  insertCommitmentSalts,
  enqueueEntries,
  latestCheckpoint,
  lockLogState,
  readEntries,
  readLeafHashes,
  integrateQueued,
  peekQueued,
  updateLogState,
  type StoredEntry,
} from './ledger.repository.js';
import { KEY_ROTATED_KIND } from './key-rotation.js';
import { toLogItem, type LoggedChange } from './log-item.js';
import { MerkleTree } from './merkle.js';
import { addSignatureLines, signNote, type Ed25519NoteSigner, type NoteSigner } from './note.js';
import { formatReceipt } from './proof.js';
import { noteQueuedEntry } from './request-entries.js';
import { encodeEntryBundle, tileHashes, TILE_WIDTH } from './tiles.js';

export { ENTRY_VERSION, recordCommitment } from './log-item.js';

export interface LedgerOptions {
  /** Most entries integrated in one batch. */
  batchSize: number;
  /** Longest wait between integrations while entries arrive (a checkpoint follows every batch). */
  intervalMs: number;
}

/**
 * The narrow interface every domain writes through: record changes in the caller's transaction, so a
 * change and its log entry both exist or neither. The writer, not the domain, decides what the public
 * log shows: CLEAR records in full, anything else as a salted commitment (see `toLogItem`).
 */
export interface LedgerWriter {
  /** Queues one change in the caller's transaction; returns its queue number. */
  record(tx: Executor, change: LoggedChange): Promise<number>;
  /** Queues many changes with a few multi-row statements, in order; returns their queue numbers. */
  recordMany(tx: Executor, changes: readonly LoggedChange[]): Promise<number[]>;
}

/** A LedgerWriter that also says where a queued entry landed (bulk imports report it per row). */
export interface BulkLedgerWriter extends LedgerWriter {
  /** Where a queued entry landed in the log, or null while it waits to be integrated. */
  indexOfQueued(seq: number): Promise<number | null>;
}

/**
 * The transparency log over the database: queues entries in the writers' transactions, integrates them
 * in batches with contiguous indices, signs a checkpoint per batch, and serves tiles, entries, proofs and
 * receipts from an in-memory Merkle tree kept in step with the database.
 */
export class Ledger implements BulkLedgerWriter {
  #tree = new MerkleTree();
  readonly #events = new EventEmitter();
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #integrating: Promise<number> | undefined;
  /** Collects witness cosignatures; the sequencer loop runs it after each integration. */
  readonly cosigning: CosigningService;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    readonly signer: Ed25519NoteSigner,
    private readonly now: () => Date,
    private readonly options: LedgerOptions = { batchSize: 4096, intervalMs: 50 },
  ) {
    this.#events.setMaxListeners(0);
    this.cosigning = new CosigningService(db, this, now, {
      onError: (err) => this.#events.listenerCount('error') > 0 && this.#events.emit('error', err),
    });
  }

  /** The log's origin line, which is also the name of its signing key. */
  get origin(): string {
    return this.signer.name;
  }

  get size(): number {
    return this.#tree.size;
  }

  async record(tx: Executor, change: LoggedChange): Promise<number> {
    const [seq] = (await this.recordMany(tx, [change])) as [number];
    return seq;
  }

  async recordMany(tx: Executor, changes: readonly LoggedChange[]): Promise<number[]> {
    if (changes.length === 0) return [];
    const at = this.now().toISOString();
    const salts = crypto.randomBytes(32 * changes.length);
    const items = changes.map((change, i) => toLogItem(change, at, salts.subarray(32 * i, 32 * i + 32)));
    const seqs = await enqueueEntries(
      tx,
      items.map(({ kind, data, leafHash }) => ({ kind, data, leafHash, createdAt: at })),
    );
    const saltRows = items.flatMap((item, i) =>
      item.salt ? [{ queueSeq: seqs[i] ?? -1, ...item.salt }] : [],
    );
    if (saltRows.length > 0) await insertCommitmentSalts(tx, saltRows);
    for (const seq of seqs) noteQueuedEntry(seq);
    this.#wake?.();
    return seqs;
  }

  /** Loads leaf hashes the database has and this process's tree does not (other processes integrate too). */
  async refresh(db: Executor = this.db): Promise<void> {
    const { size } = await db
      .selectFrom('log_state')
      .select('size')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    for (let from = this.#tree.size; from < Number(size); from += 65_536) {
      const hashes = await readLeafHashes(db, from, Math.min(Number(size), from + 65_536));
      if (hashes.length === 0) break;
      this.#tree.appendMany(hashes);
    }
  }

  /**
   * Integrates up to one batch of queued entries: numbers them after the current size, stores them,
   * moves the state, signs a checkpoint — all in one transaction. Returns how many were integrated.
   */
  integrateOnce(db: Kysely<Database> = this.db): Promise<number> {
    // One integration at a time in this process; callers share the one in flight.
    this.#integrating ??= this.#integrate(db).finally(() => {
      this.#integrating = undefined;
    });
    return this.#integrating;
  }

  /**
   * Key rotation: in one transaction, logs `record` as `log.key-rotated` after everything queued and
   * signs that checkpoint with the current key and `next`, so auditors holding the old key can follow.
   */
  async integrateKeyRotation(next: NoteSigner, record: unknown): Promise<number> {
    while (this.#integrating) await this.#integrating.catch(() => undefined);
    this.#integrating = this.#integrate(this.db, { next, record }).finally(() => {
      this.#integrating = undefined;
    });
    return this.#integrating;
  }

  async #integrate(db: Kysely<Database>, rotation?: { next: NoteSigner; record: unknown }): Promise<number> {
    const tree = this.#tree;
    let integrated: { seqs: number[]; first: number } | undefined;
    try {
      integrated = await db.transaction().execute(async (tx) => {
        const state = await lockLogState(tx, this.dialect);
        if (tree.size < state.size) await this.refresh(tx);
        if (tree.size !== state.size)
          throw new Error(`log tree has ${tree.size} leaves but the database ${state.size}`);
        if (rotation)
          await this.record(tx, {
            kind: KEY_ROTATED_KIND,
            recordKind: 'log-key',
            recordId: rotation.next.name,
            marking: 'CLEAR',
            record: rotation.record,
          });
        const queued = await peekQueued(tx, rotation ? Number.MAX_SAFE_INTEGER : this.options.batchSize);
        if (queued.length === 0) return undefined;
        const at = this.now().toISOString();
        const seqs = queued.map((q) => q.seq);
        tree.appendMany(queued.map((q) => q.leafHash));
        const size = tree.size;
        const root = tree.root(size);
        await integrateQueued(tx, seqs, state.size, at);
        await updateLogState(tx, size, root, at);
        const signers = rotation ? [this.signer, rotation.next] : [this.signer];
        const note = signNote(formatCheckpoint({ origin: this.origin, size, rootHash: root }), signers);
        await insertCheckpoint(tx, size, note, at);
        return { seqs, first: state.size };
      });
    } catch (err) {
      // The in-memory tree may be ahead of what committed: rebuild it from the database.
      this.#tree = new MerkleTree();
      await this.refresh();
      throw err;
    }
    if (!integrated) return 0;
    integrated.seqs.forEach((seq, i) => this.#events.emit(`seq:${seq}`, integrated.first + i));
    this.#events.emit('integrated', this.#tree.size);
    return integrated.seqs.length;
  }

  /** Starts the sequencer loop. On PostgreSQL only the holder of the advisory lock integrates. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.dialect === 'postgres' ? this.#runElected() : this.#runLoop(this.db);
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    await this.cosigning.idle();
  }

  async #runLoop(db: Kysely<Database>): Promise<void> {
    while (this.#running) {
      let n = 0;
      try {
        n = await this.integrateOnce(db);
      } catch (err) {
        this.#events.emit('error', err);
      }
      this.cosigning.poke(n > 0);
      if (n < this.options.batchSize) await this.#sleep(this.options.intervalMs);
    }
  }

  async #runElected(): Promise<void> {
    const LOCK_KEY = 0x7472_7563; // "truc": one log sequencer per database
    while (this.#running) {
      try {
        await this.db.connection().execute(async (conn) => {
          const { rows } = await sqlTryLock(conn, LOCK_KEY);
          if (!rows[0]?.locked) return;
          try {
            await this.#runLoop(conn);
          } finally {
            await sqlUnlock(conn, LOCK_KEY);
          }
        });
      } catch (err) {
        this.#events.emit('error', err);
      }
      // A follower keeps its tree current for readers and tries again for the lock.
      if (this.#running) {
        await this.refresh().catch(() => undefined);
        await this.#sleep(1000);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      let woken = false;
      // Entries queued in this process wake the loop at once (after their transaction had time to commit).
      this.#wake = () => {
        if (woken) return;
        woken = true;
        setTimeout(done, 2);
      };
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Subscribes to sequencer errors (logged by the server). */
  onError(listener: (err: unknown) => void): void {
    this.#events.on('error', listener);
  }

  /** Where a queued entry landed in the log, or null while the sequencer has not integrated it yet. */
  async indexOfQueued(seq: number): Promise<number | null> {
    return (await findEntryIndexBySeq(this.db, [seq])).get(seq) ?? null;
  }

  /** Waits until queued entries are integrated; returns their indices. Throws 503 after `timeoutMs`. */
  async waitForIndices(seqs: number[], timeoutMs = 10_000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    const found = new Map<number, number>();
    const pending = new Set(seqs);
    const listeners = new Map<number, (index: number) => void>();
    const allFound = new Promise<void>((resolve) => {
      for (const seq of seqs) {
        const listener = (index: number) => {
          found.set(seq, index);
          pending.delete(seq);
          if (pending.size === 0) resolve();
        };
        listeners.set(seq, listener);
        this.#events.once(`seq:${seq}`, listener);
      }
    });
    try {
      while (pending.size > 0) {
        // Integrated by another process, or before we subscribed: ask the database.
        for (const [seq, index] of await findEntryIndexBySeq(this.db, [...pending])) {
          found.set(seq, index);
          pending.delete(seq);
        }
        if (pending.size === 0) break;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new AppError(
            'unavailable',
            'the log has not integrated the entry yet; ask for the receipt later',
          );
        await Promise.race([allFound, new Promise((r) => setTimeout(r, Math.min(left, 200)))]);
      }
    } finally {
      for (const [seq, listener] of listeners) this.#events.off(`seq:${seq}`, listener);
    }
    await this.refresh();
    return seqs.map((s) => found.get(s) ?? -1);
  }

  /** The latest signed checkpoint with the witnesses' cosignatures attached. */
  async checkpoint(): Promise<{ size: number; note: string; createdAt: string } | undefined> {
    const latest = await latestCheckpoint(this.db);
    if (!latest) return undefined;
    const cosignatures = await cosignaturesAt(this.db, latest.size);
    return {
      ...latest,
      note: addSignatureLines(
        latest.note,
        cosignatures.map((c) => c.line),
      ),
    };
  }

  /** A tlog-proof receipt for an entry against the latest checkpoint. */
  async receipt(index: number): Promise<string> {
    const checkpoint = await this.checkpoint();
    if (!checkpoint || index >= checkpoint.size)
      throw new AppError('not_found', `log entry ${index} is not integrated yet`);
    await this.refresh();
    return formatReceipt({
      index,
      proof: this.#tree.inclusionProof(index, checkpoint.size),
      checkpointNote: checkpoint.note,
    });
  }

  /** Inclusion proof of an entry in a tree of the given size. */
  inclusionProof(index: number, size: number): Buffer[] {
    return this.#tree.inclusionProof(index, size);
  }

  /** Consistency proof between two tree sizes (`[]` from 0 or between equal sizes). */
  consistencyProof(first: number, second: number): Buffer[] {
    return this.#tree.consistencyProof(first, second);
  }

  /** Hash tile content, or undefined when the tree is not yet that large. */
  async tile(level: number, index: number, width: number): Promise<Buffer | undefined> {
    await this.refresh();
    const available = Math.floor(this.#tree.size / TILE_WIDTH ** level) - index * TILE_WIDTH;
    if (available < width) return undefined;
    return tileHashes(this.#tree, level, index, width);
  }

  /** Entry bundle content, or undefined when the log does not hold those entries yet. */
  async entryBundle(index: number, width: number): Promise<Buffer | undefined> {
    const entries = await readEntries(this.db, index * TILE_WIDTH, index * TILE_WIDTH + width);
    if (entries.length < width) return undefined;
    return encodeEntryBundle(entries.map((e) => e.data));
  }

  /** Entries by index, for lookups. */
  entries(from: number, to: number): Promise<StoredEntry[]> {
    return readEntries(this.db, from, to);
  }
}

function sqlTryLock(conn: Kysely<Database>, key: number) {
  return sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(conn);
}

function sqlUnlock(conn: Kysely<Database>, key: number) {
  return sql`select pg_advisory_unlock(${key})`.execute(conn);
}
