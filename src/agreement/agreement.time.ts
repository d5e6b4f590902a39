/**
 * Times in an agreement: anchors (named events such as D = ceasefire start), relative times
 * (`D+14d`), RFC 3339 instants, local date-times in the agreement's IANA time zone, and dates.
 * Offsets are exact durations: 1d = 24 h, 1w = 7 d.
 */

/** A parsed time expression. */
export type WhenSpec =
  | { kind: 'relative'; anchor: string; offsetMs: number }
  | { kind: 'instant'; ms: number }
  | { kind: 'local'; year: number; month: number; day: number; hour: number; minute: number; second: number }
  | { kind: 'date'; year: number; month: number; day: number };

const UNIT_MS = { min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const RELATIVE = /^([A-Za-z][A-Za-z0-9_]*)(?:\s*([+-])\s*([0-9]+(?:\.[0-9]+)?)(min|h|d|w))?$/;
const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/;

/** Anchor ids usable in relative times: no "-" or "+", so `D-14d` is unambiguous. */
export const ANCHOR_ID = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Parses a time expression; returns a reason string when it is not one. */
export function parseWhen(text: string): WhenSpec | string {
  const trimmed = text.trim();
  const rel = RELATIVE.exec(trimmed);
  if (rel !== null) {
    const [, anchor = '', sign, amount, unit] = rel;
    const offsetMs =
      amount === undefined || unit === undefined ? 0 : Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
    return { kind: 'relative', anchor, offsetMs: sign === '-' ? -offsetMs : offsetMs };
  }
  const m = DATE_TIME.exec(trimmed);
  if (m === null) {
    return `'${text}' is not a time: use an anchor with an offset (D+14d), an RFC 3339 date-time or a date`;
  }
  const [, y = '', mo = '', d = '', h, mi, s, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return `'${text}' is not a valid date`;
  if (h === undefined) return { kind: 'date', year, month, day };
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (hour > 23 || minute > 59 || second > 59) return `'${text}' is not a valid time of day`;
  if (zone === undefined) return { kind: 'local', year, month, day, hour, minute, second };
  const ms = Date.parse(trimmed.replace(' ', 'T'));
  return Number.isNaN(ms) ? `'${text}' is not a valid RFC 3339 date-time` : { kind: 'instant', ms };
}

/** Parses a duration such as `72h` into milliseconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)(min|h|d|w)$/.exec(text.trim());
  if (m === null) return undefined;
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}

/** Formats milliseconds as the largest whole unit (`14d`, `72h`, `90min`). */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  for (const unit of ['w', 'd', 'h', 'min'] as const) {
    if (abs % UNIT_MS[unit] === 0 && abs >= UNIT_MS[unit]) return `${abs / UNIT_MS[unit]}${unit}`;
  }
  return `${abs / 60_000}min`;
}

/** True for an IANA time zone name the runtime knows (Area/Location, or UTC). */
export function isValidTimeZone(tz: string): boolean {
  if (tz !== 'UTC' && !/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)+$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a time zone. */
export function localParts(
  ms: number,
  tz: string,
): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: string;
} {
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: (parts.weekday ?? '').toLowerCase().slice(0, 3),
  };
}

/** The instant at which the wall clock in `tz` shows the given local time (earlier one if ambiguous). */
export function zonedToUtc(
  local: { year: number; month: number; day: number; hour: number; minute: number; second: number },
  tz: string,
): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  const offsetAt = (ms: number): number => {
    const p = localParts(ms, tz);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - ms;
  };
  const first = wall - offsetAt(wall);
  const second = wall - offsetAt(first);
  return Math.min(first, second);
}

/** Context for resolving relative times: the agreement's zone and the anchors' instants. */
export interface TimeContext {
  timeZone: string;
  /** Instant of each anchor; undefined for anchors whose date is not yet known. */
  anchors: ReadonlyMap<string, number | undefined>;
}

/**
 * The instant a time expression denotes, or undefined when it depends on an anchor without a date.
 * A bare date means the start of that day, or its end when `dateMeans` is 'end' (deadlines).
 */
export function resolveWhen(
  spec: WhenSpec,
  ctx: TimeContext,
  dateMeans: 'start' | 'end' = 'start',
): number | undefined {
  switch (spec.kind) {
    case 'instant':
      return spec.ms;
    case 'local':
      return zonedToUtc(spec, ctx.timeZone);
    case 'date': {
      const start = zonedToUtc({ ...spec, hour: 0, minute: 0, second: 0 }, ctx.timeZone);
      if (dateMeans === 'start') return start;
      const next = new Date(Date.UTC(spec.year, spec.month - 1, spec.day + 1));
      const nextStart = zonedToUtc(
        {
          year: next.getUTCFullYear(),
          month: next.getUTCMonth() + 1,
          day: next.getUTCDate(),
          hour: 0,
          minute: 0,
          second: 0,
        },
        ctx.timeZone,
      );
      return nextStart - 1;
    }
    case 'relative': {
      const base = ctx.anchors.get(spec.anchor);
      return base === undefined ? undefined : base + spec.offsetMs;
    }
  }
}

/** Parses and resolves in one step; undefined when unparseable or unresolved. */
export function instantOf(
  text: string | undefined,
  ctx: TimeContext,
  dateMeans: 'start' | 'end' = 'start',
): number | undefined {
  if (text === undefined) return undefined;
  const spec = parseWhen(text);
  return typeof spec === 'string' ? undefined : resolveWhen(spec, ctx, dateMeans);
}

/**
 * Resolves anchors that may be defined relative to each other (S = D-7d). Anchors without `at`, or
 * in a cycle, or relative to an unknown anchor, stay undefined.
 */
export function resolveAnchors(
  anchors: readonly { id: string; at?: string | undefined }[],
  timeZone: string,
): Map<string, number | undefined> {
  const byId = new Map(anchors.map((a) => [a.id, a]));
  const out = new Map<string, number | undefined>();
  const visiting = new Set<string>();
  const visit = (id: string): number | undefined => {
    if (out.has(id)) return out.get(id);
    const anchor = byId.get(id);
    if (anchor?.at === undefined || visiting.has(id)) return undefined;
    visiting.add(id);
    const spec = parseWhen(anchor.at);
    let value: number | undefined;
    if (typeof spec !== 'string') {
      if (spec.kind === 'relative') {
        const base = visit(spec.anchor);
        value = base === undefined ? undefined : base + spec.offsetMs;
      } else {
        value = resolveWhen(spec, { timeZone, anchors: out });
      }
    }
    visiting.delete(id);
    out.set(id, value);
    return value;
  };
  for (const a of anchors) visit(a.id);
  return out;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
