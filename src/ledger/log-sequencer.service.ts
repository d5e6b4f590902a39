/**
 * The log's integrator (Tessera's sequencer and integrator in one): takes queued entries in batches,
 * numbers them contiguously after the current size, moves them into `log_entries`, moves the tree and
 * signs a checkpoint naming the one stored before it (`checkpoint-chain.ts`) — one transaction per
 * batch. One sequencer per database: on PostgreSQL only the holder of an advisory lock integrates,
 * other processes follow and take over when it dies (ELECTION_INTERVAL_MS); on SQLite the write lock
 * serialises.
 * After each batch it runs the witness cosigning (which never blocks integration).
 */
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import type { Database, Dialect } from '../db/database.js';
import { formatCheckpoint } from './checkpoint.js';
import { previousCheckpointLine } from './checkpoint-chain.js';
import { CosigningService } from './cosigning.service.js';
import {
  insertCheckpoint,
  integrateQueued,
  latestCheckpoint,
  lockLogState,
  peekQueued,
  releaseSequencerLock,
  tryAcquireSequencerLock,
  updateLogState,
} from './ledger.repository.js';
import { KEY_ROTATED_KIND } from './key-rotation.js';
import type { LogAppender } from './log-appender.service.js';
import type { LogAwaiter } from './log-awaiter.service.js';
import type { LogTree } from './log-tree.js';
import { signNote, type Ed25519NoteSigner, type NoteSigner } from './note.js';

/**
 * How often a process that is not the sequencer tries for the advisory lock (PostgreSQL): when the
 * holder dies its session ends, the lock frees, and another process takes over within this (sooner
 * when a write queues there). The bound the two-process failover test measures.
 */
export const ELECTION_INTERVAL_MS = 1000;

/** Tuning of the sequencer. */
export interface SequencerOptions {
  /** Most entries integrated in one batch. */
  batchSize: number;
  /** Longest wait between integrations while entries arrive (a checkpoint follows every batch). */
  intervalMs: number;
  /**
   * Shortest time from one integration's start to the next one's when woken by new entries (default
   * {@link MIN_INTEGRATION_GAP_MS}): under a stream of small commits (live intake) each integration
   * then takes what several of them queued, instead of one fsync and one signed checkpoint each.
   */
  minGapMs?: number;
}

/**
 * Default of {@link SequencerOptions.minGapMs}: at most 50 integrations a second while entries keep
 * coming, and a receipt (`Prefer: receipt`) waits at most this much longer for its entries.
 */
export const MIN_INTEGRATION_GAP_MS = 20;

/** Where the sequencer finds what it integrates and whom it tells. */
export interface SequencerParts {
  tree: LogTree;
  /** Logs the key-rotation record in the rotation's own transaction; wakes the loop when entries are queued. */
  appender: LogAppender;
  /** Told of every batch integrated, so that waiting receipts resolve. */
  awaiter: LogAwaiter;
}

/** Integrates queued entries in batches and signs a checkpoint per batch (see the module comment). */
export class LogSequencer {
  readonly #events = new EventEmitter();
  readonly #tree: LogTree;
  readonly #appender: LogAppender;
  readonly #awaiter: LogAwaiter;
  #running = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #integrating: Promise<number> | undefined;
  /** The integration callers wait for while one is in flight (see `integrateOnce`). */
  #next: Promise<number> | undefined;
  /** When the loop's last integration began (performance.now()). */
  #lastIntegration = -Infinity;
  /** Collects witness cosignatures; the loop runs it after each integration. */
  readonly cosigning: CosigningService;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    /** The log's signing key: every checkpoint is signed with it. */
    readonly signer: Ed25519NoteSigner,
    parts: SequencerParts,
    private readonly now: () => Date,
    private readonly options: SequencerOptions = { batchSize: 4096, intervalMs: 50 },
  ) {
    this.#events.setMaxListeners(0);
    this.#tree = parts.tree;
    this.#appender = parts.appender;
    this.#awaiter = parts.awaiter;
    this.#appender.onQueued(() => this.#wake?.());
    this.cosigning = new CosigningService(db, parts.tree, now, {
      onError: (err) => this.#events.listenerCount('error') > 0 && this.#events.emit('error', err),
    });
  }

  /** The log's origin line, which is also the name of its signing key. */
  get origin(): string {
    return this.signer.name;
  }

  /**
   * Integrates up to one batch of queued entries: numbers them after the current size, stores them,
   * moves the state, signs a checkpoint — all in one transaction. Returns how many were integrated.
   */
  integrateOnce(db: Kysely<Database> = this.db): Promise<number> {
    // One integration at a time in this process. One already in flight may have read the queue before
    // the caller's entries committed, so the caller gets the next one, which starts once it is done:
    // on return, everything queued before the call is integrated (up to a batch). Callers that arrive
    // while one is in flight share that next integration.
    const inFlight = this.#integrating;
    if (inFlight === undefined) return this.#startIntegration(db);
    this.#next ??= (async () => {
      await inFlight.catch(() => undefined);
      // A key rotation may have started meanwhile; the check and the start are one synchronous step.
      while (this.#integrating) await this.#integrating.catch(() => undefined);
      this.#next = undefined;
      return this.#startIntegration(db);
    })();
    return this.#next;
  }

  #startIntegration(db: Kysely<Database>): Promise<number> {
    const integrating = this.#integrate(db).finally(() => {
      if (this.#integrating === integrating) this.#integrating = undefined;
    });
    this.#integrating = integrating;
    return integrating;
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
        if (tree.size < state.size) await tree.refresh(tx);
        if (tree.size !== state.size)
          throw new Error(`log tree has ${tree.size} leaves but the database ${state.size}`);
        if (rotation)
          await this.#appender.record(tx, {
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
        tree.append(queued.map((q) => q.leafHash));
        const size = tree.size;
        const root = tree.root(size);
        await integrateQueued(tx, seqs, state.size, at);
        await updateLogState(tx, size, root, at);
        const signers = rotation ? [this.signer, rotation.next] : [this.signer];
        // Each checkpoint names the one stored before it, so none can be deleted unnoticed.
        const previous = await latestCheckpoint(tx);
        const extensions = previous ? [previousCheckpointLine(previous)] : [];
        const note = signNote(
          formatCheckpoint({ origin: this.origin, size, rootHash: root, extensions }),
          signers,
        );
        await insertCheckpoint(tx, size, note, at);
        return { seqs, first: state.size };
      });
    } catch (err) {
      // The in-memory tree may be ahead of what committed: rebuild it from the database.
      await tree.rebuild();
      throw err;
    }
    if (!integrated) return 0;
    this.#awaiter.notifyIntegrated(integrated.seqs, integrated.first);
    return integrated.seqs.length;
  }

  /** Starts the sequencer loop. On PostgreSQL only the holder of the advisory lock integrates. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.dialect === 'postgres' ? this.#runElected() : this.#runLoop(this.db);
  }

  /** Stops the loop after the integration in flight, and waits for the cosigning round in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
    await this.cosigning.idle();
  }

  /** Subscribes to sequencer and cosigning errors (logged by the server). */
  onError(listener: (err: unknown) => void): void {
    this.#events.on('error', listener);
  }

  /**
   * Integrates until stopped. With `leaveOnError` (the elected loop on its own connection) the first
   * error ends it: the connection may be dead (PostgreSQL restarted, the network dropped it), and the
   * caller then gives it back and is elected again on a fresh one.
   */
  async #runLoop(db: Kysely<Database>, leaveOnError = false): Promise<void> {
    while (this.#running) {
      let n = 0;
      this.#lastIntegration = performance.now();
      try {
        n = await this.integrateOnce(db);
      } catch (err) {
        this.#events.emit('error', err);
        if (leaveOnError) return;
      }
      this.cosigning.poke(n > 0);
      if (n < this.options.batchSize) await this.#sleep(this.options.intervalMs);
    }
  }

  async #runElected(): Promise<void> {
    while (this.#running) {
      try {
        await this.db.connection().execute(async (conn) => {
          if (!(await tryAcquireSequencerLock(conn))) return;
          try {
            await this.#runLoop(conn, true);
          } finally {
            // On a dead connection the lock went with its session; there is nothing to release.
            await releaseSequencerLock(conn).catch(() => undefined);
          }
        });
      } catch (err) {
        this.#events.emit('error', err);
      }
      // A follower keeps its tree current for readers and tries again for the lock.
      if (this.#running) {
        await this.#tree.refresh().catch(() => undefined);
        await this.#sleep(ELECTION_INTERVAL_MS);
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      let woken: NodeJS.Timeout | undefined;
      // Entries queued in this process wake the loop at once (after their transaction had time to
      // commit), but not sooner than the shortest gap after the last integration began; stopping
      // wakes it at once.
      this.#wake = () => {
        if (woken !== undefined) return;
        const gap = this.#running ? (this.options.minGapMs ?? MIN_INTEGRATION_GAP_MS) : 0;
        woken = setTimeout(done, Math.max(2, this.#lastIntegration + gap - performance.now()));
      };
      function done() {
        clearTimeout(timer);
        clearTimeout(woken);
        resolve();
      }
    });
  }
}
