/**
 * Waits for queued entries to be integrated (Tessera's publication awaiter): the sequencer announces
 * each batch it integrates here, and entries integrated by another process are found in the database.
 */
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import type { Database } from '../db/database.js';
import { findEntryIndexBySeq } from './ledger.repository.js';
import type { LogTree } from './log-tree.js';

/** Hands back where queued entries landed in the log, once the sequencer has integrated them. */
export class LogAwaiter {
  readonly #events = new EventEmitter();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly tree: LogTree,
  ) {
    this.#events.setMaxListeners(0);
  }

  /** Called by the sequencer after a batch committed: the entry queued as `seqs[i]` is entry `first + i`. */
  notifyIntegrated(seqs: readonly number[], first: number): void {
    seqs.forEach((seq, i) => this.#events.emit(`seq:${seq}`, first + i));
  }

  /**
   * Waits until queued entries are integrated; returns their indices, with this process's tree caught
   * up to them. Throws `unavailable` (503) after `timeoutMs`.
   */
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
    await this.tree.refresh();
    return seqs.map((s) => found.get(s) ?? -1);
  }
}
