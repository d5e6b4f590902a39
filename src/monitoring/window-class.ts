/**
 * Observation windows by length class, so "the reports whose window overlaps [from, to]" reads a
 * bounded range of an index rather than every report that began before `to`.
 *
 * A report's window can be as long as its submitter says, so an index on its start alone cannot tell
 * where to stop looking back. Each report is stored with the class of its window's length
 * (`reports.window_class`, derived from `observed_from` and `observed_to` and checked against them
 * by the database audit): a report of class k began at most `WINDOW_CLASS_SPANS_MS[k]` before any
 * moment its window covers. A query asks each class present for its own range of starts. The last
 * class has no bound; ACLED's week and month precisions fall in the classes below it.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Longest window of each bounded class, shortest first. */
export const WINDOW_CLASS_SPANS_MS = [2 * HOUR, 2 * DAY, 8 * DAY, 32 * DAY, 400 * DAY] as const;

/** The class of windows longer than every bounded one. */
export const UNBOUNDED_WINDOW_CLASS = WINDOW_CLASS_SPANS_MS.length;

/** The class of a window of this many milliseconds. */
export function windowClassOfSpan(spanMs: number): number {
  const k = WINDOW_CLASS_SPANS_MS.findIndex((longest) => spanMs <= longest);
  return k === -1 ? UNBOUNDED_WINDOW_CLASS : k;
}

/** The class of a stored window (RFC 3339 UTC instants). */
export function windowClassOf(from: string, to: string): number {
  return windowClassOfSpan(Date.parse(to) - Date.parse(from));
}

/**
 * The earliest start a report of class `k` may have and still overlap a window beginning at
 * `from`; undefined for the unbounded class.
 */
export function earliestStart(from: string, k: number): string | undefined {
  const span = WINDOW_CLASS_SPANS_MS[k];
  return span === undefined ? undefined : new Date(Date.parse(from) - span).toISOString();
}

/** SQL deriving the class from a span in milliseconds (the migration's backfill); `ms` is trusted SQL. */
export function windowClassSql(ms: string): string {
  const arms = WINDOW_CLASS_SPANS_MS.map((longest, k) => `when ${ms} <= ${longest} then ${k}`).join(' ');
  return `case ${arms} else ${UNBOUNDED_WINDOW_CLASS} end`;
}
