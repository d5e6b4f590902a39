import Flatbush from 'flatbush';
import type { DerivedAgreement } from '../agreement/agreement.derive.js';
import { deriveAgreement } from '../agreement/agreement.derive.js';
import { instantOf } from '../agreement/agreement.time.js';
import type { Agreement, Restriction } from '../agreement/agreement.schema.js';
import { PreparedPolygon } from '../geo/pip.js';
import type { Position } from '../geo/types.js';
import type { Approach, Box, PreparedShape } from './conflict-geometry.js';
import { chunkBoxPadded, lastAt, segmentDistanceM } from './conflict-geometry.js';

/** What a restricted area restricts. */
export type RestrictedActivity = 'movement' | 'flight';

/** A zone that movements or flights must not enter, with its geometry and active period. */
export interface RestrictedArea {
  zoneId: string;
  name: string;
  /** GeoJSON MultiPolygon coordinates. */
  polygons: number[][][][];
  /** What the zone restricts: ground movements, flights, or both. */
  restricts: readonly RestrictedActivity[];
  /** Active period (ms); undefined = always. */
  from?: number;
  until?: number;
  /**
   * Altitude band the zone covers, metres above mean sea level (flights outside it do not
   * conflict); undefined = all altitudes.
   */
  altitude?: { minM: number; maxM: number };
}

/** Activities of a restriction that restrict ground movements, and flights. */
const MOVEMENT_ACTIVITIES: ReadonlySet<string> = new Set(['entry', 'deployment']);
const FLIGHT_ACTIVITIES: ReadonlySet<string> = new Set(['flight']);
/** Highest terrain assumed under an AGL ceiling when turning it into AMSL (conservative: Everest). */
const MAX_TERRAIN_M = 8849;

/** A restriction that keeps its activity out of the zone (a ceiling of zero counts). */
function excludes(r: Restriction): boolean {
  if (r.rule === 'prohibited' || r.rule === 'authorisation_required') return true;
  return (r.rule === 'max_count' || r.rule === 'max_personnel') && r.max === 0;
}

/**
 * The restricted areas of an agreement version, at their derived geometry. The mapping:
 * - a restriction with activity `entry` or `deployment` restricts ground **movements** in its zone,
 *   one with activity `flight` restricts **flights**, when its rule is `prohibited` or
 *   `authorisation_required` (or a `max_count` / `max_personnel` of 0): a notice crossing it needs
 *   attention even where an authority can authorise it;
 * - a zone of kind `no_fly_zone` restricts flights whether or not a restriction names it;
 * - equipment-category restrictions (tanks, artillery) are not mapped: a notice does not say what it
 *   carries; waivers are not applied; restrictions bind parties, but a notice's notifier is an
 *   organisation, so every notifier is checked;
 * - the area is active from the later of the zone's start and the restriction's `effective_from`
 *   until the zone's end; a start at an anchor whose date is unknown (a draft's D) leaves the area
 *   out (not in force); weekly schedules are ignored, so a scheduled zone counts as active all day;
 * - the zone's altitude band is kept for flights (AMSL as is; AGL as 0 to ceiling + 8,849 m).
 * Geometry is the zone's display polygon (bands derived from lines on the ellipsoid). Pass a
 * `derived` made with display polygons (the default of `deriveAgreement`); one made with
 * `{ display: false }` is derived again here (about half a second for the illustrative framework).
 */
export function restrictedAreas(agreement: Agreement, derived?: DerivedAgreement): RestrictedArea[] {
  const d =
    derived?.zones.every((z) => z.display !== undefined) === true ? derived : deriveAgreement(agreement);
  const byKey = new Map<string, RestrictedArea & { restricts: RestrictedActivity[] }>();
  const add = (zoneId: string, activity: RestrictedActivity, effectiveFrom: string | undefined): void => {
    const zone = d.zones.find((z) => z.id === zoneId);
    if (zone?.display === undefined || zone.display.coordinates.length === 0) return;
    const zoneFrom = zone.activity.from;
    const restrictionFrom = effectiveFrom === undefined ? undefined : instantOf(effectiveFrom, d.time);
    if (zoneFrom === 'pending' || (effectiveFrom !== undefined && restrictionFrom === undefined)) return;
    const from =
      zoneFrom === undefined
        ? restrictionFrom
        : restrictionFrom === undefined
          ? zoneFrom
          : Math.max(zoneFrom, restrictionFrom);
    const until = zone.activity.until;
    const key = `${zoneId}|${from ?? ''}|${until ?? ''}`;
    const existing = byKey.get(key);
    if (existing !== undefined) {
      if (!existing.restricts.includes(activity)) existing.restricts.push(activity);
      return;
    }
    const area: RestrictedArea & { restricts: RestrictedActivity[] } = {
      zoneId,
      name: zone.name,
      polygons: zone.display.coordinates,
      restricts: [activity],
    };
    if (from !== undefined) area.from = from;
    if (until !== undefined) area.until = until;
    if (zone.altitude !== undefined) {
      const upper = zone.altitude.upper_m ?? Infinity;
      area.altitude =
        zone.altitude.reference === 'AMSL'
          ? { minM: zone.altitude.lower_m, maxM: upper }
          : { minM: 0, maxM: upper + MAX_TERRAIN_M };
    }
    byKey.set(key, area);
  };
  for (const zone of d.zones) if (zone.kind === 'no_fly_zone') add(zone.id, 'flight', undefined);
  for (const r of agreement.restrictions) {
    if (r.activity === undefined || !excludes(r)) continue;
    if (MOVEMENT_ACTIVITIES.has(r.activity)) add(r.zone, 'movement', r.effective_from);
    if (FLIGHT_ACTIVITIES.has(r.activity)) add(r.zone, 'flight', r.effective_from);
  }
  return [...byKey.values()];
}

/** A restricted area ready for route tests: point-in-polygon and an R-tree of its edges. */
export class PreparedArea {
  readonly polygon: PreparedPolygon;
  readonly bbox: Box;
  private readonly edges: Float64Array;
  private readonly tree: Flatbush | undefined;

  constructor(readonly area: RestrictedArea) {
    const polys = area.polygons as unknown as Position[][][];
    this.polygon = new PreparedPolygon(polys);
    this.bbox = this.polygon.bbox;
    const edges: number[] = [];
    for (const rings of polys)
      for (const ring of rings)
        for (let i = 0; i + 1 < ring.length; i++) {
          const a = ring[i] as Position;
          const b = ring[i + 1] as Position;
          edges.push(a[0], a[1], b[0], b[1]);
        }
    this.edges = Float64Array.from(edges);
    const count = edges.length / 4;
    if (count > 0) {
      const tree = new Flatbush(count);
      for (let e = 0; e < count; e++) {
        const [x1, y1, x2, y2] = [
          edges[e * 4] ?? 0,
          edges[e * 4 + 1] ?? 0,
          edges[e * 4 + 2] ?? 0,
          edges[e * 4 + 3] ?? 0,
        ];
        tree.add(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2));
      }
      tree.finish();
      this.tree = tree;
    }
  }

  /** Whether the area restricts this activity at some instant of [from, to]. */
  activeDuring(from: number, to: number): { from: number; to: number } | undefined {
    const f = Math.max(from, this.area.from ?? -Infinity);
    const t = Math.min(to, this.area.until ?? Infinity);
    return f <= t ? { from: f, to: t } : undefined;
  }

  /**
   * First entry of a route into the area (distance 0, the first point inside), or else its closest
   * approach when the centreline comes within `reachM`; undefined otherwise.
   */
  routeEntry(shape: PreparedShape, reachM: number): Approach | undefined {
    if (this.tree === undefined) return undefined;
    const [ax0, ay0, ax1, ay1] = this.bbox;
    let best: Approach | undefined;
    for (let k = 0; k < shape.chunkCount; k++) {
      const [x0, y0, x1, y1] = chunkBoxPadded(shape, k, reachM);
      if (x1 < ax0 || x0 > ax1 || y1 < ay0 || y0 > ay1) continue;
      const start = shape.chunkStart[k] ?? 0;
      const end = shape.chunkStart[k + 1] ?? 0;
      const firstLon = shape.lon[start] ?? 0;
      const firstLat = shape.lat[start] ?? 0;
      // Chunks are visited in order, so a chunk whose first vertex is inside starts inside.
      if (this.polygon.contains(firstLon, firstLat)) return { distanceM: 0, at: [firstLon, firstLat] };
      const hits = this.tree.search(x0, y0, x1, y1);
      if (hits.length === 0) continue;
      for (let i = start; i < Math.max(end, start + 1); i++) {
        const j = end === start ? i : i + 1;
        const alon = shape.lon[i] ?? 0;
        const alat = shape.lat[i] ?? 0;
        const blon = shape.lon[j] ?? 0;
        const blat = shape.lat[j] ?? 0;
        let segBest = Infinity;
        let segAt: [number, number] = [alon, alat];
        let entryT = Infinity;
        for (const e of hits) {
          const o = e * 4;
          const d = segmentDistanceM(
            alon,
            alat,
            blon,
            blat,
            this.edges[o] ?? 0,
            this.edges[o + 1] ?? 0,
            this.edges[o + 2] ?? 0,
            this.edges[o + 3] ?? 0,
          );
          if (d === 0) {
            const t =
              blon !== alon
                ? (lastAt[0] - alon) / (blon - alon)
                : blat !== alat
                  ? (lastAt[1] - alat) / (blat - alat)
                  : 0;
            if (t < entryT) {
              entryT = t;
              segAt = [lastAt[0], lastAt[1]];
            }
            segBest = 0;
          } else if (d < segBest && entryT === Infinity) {
            segBest = d;
            segAt = [lastAt[0], lastAt[1]];
          }
        }
        if (segBest === 0) return { distanceM: 0, at: segAt };
        if (segBest <= reachM && (best === undefined || segBest < best.distanceM))
          best = { distanceM: segBest, at: segAt };
      }
    }
    return best;
  }
}
