/**
 * Which server process leads the work that must run in one process only, however many serve the
 * database: the periodic sweeps and the webhook deliveries (two processes sending the same due
 * delivery would post it twice). On PostgreSQL the leader holds a session advisory lock on a
 * connection it keeps and checks every `intervalMs`; when it dies its session ends, the lock frees,
 * and another process leads within about `intervalMs`. (A leader whose session dropped while it lives
 * learns so at its next check: the two may overlap for up to that long.) On SQLite one process serves
 * the database, and it always leads.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { advisoryUnlock, stillConnected, tryAdvisoryLock } from '../db/advisory-lock.js';
import type { Database, Dialect } from '../db/database.js';

/** Key of the advisory lock whose holder runs the sweeps ("swep"). */
export const SWEEP_LOCK_KEY = 0x7377_6570;

/** One leader among the processes on a database (see the module comment). */
export class Election {
  #leading = false;
  #loop: Promise<void> | undefined;
  readonly #stop = new AbortController();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly key: number = SWEEP_LOCK_KEY,
    private readonly intervalMs = 1000,
  ) {}

  /** Whether this process leads now. */
  get leading(): boolean {
    return this.dialect === 'sqlite' || this.#leading;
  }

  /** Starts standing for election (PostgreSQL; nothing to do on SQLite). */
  start(): void {
    if (this.dialect === 'postgres') this.#loop ??= this.#stand();
  }

  /** Stops leading (the lock is given back) or standing. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
  }

  async #stand(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      try {
        await this.db.connection().execute(async (conn) => {
          if (!(await tryAdvisoryLock(conn, this.key))) return;
          this.#leading = true;
          try {
            for (;;) {
              await sleep(this.intervalMs, undefined, { signal });
              await stillConnected(conn);
            }
          } finally {
            this.#leading = false;
            // On a dead connection the lock went with its session; there is nothing to give back.
            await advisoryUnlock(conn, this.key).catch(() => undefined);
          }
        });
      } catch {
        // Stopped, or the session died: stand again (a database that cannot be reached is retried).
      }
      await sleep(this.intervalMs, undefined, { signal }).catch(() => undefined);
    }
  }
}
