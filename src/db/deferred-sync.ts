/**
 * SQLite's fsync off the event loop (files in WAL mode).
 *
 * better-sqlite3 is synchronous: with `synchronous = FULL` every COMMIT fsyncs the WAL on the main
 * thread, and the whole process (HTTP parsing, validation, every other request) stands still for it
 * — 0.1 ms on an idle disk, 2–10 ms on a busy one. So the connection runs with `synchronous = NORMAL`
 * (SQLite writes the WAL frames to the OS and returns) and every statement that commits — a COMMIT,
 * or a write outside a transaction — then fdatasyncs the WAL on libuv's thread pool before it
 * returns, still holding the one connection (`connect.ts`). For everything in this process that is
 * the guarantee of FULL: no query runs between the commit and the end of its fsync, so nothing reads
 * what is not yet on disk, and the caller goes on only once it is. The event loop meanwhile serves
 * whatever does not need the database.
 *
 * A live intake group goes further (`DeferredSync.transaction`): its commit releases the connection
 * at once and its writers are answered after the fsync (`GroupCommit`), so the next group can read
 * and write during it. Only there can a reader see rows before they are on disk (a GET of a report
 * whose 201 is on its way); nobody is told they are stored — no 201, event, correlation or log
 * checkpoint — before the fsync, and a later commit's fsync covers them too.
 *
 * What differs from FULL: another process reading the database can see a commit during its fsync.
 * A process crash loses nothing (the frames are in the OS's cache); a power cut during the fsync
 * loses the commit, as it would lose a FULL commit that had not returned. A checkpoint under NORMAL
 * syncs the WAL before copying it and the database after, so frames moved out of the WAL stay durable.
 */
import fsp from 'node:fs/promises';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

/** A transaction whose commit's fsync is awaited apart from it (see the module comment). */
export interface DeferredSync {
  /** Runs `body` in a transaction whose commit does not wait for the disk; await `flush` before telling anyone. */
  transaction<T>(body: (tx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Resolves once everything committed before the call is on disk. */
  flush(): Promise<void>;
}

/** The fdatasync of one SQLite database's write-ahead log, on the thread pool. */
export class WalSync {
  #file: Promise<fsp.FileHandle | undefined> | undefined;
  /** True while a deferred transaction holds the connection: its commit does not wait. */
  #deferring = false;

  constructor(private readonly walPath: string) {}

  /** Called by the connection after each statement that committed (see `connect.ts`). */
  async afterCommit(): Promise<void> {
    if (!this.#deferring) await this.flush();
  }

  /** Resolves once everything committed before the call is on disk. */
  async flush(): Promise<void> {
    // Opened once: SQLite removes the log file only when its last connection closes, ours included.
    this.#file ??= fsp.open(this.walPath, 'r+').catch((err: NodeJS.ErrnoException) => {
      // No log file yet: nothing was committed since the database was opened.
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    let file: fsp.FileHandle | undefined;
    try {
      file = await this.#file;
    } catch (err) {
      this.#file = undefined;
      throw err;
    }
    if (file === undefined) {
      this.#file = undefined;
      return;
    }
    await file.datasync();
  }

  /** Deferred transactions over `db`, the connection this log belongs to. */
  deferred(db: Kysely<Database>): DeferredSync {
    return {
      transaction: (body) =>
        // One hold of the one connection: no other statement commits while the flag is up.
        db.connection().execute(async (conn) => {
          this.#deferring = true;
          try {
            return await conn.transaction().execute(body);
          } finally {
            this.#deferring = false;
          }
        }),
      flush: () => this.flush(),
    };
  }

  async close(): Promise<void> {
    const file = await this.#file?.catch(() => undefined);
    this.#file = undefined;
    await file?.close();
  }
}
