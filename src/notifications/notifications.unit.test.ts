import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../access/policy.js';
import { EventBus, organisationMaySee, type BusEvent } from './event-bus.js';
import { isPrivateAddress } from './webhook.target.js';
import { DEFAULT_WEBHOOK_SETTINGS, kindSelected, retryDelayMs, webhookSignature } from './webhook.service.js';

const event = (marking: BusEvent['marking'], owner = 'US', addressees = ['EUC']): BusEvent => ({
  kind: 'commitment.pledged',
  recordId: 'r',
  at: '2026-11-26T08:00:00Z',
  marking,
  owner,
  addressees,
  summary: {},
});

describe('who receives an event', () => {
  it('follows the markings for organisations', () => {
    const org = (id: string, kind: 'commission' | 'party' | 'guarantor' | 'public') => ({ id, kind });
    expect(organisationMaySee(org('RU', 'party'), event('AMBER'))).toBe(false);
    expect(organisationMaySee(org('EUC', 'guarantor'), event('AMBER'))).toBe(true);
    expect(organisationMaySee(org('US', 'guarantor'), event('AMBER'))).toBe(true);
    expect(organisationMaySee(org('JMVC', 'commission'), event('AMBER'))).toBe(true);
    expect(organisationMaySee(org('JMVC', 'commission'), event('AMBER+STRICT'))).toBe(false);
    expect(organisationMaySee(org('PUBLIC', 'public'), event('GREEN'))).toBe(false);
    expect(organisationMaySee(org('RU', 'party'), event('GREEN'))).toBe(true);
    expect(organisationMaySee(org('US', 'guarantor'), event('RED'))).toBe(false);
  });

  it('keeps a bounded buffer and says when a resume point has left it', () => {
    const bus = new EventBus(3);
    const first = bus.publish(event('CLEAR'));
    for (let i = 0; i < 4; i += 1) bus.publish(event('CLEAR'));
    expect(bus.since(ANONYMOUS, 0)).toMatchObject({ complete: false });
    expect(bus.since(ANONYMOUS, 0).events.map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(bus.since(ANONYMOUS, 2)).toMatchObject({ complete: true });
    expect(bus.seqOf(bus.idOf(first))).toBe(1);
    expect(bus.seqOf('00000000.4')).toBe(0);
    expect(bus.since(ANONYMOUS, bus.seqOf('garbage')).events).toHaveLength(3);
  });

  it('resumes an id of another epoch, or from before a gap, as incomplete', () => {
    const bus = new EventBus();
    const first = bus.publish(event('CLEAR'));
    bus.publish(event('CLEAR'));
    expect(bus.resume(ANONYMOUS, undefined)).toMatchObject({ complete: true });
    expect(bus.resume(ANONYMOUS, bus.idOf(first))).toMatchObject({ complete: true });
    expect(bus.resume(ANONYMOUS, `${bus.epoch}.0`)).toMatchObject({ complete: true });
    const other = bus.epoch === '00000000' ? '00000001' : '00000000';
    const foreign = bus.resume(ANONYMOUS, `${other}.1`);
    expect(foreign.complete).toBe(false);
    expect(foreign.events.map((e) => e.seq)).toEqual([1, 2]);
    const gaps: number[] = [];
    bus.subscribe(
      () => undefined,
      () => gaps.push(bus.lastSeq),
    );
    bus.markGap();
    const third = bus.publish(event('CLEAR'));
    expect(gaps).toEqual([2]);
    expect(bus.resume(ANONYMOUS, bus.idOf(first))).toMatchObject({ complete: false });
    expect(bus.resume(ANONYMOUS, bus.idOf(third))).toMatchObject({ complete: true });
  });

  it("delivers received events to streams but not to this process's own subscribers", () => {
    const bus = new EventBus();
    const all: string[] = [];
    const own: string[] = [];
    bus.subscribe((e) => all.push(e.recordId));
    bus.subscribeOwn((e) => own.push(e.recordId));
    bus.publish({ ...event('CLEAR'), recordId: 'here' });
    bus.receive({ ...event('CLEAR'), recordId: 'elsewhere' });
    expect(all).toEqual(['here', 'elsewhere']);
    expect(own).toEqual(['here']);
    expect(bus.since(ANONYMOUS, 0).events.map((e) => [e.seq, e.recordId])).toEqual([
      [1, 'here'],
      [2, 'elsewhere'],
    ]);
  });
});

describe('webhook rules', () => {
  it('tells private and loopback addresses from public ones', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.8',
      '172.16.4.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(a), a).toBe(true);
    for (const a of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])
      expect(isPrivateAddress(a), a).toBe(false);
  });

  it('selects kinds exactly, by prefix or all', () => {
    expect(kindSelected(['commitment.*'], 'commitment.pledged')).toBe(true);
    expect(kindSelected(['commitment.*'], 'commitments.pledged')).toBe(false);
    expect(kindSelected(['case.opened'], 'case.closed')).toBe(false);
    expect(kindSelected(['*'], 'case.closed')).toBe(true);
  });

  it('doubles the delay after each failure and signs timestamp.body', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(DEFAULT_WEBHOOK_SETTINGS, n))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
    // HMAC-SHA256("key", "1.{}") computed independently (openssl dgst -sha256 -hmac key).
    expect(webhookSignature('key', '1', '{}')).toBe(
      `sha256=${'1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224'}`,
    );
  });
});
