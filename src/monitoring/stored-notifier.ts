/**
 * Tells listeners (verification's correlator) which reports an intake stored. Live submissions come
 * in bursts and each listener call is a write transaction of its own, so the events of intakes that
 * finish about together are merged into one call: each intake's promise settles once a call that
 * included its reports has ended, as it did when every intake had a call of its own. A caller may
 * also leave the promise (live submissions answer first): `settled()` then waits for every call.
 */

/** What an intake stored, told to listeners after it committed (verification groups the reports). */
export interface StoredEvent {
  /** Accepted and revised reports (empty for bulk intakes that keep only counts: see `bulk`). */
  reportIds: string[];
  /** A long bulk intake: listeners should process everything pending at once. */
  bulk: boolean;
}

export type StoredListener = (event: StoredEvent) => Promise<void>;

/** Calls the listeners with merged events (see the module comment). A listener's failure is logged, never thrown. */
export class StoredNotifier {
  readonly #listeners: StoredListener[] = [];
  #queued: { reportIds: string[]; done: (() => void)[] } | undefined;
  #running = false;
  #scheduled = false;
  /** Every notification not yet settled, awaited or not (see `settled`). */
  readonly #unsettled = new Set<Promise<void>>();

  add(listener: StoredListener): void {
    this.#listeners.push(listener);
  }

  /** Resolves after the listeners have been called with (at least) these reports; never rejects. */
  notify(event: StoredEvent): Promise<void> {
    if (this.#listeners.length === 0) return Promise.resolve();
    const notified = this.#notify(event);
    this.#unsettled.add(notified);
    void notified.finally(() => this.#unsettled.delete(notified));
    return notified;
  }

  /**
   * Resolves once the listeners have been called for every notification so far, including those
   * notified while it waits (a server closing, a test reading what correlation made of a submission).
   */
  async settled(): Promise<void> {
    while (this.#unsettled.size > 0) await Promise.all([...this.#unsettled]);
  }

  #notify(event: StoredEvent): Promise<void> {
    // A bulk event asks for everything pending anyway: nothing to merge it with.
    if (event.bulk) return this.#call(event);
    return new Promise((resolve) => {
      const queued = (this.#queued ??= { reportIds: [], done: [] });
      queued.reportIds.push(...event.reportIds);
      queued.done.push(resolve);
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#running || this.#scheduled || this.#queued === undefined) return;
    // Intakes of one group commit resume in the same turn: the next one merges them all.
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      const batch = this.#queued;
      if (this.#running || batch === undefined) return;
      this.#queued = undefined;
      this.#running = true;
      void this.#call({ reportIds: batch.reportIds, bulk: false }).finally(() => {
        this.#running = false;
        for (const done of batch.done) done();
        this.#schedule();
      });
    });
  }

  async #call(event: StoredEvent): Promise<void> {
    for (const listener of this.#listeners) {
      try {
        await listener(event);
      } catch (err) {
        process.stderr.write(`after intake: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }
}
