import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The log entries a request's writes queued, so the HTTP edge can hand back a receipt without every
 * service returning queue numbers. Entries of a transaction that later rolls back are listed too, but
 * such a request fails and no receipt is asked for.
 */
const storage = new AsyncLocalStorage<number[]>();

/** Runs `next` (the rest of a request) collecting into `list` the queue numbers of entries it appends. */
export function collectQueuedEntries(list: number[], next: () => void): void {
  storage.run(list, next);
}

export function noteQueuedEntry(seq: number): void {
  storage.getStore()?.push(seq);
}

/**
 * Runs `work` without collecting its entries into the current request's list: for follow-on work a
 * request triggers but does not own (grouping a new report into an incident), whose entries the
 * request's receipt must not name.
 */
export function outsideRequestEntries<T>(work: () => Promise<T>): Promise<T> {
  return storage.exit(work);
}
