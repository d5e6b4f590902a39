import { describe, expect, it } from 'vitest';
import { addDays, band, daysFrom, meanOf, Tally } from './overview.model.js';

describe('restricted counts in bands', () => {
  it('publishes the lower bound of the band of five', () => {
    expect([0, 1, 4, 5, 9, 10, 14].map((n) => band(n))).toEqual([0, 0, 0, 5, 5, 10, 10]);
  });

  it('moves a published figure only when the cell crosses a multiple of k', () => {
    const tally = new Tally();
    const seen: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      tally.add(false);
      seen.push(tally.publish().restricted);
    }
    expect(seen).toEqual([0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10, 10]);
  });

  it('keeps visible counts exact', () => {
    const tally = new Tally();
    tally.add(true);
    tally.add(true);
    tally.add(false);
    expect(tally.publish()).toEqual({ visible: 2, restricted: 0 });
  });

  it('means published cells only, to one decimal', () => {
    expect(
      meanOf([
        { visible: 1, restricted: 5 },
        { visible: 0, restricted: 0 },
        { visible: 0, restricted: 0 },
      ]),
    ).toEqual({ visible: 0.3, restricted: 1.7 });
  });

  it('walks calendar days across a month end', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(daysFrom('2026-11-29', '2026-12-02')).toEqual([
      '2026-11-29',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });
});
