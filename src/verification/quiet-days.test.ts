import { describe, expect, it } from 'vitest';
import type { Agreement } from '../agreement/agreement.schema.js';
import { parseAndValidate } from '../agreement/agreement.validate.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { quietDays, type QuietArea, type ViolationMark } from './quiet-days.js';
import { verificationRules } from './verification.settings.js';

function illustrative(): Agreement {
  const parsed = parseAndValidate(illustrativeAgreementText(), 'illustrative.yaml');
  if (parsed.agreement === undefined) throw new Error(JSON.stringify(parsed.problems.slice(0, 3)));
  return parsed.agreement;
}

/** Entry into force of the fixture: D = 13 January 2026, 00:00 Kyiv time (UTC+2 in winter). */
const SINCE = new Date('2026-01-12T22:00:00Z');

function count(violations: ViolationMark[], asOf: string) {
  const agreement = illustrative();
  const { sectors } = verificationRules('v3', agreement);
  return quietDays(agreement, sectors, violations, new Date(asOf), SINCE, 'incidents');
}

function area(areas: QuietArea[], kind: QuietArea['kind'], id: string): QuietArea {
  const found = areas.find((a) => a.kind === kind && a.id === id);
  if (found === undefined) throw new Error(`no ${kind} ${id} in ${areas.map((a) => a.id).join(', ')}`);
  return found;
}

describe('quietDays', () => {
  it('counts whole local days since entry into force when nothing was verified', () => {
    // 20 January 10:00 Kyiv: the 13th to the 19th are whole quiet days.
    const q = count([], '2026-01-20T08:00:00Z');
    expect(q.since).toBe('2026-01-13');
    expect(q.timeZone).toBe('Europe/Kyiv');
    expect(q.basis).toBe('incidents');
    for (const a of q.areas) {
      expect(a.quietDays, `${a.kind} ${a.id}`).toBe(7);
      expect(a.lastViolation).toBeUndefined();
    }
  });

  it('lists the whole area, every zone with its bands, and every sector', () => {
    const q = count([], '2026-01-20T08:00:00Z');
    expect(q.areas[0]).toMatchObject({ kind: 'whole', id: 'all' });
    expect(q.areas.filter((a) => a.kind === 'zone').map((a) => a.id)).toEqual(
      expect.arrayContaining(['dmz', 'dmz-inner', 'wb-artillery']),
    );
    expect(q.areas.filter((a) => a.kind === 'sector').map((a) => a.id)).toEqual([
      'sector-west',
      'sector-centre',
      'sector-east',
    ]);
  });

  it('counts 0 after a violation yesterday, and 0 (never less) after one today', () => {
    const yesterday = count(
      [{ observedFrom: '2026-01-19T12:00:00Z', zones: ['dmz'] }],
      '2026-01-20T08:00:00Z',
    );
    expect(area(yesterday.areas, 'whole', 'all')).toMatchObject({
      quietDays: 0,
      lastViolation: '2026-01-19',
    });
    const today = count([{ observedFrom: '2026-01-20T06:00:00Z', zones: ['dmz'] }], '2026-01-20T08:00:00Z');
    expect(area(today.areas, 'whole', 'all')).toMatchObject({ quietDays: 0, lastViolation: '2026-01-20' });
  });

  it('counts the whole days between the last violation and today', () => {
    const q = count([{ observedFrom: '2026-01-16T12:00:00Z', zones: [] }], '2026-01-20T08:00:00Z');
    // The 17th, 18th and 19th.
    expect(area(q.areas, 'whole', 'all')).toMatchObject({ quietDays: 3, lastViolation: '2026-01-16' });
  });

  it('reads days in the agreement’s time zone, not UTC', () => {
    // 22:30 UTC on the 18th is 00:30 on the 19th in Kyiv: yesterday, seen from the 20th.
    const q = count([{ observedFrom: '2026-01-18T22:30:00Z', zones: [] }], '2026-01-20T08:00:00Z');
    expect(area(q.areas, 'whole', 'all')).toMatchObject({ quietDays: 0, lastViolation: '2026-01-19' });
    // 21:30 UTC on the 18th is still the 18th in Kyiv; at 22:30 UTC on the 19th it is the 20th there,
    // so the 19th is one whole quiet day (counted in UTC, there would be none).
    const late = count([{ observedFrom: '2026-01-18T21:30:00Z', zones: [] }], '2026-01-19T22:30:00Z');
    expect(area(late.areas, 'whole', 'all')).toMatchObject({ quietDays: 1, lastViolation: '2026-01-18' });
  });

  it('counts each zone and sector on its own', () => {
    const q = count(
      [
        { observedFrom: '2026-01-19T12:00:00Z', zones: ['dmz', 'dmz-inner'], sector: 'sector-east' },
        { observedFrom: '2026-01-15T12:00:00Z', zones: ['airspace'], sector: 'sector-centre' },
      ],
      '2026-01-20T08:00:00Z',
    );
    expect(area(q.areas, 'zone', 'dmz').quietDays).toBe(0);
    expect(area(q.areas, 'zone', 'dmz-inner').quietDays).toBe(0);
    expect(area(q.areas, 'zone', 'airspace')).toMatchObject({ quietDays: 4, lastViolation: '2026-01-15' });
    expect(area(q.areas, 'zone', 'wb-artillery')).toMatchObject({ quietDays: 7 });
    expect(area(q.areas, 'zone', 'wb-artillery').lastViolation).toBeUndefined();
    expect(area(q.areas, 'sector', 'sector-east').quietDays).toBe(0);
    expect(area(q.areas, 'sector', 'sector-centre').quietDays).toBe(4);
    expect(area(q.areas, 'sector', 'sector-west').quietDays).toBe(7);
    expect(area(q.areas, 'whole', 'all').quietDays).toBe(0);
  });

  it('ignores violations before entry into force and after the day asked about', () => {
    const q = count(
      [
        { observedFrom: '2026-01-10T12:00:00Z', zones: ['dmz'] },
        { observedFrom: '2026-01-20T09:00:00Z', zones: ['dmz'] },
      ],
      '2026-01-20T08:00:00Z',
    );
    expect(area(q.areas, 'zone', 'dmz')).toMatchObject({ quietDays: 7 });
    expect(area(q.areas, 'zone', 'dmz').lastViolation).toBeUndefined();
  });

  it('keeps the latest violation when several fall in one area', () => {
    const q = count(
      [
        { observedFrom: '2026-01-17T12:00:00Z', zones: ['dmz'] },
        { observedFrom: '2026-01-14T12:00:00Z', zones: ['dmz'] },
      ],
      '2026-01-20T08:00:00Z',
    );
    expect(area(q.areas, 'zone', 'dmz')).toMatchObject({ quietDays: 2, lastViolation: '2026-01-17' });
  });
});
