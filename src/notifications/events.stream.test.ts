import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import type { BusEvent } from './event-bus.js';

const event = (n: number, marking: BusEvent['marking'], extra: Partial<BusEvent> = {}): BusEvent => ({
  kind: 'commitment.pledged',
  recordId: `r-${n}`,
  at: '2026-11-26T08:00:00.000Z',
  marking,
  owner: 'US',
  addressees: ['EUC'],
  summary: { n },
  ...extra,
});

/** Reads a text/event-stream until `done` says so (or a timeout), then aborts it. */
async function readStream(
  url: string,
  headers: Record<string, string>,
  done: (text: string) => boolean,
  whileOpen: () => void = () => undefined,
): Promise<string> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 5000);
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  let first = true;
  try {
    while (!done(text)) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value);
      if (first) {
        first = false;
        whileOpen();
      }
    }
  } catch {
    // aborted by the timeout: return what came
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
  return text;
}

const ids = (text: string) =>
  [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1] ?? '{}').recordId as string);

describe('the event stream', () => {
  let t: TestApp;
  let base: string;
  beforeEach(async () => {
    t = await startTestApp('sqlite', { config: { eventHeartbeatMs: 100 } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/events`;
  });
  afterEach(async () => {
    // No help here: the streams end on preClose, and the connection fetch opens beside an aborted
    // stream (no request on it yet) is closed by closeConnectionsOnClose (src/server).
    await t.close();
  });

  it("streams the principal's visible events live, with heartbeats", async () => {
    const ru = await t.tokenFor('RU', ['liaison']);
    const text = await readStream(
      base,
      { authorization: `Bearer ${ru}` },
      (s) => s.includes('r-3') && s.includes(': heartbeat'),
      () => {
        t.services.events.publish(event(1, 'AMBER'));
        t.services.events.publish(event(2, 'AMBER+STRICT', { owner: 'RU', addressees: [] }));
        t.services.events.publish(event(3, 'CLEAR'));
      },
    );
    expect(ids(text)).toEqual(['r-2', 'r-3']);
    expect(text).toMatch(/^event: commitment\.pledged$/m);
    expect(text).toContain(': heartbeat');
  });

  it('resumes after Last-Event-ID from the buffer', async () => {
    const euc = await t.tokenFor('EUC', ['guarantor']);
    const first = t.services.events.publish(event(1, 'AMBER'));
    t.services.events.publish(event(2, 'AMBER'));
    t.services.events.publish(event(3, 'RED'));
    t.services.events.publish(event(4, 'GREEN'));
    const lastEventId = t.services.events.idOf(first);
    const text = await readStream(
      base,
      { authorization: `Bearer ${euc}`, 'last-event-id': lastEventId },
      (s) => s.includes('r-4'),
    );
    expect(ids(text)).toEqual(['r-2', 'r-4']);
    expect(text).not.toContain('event: gap');
    // An id from before a restart, or from another process (another epoch), replays the buffer and
    // says the client may have missed events.
    const all = await readStream(
      base,
      { authorization: `Bearer ${euc}`, 'last-event-id': 'deadbeef.2' },
      (s) => s.includes('r-4'),
    );
    expect(all).toMatch(/^event: gap$/m);
    expect(ids(all.replace(/^event: gap\ndata: .*$/m, ''))).toEqual(['r-1', 'r-2', 'r-4']);
  });

  it('streams the anonymous public its CLEAR events only, nothing marked for narrower audiences', async () => {
    t.services.events.publish(event(1, 'GREEN'));
    t.services.events.publish(event(2, 'CLEAR'));
    const text = await readStream(
      base,
      {},
      (s) => s.includes('r-6'),
      () => {
        t.services.events.publish(event(3, 'AMBER', { owner: 'US', addressees: [] }));
        t.services.events.publish(event(4, 'AMBER+STRICT', { owner: 'RU', addressees: [] }));
        t.services.events.publish(event(5, 'RED', { owner: 'RU', addressees: [] }));
        t.services.events.publish(event(6, 'CLEAR'));
      },
    );
    expect(ids(text)).toEqual(['r-2', 'r-6']);
    expect(text).not.toMatch(/"marking":"(GREEN|AMBER|AMBER\+STRICT|RED)"/);
    // The JSON page holds the same.
    const page = (await (await fetch(base)).json()) as { events: { recordId: string }[] };
    expect(page.events.map((e) => e.recordId)).toEqual(['r-2', 'r-6']);
  });
});

describe('public event streams', () => {
  let t: TestApp;
  let base: string;
  beforeEach(async () => {
    t = await startTestApp('sqlite', { config: { eventHeartbeatMs: 100, eventPublicStreams: 1 } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1/events`;
  });
  afterEach(async () => t.close());

  it('are capped per process: past the cap the public gets 503 with Retry-After, signed-in readers do not count', async () => {
    const abort = new AbortController();
    const first = await fetch(base, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
    expect(first.status).toBe(200);
    const refused = await fetch(base, { headers: { accept: 'text/event-stream' } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/limit of 1 public event stream/);
    // A signed-in reader still streams.
    const ru = await t.tokenFor('RU', ['liaison']);
    const text = await readStream(base, { authorization: `Bearer ${ru}` }, (s) => s.includes('retry:'));
    expect(text).toContain('retry: 5000');
    // Once the first public stream ends, its place is free again.
    abort.abort();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      const again = await fetch(base, { headers: { accept: 'text/event-stream' } });
      status = again.status;
      await again.body?.cancel();
    }
    expect(status).toBe(200);
  });
});
