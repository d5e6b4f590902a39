import type { Agreement } from '../agreement/agreement.schema.js';
import { localParts } from '../agreement/agreement.time.js';

/** A verified violation as quiet days count it: when, and where. */
export interface ViolationMark {
  observedFrom: string;
  zones: readonly string[];
  sector?: string | null;
}

/** Quiet days of one area. */
export interface QuietArea {
  id: string;
  name: string;
  kind: 'zone' | 'sector' | 'whole';
  /** Consecutive whole local days, up to (not including) the day of `asOf`, without a verified violation. */
  quietDays: number;
  /** The local day of the last verified violation in the area, if any since counting began. */
  lastViolation?: string;
}

/** Quiet days per zone and sector, and for the whole agreement area. */
export interface QuietDays {
  asOf: string;
  /**
   * The local day counting starts on: entry into force, else the day the version was loaded or of the
   * first verified violation, whichever is earlier.
   */
  since: string;
  timeZone: string;
  /** What counted as a verified violation: verified incidents (the commission) or published findings. */
  basis: 'incidents' | 'findings';
  areas: QuietArea[];
}

function localDay(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / 86_400_000);
}

/**
 * Counts, per zone and sector of the agreement and for the whole area, the consecutive local days
 * (in the agreement's time zone) without a verified violation: the metric disengagement steps wait on.
 * A violation's day is the local day its observed window starts on.
 */
export function quietDays(
  agreement: Agreement,
  sectors: readonly { id: string; name: string }[],
  violations: readonly ViolationMark[],
  asOf: Date,
  since: Date,
  basis: QuietDays['basis'],
): QuietDays {
  const tz = agreement.time_zone;
  const today = localDay(asOf.getTime(), tz);
  const start = localDay(since.getTime(), tz);
  const lastIn = new Map<string, string>();
  const note = (key: string, day: string) => {
    const seen = lastIn.get(key);
    if (seen === undefined || day > seen) lastIn.set(key, day);
  };
  for (const v of violations) {
    const ms = Date.parse(v.observedFrom);
    if (!(ms <= asOf.getTime())) continue;
    const day = localDay(ms, tz);
    if (day < start) continue;
    note('whole:', day);
    for (const z of v.zones) note(`zone:${z}`, day);
    if (v.sector !== undefined && v.sector !== null) note(`sector:${v.sector}`, day);
  }
  const area = (kind: QuietArea['kind'], id: string, name: string): QuietArea => {
    const last = lastIn.get(`${kind}:${kind === 'whole' ? '' : id}`);
    const quiet = last === undefined ? daysBetween(start, today) : daysBetween(last, today) - 1;
    return {
      id,
      name,
      kind,
      quietDays: Math.max(0, quiet),
      ...(last !== undefined ? { lastViolation: last } : {}),
    };
  };
  return {
    asOf: asOf.toISOString(),
    since: start,
    timeZone: tz,
    basis,
    areas: [
      area('whole', 'all', agreement.region?.name ?? agreement.title),
      ...agreement.zones.flatMap((z) => [
        area('zone', z.id, z.name),
        ...(z.bands ?? []).map((b) => area('zone', b.id, b.name ?? `${z.name}: ${b.id}`)),
      ]),
      ...sectors.map((s) => area('sector', s.id, s.name)),
    ],
  };
}
