/**
 * Commits that do not wait for the disk on the event loop (SQLite in WAL mode only).
 *
 * better-sqlite3 is synchronous: with `synchronous = FULL` every COMMIT fsyncs the WAL on the main
 * thread, and the whole process (HTTP parsing, validation, the next group's reads) stands still for
 * the fsync — 0.1 ms on an idle disk, 2–10 ms on a busy one. A transaction run here commits with
 * `synchronous = NORMAL` (SQLite writes the WAL frames to the OS and returns), and `flush` then
 * fdatasyncs the WAL file on libuv's thread pool. A caller that awaits `flush` after the commit has
 * exactly the guarantee of a FULL commit before it tells anyone the write is stored; meanwhile the
 * process goes on. Everything else keeps committing with FULL: the connection is set back before it
 * is released, inside the same hold of the one connection, so no other transaction can commit with
 * NORMAL in between.
 *
 * What differs from FULL: other readers of this database can see the committed rows during the
 * fsync, before they are on disk. A process crash loses nothing (the frames are in the OS's cache);
 * a power cut during the fsync loses them, as it would lose a FULL commit that had not returned. A
 * later FULL commit (the log sequencer's, say) fsyncs the same WAL, so nothing built on these rows
 * and committed durably can outlive them. A checkpoint under NORMAL syncs the WAL first and the
 * database after, so a write moved into the database file is durable too.
 */
import fsp from 'node:fs/promises';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';

/** A transaction whose commit's fsync is awaited apart from it (see the module comment). */
export interface DeferredSync {
  /** Runs `body` in a transaction that commits without waiting for the disk; await `flush` before telling anyone. */
  transaction<T>(body: (tx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Resolves once everything committed before the call is on disk. */
  flush(): Promise<void>;
}

/** Deferred sync over a SQLite database in WAL mode whose write-ahead log is `walPath`. */
export function sqliteDeferredSync(db: Kysely<Database>, walPath: string): DeferredSync {
  return {
    transaction: (body) =>
      // One hold of the one connection for the pragma, the transaction and the pragma back.
      db.connection().execute(async (conn) => {
        // The safety level cannot change inside a transaction, so it is lowered around it.
        await sql`pragma synchronous = normal`.execute(conn);
        try {
          return await conn.transaction().execute(body);
        } finally {
          await sql`pragma synchronous = full`.execute(conn);
        }
      }),
    flush: async () => {
      // Opened per flush: the log file is another inode if it was ever removed and made anew.
      let file: fsp.FileHandle;
      try {
        file = await fsp.open(walPath, 'r+');
      } catch (err) {
        // No log file: SQLite removed it after moving every frame into the database file, synced.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      try {
        await file.datasync();
      } finally {
        await file.close();
      }
    },
  };
}
