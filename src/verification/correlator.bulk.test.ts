import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/databases.js';
import {
  sampleInput,
  startTestApp,
  uncorrelatedReports,
  verificationDepsOf,
  type TestApp,
} from '../../test/support/app.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { Correlator } from './correlator.service.js';
import { VerificationContext } from './verification.context.js';

/**
 * The bulk correlation (after an import) reads the pending reports in time-ordered slices, each
 * clustered with the open incidents in its reach, so its memory is bounded by the slice.
 */
describeEachDialect('bulk correlation in slices', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(async () => t.close());

  /** Stores reports as an import would, without correlating them; returns their ids in input order. */
  async function store(inputs: Record<string, unknown>[]): Promise<string[]> {
    const items = inputs.map((input, i) => ({ input, path: `/${i}` }));
    const stored = await uncorrelatedReports(t).ingest(CONSOLE_ACTOR, [items]);
    expect(stored.rejected, JSON.stringify(stored.problems)).toBe(0);
    return [...stored.reports].sort((a, b) => a.index - b.index).map((r) => r.id);
  }

  function correlator(bulkSliceReports: number): Correlator {
    return new Correlator(new VerificationContext(verificationDepsOf(t)), { bulkSliceReports });
  }

  /** The incidents as sets of report ids, sorted (ids stand for the reports' labels via `names`). */
  async function groups(names: Map<string, string>): Promise<string[][]> {
    const rows = await t.services.database.db
      .selectFrom('incident_reports')
      .select(['incident_id', 'report_id'])
      .execute();
    const byIncident = new Map<string, string[]>();
    for (const r of rows)
      byIncident.set(r.incident_id, [
        ...(byIncident.get(r.incident_id) ?? []),
        names.get(r.report_id) ?? '?',
      ]);
    return [...byIncident.values()]
      .map((g) => g.sort())
      .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
  }

  /** A and B 5 km apart (beyond 3 km + their uncertainties), C half-way between and half an hour later. */
  function linkedThree(): Record<string, unknown>[] {
    const at = (lon: number, from: string, narrative: string) =>
      sampleInput({
        observed: { from, precision: 'exact' },
        location: { lon, lat: 48.36, uncertaintyM: 100 },
        narrative,
      });
    return [
      at(38.08, '2026-11-22T10:00:00Z', 'A'),
      at(38.08 + 0.0676, '2026-11-22T10:00:00Z', 'B'),
      at(38.08 + 0.0338, '2026-11-22T10:30:00Z', 'C'),
    ];
  }

  const PLACES = [
    { lon: 38.08, lat: 48.36 },
    { lon: 37.8, lat: 48.1 },
  ];

  /** Four days, two places 25 km apart, three reports each within half an hour: 8 groups of 3. */
  function separateGroups(): { inputs: Record<string, unknown>[]; labels: string[] } {
    const inputs: Record<string, unknown>[] = [];
    const labels: string[] = [];
    for (let day = 0; day < 4; day += 1)
      for (let k = 0; k < 3; k += 1)
        PLACES.forEach((place, p) => {
          inputs.push(
            sampleInput({
              observed: {
                from: `2026-11-${20 + day}T10:${String(k * 10).padStart(2, '0')}:00Z`,
                precision: 'exact',
              },
              location: { ...place, uncertaintyM: 200 },
              narrative: `Day ${day}, place ${p}, report ${k}.`,
            }),
          );
          labels.push(`d${day}p${p}r${k}`);
        });
    return { inputs, labels };
  }

  for (const slice of [1, 4, 1000])
    it(`groups as one slice does when no report links groups across slices (slices of ${slice})`, async () => {
      const { inputs, labels } = separateGroups();
      const ids = await store(inputs);
      const result = await correlator(slice).correlateAll();
      expect(result).toMatchObject({ reports: 24, opened: 8, slices: Math.ceil(24 / slice) });
      const expected = [...Array(4).keys()]
        .flatMap((day) => [0, 1].map((p) => [0, 1, 2].map((k) => `d${day}p${p}r${k}`)))
        .sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
      expect(await groups(new Map(ids.map((id, i) => [id, labels[i] ?? '?'])))).toEqual(expected);
      // What memory grows with: a slice's reports and the open incidents' members in its reach
      // (the same day's), never the whole backlog unless it fits one slice.
      expect(result.largestSlice).toBeLessThanOrEqual(Math.min(24, slice + 5));
      // Nothing is left pending: a second run finds nothing.
      expect(await correlator(slice).correlateAll()).toMatchObject({ reports: 0, opened: 0 });
    });

  it('joins a later report that links two groups of earlier slices to the earliest of them, as live correlation does', async () => {
    const inputs = linkedThree();
    const ids = await store(inputs);
    const names = new Map(ids.map((id, i) => [id, 'ABC'[i] ?? '?']));
    const sliced = await correlator(2).correlateAll();
    expect(sliced).toMatchObject({ reports: 3, opened: 2, joined: 1, slices: 2 });
    // A and B were opened in one transaction at one instant and observed at one time: the tie goes
    // to the incident holding the smaller report id.
    const first = [ids[0] ?? '', ids[1] ?? ''].sort()[0];
    const joined = names.get(first ?? '') ?? '?';
    const other = joined === 'A' ? 'B' : 'A';
    expect(await groups(names)).toEqual(
      [[joined, 'C'].sort(), [other]].sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? '')),
    );
  });

  it('gives the grouping live correlation gives when the same reports arrive one by one', async () => {
    const ids = await store(linkedThree());
    const live = correlator(1000);
    for (const id of ids) await live.correlate([id]);
    const names = new Map(ids.map((id, i) => [id, 'ABC'[i] ?? '?']));
    const grouped = await groups(names);
    // C matches both A's and B's incidents: it joins one (the earliest opened), they are not merged.
    expect(grouped).toHaveLength(2);
    expect(grouped.find((g) => g.includes('C'))).toHaveLength(2);
  });

  it('merges the same three reports into one incident when they fall in one slice', async () => {
    const ids = await store(linkedThree());
    const result = await correlator(3).correlateAll();
    expect(result).toMatchObject({ reports: 3, opened: 1, joined: 0 });
    expect(await groups(new Map(ids.map((id, i) => [id, 'ABC'[i] ?? '?'])))).toEqual([['A', 'B', 'C']]);
  });

  it('refuses a slice size that is not a positive integer', () => {
    expect(() => correlator(0)).toThrow(/bulkSliceReports must be a positive integer/);
    expect(() => correlator(2.5)).toThrow(/bulkSliceReports must be a positive integer/);
  });
});
