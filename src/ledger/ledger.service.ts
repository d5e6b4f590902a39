/**
 * The transparency log over the database, composed of its parts (as Tessera splits its appender,
 * integrator, reader and publication awaiter), each in its own file:
 *
 * - `log-appender.service.ts`: queues entries in the writers' transactions (the `LedgerWriter`);
 * - `log-sequencer.service.ts`: integrates the queue in batches and signs a checkpoint per batch;
 * - `log-reader.service.ts`: checkpoints, receipts, proofs, tiles and entries;
 * - `log-awaiter.service.ts`: waits for queued entries to be integrated (receipts on writes);
 * - `log-tree.ts`: the in-memory Merkle tree they share, kept in step with the database.
 *
 * Each consumer gets only the part it needs (domains the appender, routes the reader); `Ledger` builds
 * the parts over one database and runs the sequencer's lifecycle for the process.
 */
import type { Kysely } from 'kysely';
import type { Database, Dialect, Executor } from '../db/database.js';
import { LogAppender, type BulkLedgerWriter } from './log-appender.service.js';
import { LogAwaiter } from './log-awaiter.service.js';
import type { LoggedChange } from './log-item.js';
import { LogReader, type StoredEntry } from './log-reader.service.js';
import { LogSequencer, type SequencerOptions } from './log-sequencer.service.js';
import { LogTree } from './log-tree.js';
import type { Ed25519NoteSigner } from './note.js';

export { ENTRY_VERSION, recordCommitment } from './log-item.js';
export type { BulkLedgerWriter, LedgerWriter } from './log-appender.service.js';

/** Tuning of the sequencer (see `SequencerOptions`). */
export type LedgerOptions = SequencerOptions;

/**
 * The log's parts over one database, built once per process (see the module comment). It is itself a
 * `BulkLedgerWriter` and keeps `integrateOnce`, `entries` and `refresh`, delegating to its parts, so
 * that the process's own wiring and tests stay short; hand services and routes the parts.
 */
export class Ledger implements BulkLedgerWriter {
  /** Queues changes in the writers' transactions: what every domain receives. */
  readonly appender: LogAppender;
  /** Integrates queued entries, signs checkpoints, rotates the key, runs witness cosigning. */
  readonly sequencer: LogSequencer;
  /** Checkpoints, receipts, proofs, tiles and entries: what the log's routes receive. */
  readonly reader: LogReader;
  /** Waits for queued entries to be integrated: what write receipts need, with the reader. */
  readonly awaiter: LogAwaiter;

  constructor(
    db: Kysely<Database>,
    dialect: Dialect,
    signer: Ed25519NoteSigner,
    now: () => Date,
    options?: LedgerOptions,
  ) {
    const tree = new LogTree(db);
    this.appender = new LogAppender(db, now);
    this.awaiter = new LogAwaiter(db, tree);
    this.reader = new LogReader(db, tree, { origin: signer.name, verifierKey: signer.verifierKey });
    this.sequencer = new LogSequencer(
      db,
      dialect,
      signer,
      { tree, appender: this.appender, awaiter: this.awaiter },
      now,
      options,
    );
  }

  /** Queues one change in the caller's transaction (see `LogAppender.record`). */
  record(tx: Executor, change: LoggedChange): Promise<number> {
    return this.appender.record(tx, change);
  }

  /** Queues many changes in order (see `LogAppender.recordMany`). */
  recordMany(tx: Executor, changes: readonly LoggedChange[]): Promise<number[]> {
    return this.appender.recordMany(tx, changes);
  }

  /** Where a queued entry landed, or null while it waits (see `LogAppender.indexOfQueued`). */
  indexOfQueued(seq: number): Promise<number | null> {
    return this.appender.indexOfQueued(seq);
  }

  /** Integrates up to one batch now (see `LogSequencer.integrateOnce`); returns how many entries. */
  integrateOnce(): Promise<number> {
    return this.sequencer.integrateOnce();
  }

  /** Entries by index (see `LogReader.entries`). */
  entries(from: number, to: number): Promise<StoredEntry[]> {
    return this.reader.entries(from, to);
  }

  /** Catches this process's tree up with the database (see `LogReader.refresh`). */
  refresh(): Promise<void> {
    return this.reader.refresh();
  }

  /** Starts the sequencer loop. On PostgreSQL only the holder of the advisory lock integrates. */
  start(): void {
    this.sequencer.start();
  }

  /** Stops the sequencer loop and waits for the cosigning round in flight. */
  stop(): Promise<void> {
    return this.sequencer.stop();
  }

  /** Subscribes to sequencer and cosigning errors (logged by the server). */
  onError(listener: (err: unknown) => void): void {
    this.sequencer.onError(listener);
  }
}
