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
import type { Approach, PreparedShape } from './conflict-geometry.js';
import {
  chunkApproach,
  chunkBoxPadded,
  overlap,
  padBox,
  pointApproach,
  prepareShape,
} from './conflict-geometry.js';
import type { RestrictedActivity, RestrictedArea } from './restricted-areas.js';
import { PreparedArea } from './restricted-areas.js';

export { restrictedAreas } from './restricted-areas.js';
export type { RestrictedArea } from './restricted-areas.js';

export type NoticeKind = 'site' | 'movement' | 'flight';

/** A notice as the conflict engine sees it: where, how wide, when, how high. */
export interface NoticeShape {
  id: string;
  /** Notifying organisation id. Proximity conflicts are between notices of different notifiers. */
  notifier: string;
  kind: NoticeKind;
  /** [lon, lat]: one point for a site; the route's vertices for a movement or a flight. */
  coords: readonly (readonly [number, number])[];
  /** Site: position precision radius (m). Movement/flight: corridor full width (m). */
  widthM: number;
  /** Active window in ms since epoch (site: validity; movement/flight: departure start to arrival end). */
  from: number;
  to: number;
  /** Flights only: altitude band, metres above mean sea level. */
  altitude?: { minM: number; maxM: number };
}

/** An incident (a verified or reported event) that notices near it should hear about. */
export interface IncidentPoint {
  id: string;
  lon: number;
  lat: number;
  at: number;
}

/** The thresholds of an agreement version (or the platform defaults). */
export interface ConflictSettings {
  /** Two movements (or flights) of different notifiers closer than this at overlapping times. */
  separationM: number;
  /** A site or route this close to an incident ... */
  incidentRadiusM: number;
  /** ... that happened within this many ms before the notice's window start (or during it). */
  incidentWindowMs: number;
}

export type ConflictKind =
  | 'restricted_zone' // movement crossing a zone restricting movements
  | 'no_fly_zone' // flight inside a zone restricting flights
  | 'movement_proximity' // two movements of different notifiers within separationM at overlapping times
  | 'flight_altitude' // two flights within separationM horizontally, overlapping times and altitude bands
  | 'near_incident'; // site or route within incidentRadiusM (+ precision/corridor) of a recent incident

/** One conflict of one notice. */
export interface Conflict {
  kind: ConflictKind;
  noticeId: string;
  otherNoticeId?: string;
  zoneId?: string;
  incidentId?: string;
  /** Closest approach in metres (0 when inside/crossing); edge to edge for corridors and precision circles. */
  distanceM: number;
  /** Where: [lon, lat] of the closest approach / first crossing, on the notice's centreline. */
  at: [number, number];
  /** The overlapping time window (ms). */
  window: { from: number; to: number };
  /** One sentence a duty officer reads. */
  reason: string;
}

/** A stored notice with its prepared geometry. */
interface Stored {
  readonly n: NoticeShape;
  readonly shape: PreparedShape;
  /** Insertion order; recheckAll reports a pair from the earlier-inserted notice. */
  readonly seq: number;
  /** Zone conflicts never change for a stored notice (areas are fixed): computed once. */
  zones?: Conflict[];
}

/** Pending upserts above which the R-tree is rebuilt. */
const MAX_PENDING = 256;

/**
 * Conflicts between notices, restricted areas and incidents of one agreement version. See the module
 * comment for the rules. Not thread-safe; cheap to rebuild from the stored notices.
 */
export class ConflictIndex {
  private readonly areas: PreparedArea[];
  private readonly notices = new Map<string, Stored>();
  private seq = 0;
  /** Notices in the R-tree, by slot (undefined once removed or replaced). */
  private slots: (Stored | undefined)[] = [];
  private slotOf = new Map<Stored, number>();
  private tree: Flatbush | undefined;
  private chunkSlot = new Int32Array(0);
  private chunkIndex = new Int32Array(0);
  private deadChunks = 0;
  private readonly pending = new Set<Stored>();
  /** The largest half width stored: the query pad that finds every corridor within reach. */
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
    const stored: Stored = { n, shape: shapeOf(n), seq: this.seq++ };
    this.notices.set(n.id, stored);
    this.pending.add(stored);
  }

  /** Forgets a notice (no-op when unknown). */
  remove(id: string): void {
    const old = this.notices.get(id);
    if (old === undefined) return;
    this.notices.delete(id);
    if (this.pending.delete(old)) return;
    const slot = this.slotOf.get(old);
    if (slot !== undefined) {
      this.slots[slot] = undefined;
      this.slotOf.delete(old);
      this.deadChunks += old.shape.chunkCount;
    }
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
    const self: Stored = stored?.n === n ? stored : { n, shape: shapeOf(n), seq: Infinity };
    return [
      ...this.zoneConflicts(self),
      ...this.pairConflicts(self, undefined),
      ...this.incidentConflicts(self),
    ];
  }

  /** Conflicts of every notice active at or after `now`, each pair once. */
  recheckAll(now: number): Conflict[] {
    this.maybeRebuild(true);
    const out: Conflict[] = [];
    for (const s of this.notices.values()) {
      if (s.n.to < now) continue;
      out.push(...this.zoneConflicts(s), ...this.pairConflicts(s, now), ...this.incidentConflicts(s));
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

  /** Proximity conflicts; with `activeAfter`, only with later-inserted notices active then. */
  private pairConflicts(s: Stored, activeAfter: number | undefined): Conflict[] {
    const n = s.n;
    if (n.kind === 'site') return [];
    const { separationM } = this.settings;
    const best = new Map<Stored, Approach>();
    for (let k = 0; k < s.shape.chunkCount; k++) {
      const reach = separationM + s.shape.halfWidthM;
      this.forEachChunk(chunkBoxPadded(s.shape, k, reach), (o, ok) => {
        const m = o.n;
        if (m === n || m.id === n.id || m.kind !== n.kind || m.notifier === n.notifier) return;
        if (activeAfter !== undefined && (o.seq < s.seq || m.to < activeAfter)) return;
        if (m.from > n.to || n.from > m.to) return;
        if (n.kind === 'flight' && !altitudesOverlap(n.altitude, m.altitude)) return;
        const limit = reach + o.shape.halfWidthM;
        const a = chunkApproach(s.shape, k, o.shape, ok, limit);
        if (a === undefined) return;
        const prev = best.get(o);
        if (prev === undefined || a.distanceM < prev.distanceM) best.set(o, a);
      });
    }
    const out: Conflict[] = [];
    for (const [o, a] of best) {
      const window = overlap(n.from, n.to, o.n.from, o.n.to);
      if (window === undefined) continue;
      const gap = edgeDistance(a.distanceM, s.shape.halfWidthM + o.shape.halfWidthM);
      out.push(pairConflict(n, o.n, gap, a.at, window, separationM));
    }
    return out;
  }

  private incidentConflicts(s: Stored): Conflict[] {
    const n = s.n;
    const { incidentRadiusM, incidentWindowMs } = this.settings;
    const tree = this.incidentIndex();
    if (tree === undefined) return [];
    const reach = incidentRadiusM + s.shape.halfWidthM;
    const best = new Map<IncidentPoint, Approach>();
    for (let k = 0; k < s.shape.chunkCount; k++) {
      const [x0, y0, x1, y1] = chunkBoxPadded(s.shape, k, reach);
      for (const h of tree.search(x0, y0, x1, y1)) {
        const i = this.incidentList[h];
        if (i === undefined || i.at > n.to || i.at + incidentWindowMs < n.from) continue;
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
    this.forEachChunk(padBox(lon, lat, lon, lat, radiusM), (o, ok) => {
      const a = pointApproach(o.shape, ok, lon, lat, radiusM + o.shape.halfWidthM);
      if (a === undefined) return;
      const prev = best.get(o);
      if (prev === undefined || a.distanceM < prev.distanceM) best.set(o, a);
    });
    return best;
  }

  // ---- the indexes ----

  /** Calls `visit` for every stored chunk whose padded box meets `box`. */
  private forEachChunk(
    box: [number, number, number, number],
    visit: (s: Stored, chunk: number) => void,
  ): void {
    this.maybeRebuild(false);
    const [x0, y0, x1, y1] = box;
    if (this.tree !== undefined) {
      for (const h of this.tree.search(x0, y0, x1, y1)) {
        const s = this.slots[this.chunkSlot[h] ?? -1];
        if (s !== undefined) visit(s, this.chunkIndex[h] ?? 0);
      }
    }
    for (const s of this.pending) {
      for (let k = 0; k < s.shape.chunkCount; k++) {
        const [a0, b0, a1, b1] = chunkBoxPadded(s.shape, k, s.shape.halfWidthM);
        if (a1 < x0 || a0 > x1 || b1 < y0 || b0 > y1) continue;
        visit(s, k);
      }
    }
  }

  private maybeRebuild(force: boolean): void {
    const live = this.chunkSlot.length - this.deadChunks;
    const wanted =
      this.pending.size > MAX_PENDING ||
      (this.deadChunks > 64 && this.deadChunks > live) ||
      (force && (this.pending.size > 0 || this.deadChunks > 0));
    if (!wanted) return;
    const stored = [...this.notices.values()];
    let chunks = 0;
    for (const s of stored) chunks += s.shape.chunkCount;
    this.slots = stored;
    this.slotOf = new Map(stored.map((s, i) => [s, i]));
    this.chunkSlot = new Int32Array(chunks);
    this.chunkIndex = new Int32Array(chunks);
    this.pending.clear();
    this.deadChunks = 0;
    if (chunks === 0) {
      this.tree = undefined;
      return;
    }
    const tree = new Flatbush(chunks);
    let c = 0;
    stored.forEach((s, slot) => {
      for (let k = 0; k < s.shape.chunkCount; k++) {
        const [a0, b0, a1, b1] = chunkBoxPadded(s.shape, k, s.shape.halfWidthM);
        tree.add(a0, b0, a1, b1);
        this.chunkSlot[c] = slot;
        this.chunkIndex[c] = k;
        c++;
      }
    });
    tree.finish();
    this.tree = tree;
  }

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

function shapeOf(n: NoticeShape): PreparedShape {
  return prepareShape(n.coords, n.kind === 'site' ? n.widthM : n.widthM / 2);
}

function edgeDistance(centreM: number, halfWidthsM: number): number {
  return Math.max(0, centreM - halfWidthsM);
}

/** Altitude bands overlap (inclusive); a missing band is unknown and overlaps everything. */
function altitudesOverlap(
  a: { minM: number; maxM: number } | undefined,
  b: { minM: number; maxM: number } | undefined,
): boolean {
  if (a === undefined || b === undefined) return true;
  return a.minM <= b.maxM && b.minM <= a.maxM;
}

// ---- conflicts and their sentences ----

const NOUN: Record<NoticeKind, string> = { site: 'Site', movement: 'Route', flight: 'Flight route' };

function utc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}`;
}

function between(w: { from: number; to: number }): string {
  return `between ${utc(w.from)} and ${utc(w.to)} UTC`;
}

function metres(m: number): string {
  return `${Math.round(m).toLocaleString('en-US')} m`;
}

function zoneConflict(
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

function pairConflict(
  n: NoticeShape,
  other: NoticeShape,
  gapM: number,
  at: [number, number],
  window: { from: number; to: number },
  separationM: number,
): Conflict {
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

function incidentConflict(
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
