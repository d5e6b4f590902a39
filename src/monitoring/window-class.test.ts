import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { listVisibleReports } from './report.repository.js';
import {
  UNBOUNDED_WINDOW_CLASS,
  WINDOW_CLASS_SPANS_MS,
  windowClassOf,
  windowClassOfSpan,
} from './window-class.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('window classes', () => {
  it('puts each window in the shortest class that holds it, the longest in the unbounded one', () => {
    expect(windowClassOfSpan(0)).toBe(0);
    WINDOW_CLASS_SPANS_MS.forEach((longest, k) => {
      expect(windowClassOfSpan(longest)).toBe(k);
      expect(windowClassOfSpan(longest + 1)).toBe(k + 1);
    });
    expect(windowClassOfSpan(10 * 365 * DAY)).toBe(UNBOUNDED_WINDOW_CLASS);
    // ACLED's precisions: a day, the week around a date, a month (a local month can be 31 days and an hour).
    expect(windowClassOf('2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z')).toBe(1);
    expect(windowClassOf('2026-03-01T00:00:00.000Z', '2026-03-08T00:00:00.000Z')).toBe(2);
    expect(windowClassOf('2026-02-28T22:00:00.000Z', '2026-03-31T21:00:00.000Z')).toBe(3);
  });
});

/**
 * The window-overlap query bounds its index ranges by the classes stored; whatever the mix of window
 * lengths, it must find exactly the reports a plain overlap test finds.
 */
describeEachDialect('window-overlap queries', (dialect) => {
  let t: TestApp;
  // The test clock's time (TestClock).
  const now = Date.parse('2026-11-26T08:00:00.000Z');
  beforeAll(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    expect(t.clock.now().getTime()).toBe(now);
    const inputs: Record<string, unknown>[] = [];
    const at = (ms: number) => new Date(ms).toISOString();
    let n = 0;
    const add = (observed: Record<string, unknown>, lon: number, lat: number) =>
      inputs.push(
        sampleInput({
          externalId: `w-${(n += 1)}`,
          observed: { timeZone: 'UTC', ...observed },
          location: { lon, lat, uncertaintyM: 100 },
        }),
      );
    // Instants over three weeks, days, weeks, a month, ~300 days and ~3 years (unbounded), in and
    // out of the box [38.0, 48.3, 38.2, 48.5].
    for (let h = 0; h < 21 * 24; h += 7)
      add({ from: at(now - 25 * DAY + h * HOUR), precision: 'exact' }, 38.05 + (h % 3) * 0.1, 48.4);
    for (let d = 0; d < 20; d += 3)
      add({ from: at(now - 24 * DAY + d * DAY).slice(0, 10), precision: 'day' }, 38.1, 48.35);
    add({ from: at(now - 20 * DAY).slice(0, 10), precision: 'week' }, 38.1, 48.45);
    add({ from: at(now - 40 * DAY).slice(0, 10), precision: 'month' }, 38.15, 48.31);
    add({ from: at(now - 300 * DAY), to: at(now - 22 * DAY) }, 38.12, 48.32);
    add({ from: '2023-12-01T00:00:00Z', to: at(now - 18 * DAY) }, 38.11, 48.33);
    add({ from: '2023-12-01T00:00:00Z', to: at(now - 60 * DAY) }, 38.11, 48.33);
    const result = await t.services.monitoring.reports.submit(
      CONSOLE_ACTOR,
      inputs,
      (i) => `/reports/${i}`,
      false,
    );
    expect(result.accepted).toBe(inputs.length);
  });
  afterAll(async () => t.close());

  it('stores every class and finds exactly the overlapping reports, with and without a viewport', async () => {
    const db = t.services.database.db;
    const all = await db.selectFrom('reports').selectAll().execute();
    expect(new Set(all.map((r) => Number(r.window_class)))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    for (const r of all) expect(Number(r.window_class)).toBe(windowClassOf(r.observed_from, r.observed_to));
    const bbox: [number, number, number, number] = [38.0, 48.3, 38.2, 48.5];
    const inBox = (r: (typeof all)[number]) =>
      r.lon >= bbox[0] && r.lon <= bbox[2] && r.lat >= bbox[1] && r.lat <= bbox[3];
    let checked = 0;
    for (let start = now - 30 * DAY; start < now; start += 2.5 * DAY) {
      for (const length of [0, HOUR, 3 * DAY, 9 * DAY]) {
        const from = new Date(start).toISOString();
        const to = new Date(start + length).toISOString();
        const overlapping = all.filter((r) => r.observed_to >= from && r.observed_from <= to);
        for (const box of [undefined, bbox]) {
          const want = overlapping
            .filter((r) => box === undefined || inBox(r))
            .map((r) => r.id)
            .sort();
          const got = await listVisibleReports(db, undefined, {
            from,
            to,
            ...(box === undefined ? {} : { bbox: box }),
            limit: 1000,
          });
          expect(got.reports.map((r) => r.id).sort(), `${from}..${to} ${box ? 'box' : ''}`).toEqual(want);
          checked += want.length;
        }
        // Open-ended: everything from `from` on.
        const open = await listVisibleReports(db, undefined, { from, bbox, limit: 1000 });
        expect(open.reports.map((r) => r.id).sort()).toEqual(
          all
            .filter((r) => r.observed_to >= from && inBox(r))
            .map((r) => r.id)
            .sort(),
        );
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('finds nothing, without error, when no report is stored', async () => {
    const empty = await startTestApp(dialect, { monitoring: {} });
    try {
      const got = await listVisibleReports(empty.services.database.db, undefined, {
        from: '2026-01-01T00:00:00.000Z',
        bbox: [38, 48, 39, 49],
        limit: 10,
      });
      expect(got.reports).toEqual([]);
      expect(
        Number(
          (await sql<{ n: number }>`select count(*) as n from reports`.execute(empty.services.database.db))
            .rows[0]?.n,
        ),
      ).toBe(0);
    } finally {
      await empty.close();
    }
  });
});
