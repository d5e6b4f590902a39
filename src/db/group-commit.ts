/**
 * Group commit: writes that arrive within a few milliseconds of each other share one database
 * transaction, so one commit (one fsync on SQLite's WAL, one on PostgreSQL's) and one wake of the log
 * sequencer serve them all. Each write still settles on its own: it runs inside a savepoint, so one
 * that throws is rolled back alone and its caller gets its own error, while the others commit; every
 * caller's promise settles only after the shared transaction committed (or failed).
 *
 * Any write route can use it: pass the body it would have run in `db.transaction().execute(...)` to
 * `run`. The write runs in its caller's async context (request-scoped stores such as the request's
 * queued log entries keep working).
 */
import { AsyncResource } from 'node:async_hooks';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';
import type { DeferredSync } from './deferred-sync.js';

/** When a group is flushed, and what the tests may observe. */
export interface GroupCommitOptions {
  /** Most writes in one transaction; a full queue is flushed without waiting. */
  maxItems: number;
  /**
   * How long the first write of a group waits for others before the group is flushed, while no
   * group is being written (writes that arrive during a flush join the next group anyway).
   */
  maxWaitMs: number;
  /**
   * Groups written at once. 1 on SQLite (one connection: writes gather while a group commits); more
   * on PostgreSQL, where one connection running every write in turn would leave the pool idle.
   */
  concurrency: number;
  /**
   * Called inside each group's transaction after its writes, just before the commit (tests count
   * transactions with it; a throw here fails the whole group).
   */
  beforeCommit?: (size: number) => void | Promise<void>;
  /**
   * Commit without waiting for the disk on the event loop, then wait for it apart (SQLite files: see
   * `deferred-sync.ts`). The next group may write while this one's fsync runs; this one's writers
   * settle only once it is done.
   */
  deferredSync?: DeferredSync;
}

const DEFAULTS: GroupCommitOptions = { maxItems: 256, maxWaitMs: 1, concurrency: 1 };

interface Pending {
  work: (tx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** What one write in a group came to, before the group's commit decides whether it stands. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Batches concurrent writes into shared transactions (see the module comment). */
export class GroupCommit {
  readonly #options: GroupCommitOptions;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  /** Committed groups waiting for their fsync (deferred sync). */
  readonly #syncing = new Set<Promise<void>>();

  constructor(
    private readonly db: Kysely<Database>,
    options: Partial<GroupCommitOptions> = {},
  ) {
    this.#options = { ...DEFAULTS, ...options };
  }

  /**
   * Runs `work` in a transaction shared with other writes queued about now; resolves with its result
   * once that transaction committed. If `work` throws, only its own changes are rolled back and the
   * promise rejects with its error; if the shared transaction fails, every write of the group rejects.
   */
  run<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        // In the caller's async context, wherever the flush runs.
        work: AsyncResource.bind(work),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.#schedule();
    });
  }

  /** Waits until everything queued so far has been written (or failed). */
  async idle(): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight.size > 0 || this.#syncing.size > 0) {
      if (this.#inFlight.size > 0) await Promise.race(this.#inFlight);
      else if (this.#queue.length > 0) this.#flushNow();
      else await Promise.allSettled(this.#syncing);
    }
  }

  #schedule(): void {
    // At full capacity, a group that ends flushes the queue.
    if (this.#inFlight.size >= this.#options.concurrency) return;
    if (this.#queue.length >= this.#options.maxItems) return this.#flushNow();
    this.#timer ??= setTimeout(() => this.#flushNow(), this.#options.maxWaitMs);
  }

  #flushNow(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#inFlight.size < this.#options.concurrency && this.#queue.length > 0) {
      const group = this.#queue.splice(0, this.#options.maxItems);
      const flight: Promise<void> = this.#commit(group).finally(() => {
        this.#inFlight.delete(flight);
        // Writes that queued during this flush go at once: they have waited long enough.
        if (this.#queue.length > 0) this.#flushNow();
      });
      this.#inFlight.add(flight);
      // Another group at once only for a queue that still fills one; otherwise let it gather.
      if (this.#queue.length < this.#options.maxItems) break;
    }
  }

  /**
   * Writes and commits a group; its writers settle once the commit is durable (awaited apart from
   * the group's turn with deferred sync, so that the next group can write meanwhile).
   */
  async #commit(group: Pending[]): Promise<void> {
    let outcomes: Outcome[];
    const sync = this.#options.deferredSync;
    try {
      outcomes = await (sync !== undefined
        ? sync.transaction(this.#writer(group))
        : this.db.transaction().execute(this.#writer(group)));
    } catch (err) {
      for (const item of group) item.reject(err);
      return;
    }
    if (sync !== undefined) void this.#settleWhenDurable(group, outcomes, sync);
    else settle(group, outcomes);
  }

  #writer(group: Pending[]): (tx: Transaction<Database>) => Promise<Outcome[]> {
    return async (tx) => {
      const done: Outcome[] = [];
      for (const item of group) done.push(await runAlone(tx, item, group.length > 1));
      await this.#options.beforeCommit?.(group.length);
      return done;
    };
  }

  async #settleWhenDurable(group: Pending[], outcomes: Outcome[], sync: DeferredSync): Promise<void> {
    const durable = sync.flush();
    this.#syncing.add(durable);
    try {
      await durable;
    } catch (err) {
      // Committed, but not known to be on disk: no writer may be told it is stored.
      for (const item of group) item.reject(err);
      return;
    } finally {
      this.#syncing.delete(durable);
    }
    settle(group, outcomes);
  }
}

/** Settles each writer of a committed group with its own outcome. */
function settle(group: Pending[], outcomes: Outcome[]): void {
  group.forEach((item, i) => {
    const outcome = outcomes[i];
    if (outcome?.ok === true) item.resolve(outcome.value);
    else item.reject(outcome?.ok === false ? outcome.error : new Error('group commit lost a write'));
  });
}

/**
 * Runs one write of a group inside a savepoint (none needed for a group of one: its failure rolls
 * back the whole transaction, which holds nothing else). A failure of the savepoint statements
 * themselves is the group's failure: it propagates and rolls everything back.
 */
async function runAlone(tx: Transaction<Database>, item: Pending, isolate: boolean): Promise<Outcome> {
  if (!isolate) {
    return { ok: true, value: await item.work(tx) };
  }
  await sql`savepoint group_write`.execute(tx);
  try {
    const value = await item.work(tx);
    await sql`release savepoint group_write`.execute(tx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to savepoint group_write`.execute(tx);
    await sql`release savepoint group_write`.execute(tx);
    return { ok: false, error };
  }
}
