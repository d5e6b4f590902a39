import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capGrade, compareGrades, DEFAULT_CEILINGS, gradeRank, independentSourceCount } from './grading.js';
import { CsvReader, parseCsv } from './import/csv-parse.js';
import { normaliseObserved } from './observed.js';
import { fixFromObserver, parseMgrs } from './position.js';
import type { FieldProblem } from '../core/errors.js';

describe('Admiralty grades', () => {
  it('never sorts F or 6 as the worst grade', () => {
    const grades = (['A1', 'E5', 'F6', 'C3', 'D4', 'B2', 'F1', 'A6'] as const).map((g) => ({
      reliability: g[0] as 'A' | 'B' | 'C' | 'D' | 'E' | 'F',
      credibility: Number(g[1]) as 1 | 2 | 3 | 4 | 5 | 6,
    }));
    const sorted = [...grades].sort(compareGrades).map((g) => `${g.reliability}${g.credibility}`);
    expect(sorted).toEqual(['A1', 'A6', 'B2', 'C3', 'F1', 'F6', 'D4', 'E5']);
    expect(gradeRank('F', 6)).toBeLessThan(gradeRank('D', 4));
    expect(gradeRank('E', 5)).toBeGreaterThan(gradeRank('F', 6));
  });

  it('caps judged grades at the ceiling and leaves unjudged ones alone', () => {
    expect(capGrade({ reliability: 'A', credibility: 1 }, DEFAULT_CEILINGS.party)).toEqual({
      reliability: 'C',
      credibility: 3,
      capped: true,
    });
    expect(capGrade({ reliability: 'F', credibility: 6 }, DEFAULT_CEILINGS.party)).toEqual({
      reliability: 'F',
      credibility: 6,
      capped: false,
    });
    expect(capGrade({ reliability: 'D', credibility: 5 }, DEFAULT_CEILINGS.party)).toEqual({
      reliability: 'D',
      credibility: 5,
      capped: false,
    });
    expect(capGrade({ reliability: 'A', credibility: 1 }, DEFAULT_CEILINGS.commission).capped).toBe(false);
  });

  it('counts sources of one outlet or team once', () => {
    expect(
      independentSourceCount([
        { independenceGroup: 'kyiv-post' },
        { independenceGroup: 'kyiv-post' },
        { independenceGroup: 'patrol-3' },
      ]),
    ).toBe(2);
  });
});

describe('positions', () => {
  it('parses MGRS to the cell centre with the cell radius', () => {
    const p = parseMgrs('37U DP 29836 54052');
    expect(p).toMatchObject({ normalised: '37UDP2983654052' });
    if (typeof p === 'string') throw new Error(p);
    expect(p.lon).toBeCloseTo(38.05325, 4);
    expect(p.lat).toBeCloseTo(48.33576, 4);
    expect(p.radiusM).toBeCloseTo(0.707, 2);
    // Cells on a latitude band's edge are valid in either band (the generator found these).
    expect(typeof parseMgrs('37UDP07401704')).toBe('object');
    expect(typeof parseMgrs('37TBP95021995')).toBe('object');
    expect(parseMgrs('37U ZZ 1234')).toMatch(/does not exist|not an MGRS/);
    expect(parseMgrs('61U DP 1234')).toMatch(/zone 61 does not exist/);
    expect(parseMgrs('37U DP 123 45')).toMatch(/same number of digits/);
  });

  it('derives a bearing-and-distance fix with its uncertainty', () => {
    const fix = fixFromObserver({
      lon: 37.9,
      lat: 48.5,
      bearingDeg: 0,
      distanceM: 10_000,
      bearingErrorDeg: 0,
      distanceErrorM: 500,
    });
    expect(fix.lon).toBeCloseTo(37.9, 6);
    expect(fix.lat).toBeCloseTo(48.5 + 10_000 / 111_180, 3);
    expect(fix.radiusM).toBeCloseTo(1000, 6);
  });
});

describe('observed times', () => {
  const policy = { now: Date.parse('2026-11-26T08:00:00Z'), defaultTimeZone: 'UTC' };
  const run = (input: Parameters<typeof normaliseObserved>[0]) => {
    const problems: FieldProblem[] = [];
    return { result: normaliseObserved(input, '/observed', policy, problems), problems };
  };

  it('turns day, week and month precision into local windows', () => {
    expect(run({ from: '2026-03-29', precision: 'day', timeZone: 'Europe/Kyiv' }).result).toMatchObject({
      from: '2026-03-28T22:00:00.000Z',
      to: '2026-03-29T21:00:00.000Z', // the clocks go forward that night
    });
    expect(run({ from: '2026-03-11', precision: 'week', timeZone: 'UTC' }).result).toMatchObject({
      from: '2026-03-08T00:00:00.000Z',
      to: '2026-03-15T00:00:00.000Z',
    });
    expect(run({ from: '2026-02-14', precision: 'month' }).result).toMatchObject({
      from: '2026-02-01T00:00:00.000Z',
      to: '2026-03-01T00:00:00.000Z',
    });
    expect(run({ from: '2026-11-25T21:40', timeZone: 'Europe/Kyiv' }).result).toMatchObject({
      from: '2026-11-25T19:40:00.000Z',
      precision: 'exact',
    });
  });

  it('names what is wrong with a time', () => {
    expect(run({ from: '2026-02-30' }).problems[0]?.reason).toMatch(/not a valid date/);
    expect(run({ from: '2026-02-10', precision: 'exact' }).problems[0]?.reason).toMatch(
      /needs a time of day/,
    );
    expect(run({ from: '2026-02-10', timeZone: 'Mars/Olympus' }).problems[0]).toMatchObject({
      path: '/observed/timeZone',
    });
    expect(run({ from: '2026-02-10', to: '2026-02-01' }).problems[0]?.reason).toMatch(
      /ends .* before it starts/,
    );
  });
});

describe('CSV reader', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF and a BOM', () => {
    const rows = parseCsv('\ufeffa,b,c\r\n1,"x, ""y""\nz",3\r\n4,,6\n');
    expect(rows.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x, "y"\nz', '3']],
      [4, ['4', '', '6']],
    ]);
  });

  it('gives the same records however the bytes are chunked', () => {
    const text = 'id,notes\r\n1,"a ""quoted"" note, with\r\nlines"\r\n2,plain\r\n';
    const bytes = new TextEncoder().encode(text);
    const whole = parseCsv(text).map((r) => r.fields);
    for (let size = 1; size < 8; size++) {
      const reader = new CsvReader();
      const got = [];
      for (let i = 0; i < bytes.length; i += size) got.push(...reader.push(bytes.subarray(i, i + size)));
      got.push(...reader.end());
      expect(got.map((r) => r.fields)).toEqual(whole);
    }
  });

  it('rejects bytes that are not UTF-8 and unterminated quotes', () => {
    expect(() => new CsvReader().push(Uint8Array.from([0x61, 0x0a, 0x62, 0xe9, 0x0a]))).toThrow(
      /not valid UTF-8 \(byte 3, line 2\)/,
    );
    const r = new CsvReader();
    r.push(new TextEncoder().encode('a\n"open'));
    expect(() => r.end()).toThrow(/never closed/);
  });
});

describe('content hashing', () => {
  it('is the SHA-256 of the ledger canonical JSON of the input, evidence bytes left out', async () => {
    const { canonicalize } = await import('../ledger/canonical-json.js');
    const { contentHash } = await import('./report.intake.js');
    const input = {
      category: 'cfv-shot',
      location: { lon: 37.8, lat: 48.0 },
      observed: { from: '2026-11-20T10:00:00Z' },
      evidence: [{ sha256: 'ab'.repeat(32), contentBase64: 'aGVsbG8=', mediaType: 'text/plain' }],
    };
    const expected = crypto
      .createHash('sha256')
      .update(canonicalize({ ...input, evidence: [{ sha256: 'ab'.repeat(32), mediaType: 'text/plain' }] }))
      .digest('hex');
    expect(contentHash(input as never)).toBe(expected);
    expect(
      contentHash({ ...input, evidence: [{ ...input.evidence[0], contentBase64: 'b3RoZXI=' }] } as never),
    ).toBe(expected);
  });
});
