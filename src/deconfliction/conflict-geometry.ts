import { WGS84, geodesicSegment } from '../geo/geodesic.js';

/**
 * Planar geometry for the conflict engine. Every distance is computed in a local equirectangular
 * frame centred on the two things being compared, scaled by the WGS84 radii of curvature at the
 * frame's latitude (meridian M for north–south, normal N·cos φ for east–west). Routes are densified
 * along their geodesics so no edge is longer than {@link MAX_EDGE_M}: a chord of that length strays
 * well under a metre from the geodesic in this region, and the frame's scale error over the few
 * kilometres that matter is about 1e-4 of the distance. Good enough for separations of hundreds of
 * metres; not a survey tool.
 */

const DEG = Math.PI / 180;
const E2 = WGS84.f * (2 - WGS84.f);

/** Longest edge (m) of a prepared route; longer edges are split along the geodesic. */
export const MAX_EDGE_M = 5000;
/** Edges per chunk: the unit the spatial index holds. */
export const CHUNK_EDGES = 8;

/** [minLon, minLat, maxLon, maxLat] in degrees. */
export type Box = [number, number, number, number];

/** A site or route prepared for distance queries. */
export interface PreparedShape {
  /** Vertex longitudes and latitudes (densified routes; one vertex for a site). */
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  /** Site: precision radius; route: half the corridor width (m). */
  readonly halfWidthM: number;
  /** Chunk k spans vertices chunkStart[k]..chunkStart[k + 1] (inclusive; a site: 0..0). */
  readonly chunkStart: Int32Array;
  /** Unpadded box of each chunk, four numbers per chunk. */
  readonly chunkBox: Float64Array;
  readonly chunkCount: number;
}

/** Sets the frame: metres per degree of longitude (kx) and latitude (ky) at lat0, on the ellipsoid. */
function setFrame(lat0: number): void {
  const s = Math.sin(lat0 * DEG);
  const w = 1 - E2 * s * s;
  const sw = Math.sqrt(w);
  frameKx = (WGS84.a / sw) * Math.cos(lat0 * DEG) * DEG;
  frameKy = ((WGS84.a * (1 - E2)) / (w * sw)) * DEG;
  frameLat0 = lat0;
}
let frameKx = 0;
let frameKy = 0;
let frameLat0 = 0;

/** Parameter along the first segment of the last closest approach (0..1). */
let closestT = 0;

/** Squared distance from P to segment AB (planar); sets `closestT`. */
function pointSegment2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / len2;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  closestT = t;
  const ex = ax + t * dx - px;
  const ey = ay + t * dy - py;
  return ex * ex + ey * ey;
}

/** Planar distance between segments AB and CD; sets `closestT` (the point on AB). */
function segmentSegment(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): number {
  const rx = bx - ax;
  const ry = by - ay;
  const sx = dx - cx;
  const sy = dy - cy;
  const denom = rx * sy - ry * sx;
  if (denom !== 0) {
    const t = ((cx - ax) * sy - (cy - ay) * sx) / denom;
    const u = ((cx - ax) * ry - (cy - ay) * rx) / denom;
    if (t >= 0 && t <= 1 && u >= 0 && u <= 1) {
      closestT = t;
      return 0;
    }
  }
  let best = pointSegment2(ax, ay, cx, cy, dx, dy);
  let bestT = 0;
  const b2 = pointSegment2(bx, by, cx, cy, dx, dy);
  if (b2 < best) {
    best = b2;
    bestT = 1;
  }
  const c2 = pointSegment2(cx, cy, ax, ay, bx, by);
  if (c2 < best) {
    best = c2;
    bestT = closestT;
  }
  const d2 = pointSegment2(dx, dy, ax, ay, bx, by);
  if (d2 < best) {
    best = d2;
    bestT = closestT;
  }
  closestT = bestT;
  return Math.sqrt(best);
}

/** A closest approach: distance (m) and the point on the first shape. */
export interface Approach {
  distanceM: number;
  at: [number, number];
}

/**
 * Distance between segment (lon/lat) A→B and C→D in a frame centred on them; the point on AB is
 * returned through `lastAt`.
 */
export function segmentDistanceM(
  alon: number,
  alat: number,
  blon: number,
  blat: number,
  clon: number,
  clat: number,
  dlon: number,
  dlat: number,
): number {
  setFrame((alat + blat + clat + dlat) / 4);
  const kx = frameKx;
  const ky = frameKy;
  const d = segmentSegment(
    0,
    (alat - frameLat0) * ky,
    (blon - alon) * kx,
    (blat - frameLat0) * ky,
    (clon - alon) * kx,
    (clat - frameLat0) * ky,
    (dlon - alon) * kx,
    (dlat - frameLat0) * ky,
  );
  lastAt[0] = alon + closestT * (blon - alon);
  lastAt[1] = alat + closestT * (blat - alat);
  return d;
}

/** Distance from point P to segment A→B (lon/lat); the nearest point on AB goes to `lastAt`. */
export function pointSegmentDistanceM(
  plon: number,
  plat: number,
  alon: number,
  alat: number,
  blon: number,
  blat: number,
): number {
  setFrame((alat + blat + 2 * plat) / 4);
  const kx = frameKx;
  const ky = frameKy;
  const d2 = pointSegment2(
    0,
    (plat - frameLat0) * ky,
    (alon - plon) * kx,
    (alat - frameLat0) * ky,
    (blon - plon) * kx,
    (blat - frameLat0) * ky,
  );
  lastAt[0] = alon + closestT * (blon - alon);
  lastAt[1] = alat + closestT * (blat - alat);
  return Math.sqrt(d2);
}

/** The point of the last closest approach on the first argument (segment A→B), [lon, lat]. */
export const lastAt: [number, number] = [0, 0];

/** Approximate length (m) of a short edge; only used to decide densification. */
function edgeLengthM(alon: number, alat: number, blon: number, blat: number): number {
  setFrame((alat + blat) / 2);
  const x = (blon - alon) * frameKx;
  const y = (blat - alat) * frameKy;
  return Math.sqrt(x * x + y * y);
}

/** Prepares a site (one vertex) or a route (its vertices, densified along the geodesics). */
export function prepareShape(
  coords: readonly (readonly [number, number])[],
  halfWidthM: number,
): PreparedShape {
  const lon: number[] = [];
  const lat: number[] = [];
  const first = coords[0];
  if (first !== undefined) {
    lon.push(first[0]);
    lat.push(first[1]);
  }
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1] as readonly [number, number];
    const b = coords[i] as readonly [number, number];
    const len = edgeLengthM(a[0], a[1], b[0], b[1]);
    if (len > MAX_EDGE_M) {
      const seg = geodesicSegment(a[1], a[0], b[1], b[0]);
      const parts = Math.ceil(seg.length / MAX_EDGE_M);
      for (let k = 1; k < parts; k++) {
        const p = seg.position((seg.length * k) / parts);
        lon.push(p.lon);
        lat.push(p.lat);
      }
    }
    lon.push(b[0]);
    lat.push(b[1]);
  }
  const edges = Math.max(0, lon.length - 1);
  const chunkCount = Math.max(1, Math.ceil(edges / CHUNK_EDGES));
  const chunkStart = new Int32Array(chunkCount + 1);
  const chunkBox = new Float64Array(chunkCount * 4);
  for (let k = 0; k < chunkCount; k++) {
    const s = k * CHUNK_EDGES;
    const e = Math.min(edges, s + CHUNK_EDGES);
    chunkStart[k] = s;
    chunkStart[k + 1] = e;
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let v = s; v <= e; v++) {
      const x = lon[v] ?? 0;
      const y = lat[v] ?? 0;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    chunkBox.set([x0, y0, x1, y1], k * 4);
  }
  return {
    lon: Float64Array.from(lon),
    lat: Float64Array.from(lat),
    halfWidthM,
    chunkStart,
    chunkBox,
    chunkCount,
  };
}

/**
 * Chunk k's box, widened by `m` metres on every side (a safe over-estimate in degrees). Returns a
 * shared scratch array, valid until the next call: read it at once (the hot loops call this for every
 * chunk and must not allocate).
 */
export function chunkBoxPadded(shape: PreparedShape, k: number, m: number): Readonly<Box> {
  const b = shape.chunkBox;
  return padInto(SCRATCH, b[k * 4] ?? 0, b[k * 4 + 1] ?? 0, b[k * 4 + 2] ?? 0, b[k * 4 + 3] ?? 0, m);
}
const SCRATCH: Box = [0, 0, 0, 0];

/** A box widened by `m` metres: a latitude degree is ≥ 110.5 km, a longitude degree ≥ 111.3 km·cos φ. */
export function padBox(x0: number, y0: number, x1: number, y1: number, m: number): Box {
  return padInto([0, 0, 0, 0], x0, y0, x1, y1, m);
}

function padInto(out: Box, x0: number, y0: number, x1: number, y1: number, m: number): Box {
  const dLat = m / 110_500;
  const poleward = Math.min(89.9, Math.max(Math.abs(y0), Math.abs(y1)) + dLat);
  const dLon = Math.min(360, m / (111_000 * Math.cos(poleward * DEG)));
  out[0] = x0 - dLon;
  out[1] = y0 - dLat;
  out[2] = x1 + dLon;
  out[3] = y1 + dLat;
  return out;
}

/**
 * Closest approach between chunk ka of A and chunk kb of B, centreline to centreline (m), or
 * Infinity when every segment pair is farther than `limitM`. The point on A goes to `lastAt`.
 * Allocates nothing: a check runs it hundreds of times.
 */
export function chunkApproach(
  a: PreparedShape,
  ka: number,
  b: PreparedShape,
  kb: number,
  limitM: number,
): number {
  const dLat = limitM / 110_500 + 1e-9;
  const as = a.chunkStart[ka] ?? 0;
  const ae = a.chunkStart[ka + 1] ?? 0;
  const bs = b.chunkStart[kb] ?? 0;
  const be = b.chunkStart[kb + 1] ?? 0;
  const dLon = dLat / Math.cos(Math.min(89.9, Math.abs(a.lat[as] ?? 0) + 1) * DEG);
  let best = Infinity;
  let atLon = 0;
  let atLat = 0;
  // A one-vertex chunk (a site) is a degenerate segment from the vertex to itself.
  const aLast = Math.max(as, ae - 1);
  const bLast = Math.max(bs, be - 1);
  const bb = kb * 4;
  const bx0 = b.chunkBox[bb] ?? 0;
  const by0 = b.chunkBox[bb + 1] ?? 0;
  const bx1 = b.chunkBox[bb + 2] ?? 0;
  const by1 = b.chunkBox[bb + 3] ?? 0;
  for (let i = as; i <= aLast; i++) {
    const ax = a.lon[i] ?? 0;
    const ay = a.lat[i] ?? 0;
    const bx = a.lon[ae === as ? i : i + 1] ?? 0;
    const by = a.lat[ae === as ? i : i + 1] ?? 0;
    const minX = (ax < bx ? ax : bx) - dLon;
    const maxX = (ax > bx ? ax : bx) + dLon;
    const minY = (ay < by ? ay : by) - dLat;
    const maxY = (ay > by ? ay : by) + dLat;
    // The segment's reach misses B's whole chunk: no pair with it can be within the limit.
    if (maxX < bx0 || minX > bx1 || maxY < by0 || minY > by1) continue;
    for (let j = bs; j <= bLast; j++) {
      const cx = b.lon[j] ?? 0;
      const cy = b.lat[j] ?? 0;
      const dx = b.lon[be === bs ? j : j + 1] ?? 0;
      const dy = b.lat[be === bs ? j : j + 1] ?? 0;
      if ((cx < dx ? dx : cx) < minX || (cx < dx ? cx : dx) > maxX) continue;
      if ((cy < dy ? dy : cy) < minY || (cy < dy ? cy : dy) > maxY) continue;
      const d = segmentDistanceM(ax, ay, bx, by, cx, cy, dx, dy);
      if (d < best) {
        best = d;
        atLon = lastAt[0];
        atLat = lastAt[1];
      }
    }
  }
  lastAt[0] = atLon;
  lastAt[1] = atLat;
  return best <= limitM ? best : Infinity;
}

/** Closest approach of chunk k of a shape to a point, or undefined beyond `limitM`. The point is on the shape. */
export function pointApproach(
  s: PreparedShape,
  k: number,
  plon: number,
  plat: number,
  limitM: number,
): Approach | undefined {
  const start = s.chunkStart[k] ?? 0;
  const end = s.chunkStart[k + 1] ?? 0;
  let best = Infinity;
  let atLon = 0;
  let atLat = 0;
  const last = Math.max(start, end - 1);
  for (let i = start; i <= last; i++) {
    const j = end === start ? i : i + 1;
    const d = pointSegmentDistanceM(plon, plat, s.lon[i] ?? 0, s.lat[i] ?? 0, s.lon[j] ?? 0, s.lat[j] ?? 0);
    if (d < best) {
      best = d;
      atLon = lastAt[0];
      atLat = lastAt[1];
    }
  }
  return best <= limitM ? { distanceM: best, at: [atLon, atLat] } : undefined;
}

/** Inclusive overlap of two windows, or undefined (touching windows overlap at one instant). */
export function overlap(
  aFrom: number,
  aTo: number,
  bFrom: number,
  bTo: number,
): { from: number; to: number } | undefined {
  const from = Math.max(aFrom, bFrom);
  const to = Math.min(aTo, bTo);
  return from <= to ? { from, to } : undefined;
}
