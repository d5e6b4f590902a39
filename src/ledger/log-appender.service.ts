/**
 * The write side of the log (Tessera's appender): queues changes in the caller's transaction. It
 * gives each its queue number (logged in the entry as `q`) but no index, and signs nothing; the
 * sequencer (`log-sequencer.service.ts`) integrates the queue.
 *
 * Files of the log service are named after their part and end in `.service.ts` like every service
 * (rules over repositories, no HTTP): `log-appender`, `log-sequencer`, `log-reader`, `log-awaiter`;
 * `ledger.service.ts` composes them.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import {
  enqueueEntries,
  findEntryIndexBySeq,
  insertCommitmentSalts,
  reserveQueueNumbers,
} from './ledger.repository.js';
import { toLogItem, type LoggedChange } from './log-item.js';
import { noteQueuedEntry } from './request-entries.js';

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

/** Queues log entries (and the salts of committed records) in the writers' transactions. */
export class LogAppender implements BulkLedgerWriter {
  readonly #queuedListeners: (() => void)[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  /** Queues one change in the caller's transaction; returns its queue number. */
  async record(tx: Executor, change: LoggedChange): Promise<number> {
    const [seq] = (await this.recordMany(tx, [change])) as [number];
    return seq;
  }

  /** Queues many changes in order, salting those logged as commitments; returns their queue numbers. */
  async recordMany(tx: Executor, changes: readonly LoggedChange[]): Promise<number[]> {
    if (changes.length === 0) return [];
    const at = this.now().toISOString();
    const salts = crypto.randomBytes(32 * changes.length);
    // Each entry logs its own queue number (`q`), so the numbers are taken before it is built.
    const seqs = await reserveQueueNumbers(tx, changes.length);
    const items = changes.map((change, i) =>
      toLogItem(change, at, salts.subarray(32 * i, 32 * i + 32), seqs[i] as number),
    );
    await enqueueEntries(
      tx,
      items.map(({ kind, data, leafHash }, i) => ({
        seq: seqs[i] as number,
        kind,
        data,
        leafHash,
        createdAt: at,
      })),
    );
    const saltRows = items.flatMap((item, i) =>
      item.salt ? [{ queueSeq: seqs[i] as number, ...item.salt }] : [],
    );
    if (saltRows.length > 0) await insertCommitmentSalts(tx, saltRows);
    for (const seq of seqs) noteQueuedEntry(seq);
    for (const listener of this.#queuedListeners) listener();
    return seqs;
  }

  /** Where a queued entry landed in the log, or null while it waits to be integrated. */
  async indexOfQueued(seq: number): Promise<number | null> {
    return (await findEntryIndexBySeq(this.db, [seq])).get(seq) ?? null;
  }

  /** Calls `listener` whenever entries are queued (before their transaction commits): the sequencer wakes. */
  onQueued(listener: () => void): void {
    this.#queuedListeners.push(listener);
  }
}
