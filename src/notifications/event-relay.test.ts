import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PG_URL } from '../../test/support/databases.js';
import { openDatabase, type Db } from '../db/connect.js';
import { EventBus, type BusEvent, type PublishedEvent } from './event-bus.js';
import type { EventRelay } from './event-relay.js';
import { PART_BYTES, encodeEvent, eventRelayFor } from './event-relay.js';

const event = (recordId: string, summary: Record<string, unknown> = {}): BusEvent => ({
  kind: 'report.submitted',
  recordId,
  at: '2026-12-05T09:00:00.000Z',
  marking: 'AMBER',
  owner: 'UA',
  addressees: ['JMVC'],
  summary,
  permission: 'reports:read',
});

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('encoding a relayed event', () => {
  it('fits every part in a notification, whatever the characters', () => {
    const big = event('r', { text: 'ё'.repeat(20_000) });
    const parts = encodeEvent('abc', 1, big);
    expect(parts.length).toBe(Math.ceil(Buffer.byteLength(JSON.stringify(big)) / PART_BYTES));
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThan(8000);
  });
});

describe('the event relay on SQLite', () => {
  it('is not needed: one process serves a SQLite database', async () => {
    const db = await openDatabase('sqlite::memory:');
    expect(eventRelayFor(db, new EventBus(), () => undefined)).toBeUndefined();
    await db.close();
  });
});

describe.skipIf(PG_URL === undefined)('the event relay on PostgreSQL', () => {
  const opened: Db[] = [];
  const relays: EventRelay[] = [];
  const errors: string[] = [];
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
    for (const db of opened.splice(0)) await db.close();
    errors.length = 0;
  });

  /** A "process": its own pool, bus and relay, on a channel of this test's own. */
  async function processOn(schema: string) {
    const db = await openDatabase(PG_URL ?? '', { schema, poolSize: 2 });
    opened.push(db);
    const bus = new EventBus();
    const relay = eventRelayFor(db, bus, (err, doing) => errors.push(`${doing}: ${String(err)}`));
    if (relay === undefined) throw new Error('no relay on PostgreSQL');
    relays.push(relay);
    await relay.start();
    const streamed: PublishedEvent[] = [];
    const own: PublishedEvent[] = [];
    const gaps: number[] = [];
    bus.subscribe(
      (e) => streamed.push(e),
      () => gaps.push(bus.lastSeq),
    );
    bus.subscribeOwn((e) => own.push(e));
    return { bus, relay, streamed, own, gaps };
  }

  it('hands events published in one process to the others, in order, once, large ones whole', async () => {
    const schema = `relay_${crypto.randomBytes(4).toString('hex')}`;
    const a = await processOn(schema);
    const b = await processOn(schema);
    const large = { text: 'ё'.repeat(12_000) };
    for (let i = 0; i < 20; i += 1) a.bus.publish(event(`a-${i}`, i === 7 ? large : { i }));
    b.bus.publish(event('b-0'));
    await until('every event everywhere', () => b.streamed.length === 21 && a.streamed.length === 21);
    const fromA = b.streamed.filter((e) => e.recordId.startsWith('a-'));
    expect(fromA.map((e) => e.recordId)).toEqual(Array.from({ length: 20 }, (_, i) => `a-${i}`));
    // Whole: marking, owner, addressees and permission travel, so streams filter as in-process.
    const { seq: _seq, ...received } = fromA[7] as PublishedEvent;
    expect(received).toEqual(event('a-7', large));
    // Relayed events are numbered by the receiving bus, and reach neither its own subscribers (the
    // webhooks, queued by the publisher) nor, a second time, the publisher.
    expect(b.streamed.map((e) => e.seq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(b.own.map((e) => e.recordId)).toEqual(['b-0']);
    expect(a.streamed.filter((e) => e.recordId === 'b-0')).toHaveLength(1);
    expect(a.streamed.filter((e) => e.recordId.startsWith('a-'))).toHaveLength(20);
    expect(errors).toEqual([]);
  });

  it('reconnects a listening session that dropped, and marks the gap', async () => {
    const schema = `relay_${crypto.randomBytes(4).toString('hex')}`;
    const a = await processOn(schema);
    const b = await processOn(schema);
    const pid = b.relay.listenerPid;
    expect(pid).toBeTypeOf('number');
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query('select pg_terminate_backend($1)', [pid]);
    } finally {
      await admin.end();
    }
    await until('the gap', () => b.gaps.length > 0);
    await until('a new session', () => b.relay.listenerPid !== undefined && b.relay.listenerPid !== pid);
    a.bus.publish(event('after'));
    await until('the event after reconnecting', () => b.streamed.some((e) => e.recordId === 'after'));
    expect(errors.some((e) => e.startsWith('listening'))).toBe(true);
  });
});
