/** Filtering reports for the map and list: pure, so it can be tested without a browser. */
import type { Credibility, MapReport, Reliability } from '../api/reports.js';

export interface ReportFilters {
  /** Category ids to show; empty shows every category. */
  categories: ReadonlySet<string>;
  /** A zone or band id the report must lie in (as derived by the server); '' for any. */
  zone: string;
  reliability: ReadonlySet<Reliability>;
  credibility: ReadonlySet<Credibility>;
  /** Inclusive calendar dates (YYYY-MM-DD, UTC) of the observation; '' for open. */
  from: string;
  to: string;
  /** The time slider: only reports observed (started) at or before this instant; null for no limit. */
  until: number | null;
  /** Only reports the intake flagged as possibly violating a restriction (the server's `flagged`). */
  flagged: boolean;
}

export const NO_FILTERS: ReportFilters = {
  categories: new Set(),
  zone: '',
  reliability: new Set(),
  credibility: new Set(),
  from: '',
  to: '',
  until: null,
  flagged: false,
};

const DAY = 86_400_000;

/** The reports that pass every filter. A report overlapping the date range at all is kept. */
export function filterReports<R extends MapReport>(reports: readonly R[], f: ReportFilters): R[] {
  const from = f.from ? Date.parse(`${f.from}T00:00:00Z`) : -Infinity;
  const to = f.to ? Date.parse(`${f.to}T00:00:00Z`) + DAY : Infinity;
  return reports.filter((r) => {
    if (f.categories.size > 0 && !f.categories.has(r.category ?? '')) return false;
    if (f.zone && !r.zones.includes(f.zone)) return false;
    if (f.reliability.size > 0 && !f.reliability.has(r.grade.reliability)) return false;
    if (f.credibility.size > 0 && !f.credibility.has(r.grade.credibility)) return false;
    if (f.flagged && !r.flagged) return false;
    const start = Date.parse(r.observed.from);
    const end = Date.parse(r.observed.to || r.observed.from);
    if (end < from || start >= to) return false;
    if (f.until !== null && start > f.until) return false;
    return true;
  });
}

/** Earliest start and latest end of the reports' observation windows, or null for none. */
export function timeExtent(reports: readonly Pick<MapReport, 'observed'>[]): [number, number] | null {
  let min = Infinity;
  let max = -Infinity;
  for (const r of reports) {
    const start = Date.parse(r.observed.from);
    const end = Date.parse(r.observed.to || r.observed.from);
    if (Number.isFinite(start)) min = Math.min(min, start);
    if (Number.isFinite(end)) max = Math.max(max, end);
  }
  return Number.isFinite(min) && Number.isFinite(max) ? [min, Math.max(min, max)] : null;
}

/** How many filters are set, for the "n filters" summary. */
export function activeFilterCount(f: ReportFilters): number {
  return (
    (f.categories.size > 0 ? 1 : 0) +
    (f.zone ? 1 : 0) +
    (f.reliability.size > 0 ? 1 : 0) +
    (f.credibility.size > 0 ? 1 : 0) +
    (f.from || f.to ? 1 : 0) +
    (f.until !== null ? 1 : 0) +
    (f.flagged ? 1 : 0)
  );
}

/**
 * The server's observed-window bounds for inclusive calendar dates (YYYY-MM-DD, UTC; '' for open):
 * windows ending on or after the first day's start and starting on or before the last day's end, the
 * overlap rule `filterReports` applies.
 */
export function serverWindow(from: string, to: string): { from?: string; to?: string } {
  return {
    ...(from ? { from: `${from}T00:00:00.000Z` } : {}),
    ...(to ? { to: `${to}T23:59:59.999Z` } : {}),
  };
}

/**
 * A view box widened outward to a grid of about a quarter of its span (at least 0.01°), so that small
 * pans ask for the same box (and nothing is fetched again) while the box still covers the view.
 */
export function roundOut(bbox: readonly [number, number, number, number]): [number, number, number, number] {
  const [w, s, e, n] = bbox;
  const step = Math.max(0.01, 2 ** Math.ceil(Math.log2(Math.max(e - w, n - s) / 4)));
  const down = (v: number, lo: number) => Math.max(lo, Math.floor(v / step) * step);
  const up = (v: number, hi: number) => Math.min(hi, Math.ceil(v / step) * step);
  const r = (v: number) => Number(v.toFixed(6));
  return [r(down(w, -180)), r(down(s, -90)), r(up(e, 180)), r(up(n, 90))];
}
