/**
 * The deconfliction conflict engine: pure, in memory, no database. The notices service keeps one
 * {@link ConflictIndex} per agreement version, feeds it notices and incidents, and asks it for the
 * conflicts of a new notice, of a new incident, or of everything (continuous re-check).
 *
 * ## The rules
 * - `restricted_zone`: a movement whose corridor (centreline ± width/2) touches a zone restricting
 *   movements while the zone is active; `no_fly_zone`: the same for a flight and a zone restricting
 *   flights, when the altitude bands overlap (a flight without a band overlaps every band).
 * - `movement_proximity` / `flight_altitude`: two movements (two flights) of different notifiers
 *   whose corridors come within `separationM` edge to edge (centreline distance − both half widths),
 *   at overlapping windows (and, for flights, overlapping altitude bands).
 * - `near_incident`: a site (its precision circle) or route (its corridor) within `incidentRadiusM`
 *   of an incident that happened at most `incidentWindowMs` before the notice's window starts, or
 *   during it.
 * Windows are inclusive: windows that touch at one instant overlap. A movement's window runs from
 * departure to arrival and the engine does not know where along the route it is at a given time, so
 * any overlap of the whole windows counts.
 *
 * ## Geometry
 * Distances are planar in a local frame centred on each compared pair (see `conflict-geometry.ts`);
 * routes are densified along their geodesics to edges of at most 5 km and cut into chunks of 8 edges;
 * an R-tree (flatbush) of chunk boxes, padded by each notice's half width, finds candidates. Upserts go
 * to a small pending list checked linearly; the tree is rebuilt when that list or the removed chunks
 * grow, so every operation stays cheap without a dynamic tree.
 */
import Flatbush from 'flatbush';
import type { Indexed } from './chunk-index.js';
import { ChunkIndex, paddedChunks } from './chunk-index.js';
import type { Approach } from './conflict-geometry.js';
import {
  chunkApproach,
  lastAt,
  chunkBoxPadded,
  overlap,
  padBox,
  pointApproach,
  prepareShape,
} from './conflict-geometry.js';
import { edgeDistance, incidentConflict, pairConflictOf, zoneConflict } from './conflict-reasons.js';
import type { Conflict, ConflictSettings, IncidentPoint, NoticeKind, NoticeShape } from './conflict.types.js';
import type { RestrictedActivity, RestrictedArea } from './restricted-areas.js';
import { PreparedArea } from './restricted-areas.js';

export { restrictedAreas } from './restricted-areas.js';
export type { RestrictedArea } from './restricted-areas.js';
export type {
  Conflict,
  ConflictKind,
  ConflictSettings,
  IncidentPoint,
  NoticeKind,
  NoticeShape,
} from './conflict.types.js';

/** A stored notice with its prepared geometry and cached conflicts. */
interface Stored extends Indexed {
  readonly n: NoticeShape;
  /** Insertion counter when stored. */
  readonly seq: number;
  /** Zone conflicts never change for a stored notice (areas are fixed): computed once. */
  zones?: Conflict[];
  /** Proximity edges to other stored notices; one object shared by both ends. */
  readonly pairs: Map<Stored, PairEdge>;
  /** Insertion counter when its pairs were last searched: every notice stored before was seen. */
  pairsAt?: number;
}

/** Two stored notices within separation: `at` is on a's centreline. */
interface PairEdge {
  readonly a: Stored;
  readonly b: Stored;
  readonly centreM: number;
  readonly at: [number, number];
  conflict?: Conflict;
}

/** Closest approach found by a pair search: centreline distance and the point on the searching notice. */
interface Nearest {
  distanceM: number;
  lon: number;
  lat: number;
}

/**
 * Conflicts between notices, restricted areas and incidents of one agreement version. See the module
 * comment for the rules. Not thread-safe; cheap to rebuild from the stored notices.
 */
export class ConflictIndex {
  private readonly areas: PreparedArea[];
  private readonly notices = new Map<string, Stored>();
  private seq = 0;
  /** One R-tree per kind: a movement is compared with movements only, a flight with flights. */
  private readonly byKind: Record<NoticeKind, ChunkIndex<Stored>> = {
    site: new ChunkIndex(),
    movement: new ChunkIndex(),
    flight: new ChunkIndex(),
  };
  private readonly incidents = new Map<string, IncidentPoint>();
  private incidentList: IncidentPoint[] = [];
  private incidentTree: Flatbush | undefined;
  private incidentsDirty = false;

  constructor(
    private readonly settings: ConflictSettings,
    areas: readonly RestrictedArea[],
  ) {
    this.areas = areas.filter((a) => a.polygons.length > 0).map((a) => new PreparedArea(a));
  }

  /** Adds a notice, or replaces the stored notice with the same id. */
  upsert(n: NoticeShape): void {
    this.remove(n.id);
    const stored = storedOf(n, this.seq++);
    this.notices.set(n.id, stored);
    this.byKind[n.kind].add(stored);
  }

  /** Forgets a notice (no-op when unknown). */
  remove(id: string): void {
    const old = this.notices.get(id);
    if (old === undefined) return;
    this.notices.delete(id);
    this.byKind[old.n.kind].delete(old);
    for (const o of old.pairs.keys()) o.pairs.delete(old);
  }

  /** Adds (or replaces) an incident. */
  addIncident(i: IncidentPoint): void {
    this.incidents.set(i.id, i);
    this.incidentsDirty = true;
  }

  /** Forgets incidents that happened before `before` (ms). */
  pruneIncidents(before: number): void {
    for (const [id, i] of this.incidents) if (i.at < before) this.incidents.delete(id);
    this.incidentsDirty = true;
  }

  /** Number of stored notices. */
  get size(): number {
    return this.notices.size;
  }

  /** Conflicts of one notice (new or stored) against zones, other notices and incidents. */
  check(n: NoticeShape): Conflict[] {
    const stored = this.notices.get(n.id);
    const self = stored?.n === n ? stored : storedOf(n, Infinity);
    const pairs: Conflict[] = [];
    for (const [o, a] of this.searchPairs(self, false)) {
      const gap = edgeDistance(a.distanceM, self.shape.halfWidthM + o.shape.halfWidthM);
      const c = pairConflictOf(n, o.n, gap, [a.lon, a.lat], this.settings.separationM);
      if (c !== undefined) pairs.push(c);
    }
    return [...this.zoneConflicts(self), ...pairs, ...this.incidentConflicts(self)];
  }

  /**
   * Conflicts of every notice active at or after `now`, each pair once (from the notice whose search
   * found it; its `at` is on that notice's centreline). Zone conflicts and proximity pairs are kept
   * between calls (notices are immutable once stored: a replacement is a removal and an insertion),
   * so a re-check after a new incident searches only for incidents and for notices stored since.
   */
  recheckAll(now: number): Conflict[] {
    for (const index of Object.values(this.byKind)) index.compact();
    const out: Conflict[] = [];
    for (const s of this.notices.values()) {
      if (s.n.to < now) continue;
      if (s.pairsAt === undefined) this.searchPairs(s, true);
    }
    const { separationM } = this.settings;
    for (const s of this.notices.values()) {
      if (s.n.to < now) continue;
      out.push(...this.zoneConflicts(s));
      for (const e of s.pairs.values()) {
        if (e.a !== s || e.b.n.to < now) continue;
        e.conflict ??= pairConflictOf(
          e.a.n,
          e.b.n,
          edgeDistance(e.centreM, e.a.shape.halfWidthM + e.b.shape.halfWidthM),
          e.at,
          separationM,
        );
        if (e.conflict !== undefined) out.push(e.conflict);
      }
      out.push(...this.incidentConflicts(s));
    }
    return out;
  }

  /** The notices a new incident touches (near_incident conflicts). */
  checkIncident(i: IncidentPoint): Conflict[] {
    const { incidentRadiusM, incidentWindowMs } = this.settings;
    const out: Conflict[] = [];
    for (const [s, a] of this.nearPoint(i.lon, i.lat, incidentRadiusM)) {
      const window = overlap(s.n.from, s.n.to, i.at, i.at + incidentWindowMs);
      if (window === undefined) continue;
      out.push(incidentConflict(s.n, i, a, this.settings, window));
    }
    return out;
  }

  /**
   * For monitoring's DeconflictionLookup.notifiedNear: notices whose site (precision circle) or
   * corridor lies within radiusM of the point and whose window overlaps [from, to] (ISO strings);
   * nearest first, edge-to-point distance (0 inside).
   */
  near(q: { lon: number; lat: number; radiusM: number; from: string; to: string }): {
    kind: NoticeKind;
    id: string;
    distanceM: number;
  }[] {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    const out: { kind: NoticeKind; id: string; distanceM: number }[] = [];
    for (const [s, a] of this.nearPoint(q.lon, q.lat, q.radiusM)) {
      if (overlap(s.n.from, s.n.to, from, to) === undefined) continue;
      out.push({ kind: s.n.kind, id: s.n.id, distanceM: edgeDistance(a.distanceM, s.shape.halfWidthM) });
    }
    return out.sort((a, b) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : 1));
  }

  // ---- conflicts of one notice ----

  private zoneConflicts(s: Stored): Conflict[] {
    if (s.zones !== undefined) return s.zones;
    const n = s.n;
    const out: Conflict[] = [];
    if (n.kind !== 'site') {
      const activity: RestrictedActivity = n.kind;
      for (const area of this.areas) {
        if (!area.area.restricts.includes(activity)) continue;
        const window = area.activeDuring(n.from, n.to);
        if (window === undefined) continue;
        if (activity === 'flight' && !altitudesOverlap(n.altitude, area.area.altitude)) continue;
        const hit = area.routeEntry(s.shape, s.shape.halfWidthM);
        if (hit === undefined) continue;
        out.push(zoneConflict(n, area.area, hit, window));
      }
    }
    if (s.seq !== Infinity) s.zones = out;
    return out;
  }

  /**
   * Movements (flights) of other notifiers within separation of a notice at overlapping windows (and
   * altitude bands), each with its closest approach. For a stored notice the edges are recorded on
   * both ends; with `skipSeen`, notices whose own search already saw this one are skipped.
   */
  private searchPairs(s: Stored, skipSeen: boolean): Map<Stored, Nearest> {
    const n = s.n;
    const best = new Map<Stored, Nearest>();
    if (n.kind === 'site') return best;
    const reach = this.settings.separationM + s.shape.halfWidthM;
    let k = 0;
    const visit = (o: Stored, ok: number): void => {
      const m = o.n;
      if (m === n || m.id === n.id || m.notifier === n.notifier) return;
      if (m.from > n.to || n.from > m.to) return;
      if (skipSeen && o.pairsAt !== undefined && o.pairsAt > s.seq) return;
      if (n.kind === 'flight' && !altitudesOverlap(n.altitude, m.altitude)) return;
      const prev = best.get(o);
      if (prev?.distanceM === 0) return;
      const d = chunkApproach(s.shape, k, o.shape, ok, reach + o.shape.halfWidthM);
      if (d === Infinity) return;
      if (prev === undefined) best.set(o, { distanceM: d, lon: lastAt[0], lat: lastAt[1] });
      else if (d < prev.distanceM) {
        prev.distanceM = d;
        prev.lon = lastAt[0];
        prev.lat = lastAt[1];
      }
    };
    const index = this.byKind[n.kind];
    for (k = 0; k < s.shape.chunkCount; k++) {
      const [x0, y0, x1, y1] = chunkBoxPadded(s.shape, k, reach);
      index.search(x0, y0, x1, y1, visit);
    }
    if (this.notices.get(n.id) === s) {
      for (const [o, a] of best) {
        const edge: PairEdge = { a: s, b: o, centreM: a.distanceM, at: [a.lon, a.lat] };
        s.pairs.set(o, edge);
        o.pairs.set(s, edge);
      }
      s.pairsAt = this.seq;
    }
    return best;
  }

  private incidentConflicts(s: Stored): Conflict[] {
    const n = s.n;
    const { incidentRadiusM, incidentWindowMs } = this.settings;
    const tree = this.incidentIndex();
    if (tree === undefined) return [];
    const reach = incidentRadiusM + s.shape.halfWidthM;
    // One search over the whole notice, then each candidate against the chunks near it.
    const [bx0, by0, bx1, by1] = padBox(s.box[0], s.box[1], s.box[2], s.box[3], incidentRadiusM);
    const candidates: IncidentPoint[] = [];
    for (const h of tree.search(bx0, by0, bx1, by1)) {
      const i = this.incidentList[h];
      if (i !== undefined && i.at <= n.to && i.at + incidentWindowMs >= n.from) candidates.push(i);
    }
    if (candidates.length === 0) return [];
    const best = new Map<IncidentPoint, Approach>();
    for (let k = 0; k < s.shape.chunkCount; k++) {
      const [x0, y0, x1, y1] = chunkBoxPadded(s.shape, k, reach);
      for (const i of candidates) {
        if (i.lon < x0 || i.lon > x1 || i.lat < y0 || i.lat > y1) continue;
        const a = pointApproach(s.shape, k, i.lon, i.lat, reach);
        if (a === undefined) continue;
        const prev = best.get(i);
        if (prev === undefined || a.distanceM < prev.distanceM) best.set(i, a);
      }
    }
    const out: Conflict[] = [];
    for (const [i, a] of best) {
      const window = overlap(n.from, n.to, i.at, i.at + incidentWindowMs);
      if (window !== undefined) out.push(incidentConflict(n, i, a, this.settings, window));
    }
    return out;
  }

  /** Stored notices whose centreline comes within `radiusM` + their half width of a point. */
  private nearPoint(lon: number, lat: number, radiusM: number): Map<Stored, Approach> {
    const best = new Map<Stored, Approach>();
    const [x0, y0, x1, y1] = padBox(lon, lat, lon, lat, radiusM);
    const visit = (o: Stored, ok: number): void => {
      const a = pointApproach(o.shape, ok, lon, lat, radiusM + o.shape.halfWidthM);
      if (a === undefined) return;
      const prev = best.get(o);
      if (prev === undefined || a.distanceM < prev.distanceM) best.set(o, a);
    };
    for (const index of Object.values(this.byKind)) index.search(x0, y0, x1, y1, visit);
    return best;
  }

  // ---- incidents ----

  private incidentIndex(): Flatbush | undefined {
    if (this.incidentsDirty) {
      this.incidentList = [...this.incidents.values()];
      this.incidentsDirty = false;
      if (this.incidentList.length === 0) this.incidentTree = undefined;
      else {
        const tree = new Flatbush(this.incidentList.length);
        for (const i of this.incidentList) tree.add(i.lon, i.lat, i.lon, i.lat);
        tree.finish();
        this.incidentTree = tree;
      }
    }
    return this.incidentTree;
  }
}

function storedOf(n: NoticeShape, seq: number): Stored {
  const shape = prepareShape(n.coords, n.kind === 'site' ? n.widthM : n.widthM / 2);
  return { n, shape, seq, pairs: new Map(), ...paddedChunks(shape) };
}

/** Altitude bands overlap (inclusive); a missing band is unknown and overlaps everything. */
function altitudesOverlap(
  a: { minM: number; maxM: number } | undefined,
  b: { minM: number; maxM: number } | undefined,
): boolean {
  if (a === undefined || b === undefined) return true;
  return a.minM <= b.maxM && b.minM <= a.maxM;
}
