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
 * `fromMs`, so only the slice whose windows can come near is read. Each pair of the bulk path is
 * tested once (a point looks at its own level and those above), from points renumbered cell by cell so
 * that a cell is a run of typed arrays; pairs already in one cluster skip the distance.
 *
 * Costs to know: each level of a key keeps its rows' widths (16 bytes × 180°/row height, about
 * 0.4 MB for the finest level of a 300 m threshold, halving per level); cells emptied by removals are
 * kept; and throughput falls where many points share both a cell and a window (a dense hotspot in one
 * hour), since every pair in reach is read.
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
/** Smallest base of the uncertainty levels: cells of at least 500 m. */
const MIN_BASE_M = 250;
/** Slack added to every cell range so that rounding never leaves a true match outside it. */
const EPS_DEG = 1e-9;
/** Metres per degree of latitude on the sphere, less a part in 10⁹ so that rounding never refuses a match. */
const LAT_LOWER_BOUND_M_PER_DEG = EARTH_RADIUS_M * RAD * (1 - 1e-9);
/** Largest uncertainty accepted, metres (half the Earth's circumference). */
const MAX_UNCERTAINTY_M = 20_000_000;

/**
 * Great-circle (haversine) distance in metres from positions in degrees, with the cosines of the
 * latitudes given. The engine and {@link pointsMatch} both go through here so they decide alike.
 */
function haversineM(
  lat1: number,
  lon1: number,
  cos1: number,
  lat2: number,
  lon2: number,
  cos2: number,
): number {
  const sinDLat = Math.sin((lat2 - lat1) * RAD * 0.5);
  const sinDLon = Math.sin((lon2 - lon1) * RAD * 0.5);
  const a = sinDLat * sinDLat + cos1 * cos2 * sinDLon * sinDLon;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1, a)));
}

/** Great-circle distance in metres between two WGS84 positions on the engine's sphere. */
export function greatCircleDistanceM(
  a: { lon: number; lat: number },
  b: { lon: number; lat: number },
): number {
  return haversineM(a.lat, a.lon, Math.cos(a.lat * RAD), b.lat, b.lon, Math.cos(b.lat * RAD));
}

/** The window half of the rule: the windows come within `windowMs` of each other. */
function windowsMeet(fromP: number, toP: number, fromQ: number, toQ: number, windowMs: number): boolean {
  return fromP - windowMs <= toQ && fromQ - windowMs <= toP;
}

/** Whether p and q MATCH under `threshold` (the rule in this module's documentation). */
export function pointsMatch(
  p: CorrelationPoint,
  q: CorrelationPoint,
  threshold: CorrelationThreshold,
): boolean {
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

/** One cell of the incremental index: its slots sorted by `fromMs`, and the longest window ever put in it. */
interface Cell {
  readonly slots: number[];
  maxLengthMs: number;
}

/**
 * Numbers the cells (level, row, column) of one key 0, 1, 2… in an open-addressing hash table:
 * lookups allocate nothing (a Map keyed by a packed double would box every key). Cells are never
 * forgotten, so the table grows with the number of distinct cells ever used.
 */
class CellTable {
  private readonly levels: number[] = [];
  private readonly rows: number[] = [];
  private readonly cols: number[] = [];
  private table = new Int32Array(1024);
  private mask = 1023;

  get size(): number {
    return this.rows.length;
  }

  private static hash(level: number, row: number, col: number): number {
    let h = Math.imul(row, 0x9e3779b1) ^ Math.imul(col, 0x85ebca77) ^ Math.imul(level, 0xc2b2ae3d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x27d4eb2f);
    return h ^ (h >>> 13);
  }

  /** The cell's number, or −1. */
  get(level: number, row: number, col: number): number {
    for (let h = CellTable.hash(level, row, col) & this.mask; ; h = (h + 1) & this.mask) {
      const entry = this.table[h] ?? 0;
      if (entry === 0) return -1;
      const c = entry - 1;
      if (this.rows[c] === row && this.cols[c] === col && this.levels[c] === level) return c;
    }
  }

  /** The cell's number, numbered next when new. */
  getOrCreate(level: number, row: number, col: number): number {
    const found = this.get(level, row, col);
    if (found !== -1) return found;
    this.levels.push(level);
    this.rows.push(row);
    this.cols.push(col);
    if (this.rows.length * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(this.rows.length - 1);
    return this.rows.length - 1;
  }

  private place(c: number): void {
    let h = CellTable.hash(this.levels[c] ?? 0, this.rows[c] ?? 0, this.cols[c] ?? 0) & this.mask;
    while ((this.table[h] ?? 0) !== 0) h = (h + 1) & this.mask;
    this.table[h] = c + 1;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let c = 0; c < this.rows.length; c += 1) this.place(c);
  }
}

/**
 * The geometry of one key's grid: levels by uncertainty, rows and columns by position, and which
 * cells a reach can touch. The incremental index keeps its cells' slots here too.
 */
class KeyGrid {
  readonly distanceM: number;
  readonly windowMs: number;
  private readonly base: number;
  readonly table = new CellTable();
  /** The incremental index's cells, by cell number (the bulk path keeps its own). */
  readonly cells: Cell[] = [];
  /** Points per level; levels without points are skipped by queries. */
  readonly levelCounts: number[] = [];
  /** Row height of each level, degrees of latitude. */
  private readonly heights: number[] = [];
  /** Per level: the southernmost row, and each row's cell width (degrees) and least cosine. */
  private readonly firstRows: number[] = [];
  private readonly rowWidths: Float64Array[] = [];
  private readonly rowCosines: Float64Array[] = [];
  /** The largest uncertainty of each level. */
  private readonly levelUncertainties: number[] = [];
  /** Cell numbers found by the last {@link cellsInReach}. */
  found = new Int32Array(64);

  constructor(
    readonly key: string,
    threshold: CorrelationThreshold,
  ) {
    checkThreshold(key, threshold);
    this.distanceM = threshold.distanceM;
    this.windowMs = threshold.windowMs;
    this.base = Math.max(threshold.distanceM, MIN_BASE_M);
  }

  /** The level of an uncertainty, creating the level when new. */
  levelOf(uncertaintyM: number): number {
    let level = uncertaintyM <= this.base ? 0 : Math.ceil(Math.log2(uncertaintyM / this.base));
    while (this.levelUncertainty(level) < uncertaintyM) level += 1;
    while (this.heights.length <= level) {
      const l = this.heights.length;
      this.levelUncertainties.push(this.base * 2 ** l);
      const height = ((this.distanceM + 2 * this.levelUncertainty(l)) / EARTH_RADIUS_M) * DEG;
      this.heights.push(height);
      this.levelCounts.push(0);
      // Each row's cell width and least cosine, computed once (queries read them for every row).
      const first = Math.floor(-90 / height);
      const rows = Math.floor(90 / height) - first + 1;
      const widths = new Float64Array(rows);
      const cosines = new Float64Array(rows);
      for (let r = 0; r < rows; r += 1) {
        const row = first + r;
        const edge = Math.min(90, Math.max(Math.abs(row * height), Math.abs((row + 1) * height)));
        const cos = Math.max(0, Math.cos(edge * RAD));
        cosines[r] = cos;
        widths[r] = cos * 360 <= height ? 360 : Math.min(360, height / cos);
      }
      this.firstRows.push(first);
      this.rowWidths.push(widths);
      this.rowCosines.push(cosines);
    }
    return level;
  }

  /** The largest uncertainty on a level. */
  levelUncertainty(level: number): number {
    return this.levelUncertainties[level] ?? this.base * 2 ** level;
  }

  /** Width of a row's cells in longitude: a cell's height in metres at the row's poleward edge. */
  private colWidthDeg(level: number, row: number): number {
    return this.rowWidths[level]?.[row - (this.firstRows[level] ?? 0)] ?? 360;
  }

  /** The number of the cell holding a position on a level (created when `create`), or −1. */
  cellOf(level: number, lat: number, lon: number, create: boolean): number {
    const height = this.heights[level] ?? 1;
    const row = Math.floor(lat / height);
    const col = Math.floor(lon / this.colWidthDeg(level, row));
    return create ? this.table.getOrCreate(level, row, col) : this.table.get(level, row, col);
  }

  /**
   * Puts in {@link found} the existing cells of `level` that can hold a point within `reachM` of
   * (lat, lon), and returns how many. The ranges come from exact bounds on the haversine —
   * |Δφ| ≤ d/R, hav(Δλ) ≤ hav(d)/(cos φ₁ cos φ₂) with φ₂ bounded by the row — widened by a hair,
   * and wrap across the antimeridian.
   */
  cellsInReach(level: number, lat: number, lon: number, cos: number, reachM: number): number {
    let count = 0;
    const height = this.heights[level] ?? 1;
    const reachDeg = Math.min(180, (reachM / EARTH_RADIUS_M) * DEG) + EPS_DEG;
    const rowFirst = Math.floor(Math.max(-90, lat - reachDeg) / height);
    const rowLast = Math.floor(Math.min(90, lat + reachDeg) / height);
    const sinHalf = Math.sin(Math.min(Math.PI / 2, (reachM / EARTH_RADIUS_M) * 0.5));
    const first = this.firstRows[level] ?? 0;
    const widths = this.rowWidths[level] as Float64Array;
    const cosines = this.rowCosines[level] as Float64Array;
    for (let row = rowFirst; row <= rowLast; row += 1) {
      const width = widths[row - first] ?? 360;
      // The other point lies in this row, so its cosine is at least that of the row's poleward edge.
      const cosProduct = cos * (cosines[row - first] ?? 0);
      const ratio = cosProduct > 0 ? sinHalf / Math.sqrt(cosProduct) : Infinity;
      const dLonDeg = ratio >= 1 ? 360 : 2 * Math.asin(ratio) * DEG * (1 + 1e-9) + EPS_DEG;
      // Up to three longitude ranges: the main one, and its parts wrapped across the antimeridian.
      for (let part = 0; part < 3; part += 1) {
        let lo: number;
        let hi: number;
        if (part === 0) {
          lo = dLonDeg >= 180 ? -180 : Math.max(-180, lon - dLonDeg);
          hi = dLonDeg >= 180 ? 180 : Math.min(180, lon + dLonDeg);
        } else if (part === 1 && dLonDeg < 180 && lon + dLonDeg > 180) {
          lo = -180;
          hi = lon + dLonDeg - 360;
        } else if (part === 2 && dLonDeg < 180 && lon - dLonDeg < -180) {
          lo = lon - dLonDeg + 360;
          hi = 180;
        } else continue;
        const colLast = Math.floor(hi / width);
        for (let col = Math.floor(lo / width); col <= colLast; col += 1) {
          const c = this.table.get(level, row, col);
          if (c === -1) continue;
          if (count === this.found.length) {
            const bigger = new Int32Array(count * 2);
            bigger.set(this.found);
            this.found = bigger;
          }
          this.found[count++] = c;
        }
      }
    }
    return count;
  }

  /**
   * Adds a slot of the incremental index to its cell, keeping the cell sorted by window start; with
   * `unsorted`, appends and records the cell there for {@link sortCells} instead.
   */
  insert(columns: PointColumns, slot: number, level: number, unsorted?: Set<Cell>): void {
    const c = this.cellOf(level, columns.lat[slot] ?? 0, columns.lon[slot] ?? 0, true);
    while (this.cells.length <= c) this.cells.push({ slots: [], maxLengthMs: 0 });
    const cell = this.cells[c] as Cell;
    const from = columns.from[slot] ?? 0;
    cell.maxLengthMs = Math.max(cell.maxLengthMs, (columns.to[slot] ?? 0) - from);
    const slots = cell.slots;
    if (unsorted !== undefined) {
      slots.push(slot);
      unsorted.add(cell);
    } else if (slots.length === 0 || (columns.from[slots[slots.length - 1] ?? 0] ?? 0) <= from)
      slots.push(slot);
    else slots.splice(upperBound(slots, columns.from, from), 0, slot);
    this.levelCounts[level] = (this.levelCounts[level] ?? 0) + 1;
  }

  /** Sorts cells filled by unsorted inserts. */
  static sortCells(columns: PointColumns, cells: Iterable<Cell>): void {
    const from = columns.from;
    for (const cell of cells) cell.slots.sort((a, b) => (from[a] ?? 0) - (from[b] ?? 0));
  }

  /** Takes a slot of the incremental index out of its cell; false when it was not there. */
  remove(columns: PointColumns, slot: number, level: number): boolean {
    const c = this.cellOf(level, columns.lat[slot] ?? 0, columns.lon[slot] ?? 0, false);
    const cell = this.cells[c];
    if (cell === undefined) return false;
    let i = lowerBound(cell.slots, columns.from, columns.from[slot] ?? 0);
    while (i < cell.slots.length && cell.slots[i] !== slot) i += 1;
    if (i === cell.slots.length) return false;
    cell.slots.splice(i, 1);
    this.levelCounts[level] = (this.levelCounts[level] ?? 1) - 1;
    return true;
  }

  /** Calls `visit` with every slot of the incremental index that the point (whole rule but the key) matches. */
  query(columns: PointColumns, p: CorrelationPoint, visit: (slot: number) => void): void {
    const cos = Math.cos(p.lat * RAD);
    const w = this.windowMs;
    const { lat, lon, fromMs: from, toMs: to, uncertaintyM } = p;
    for (let level = 0; level < this.levelCounts.length; level += 1) {
      if ((this.levelCounts[level] ?? 0) === 0) continue;
      const count = this.cellsInReach(
        level,
        lat,
        lon,
        cos,
        this.distanceM + uncertaintyM + this.levelUncertainty(level),
      );
      for (let f = 0; f < count; f += 1) {
        const cell = this.cells[this.found[f] ?? 0];
        if (cell === undefined) continue;
        const slots = cell.slots;
        for (let i = lowerBound(slots, columns.from, from - w - cell.maxLengthMs); i < slots.length; i += 1) {
          const s = slots[i] ?? 0;
          const qFrom = columns.from[s] ?? 0;
          if (qFrom - w > to) break;
          if (!windowsMeet(from, to, qFrom, columns.to[s] ?? 0, w)) continue;
          const qLat = columns.lat[s] ?? 0;
          const limit = this.distanceM + (uncertaintyM + (columns.unc[s] ?? 0));
          if (Math.abs(qLat - lat) * LAT_LOWER_BOUND_M_PER_DEG > limit) continue;
          if (haversineM(lat, lon, cos, qLat, columns.lon[s] ?? 0, columns.cos[s] ?? 0) <= limit) visit(s);
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

/** The root of x's tree in the union-find forest, halving the path on the way. */
function findRoot(parent: Int32Array, x: number): number {
  let r = x;
  while (parent[r] !== r) {
    const up = parent[parent[r] ?? r] ?? r;
    parent[r] = up;
    r = up;
  }
  return r;
}

/**
 * The bulk path's inner loop: joins point i with every point it matches on levels ≥ its own, each
 * pair once (on one level from its later point, across levels from the lower). A cell is the range
 * cellStart[c]..cellStart[c+1] of the columns, sorted by window start.
 */
function joinMatches(
  i: number,
  grid: KeyGrid,
  cellBase: number,
  own: number,
  columns: PointColumns,
  cellStart: Int32Array,
  cellMaxLength: Float64Array,
  parent: Int32Array,
): void {
  const { lat: latC, lon: lonC, cos: cosC, unc: uncC, from: fromC, to: toC } = columns;
  const lat = latC[i] ?? 0;
  const lon = lonC[i] ?? 0;
  const cos = cosC[i] ?? 0;
  const u = uncC[i] ?? 0;
  const from = fromC[i] ?? 0;
  const to = toC[i] ?? 0;
  const w = grid.windowMs;
  const d = grid.distanceM;
  let root = findRoot(parent, i);
  for (let l = own; l < grid.levelCounts.length; l += 1) {
    if ((grid.levelCounts[l] ?? 0) === 0) continue;
    const count = grid.cellsInReach(l, lat, lon, cos, d + u + grid.levelUncertainty(l));
    const found = grid.found;
    for (let f = 0; f < count; f += 1) {
      const c = cellBase + (found[f] ?? 0);
      const end = cellStart[c + 1] ?? 0;
      // First point of the cell whose window can come near: binary search on the starts.
      let j = cellStart[c] ?? 0;
      const earliest = from - w - (cellMaxLength[c] ?? 0);
      for (let hi = end; j < hi;) {
        const mid = (j + hi) >>> 1;
        if ((fromC[mid] ?? 0) < earliest) j = mid + 1;
        else hi = mid;
      }
      const last = l === own ? Math.min(end, i) : end;
      for (; j < last; j += 1) {
        const qFrom = fromC[j] ?? 0;
        if (qFrom - w > to) break;
        if (!(from - w <= (toC[j] ?? 0))) continue; // the other half of windowsMeet holds: qFrom - w <= to
        const b = findRoot(parent, j);
        if (root === b) continue;
        const qLat = latC[j] ?? 0;
        const limit = d + (u + (uncC[j] ?? 0));
        if (Math.abs(qLat - lat) * LAT_LOWER_BOUND_M_PER_DEG > limit) continue;
        if (haversineM(lat, lon, cos, qLat, lonC[j] ?? 0, cosC[j] ?? 0) > limit) continue;
        // Only this loop joins trees, so i's root changes only here: kept rather than found again.
        if (root < b) parent[b] = root;
        else {
          parent[root] = b;
          root = b;
        }
      }
    }
  }
}

/**
 * Indices 0..n−1 ordered by `values` (finite numbers), ties in index order: an LSD radix sort on the
 * bits of value − min (a non-negative double orders as its bit pattern), 16 bits a pass, skipping the
 * passes where every value has the same digit. Several times faster than a comparator sort.
 */
function sortedByValue(values: Float64Array): Int32Array {
  const n = values.length;
  let min = Infinity;
  for (let i = 0; i < n; i += 1) min = Math.min(min, values[i] ?? 0);
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i += 1) keys[i] = (values[i] ?? 0) - min;
  const words = new Uint32Array(keys.buffer);
  let order = new Int32Array(n);
  let next = new Int32Array(n);
  for (let i = 0; i < n; i += 1) order[i] = i;
  const counts = new Int32Array(65_537);
  // Little-endian words: the low word of key i is words[2i], the high word words[2i + 1].
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  for (let pass = 0; pass < 4; pass += 1) {
    const word = pass < 2 === littleEndian ? 0 : 1;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let i = 0; i < n; i += 1) {
      const digit = ((words[2 * i + word] ?? 0) >>> shift) & 0xffff;
      counts[digit + 1] = (counts[digit + 1] ?? 0) + 1;
    }
    if (n > 0 && counts.some((c) => c === n)) continue; // one digit for all: the order stands
    for (let d = 0; d < 65_536; d += 1) counts[d + 1] = (counts[d + 1] ?? 0) + (counts[d] ?? 0);
    for (let r = 0; r < n; r += 1) {
      const i = order[r] ?? 0;
      const digit = ((words[2 * i + word] ?? 0) >>> shift) & 0xffff;
      const at = counts[digit] ?? 0;
      counts[digit] = at + 1;
      next[at] = i;
    }
    [order, next] = [next, order];
  }
  return order;
}

/**
 * Groups points into clusters: the connected components of MATCH. Returns one label per point, in
 * input order; labels are 0..k−1, numbered in order of first appearance. Throws RangeError on a point
 * out of range (see {@link CorrelationPoint}) or a negative threshold.
 */
export function clusterPoints(points: readonly CorrelationPoint[], thresholdOf: ThresholdOf): Int32Array {
  const n = points.length;
  const inputFrom = new Float64Array(n);
  const inputLevel = new Uint8Array(n);
  const inputGrid = new Int32Array(n);
  const inputCell = new Int32Array(n);
  const grids: KeyGrid[] = [];
  const gridOfKey = new Map<string, number>();
  for (let i = 0; i < n; i += 1) {
    const p = points[i] as CorrelationPoint;
    checkPoint(p);
    let g = gridOfKey.get(p.key);
    if (g === undefined) {
      g = grids.length;
      grids.push(new KeyGrid(p.key, thresholdOf(p.key)));
      gridOfKey.set(p.key, g);
    }
    const grid = grids[g] as KeyGrid;
    inputFrom[i] = p.fromMs;
    const level = grid.levelOf(p.uncertaintyM);
    grid.levelCounts[level] = (grid.levelCounts[level] ?? 0) + 1;
    inputLevel[i] = level;
    inputGrid[i] = g;
    inputCell[i] = grid.cellOf(level, p.lat, p.lon, true);
  }
  // Cells of all keys numbered one after the other.
  const cellBase = new Int32Array(grids.length + 1);
  grids.forEach((grid, g) => (cellBase[g + 1] = (cellBase[g] ?? 0) + grid.table.size));
  const cellCount = cellBase[grids.length] ?? 0;

  // Renumber the points cell by cell, in window order inside a cell (a sort by start, then a stable
  // counting sort by cell): a cell is then a range of the columns, read in sequence.
  const byStart = sortedByValue(inputFrom);
  const cellStart = new Int32Array(cellCount + 1);
  for (let i = 0; i < n; i += 1) {
    const c = (cellBase[inputGrid[i] ?? 0] ?? 0) + (inputCell[i] ?? 0);
    cellStart[c + 1] = (cellStart[c + 1] ?? 0) + 1;
  }
  for (let c = 0; c < cellCount; c += 1) cellStart[c + 1] = (cellStart[c + 1] ?? 0) + (cellStart[c] ?? 0);
  const fill = cellStart.slice(0, cellCount);
  const columns = new PointColumns(n);
  const level = new Uint8Array(n);
  const gridOf = new Int32Array(n);
  const renumbered = new Int32Array(n);
  const cellMaxLength = new Float64Array(cellCount);
  for (let r = 0; r < n; r += 1) {
    const i = byStart[r] ?? 0;
    const c = (cellBase[inputGrid[i] ?? 0] ?? 0) + (inputCell[i] ?? 0);
    const k = fill[c] ?? 0;
    fill[c] = k + 1;
    renumbered[i] = k;
  }
  // Written in input order (reads in sequence, writes scattered: cheaper than the other way round).
  for (let i = 0; i < n; i += 1) {
    const k = renumbered[i] ?? 0;
    const p = points[i] as CorrelationPoint;
    columns.set(k, p);
    const from = p.fromMs;
    const to = p.toMs;
    level[k] = inputLevel[i] ?? 0;
    const g = inputGrid[i] ?? 0;
    gridOf[k] = g;
    const c = (cellBase[g] ?? 0) + (inputCell[i] ?? 0);
    cellMaxLength[c] = Math.max(cellMaxLength[c] ?? 0, to - from);
  }
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i += 1) parent[i] = i;
  for (let i = 0; i < n; i += 1) {
    const g = gridOf[i] ?? 0;
    joinMatches(
      i,
      grids[g] as KeyGrid,
      cellBase[g] ?? 0,
      level[i] ?? 0,
      columns,
      cellStart,
      cellMaxLength,
      parent,
    );
  }
  // Labels in order of first appearance in the input.
  const labelOfRoot = new Int32Array(n).fill(-1);
  const labels = new Int32Array(n);
  let next = 0;
  for (let i = 0; i < n; i += 1) {
    const root = findRoot(parent, renumbered[i] ?? 0);
    if (labelOfRoot[root] === -1) labelOfRoot[root] = next++;
    labels[i] = labelOfRoot[root] ?? 0;
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
    this.store(point, undefined);
  }

  /**
   * Stores many points at once (loading the index at start-up): faster than {@link add} one by one,
   * as each cell is sorted once at the end. Throws like {@link add}; points before the bad one stay.
   */
  addAll(points: Iterable<CorrelationPoint>): void {
    const unsorted = new Set<Cell>();
    try {
      for (const p of points) this.store(p, unsorted);
    } finally {
      KeyGrid.sortCells(this.columns, unsorted);
    }
  }

  private store(point: CorrelationPoint, unsorted: Set<Cell> | undefined): void {
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
    grid.insert(this.columns, slot, level, unsorted);
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
    grid.query(this.columns, point, (slot) => {
      const id = this.idOfSlot[slot];
      if (id !== undefined && id !== point.id) found.push(id);
    });
    return found;
  }
}
