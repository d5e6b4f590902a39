/** The conflicts the engine reports, each with the one sentence a duty officer reads. */
import type { Approach } from './conflict-geometry.js';
import { overlap } from './conflict-geometry.js';
import type { Conflict, ConflictSettings, IncidentPoint, NoticeKind, NoticeShape } from './conflict.types.js';
import type { RestrictedArea } from './restricted-areas.js';

/** Centreline distance less the half widths (corridors, precision circles), never below 0. */
export function edgeDistance(centreM: number, halfWidthsM: number): number {
  return Math.max(0, centreM - halfWidthsM);
}

const NOUN: Record<NoticeKind, string> = { site: 'Site', movement: 'Route', flight: 'Flight route' };

const two = (v: number): string => (v < 10 ? `0${v}` : `${v}`);

/** `YYYY-MM-DD HH:MM` in UTC (hand-made: toISOString is slow when a check finds dozens of conflicts). */
function utc(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
}

function between(w: { from: number; to: number }): string {
  return `between ${utc(w.from)} and ${utc(w.to)} UTC`;
}

/** Whole metres with thousands separators (`12,345 m`). */
function metres(m: number): string {
  return `${String(Math.round(m)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} m`;
}

export function zoneConflict(
  n: NoticeShape,
  area: RestrictedArea,
  hit: Approach,
  window: { from: number; to: number },
): Conflict {
  const flight = n.kind === 'flight';
  const restricts = area.restricts.map((r) => (r === 'movement' ? 'movements' : 'flights')).join(' and ');
  const band =
    flight && area.altitude !== undefined
      ? `, ${metres(area.altitude.minM)} to ${Number.isFinite(area.altitude.maxM) ? metres(area.altitude.maxM) : 'unlimited'} AMSL`
      : '';
  const how =
    hit.distanceM === 0
      ? flight
        ? 'enters'
        : 'crosses'
      : `passes ${metres(hit.distanceM)} from (its ${metres(n.widthM)} corridor reaches)`;
  return {
    kind: flight ? 'no_fly_zone' : 'restricted_zone',
    noticeId: n.id,
    zoneId: area.zoneId,
    distanceM: hit.distanceM,
    at: hit.at,
    window,
    reason: `${NOUN[n.kind]} ${how} ${area.name} (restricts ${restricts}${band}) ${between(window)}`,
  };
}

/** The proximity conflict of a pair seen from `n` (edge-to-edge gap, a point), if their windows overlap. */
export function pairConflictOf(
  n: NoticeShape,
  other: NoticeShape,
  gapM: number,
  at: [number, number],
  separationM: number,
): Conflict | undefined {
  const window = overlap(n.from, n.to, other.from, other.to);
  if (window === undefined) return undefined;
  const flight = n.kind === 'flight';
  const alt =
    flight && n.altitude !== undefined && other.altitude !== undefined
      ? ` with overlapping altitude bands (${metres(Math.max(n.altitude.minM, other.altitude.minM))} to ${metres(Math.min(n.altitude.maxM, other.altitude.maxM))} AMSL)`
      : flight
        ? ' (an altitude band is not given, so the bands may overlap)'
        : '';
  const near = gapM === 0 ? 'overlaps the corridor of' : `comes within ${metres(gapM)} of`;
  return {
    kind: flight ? 'flight_altitude' : 'movement_proximity',
    noticeId: n.id,
    otherNoticeId: other.id,
    distanceM: gapM,
    at,
    window,
    reason: `${NOUN[n.kind]} ${near} ${flight ? 'flight' : 'movement'} ${other.id} of another notifier${alt}, closer than the ${metres(separationM)} separation, ${between(window)}`,
  };
}

export function incidentConflict(
  n: NoticeShape,
  i: IncidentPoint,
  a: Approach,
  settings: ConflictSettings,
  window: { from: number; to: number },
): Conflict {
  const half = n.kind === 'site' ? n.widthM : n.widthM / 2;
  const gap = edgeDistance(a.distanceM, half);
  const where = gap === 0 ? 'covers the position of' : `is ${metres(gap)} from`;
  return {
    kind: 'near_incident',
    noticeId: n.id,
    incidentId: i.id,
    distanceM: gap,
    at: a.at,
    window,
    reason: `${NOUN[n.kind]} ${where} incident ${i.id} of ${utc(i.at)} UTC (within ${metres(settings.incidentRadiusM)}); relevant ${between(window)}`,
  };
}
