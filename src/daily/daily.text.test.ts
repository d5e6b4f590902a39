import { describe, expect, it } from 'vitest';
import type { DailyReport } from './daily.model.js';
import { dailyText, rowCells } from './daily.text.js';

/** A report with only the figures the texts read. */
function reportOf(day: number, omitted: number, extra: Partial<DailyReport> = {}): DailyReport {
  return {
    date: '2026-11-25',
    edition: 'public',
    audience: 'public',
    agreementVersionId: null,
    totals: { day, previousDay: 2, previousWeek: 10, previousWeekMean: 1.4 },
    byCategory: [],
    bySector: [],
    incidentBasis: 'findings',
    incidents: [],
    freedomOfMovement: { basis: '', categories: [], count: 0, previousDay: 0, reports: [] },
    weaponsInZones: { basis: '', count: 0, previousDay: 0, reports: [] },
    map: { bbox: [37, 48, 38, 49], points: [], places: [] },
    omitted: { reports: omitted },
    ...extra,
  };
}

describe('daily report texts', () => {
  it('says reports in English with plurals, never "report(s)"', () => {
    const en = dailyText('en');
    expect(en.summary(reportOf(1, 0))).toMatch(/^1 report observed/);
    expect(en.summary(reportOf(2, 0))).toMatch(/^2 reports observed/);
    expect(en.summary(reportOf(0, 0))).toMatch(/^0 reports observed/);
    expect(en.omitted(reportOf(1, 1))).toContain('leaves out 1 report of the day');
    expect(en.omitted(reportOf(1, 3))).toContain('leaves out 3 reports of the day');
    for (const n of [0, 1, 2, 5]) {
      expect(en.summary(reportOf(n, n))).not.toContain('(s)');
      expect(en.omitted(reportOf(n, n))).not.toContain('(s)');
    }
  });

  it('says reports in Ukrainian by Intl.PluralRules: 1 звіт, 2 звіти, 5 звітів, 21 звіт', () => {
    const uk = dailyText('uk');
    const counted = (n: number) => /зафіксовано (\S+ \S+)/.exec(uk.summary(reportOf(n, 0)))?.[1];
    expect([1, 2, 5, 11, 21, 22, 105].map(counted)).toEqual([
      '1 звіт',
      '2 звіти',
      '5 звітів',
      '11 звітів',
      '21 звіт',
      '22 звіти',
      '105 звітів',
    ]);
    expect(uk.omitted(reportOf(3, 1))).toContain('не містить 1 звіту за добу, позначеного');
    expect(uk.omitted(reportOf(3, 2))).toContain('не містить 2 звітів за добу, позначених');
    expect(uk.number(1000)).toBe('1\u00a0000');
    expect(uk.omitted(reportOf(3, 0))).toBe('Це видання містить усі звіти за добу.');
  });

  it('writes dates and decimals by locale', () => {
    expect(dailyText('en').title(reportOf(1, 0))).toBe('Daily report, 25 November 2026');
    expect(dailyText('uk').title(reportOf(1, 0))).toBe('Щоденний звіт, 25 листопада 2026 р.');
    const row = { id: 'x', name: 'X', day: 3, previousDay: 1, previousWeek: 9, previousWeekMean: 1.3 };
    expect(rowCells(dailyText('en'), row)).toEqual(['X', '3', '1', '1.3']);
    expect(rowCells(dailyText('uk'), row)).toEqual(['X', '3', '1', '1,3']);
  });

  it('places a point from its settlement in each language', () => {
    expect(dailyText('en').offset('Horlivka', 3.24, 44)).toBe('3.2 km NE of Horlivka');
    expect(dailyText('uk').offset('Горлівка', 3.24, 44)).toBe('3,2 км на північний схід від н. п. Горлівка');
    expect(dailyText('uk').offset('Горлівка', 12.6, 180)).toBe('13 км на південь від н. п. Горлівка');
    expect(dailyText('uk').offset('Горлівка', 0.05, 0)).toBe('у н. п. Горлівка');
  });

  it("counts an incident's reports in the edition's language", () => {
    const incident = {
      id: 'inc-1',
      kind: 'incident' as const,
      category: 'cfv-explosion',
      categoryName: 'Explosion',
      severity: 'serious',
      observedFrom: '2026-11-25T10:00:00Z',
      lon: 38,
      lat: 48.3,
      place: 'at Horlivka',
      note: 'corroborated; 1 report',
      corroboration: 'corroborated',
      reportCount: 5,
    };
    expect(dailyText('en').incident(incident)).toBe('Explosion (serious). corroborated; 5 reports');
    expect(dailyText('uk').incident(incident)).toBe('Explosion (серйозний). підтверджено; 5 звітів');
  });
});
