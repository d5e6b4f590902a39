import { describe, expect, it } from 'vitest';
import type { MapReport } from '../api/reports.js';
import {
  activeFilterCount,
  filterReports,
  NO_FILTERS,
  roundOut,
  serverWindow,
  timeExtent,
} from './filter.js';

function report(id: string, over: Partial<MapReport> = {}): MapReport {
  const base: MapReport = {
    id,
    grade: { reliability: 'B', credibility: 2 },
    observed: { from: '2026-01-10T05:00:00Z', to: '2026-01-10T06:00:00Z' },
    location: { lon: 37.5, lat: 48.1, uncertaintyM: 500 },
    category: 'cfv-explosion',
    zones: ['wb-heavy', 'dmz'],
    flagged: false,
  };
  return { ...base, ...over };
}

const reports = [
  report('a'),
  report('b', {
    category: 'armed-clash',
    grade: { reliability: 'F', credibility: 6 },
    zones: [],
    flagged: true,
  }),
  report('c', { observed: { from: '2026-01-20T10:00:00Z', to: '2026-01-21T02:00:00Z' }, zones: ['dmz'] }),
];
const ids = (rs: MapReport[]) => rs.map((r) => r.id);

describe('report filters', () => {
  it('keeps everything when nothing is set', () => {
    expect(ids(filterReports(reports, NO_FILTERS))).toEqual(['a', 'b', 'c']);
    expect(activeFilterCount(NO_FILTERS)).toBe(0);
  });

  it('filters by category, zone and both grade axes', () => {
    expect(ids(filterReports(reports, { ...NO_FILTERS, categories: new Set(['armed-clash']) }))).toEqual([
      'b',
    ]);
    expect(ids(filterReports(reports, { ...NO_FILTERS, zone: 'dmz' }))).toEqual(['a', 'c']);
    // A band (a zone of a zone) is one of the report's zone ids like its zone.
    expect(ids(filterReports(reports, { ...NO_FILTERS, zone: 'wb-heavy' }))).toEqual(['a']);
    expect(ids(filterReports(reports, { ...NO_FILTERS, reliability: new Set(['F' as const]) }))).toEqual([
      'b',
    ]);
    expect(ids(filterReports(reports, { ...NO_FILTERS, credibility: new Set([2 as const]) }))).toEqual([
      'a',
      'c',
    ]);
  });

  it('keeps only flagged reports when asked', () => {
    expect(ids(filterReports(reports, { ...NO_FILTERS, flagged: true }))).toEqual(['b']);
  });

  it('keeps a report whose observation window overlaps the date range (inclusive UTC days)', () => {
    expect(ids(filterReports(reports, { ...NO_FILTERS, from: '2026-01-21', to: '2026-01-31' }))).toEqual([
      'c',
    ]);
    expect(ids(filterReports(reports, { ...NO_FILTERS, to: '2026-01-10' }))).toEqual(['a', 'b']);
  });

  it('moves the time slider: only reports observed by then', () => {
    const until = Date.parse('2026-01-15T00:00:00Z');
    expect(ids(filterReports(reports, { ...NO_FILTERS, until }))).toEqual(['a', 'b']);
  });

  it('gives the time extent of the observations', () => {
    expect(timeExtent(reports)).toEqual([
      Date.parse('2026-01-10T05:00:00Z'),
      Date.parse('2026-01-21T02:00:00Z'),
    ]);
    expect(timeExtent([])).toBeNull();
  });
});

describe('the server window of a date range', () => {
  it('covers whole UTC days, open ends left out', () => {
    expect(serverWindow('', '')).toEqual({});
    expect(serverWindow('2026-11-20', '')).toEqual({ from: '2026-11-20T00:00:00.000Z' });
    expect(serverWindow('2026-11-20', '2026-11-26')).toEqual({
      from: '2026-11-20T00:00:00.000Z',
      to: '2026-11-26T23:59:59.999Z',
    });
  });
});

describe('the box the map asks for', () => {
  it('covers the view, on a grid of about a quarter of its span, so small pans ask for the same box', () => {
    const view: [number, number, number, number] = [37.31, 47.92, 38.93, 48.77];
    const box = roundOut(view);
    expect(box[0]).toBeLessThanOrEqual(view[0]);
    expect(box[1]).toBeLessThanOrEqual(view[1]);
    expect(box[2]).toBeGreaterThanOrEqual(view[2]);
    expect(box[3]).toBeGreaterThanOrEqual(view[3]);
    expect(box).toEqual([37, 47.5, 39, 49]);
    expect(roundOut([37.33, 47.95, 38.95, 48.8])).toEqual(box);
    // Zoomed far in, the grid stops at 0.01°; at the edges of the world it is clamped.
    expect(roundOut([38.0012, 48.0011, 38.0031, 48.0029])).toEqual([38, 48, 38.01, 48.01]);
    expect(roundOut([-180, -90, 180, 90])).toEqual([-180, -90, 180, 90]);
  });
});
