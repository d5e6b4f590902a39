import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  isValidTimeZone,
  parseDuration,
  parseWhen,
  resolveAnchors,
  resolveWhen,
  zonedToUtc,
} from './agreement.time.js';

describe('parseWhen', () => {
  it('reads anchors with offsets', () => {
    expect(parseWhen('D+14d')).toEqual({ kind: 'relative', anchor: 'D', offsetMs: 14 * 86_400_000 });
    expect(parseWhen('D-72h')).toEqual({ kind: 'relative', anchor: 'D', offsetMs: -72 * 3_600_000 });
    expect(parseWhen('S')).toEqual({ kind: 'relative', anchor: 'S', offsetMs: 0 });
    expect(parseWhen('D + 2w')).toEqual({ kind: 'relative', anchor: 'D', offsetMs: 14 * 86_400_000 });
  });

  it('reads instants, local date-times and dates', () => {
    expect(parseWhen('2015-02-15T00:00:00+02:00')).toEqual({
      kind: 'instant',
      ms: Date.UTC(2015, 1, 14, 22),
    });
    expect(parseWhen('2015-02-15T00:00')).toMatchObject({
      kind: 'local',
      year: 2015,
      month: 2,
      day: 15,
      hour: 0,
    });
    expect(parseWhen('2025-12-31')).toEqual({ kind: 'date', year: 2025, month: 12, day: 31 });
  });

  it('explains what it cannot read', () => {
    expect(parseWhen('by Christmas')).toMatch(/is not a time/);
    expect(parseWhen('2025-02-30')).toBe("'2025-02-30' is not a valid date");
    expect(parseWhen('2025-02-03T25:00')).toBe("'2025-02-03T25:00' is not a valid time of day");
  });
});

describe('time zones', () => {
  it('knows IANA names and rejects abbreviations and offsets', () => {
    expect(isValidTimeZone('Europe/Kyiv')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('EET')).toBe(false);
    expect(isValidTimeZone('+02:00')).toBe(false);
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
  });

  it('converts Minsk II "00:00 Kyiv time on 15 February 2015" to UTC', () => {
    expect(
      new Date(
        zonedToUtc({ year: 2015, month: 2, day: 15, hour: 0, minute: 0, second: 0 }, 'Europe/Kyiv'),
      ).toISOString(),
    ).toBe('2015-02-14T22:00:00.000Z');
  });

  it('follows summer time', () => {
    expect(
      new Date(
        zonedToUtc({ year: 2020, month: 7, day: 27, hour: 0, minute: 0, second: 0 }, 'Europe/Kyiv'),
      ).toISOString(),
    ).toBe('2020-07-26T21:00:00.000Z');
  });
});

describe('anchors and durations', () => {
  it('resolves anchors defined from other anchors, leaving undated ones unresolved', () => {
    const anchors = resolveAnchors(
      [{ id: 'S', at: '2015-02-12T10:00' }, { id: 'D', at: 'S+62h' }, { id: 'X' }, { id: 'Y', at: 'X+1d' }],
      'Europe/Kyiv',
    );
    expect(new Date(anchors.get('D') ?? 0).toISOString()).toBe('2015-02-14T22:00:00.000Z');
    expect(anchors.get('Y')).toBeUndefined();
  });

  it('takes the end of the day for a date deadline', () => {
    const ctx = { timeZone: 'Asia/Seoul', anchors: new Map<string, number | undefined>() };
    const spec = parseWhen('1953-07-27');
    if (typeof spec === 'string') throw new Error(spec);
    expect(new Date(resolveWhen(spec, ctx, 'end') ?? 0).toISOString()).toBe('1953-07-27T14:59:59.999Z');
  });

  it('parses and formats durations', () => {
    expect(parseDuration('72h')).toBe(259_200_000);
    expect(parseDuration('30min')).toBe(1_800_000);
    expect(parseDuration('3 days')).toBeUndefined();
    expect(formatDuration(14 * 86_400_000)).toBe('2w');
    expect(formatDuration(-72 * 3_600_000)).toBe('3d');
  });
});
