import Flatbush from 'flatbush';
import type { GeodesicSegment } from '../geo/geodesic.js';
import { geodesicSegment } from '../geo/geodesic.js';
import type { LineDistance, LineSide, PreparedPolyline } from '../geo/polyline.js';
import type { LineStringGeometry, Position } from '../geo/types.js';
import type { DerivedZone } from './agreement.derive.js';
import type { TimeContext } from './agreement.time.js';
import { localParts } from './agreement.time.js';

/** A point's relation to one reference line. */
export interface LineMeasure {
  lineId: string;
  /** Geodesic distance to the line, km (exact on WGS84). */
  distanceKm: number;
  /** Positive on the left of the line's direction, negative on the right. */
  signedKm: number;
  side: LineSide;
  /** The party whose side the point is on, when the line declares its sides. */
  party: string | undefined;
  /** Distance along the line to the foot of the perpendicular, km. */
  alongKm: number;
}

export interface PointClassification {
  /** Ids of the zones and bands containing the point, in the agreement's order. */
  zones: string[];
  lines: LineMeasure[];
}

/** A stretch of a route inside a zone, in km from the route's start. */
export interface RouteZoneInterval {
  zoneId: string;
  fromKm: number;
  toKm: number;
}

/**
 * Point and route queries against an agreement's zones. Derived zones are decided from exact
 * geodesic distances to their lines (never from display polygons); polygon zones by
 * point-in-polygon after an R-tree lookup of their boxes. Times filter zones by their activity.
 */
export class ZoneIndex {
  private readonly zones: DerivedZone[];
  private readonly lineIds: string[];
  private readonly lines: PreparedPolyline[];
  private readonly lineSides: ({ left: string; right: string } | undefined)[];
  private readonly partLine: Int32Array[];
  private readonly polygonZones: number[];
  private readonly tree: Flatbush | undefined;
  private cachedAt = NaN;
  private cachedActive: Uint8Array | undefined;

  constructor(
    zones: DerivedZone[],
    lines: ReadonlyMap<string, PreparedPolyline>,
    sides: ReadonlyMap<string, { left: string; right: string } | undefined>,
    private readonly time: TimeContext,
  ) {
    this.zones = zones;
    this.lineIds = [...lines.keys()];
    this.lines = [...lines.values()];
    this.lineSides = this.lineIds.map((id) => sides.get(id));
    this.partLine = zones.map((z) => Int32Array.from(z.parts, (p) => this.lineIds.indexOf(p.lineId)));
    this.polygonZones = zones.flatMap((z, i) => (z.polygon === undefined ? [] : [i]));
    if (this.polygonZones.length > 0) {
      const tree = new Flatbush(this.polygonZones.length);
      for (const i of this.polygonZones) {
        const b = zones[i]?.bbox ?? [0, 0, 0, 0];
        tree.add(b[0], b[1], b[2], b[3]);
      }
      tree.finish();
      this.tree = tree;
    }
  }

  /**
   * Zones containing the point and, for each reference line, the signed distance and side.
   * With `at`, only zones active at that instant count (a zone starting at an anchor whose date
   * is unknown is not active yet).
   */
  classifyPoint(lon: number, lat: number, at?: Date): PointClassification {
    const measures = this.lines.map((l) => l.distanceTo(lon, lat));
    const inside = this.membership(lon, lat, measures, at);
    const zones: string[] = [];
    inside.forEach((flag, i) => {
      if (flag === 1) zones.push(this.zones[i]?.id ?? '');
    });
    const lines = measures.map((m, i): LineMeasure => {
      const sides = this.lineSides[i];
      return {
        lineId: this.lineIds[i] ?? '',
        distanceKm: m.distanceM / 1000,
        signedKm: m.signedM / 1000,
        side: m.side,
        party: m.side === 'left' ? sides?.left : m.side === 'right' ? sides?.right : undefined,
        alongKm: m.alongM / 1000,
      };
    });
    return { zones, lines };
  }

  /**
   * The stretches of a route (a line string, edges as geodesics) inside each zone. The route is
   * sampled every `stepKm` (default 0.1 km) and each boundary crossing is refined by bisection to
   * about a metre; a zone crossed over less than one step can be missed.
   */
  zonesAlongRoute(
    route: readonly Position[] | LineStringGeometry,
    options: { at?: Date; stepKm?: number } = {},
  ): RouteZoneInterval[] {
    const coords = Array.isArray(route) ? route : (route as LineStringGeometry).coordinates;
    const stepM = Math.max(1, (options.stepKm ?? 0.1) * 1000);
    const walk = routeWalker(coords);
    const open = new Map<number, number>();
    const out: RouteZoneInterval[] = [];
    const inAt = (km: number): Uint8Array => {
      const [lon, lat] = walk.at(km * 1000);
      return this.membership(
        lon,
        lat,
        this.lines.map((l) => l.distanceTo(lon, lat)),
        options.at,
      );
    };
    let prevKm = 0;
    let prev = inAt(0);
    prev.forEach((f, z) => {
      if (f === 1) open.set(z, 0);
    });
    const stations = samples(walk.lengthM, stepM, walk.vertexOffsets);
    for (const m of stations.slice(1)) {
      const km = m / 1000;
      const cur = inAt(km);
      for (let z = 0; z < cur.length; z++) {
        if (cur[z] === prev[z]) continue;
        const edge = this.refine(z, prevKm, km, prev[z] === 1, inAt);
        if (cur[z] === 1) open.set(z, edge);
        else {
          out.push({ zoneId: this.zones[z]?.id ?? '', fromKm: open.get(z) ?? prevKm, toKm: edge });
          open.delete(z);
        }
      }
      prev = cur;
      prevKm = km;
    }
    for (const [z, from] of open)
      out.push({ zoneId: this.zones[z]?.id ?? '', fromKm: from, toKm: walk.lengthM / 1000 });
    return out.sort((a, b) => a.fromKm - b.fromKm || a.toKm - b.toKm);
  }

  /** Bisection for the crossing of zone z between two route stations (km). */
  private refine(
    z: number,
    lo: number,
    hi: number,
    insideAtLo: boolean,
    inAt: (km: number) => Uint8Array,
  ): number {
    let a = lo;
    let b = hi;
    while ((b - a) * 1000 > 1) {
      const mid = (a + b) / 2;
      if ((inAt(mid)[z] === 1) === insideAtLo) a = mid;
      else b = mid;
    }
    return (a + b) / 2;
  }

  /** 1 for each zone containing the point (and active at `at`, if given). */
  private membership(lon: number, lat: number, measures: LineDistance[], at: Date | undefined): Uint8Array {
    const active = at === undefined ? undefined : this.activeAt(at.getTime());
    const out = new Uint8Array(this.zones.length);
    for (let z = 0; z < this.zones.length; z++) {
      const zone = this.zones[z];
      const lineIndex = this.partLine[z];
      if (zone === undefined || lineIndex === undefined || zone.parts.length === 0) continue;
      if (active !== undefined && active[z] === 0) continue;
      for (let k = 0; k < zone.parts.length; k++) {
        const part = zone.parts[k];
        const m = measures[lineIndex[k] ?? -1];
        if (part === undefined || m === undefined) continue;
        if (m.distanceM < part.minM || m.distanceM > part.maxM) continue;
        if (part.side === 'both' || m.side === part.side || m.side === 'on') {
          out[z] = 1;
          break;
        }
      }
    }
    if (this.tree !== undefined) {
      for (const hit of this.tree.search(lon, lat, lon, lat)) {
        const z = this.polygonZones[hit] ?? -1;
        if (active !== undefined && active[z] === 0) continue;
        if (this.zones[z]?.polygon?.contains(lon, lat) === true) out[z] = 1;
      }
    }
    return out;
  }

  /** Ids of the zones and bands active at an instant (all zones, whatever their geometry). */
  activeZones(at: Date): string[] {
    const active = this.activeAt(at.getTime());
    return this.zones.filter((_, i) => active[i] === 1).map((z) => z.id);
  }

  /** Which zones are active at an instant (cached for repeated queries at the same time). */
  private activeAt(ms: number): Uint8Array {
    if (ms === this.cachedAt && this.cachedActive !== undefined) return this.cachedActive;
    let local: { weekday: string; minute: number } | undefined;
    const active = Uint8Array.from(this.zones, (zone) => {
      const a = zone.activity;
      if (a.from === 'pending' || (a.from !== undefined && ms < a.from)) return 0;
      if (a.until !== undefined && ms > a.until) return 0;
      if (a.schedule.length === 0) return 1;
      if (local === undefined) {
        const p = localParts(ms, this.time.timeZone);
        local = { weekday: p.weekday, minute: p.hour * 60 + p.minute };
      }
      const { weekday, minute } = local;
      return a.schedule.some((s) =>
        s.fromMinute < s.toMinute
          ? s.days.includes(weekday) && minute >= s.fromMinute && minute < s.toMinute
          : (s.days.includes(weekday) && minute >= s.fromMinute) ||
            (s.days.includes(previousDay(weekday)) && minute < s.toMinute),
      )
        ? 1
        : 0;
    });
    this.cachedAt = ms;
    this.cachedActive = active;
    return active;
  }
}

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function previousDay(day: string): string {
  return WEEK[(WEEK.indexOf(day) + 6) % 7] ?? day;
}

/** Positions along a route by distance (geodesic edges). */
function routeWalker(coords: readonly Position[]): {
  lengthM: number;
  vertexOffsets: number[];
  at(m: number): [number, number];
} {
  const segments: { seg: GeodesicSegment; offset: number }[] = [];
  const vertexOffsets = [0];
  let total = 0;
  for (let i = 0; i + 1 < coords.length; i++) {
    const a = coords[i];
    const b = coords[i + 1];
    if (a === undefined || b === undefined) continue;
    const seg = geodesicSegment(a[1], a[0], b[1], b[0]);
    segments.push({ seg, offset: total });
    total += seg.length;
    vertexOffsets.push(total);
  }
  const first = coords[0];
  return {
    lengthM: total,
    vertexOffsets,
    at(m: number): [number, number] {
      let k = segments.length - 1;
      while (k > 0 && (segments[k]?.offset ?? 0) > m) k--;
      const s = segments[k];
      if (s === undefined) return [first?.[0] ?? 0, first?.[1] ?? 0];
      const q = s.seg.position(Math.min(Math.max(m - s.offset, 0), s.seg.length));
      return [q.lon, q.lat];
    },
  };
}

/** Station offsets (m): every step, plus every vertex, sorted and unique. */
function samples(lengthM: number, stepM: number, vertices: number[]): number[] {
  const out = new Set<number>(vertices);
  for (let m = 0; m < lengthM; m += stepM) out.add(m);
  out.add(lengthM);
  return [...out].sort((a, b) => a - b);
}
