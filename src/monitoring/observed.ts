import { isValidTimeZone, zonedToUtc } from '../agreement/agreement.time.js';
import type { FieldProblem } from '../core/errors.js';
import type { ObservedTime, TimePrecision } from './report.model.js';
import type { ReportInput } from './report.schemas.js';

/** Clocks in the field drift: a report this far ahead of the server's clock is still "now". */
export const FUTURE_SKEW_MS = 10 * 60_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;
const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** Start of local days, memoised: bulk imports code millions of reports to a few hundred days. */
const dayStarts = new Map<string, number>();
const zoneValidity = new Map<string, boolean>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dayStart(d: LocalDate, tz: string): number {
  // Normalise overflowing days/months (the 32nd of January is the 1st of February).
  const n = new Date(Date.UTC(d.year, d.month - 1, d.day));
  const key = `${tz}|${n.getUTCFullYear()}-${n.getUTCMonth()}-${n.getUTCDate()}`;
  let ms = dayStarts.get(key);
  if (ms === undefined) {
    ms =
      tz === 'UTC'
        ? n.getTime()
        : zonedToUtc(
            {
              year: n.getUTCFullYear(),
              month: n.getUTCMonth() + 1,
              day: n.getUTCDate(),
              hour: 0,
              minute: 0,
              second: 0,
            },
            tz,
          );
    if (dayStarts.size > 100_000) dayStarts.clear();
    dayStarts.set(key, ms);
  }
  return ms;
}

export function validTimeZone(tz: string): boolean {
  let ok = zoneValidity.get(tz);
  if (ok === undefined) {
    ok = isValidTimeZone(tz);
    zoneValidity.set(tz, ok);
  }
  return ok;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** A parsed time; `date` is the local calendar date (computed lazily: exact reports never need it). */
type Parsed =
  { kind: 'date'; date: LocalDate } | { kind: 'instant'; ms: number; date: () => LocalDate } | string;

function parseTime(text: string, tz: string): Parsed {
  const t = text.trim();
  let m = DATE.exec(t);
  if (m !== null) {
    const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
    if (!validDate(date.year, date.month, date.day)) return `"${text}" is not a valid date`;
    return { kind: 'date', date };
  }
  if (OFFSET_DATE_TIME.test(t)) {
    const ms = Date.parse(t);
    if (Number.isNaN(ms)) return `"${text}" is not a valid RFC 3339 date-time`;
    const [y = 0, mo = 0, d = 0] = t.slice(0, 10).split('-').map(Number);
    if (!validDate(y, mo, d)) return `"${text}" is not a valid date`;
    return { kind: 'instant', ms, date: () => localDateOf(ms, tz) };
  }
  m = LOCAL_DATE_TIME.exec(t);
  if (m !== null) {
    const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m?.[i]));
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (!validDate(year ?? 0, month ?? 0, day ?? 0) || (hour ?? 0) > 23 || (minute ?? 0) > 59 || second > 59)
      return `"${text}" is not a valid local date-time`;
    const date = { year: year ?? 0, month: month ?? 0, day: day ?? 0 };
    const ms = zonedToUtc({ ...date, hour: hour ?? 0, minute: minute ?? 0, second }, tz);
    return { kind: 'instant', ms, date: () => date };
  }
  return `"${text}" is not a time: use an RFC 3339 date-time (2026-03-04T21:40:00+02:00), a local date-time (2026-03-04T21:40) or a date (2026-03-04)`;
}

function localDateOf(ms: number, tz: string): LocalDate {
  if (tz === 'UTC') {
    const d = new Date(ms);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }
  let f = dateFormats.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(tz, f);
  }
  const parts = f.format(new Date(ms)).split('-').map(Number);
  return { year: parts[0] ?? 0, month: parts[1] ?? 0, day: parts[2] ?? 0 };
}

/** The window a coded date stands for: a local day; the week around it (ACLED codes the middle); its month. */
function windowOf(date: LocalDate, precision: Exclude<TimePrecision, 'exact'>, tz: string): [number, number] {
  switch (precision) {
    case 'day':
      return [dayStart(date, tz), dayStart({ ...date, day: date.day + 1 }, tz)];
    case 'week':
      return [dayStart({ ...date, day: date.day - 3 }, tz), dayStart({ ...date, day: date.day + 4 }, tz)];
    case 'month':
      return [dayStart({ ...date, day: 1 }, tz), dayStart({ ...date, month: date.month + 1, day: 1 }, tz)];
  }
}

/** What time checks need: the clock, and the earliest moment any loaded agreement is in force. */
export interface TimePolicy {
  now: number;
  /** Entry into force of the earliest agreement version; reports entirely before it are rejected. */
  earliestInForce?: number;
  defaultTimeZone: string;
}

/**
 * Turns a submitted observation time into a UTC window with its precision. Problems name the field
 * under `path`.
 */
export function normaliseObserved(
  input: ReportInput['observed'],
  path: string,
  policy: TimePolicy,
  problems: FieldProblem[],
): ObservedTime | undefined {
  const tz = input.timeZone ?? policy.defaultTimeZone;
  if (!validTimeZone(tz)) {
    problems.push({
      path: `${path}/timeZone`,
      reason: `"${tz}" is not an IANA time zone (e.g. Europe/Kyiv)`,
    });
    return undefined;
  }
  const from = parseTime(input.from, tz);
  if (typeof from === 'string') {
    problems.push({ path: `${path}/from`, reason: from });
    return undefined;
  }
  const precision: TimePrecision = input.precision ?? (from.kind === 'date' ? 'day' : 'exact');
  let start: number;
  let end: number;
  if (precision === 'exact') {
    if (from.kind === 'date') {
      problems.push({
        path: `${path}/precision`,
        reason: 'exact precision needs a time of day, not only a date',
      });
      return undefined;
    }
    start = from.ms;
    end = from.ms;
  } else {
    [start, end] = windowOf(from.kind === 'date' ? from.date : from.date(), precision, tz);
  }
  if (input.to !== undefined) {
    const to = parseTime(input.to, tz);
    if (typeof to === 'string') {
      problems.push({ path: `${path}/to`, reason: to });
      return undefined;
    }
    end = to.kind === 'date' ? dayStart({ ...to.date, day: to.date.day + 1 }, tz) : to.ms;
    if (end < start) {
      problems.push({
        path: `${path}/to`,
        reason: `the window ends (${input.to}) before it starts (${input.from})`,
      });
      return undefined;
    }
  }
  if (start > policy.now + FUTURE_SKEW_MS) {
    problems.push({
      path: `${path}/from`,
      reason: `${new Date(start).toISOString()} is in the future (server time ${new Date(policy.now).toISOString()})`,
    });
    return undefined;
  }
  if (
    policy.earliestInForce !== undefined &&
    end < policy.earliestInForce &&
    !(end === start && start === policy.earliestInForce)
  ) {
    problems.push({
      path: `${path}/from`,
      reason: `${input.from} is before the agreement entered into force (${new Date(policy.earliestInForce).toISOString()})`,
    });
    return undefined;
  }
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    precision,
    timeZone: tz,
    reference: input.from,
  };
}

/** The instant to judge a window against the agreement: its middle, or its start for an instant. */
export function evaluationInstant(observed: ObservedTime): number {
  const a = Date.parse(observed.from);
  const b = Date.parse(observed.to);
  return a + Math.floor((b - a) / 2);
}
