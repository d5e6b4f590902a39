import type { App } from '../http/app.js';
import type { LogAwaiter } from './log-awaiter.service.js';
import type { LogReader } from './log-reader.service.js';
import { collectQueuedEntries } from './request-entries.js';

/** Receipts inline for at most this many entries; a larger write lists indices to fetch receipts for. */
const MAX_INLINE_RECEIPTS = 16;

function wantsReceipt(query: unknown, prefer: string | string[] | undefined): boolean {
  const q = (query ?? {}) as Record<string, unknown>;
  if (q.receipt === 'true' || q.receipt === '1' || q.receipt === true) return true;
  return typeof prefer === 'string' && /(^|[\s,;])receipt($|[\s,;])/.test(prefer);
}

/**
 * Any successful write can hand back a log receipt: send `Prefer: receipt` (or `?receipt=true`) and
 * the response carries `x-log-entries` (the indices) and `x-log-receipt` (each tlog-proof, base64,
 * comma-separated), after the sequencer has integrated the entries.
 */
export function registerReceipts(app: App, log: { reader: LogReader; awaiter: LogAwaiter }): void {
  app.decorateRequest('logSeqs', null as unknown as number[]);
  app.addHook('onRequest', (request, _reply, done) => {
    request.logSeqs = [];
    collectQueuedEntries(request.logSeqs, done);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.logSeqs.length === 0 || reply.statusCode >= 300) return payload;
    if (!wantsReceipt(request.query, request.headers.prefer)) return payload;
    // The entries are durable already (queued in the write's transaction); a receipt waits for integration.
    const indices = await log.awaiter.waitForIndices(request.logSeqs);
    void reply.header('x-log-entries', indices.join(','));
    if (indices.length <= MAX_INLINE_RECEIPTS) {
      const receipts = await Promise.all(indices.map((i) => log.reader.receipt(i)));
      void reply.header('x-log-receipt', receipts.map((r) => Buffer.from(r).toString('base64')).join(','));
    }
    void reply.header('preference-applied', 'receipt');
    return payload;
  });
}
