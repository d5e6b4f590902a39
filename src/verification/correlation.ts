/**
 * The space-time correlation engine of verification: which observation reports are close enough in
 * space and time to be the same incident. Pure and dependency-free; the service decides what a key and
 * a threshold are, and what to do with the groups.
 *
 * ## The rule
 * Two points p and q MATCH when all hold, with t = thresholdOf(p.key):
 * - `p.key === q.key` (points of different keys never match);
 * - great-circle distance(p, q) ≤ t.distanceM + p.uncertaintyM + q.uncertaintyM;
 * - their observed windows come within t.windowMs of each other:
 *   `p.fromMs - t.windowMs <= q.toMs && q.fromMs - t.windowMs <= p.toMs` (touching counts).
 *
 * Distances are haversine on a sphere of radius {@link EARTH_RADIUS_M} (the IUGG mean radius): fast,
 * and within 0.5 % of the ellipsoidal geodesic — far below the uncertainty of any field report.
 * Clusters are the connected components of MATCH (single linkage; DBSCAN with minPoints 1), so two
 * reports can share a cluster through a chain of others without matching each other.
 *
 * ## How it is fast
 * Points are kept per key in a grid. A point's uncertainty puts it on a level: level L holds points
 * with uncertainty ≤ base·2^L (base = max(distanceM, 250 m)), and level L's cells are
 * distanceM + 2·base·2^L metres high, their width in longitude widened for the row's poleward edge.
 * A query with reach R = distanceM + u + base·2^L visits only the cells of level L that a point within
 * R can lie in (computed from exact bounds on the haversine: |Δφ| ≤ d/R⊕, and
 * hav(Δλ) ≤ hav(d)/(cos φ₁ cos φ₂)), across the antimeridian too, so a point with a huge uncertainty
 * (50 km) sits on a high level with large cells and is never missed. Inside a cell points are sorted by
 * `fromMs`, so only the slice whose windows can come near is read.
 */

/** One observation as the engine sees it. */
export interface CorrelationPoint {
  /** Report id. */
  readonly id: string;
  /** Only points with the same key correlate (the service uses `${agreementVersionId}|${categoryId}`). */
  readonly key: string;
  /** WGS84 longitude, degrees, −180..180. */
  readonly lon: number;
  /** WGS84 latitude, degrees, −90..90. */
  readonly lat: number;
  /** Radius (metres, ≥ 0) within which the observation lies with about 95 % confidence. */
  readonly uncertaintyM: number;
  /** Start of the observed window, epoch ms. */
  readonly fromMs: number;
  /** End of the observed window, epoch ms, ≥ fromMs. */
  readonly toMs: number;
}

/** How close two points of one key must be to match. */
export interface CorrelationThreshold {
  /** Added to both uncertainties: the greatest distance between the two reported positions, metres. */
  readonly distanceM: number;
  /** The greatest gap between the two observed windows, ms (0: they must overlap or touch). */
  readonly windowMs: number;
}

/** The threshold of a key; called once per key per operation, so it may be a lookup. */
export type ThresholdOf = (key: string) => CorrelationThreshold;

/** Mean Earth radius (IUGG R1), metres: the sphere the engine measures on. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;
/** Smallest base of the uncertainty levels: keeps cells ≥ 500 m so the cell keys stay small. */
const MIN_BASE_M = 250;
/** Slack added to every cell range so that rounding never leaves a true match outside it. */
const EPS_DEG = 1e-9;
/** Largest uncertainty accepted, metres (half the Earth's circumference). */
const MAX_UNCERTAINTY_M = 20_000_000;
const ROW_OFFSET = 2 ** 19;
const COL_OFFSET = 2 ** 21;

/**
 * Great-circle (haversine) distance in metres from positions in degrees, with the cosines of the
 * latitudes given. The engine and {@link pointsMatch} both go through here so they decide alike.
 */
function haversineM(lat1: number, lon1: number, cos1: number, lat2: number, lon2: number, cos2: number): number {
  const sinDLat = Math.sin((lat2 - lat1) * RAD * 0.5);
  const sinDLon = Math.sin((lon2 - lon1) * RAD * 0.5);
  const a = sinDLat * sinDLat + cos1 * cos2 * sinDLon * sinDLon;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, a)));
}

/** Great-circle distance in metres between two WGS84 positions on the engine's sphere. */
export function greatCircleDistanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  return haversineM(a.lat, a.lon, Math.cos(a.lat * RAD), b.lat, b.lon, Math.cos(b.lat * RAD));
}

/** The window half of the rule: the windows come within `windowMs` of each other. */
function windowsMeet(fromP: number, toP: number, fromQ: number, toQ: number, windowMs: number): boolean {
  return fromP - windowMs <= toQ && fromQ - windowMs <= toP;
}

/** Whether p and q MATCH under `threshold` (the rule in this module's documentation). */
export function pointsMatch(p: CorrelationPoint, q: CorrelationPoint, threshold: CorrelationThreshold): boolean {
  return (
    p.key === q.key &&
    windowsMeet(p.fromMs, p.toMs, q.fromMs, q.toMs, threshold.windowMs) &&
    // Uncertainties summed first, so that the sum does not depend on the order of p and q.
    greatCircleDistanceM(p, q) <= threshold.distanceM + (p.uncertaintyM + q.uncertaintyM)
  );
}

function checkPoint(p: CorrelationPoint): void {
  const ok =
    p.lon >= -180 &&
    p.lon <= 180 &&
    p.lat >= -90 &&
    p.lat <= 90 &&
    p.uncertaintyM >= 0 &&
    p.uncertaintyM <= MAX_UNCERTAINTY_M &&
    Number.isFinite(p.fromMs) &&
    Number.isFinite(p.toMs) &&
    p.fromMs <= p.toMs;
  if (!ok) throw new RangeError(`correlation point ${p.id}: position, uncertainty or window out of range`);
}

function checkThreshold(key: string, t: CorrelationThreshold): void {
  if (!(t.distanceM >= 0 && Number.isFinite(t.distanceM) && t.windowMs >= 0 && Number.isFinite(t.windowMs)))
    throw new RangeError(`correlation threshold of ${key}: distanceM and windowMs must be finite and ≥ 0`);
}

/** Positions, uncertainties and windows of points, column by column, addressed by slot. */
class PointColumns {
  lat: Float64Array;
  lon: Float64Array;
  cos: Float64Array;
  unc: Float64Array;
  from: Float64Array;
  to: Float64Array;

  constructor(capacity: number) {
    this.lat = new Float64Array(capacity);
    this.lon = new Float64Array(capacity);
    this.cos = new Float64Array(capacity);
    this.unc = new Float64Array(capacity);
    this.from = new Float64Array(capacity);
    this.to = new Float64Array(capacity);
  }

  get capacity(): number {
    return this.lat.length;
  }

  grow(capacity: number): void {
    const copy = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.lat = copy(this.lat);
    this.lon = copy(this.lon);
    this.cos = copy(this.cos);
    this.unc = copy(this.unc);
    this.from = copy(this.from);
    this.to = copy(this.to);
  }

  set(slot: number, p: CorrelationPoint): void {
    this.lat[slot] = p.lat;
    this.lon[slot] = p.lon;
    this.cos[slot] = Math.cos(p.lat * RAD);
    this.unc[slot] = p.uncertaintyM;
    this.from[slot] = p.fromMs;
    this.to[slot] = p.toMs;
  }
}

/** One grid cell: its slots sorted by `fromMs`, and the longest window ever put in it. */
interface Cell {
  readonly slots: number[];
  maxLengthMs: number;
}

/** The grid of one key: levels by uncertainty, cells by position, slots by window start. */
class KeyGrid {
  readonly distanceM: number;
  readonly windowMs: number;
  private readonly base: number;
  readonly cells = new Map<number, Cell>();
  /** Points per level; levels without points are skipped by queries. */
  readonly levelCounts: number[] = [];

  constructor(
    readonly key: string,
    threshold: CorrelationThreshold,
  ) {
    checkThreshold(key, threshold);
    this.distanceM = threshold.distanceM;
    this.windowMs = threshold.windowMs;
    this.base = Math.max(threshold.distanceM, MIN_BASE_M);
  }

  levelOf(uncertaintyM: number): number {
    let level = uncertaintyM <= this.base ? 0 : Math.ceil(Math.log2(uncertaintyM / this.base));
    while (this.levelUncertainty(level) < uncertaintyM) level += 1;
    return level;
  }

  /** The largest uncertainty on a level. */
  levelUncertainty(level: number): number {
    return this.base * 2 ** level;
  }

  private rowHeightDeg(level: number): number {
    return ((this.distanceM + 2 * this.levelUncertainty(level)) / EARTH_RADIUS_M) * DEG;
  }

  /** Width of a row's cells in longitude: a cell's height in metres at the row's poleward edge. */
  private colWidthDeg(level: number, row: number, height: number): number {
    const edge = Math.min(90, Math.max(Math.abs(row * height), Math.abs((row + 1) * height)));
    const cos = Math.cos(edge * RAD);
    return cos * 360 <= height ? 360 : Math.min(360, height / cos);
  }

  private cellKey(level: number, row: number, col: number): number {
    return (level * 2 ** 20 + row + ROW_OFFSET) * 2 ** 22 + col + COL_OFFSET;
  }

  cellKeyOf(level: number, lat: number, lon: number): number {
    const height = this.rowHeightDeg(level);
    const row = Math.floor(lat / height);
    return this.cellKey(level, row, Math.floor(lon / this.colWidthDeg(level, row, height)));
  }

  /** Adds a slot to its cell, keeping the cell sorted by window start. */
  insert(columns: PointColumns, slot: number, level: number, sorted: boolean): void {
    const key = this.cellKeyOf(level, columns.lat[slot] ?? 0, columns.lon[slot] ?? 0);
    let cell = this.cells.get(key);
    if (cell === undefined) {
      cell = { slots: [], maxLengthMs: 0 };
      this.cells.set(key, cell);
    }
    const from = columns.from[slot] ?? 0;
    cell.maxLengthMs = Math.max(cell.maxLengthMs, (columns.to[slot] ?? 0) - from);
    if (sorted) cell.slots.splice(upperBound(cell.slots, columns.from, from), 0, slot);
    else cell.slots.push(slot);
    this.levelCounts[level] = (this.levelCounts[level] ?? 0) + 1;
  }

  /** Sorts every cell by window start after unsorted inserts. */
  sortCells(columns: PointColumns): void {
    const from = columns.from;
    for (const cell of this.cells.values()) cell.slots.sort((a, b) => (from[a] ?? 0) - (from[b] ?? 0));
  }

  /** Takes a slot out of its cell; false when it was not there. */
  remove(columns: PointColumns, slot: number, level: number): boolean {
    const key = this.cellKeyOf(level, columns.lat[slot] ?? 0, columns.lon[slot] ?? 0);
    const cell = this.cells.get(key);
    if (cell === undefined) return false;
    const from = columns.from[slot] ?? 0;
    let i = lowerBound(cell.slots, columns.from, from);
    while (i < cell.slots.length && cell.slots[i] !== slot) i += 1;
    if (i === cell.slots.length) return false;
    cell.slots.splice(i, 1);
    if (cell.slots.length === 0) this.cells.delete(key);
    this.levelCounts[level] = (this.levelCounts[level] ?? 1) - 1;
    return true;
  }

  /**
   * Calls `visit` with every stored slot on levels ≥ `minLevel` whose window meets [from, to] and that
   * lies within reach in space (the whole rule but the key, which the grid already is).
   */
  query(
    columns: PointColumns,
    lat: number,
    lon: number,
    uncertaintyM: number,
    from: number,
    to: number,
    minLevel: number,
    visit: (slot: number, level: number) => void,
  ): void {
    const cos = Math.cos(lat * RAD);
    const w = this.windowMs;
    for (let level = minLevel; level < this.levelCounts.length; level += 1) {
      if ((this.levelCounts[level] ?? 0) === 0) continue;
      const reach = this.distanceM + uncertaintyM + this.levelUncertainty(level);
      const height = this.rowHeightDeg(level);
      const reachDeg = Math.min(180, (reach / EARTH_RADIUS_M) * DEG) + EPS_DEG;
      const rowFirst = Math.floor(Math.max(-90, lat - reachDeg) / height);
      const rowLast = Math.floor(Math.min(90, lat + reachDeg) / height);
      const sinHalf = Math.sin(Math.min(Math.PI / 2, (reach / EARTH_RADIUS_M) * 0.5));
      for (let row = rowFirst; row <= rowLast; row += 1) {
        const width = this.colWidthDeg(level, row, height);
        // The other point lies in this row, so its cosine is at least that of the row's poleward edge.
        const edge = Math.min(90, Math.max(Math.abs(row * height), Math.abs((row + 1) * height)));
        const cosProduct = cos * Math.max(0, Math.cos(edge * RAD));
        const ratio = cosProduct > 0 ? sinHalf / Math.sqrt(cosProduct) : Infinity;
        const dLonDeg = ratio >= 1 ? 360 : 2 * Math.asin(ratio) * DEG * (1 + 1e-9) + EPS_DEG;
        const ranges: [number, number][] =
          dLonDeg >= 180
            ? [[-180, 180]]
            : [[Math.max(-180, lon - dLonDeg), Math.min(180, lon + dLonDeg)]];
        if (dLonDeg < 180 && lon + dLonDeg > 180) ranges.push([-180, lon + dLonDeg - 360]);
        if (dLonDeg < 180 && lon - dLonDeg < -180) ranges.push([lon - dLonDeg + 360, 180]);
        for (const [lo, hi] of ranges) {
          const colLast = Math.floor(hi / width);
          for (let col = Math.floor(lo / width); col <= colLast; col += 1) {
            const cell = this.cells.get(this.cellKey(level, row, col));
            if (cell === undefined) continue;
            const slots = cell.slots;
            const fromColumn = columns.from;
            let i = lowerBound(slots, fromColumn, from - w - cell.maxLengthMs);
            for (; i < slots.length; i += 1) {
              const s = slots[i] ?? 0;
              const qFrom = fromColumn[s] ?? 0;
              if (qFrom - w > to) break;
              if (!windowsMeet(from, to, qFrom, columns.to[s] ?? 0, w)) continue;
              const d = haversineM(lat, lon, cos, columns.lat[s] ?? 0, columns.lon[s] ?? 0, columns.cos[s] ?? 0);
              if (d <= this.distanceM + (uncertaintyM + (columns.unc[s] ?? 0))) visit(s, level);
            }
          }
        }
      }
    }
  }
}

/** First index whose slot starts at or after `value`. */
function lowerBound(slots: readonly number[], from: Float64Array, value: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((from[slots[mid] ?? 0] ?? 0) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose slot starts after `value`. */
function upperBound(slots: readonly number[], from: Float64Array, value: number): number {
  let lo = 0;
  let hi = slots.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((from[slots[mid] ?? 0] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Groups points into clusters: the connected components of MATCH. Returns one label per point, in
 * input order; labels are 0..k−1, numbered in order of first appearance. Throws RangeError on a point
 * out of range (see {@link CorrelationPoint}) or a negative threshold.
 */
export function clusterPoints(points: readonly CorrelationPoint[], thresholdOf: ThresholdOf): Int32Array {
  const n = points.length;
  const columns = new PointColumns(n);
  const levels = new Uint8Array(n);
  const grids = new Map<string, KeyGrid>();
  const gridOf: KeyGrid[] = new Array<KeyGrid>(n);
  for (let i = 0; i < n; i += 1) {
    const p = points[i] as CorrelationPoint;
    checkPoint(p);
    let grid = grids.get(p.key);
    if (grid === undefined) {
      grid = new KeyGrid(p.key, thresholdOf(p.key));
      grids.set(p.key, grid);
    }
    gridOf[i] = grid;
    columns.set(i, p);
    const level = grid.levelOf(p.uncertaintyM);
    levels[i] = level;
    grid.insert(columns, i, level, false);
  }
  for (const grid of grids.values()) grid.sortCells(columns);

  const parent = new Int32Array(n);
  for (let i = 0; i < n; i += 1) parent[i] = i;
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) {
      const up = parent[parent[r] ?? r] ?? r;
      parent[r] = up;
      r = up;
    }
    return r;
  };
  let current = 0;
  let currentLevel = 0;
  const visit = (j: number, level: number) => {
    // Each pair on one level is joined once, from its later point; a pair across levels from the lower.
    if (level === currentLevel && j >= current) return;
    const a = find(current);
    const b = find(j);
    if (a === b) return;
    if (a < b) parent[b] = a;
    else parent[a] = b;
  };
  for (let i = 0; i < n; i += 1) {
    current = i;
    currentLevel = levels[i] ?? 0;
    const grid = gridOf[i] as KeyGrid;
    grid.query(
      columns,
      columns.lat[i] ?? 0,
      columns.lon[i] ?? 0,
      columns.unc[i] ?? 0,
      columns.from[i] ?? 0,
      columns.to[i] ?? 0,
      currentLevel,
      visit,
    );
  }
  const labels = new Int32Array(n).fill(-1);
  let next = 0;
  for (let i = 0; i < n; i += 1) {
    const root = find(i);
    if (labels[root] === -1) labels[root] = next++;
    labels[i] = labels[root] ?? 0;
  }
  return labels;
}

/**
 * The correlation engine kept in memory for incremental use: points come and go (a report is filed,
 * revised or withdrawn), and {@link CorrelationIndex.matches} answers which stored points a point
 * MATCHES. Each key has its own threshold, asked once when the key is first seen.
 */
export class CorrelationIndex {
  private columns = new PointColumns(1024);
  private readonly grids = new Map<string, KeyGrid>();
  private readonly slotOfId = new Map<string, number>();
  private readonly idOfSlot: (string | undefined)[] = [];
  private readonly gridOfSlot: (KeyGrid | undefined)[] = [];
  private levelOfSlot = new Uint8Array(1024);
  private readonly freeSlots: number[] = [];

  constructor(private readonly thresholdOf: ThresholdOf) {}

  /** Number of stored points. */
  get size(): number {
    return this.slotOfId.size;
  }

  /** Whether a point with this id is stored. */
  has(id: string): boolean {
    return this.slotOfId.has(id);
  }

  private gridFor(key: string): KeyGrid {
    let grid = this.grids.get(key);
    if (grid === undefined) {
      grid = new KeyGrid(key, this.thresholdOf(key));
      this.grids.set(key, grid);
    }
    return grid;
  }

  /** Stores a point. Throws RangeError when its id is already stored (use {@link update}). */
  add(point: CorrelationPoint): void {
    checkPoint(point);
    if (this.slotOfId.has(point.id)) throw new RangeError(`correlation point ${point.id} is already stored`);
    const grid = this.gridFor(point.key);
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.idOfSlot.length;
      if (slot >= this.columns.capacity) {
        this.columns.grow(this.columns.capacity * 2);
        const levels = new Uint8Array(this.columns.capacity);
        levels.set(this.levelOfSlot);
        this.levelOfSlot = levels;
      }
      this.idOfSlot.push(undefined);
      this.gridOfSlot.push(undefined);
    }
    this.columns.set(slot, point);
    const level = grid.levelOf(point.uncertaintyM);
    this.levelOfSlot[slot] = level;
    this.idOfSlot[slot] = point.id;
    this.gridOfSlot[slot] = grid;
    this.slotOfId.set(point.id, slot);
    grid.insert(this.columns, slot, level, true);
  }

  /** Forgets a point; false when no point had this id. */
  remove(id: string): boolean {
    const slot = this.slotOfId.get(id);
    if (slot === undefined) return false;
    const grid = this.gridOfSlot[slot];
    grid?.remove(this.columns, slot, this.levelOfSlot[slot] ?? 0);
    this.slotOfId.delete(id);
    this.idOfSlot[slot] = undefined;
    this.gridOfSlot[slot] = undefined;
    this.freeSlots.push(slot);
    return true;
  }

  /** Replaces the stored point with the same id (a revision moved it), or adds it. */
  update(point: CorrelationPoint): void {
    checkPoint(point);
    this.remove(point.id);
    this.add(point);
  }

  /** Ids of the stored points that MATCH `point`, itself (same id) excluded; in no particular order. */
  matches(point: CorrelationPoint): string[] {
    checkPoint(point);
    const grid = this.grids.get(point.key);
    if (grid === undefined) return [];
    const found: string[] = [];
    grid.query(
      this.columns,
      point.lat,
      point.lon,
      point.uncertaintyM,
      point.fromMs,
      point.toMs,
      0,
      (slot) => {
        const id = this.idOfSlot[slot];
        if (id !== undefined && id !== point.id) found.push(id);
      },
    );
    return found;
  }
}
