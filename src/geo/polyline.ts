import type { GeodesicSegment, InverseResult } from './geodesic.js';
import { MEAN_RADIUS_M, geodesicSegment, inverse } from './geodesic.js';
import {
  GLOBAL_KMAX,
  GLOBAL_KMIN,
  angle,
  ccw,
  gaussianRadius,
  latitudeBulge,
  normalise,
  scaleBounds,
  unitVector,
} from './sphere.js';
import type { BBox, Position } from './types.js';

export { degreeWindow } from './sphere.js';

/** Which side of a directed line a point lies on (walking from the first vertex to the last). */
export type LineSide = 'left' | 'right' | 'on';

/** Geodesic distance from a point to a polyline, with the foot point and side. */
export interface LineDistance {
  /** Shortest geodesic distance to the polyline in metres (exact on WGS84 to about 1 mm). */
  distanceM: number;
  /** Signed distance in metres: positive on the left of the line's direction, negative on the right. */
  signedM: number;
  side: LineSide;
  /** Index of the segment holding the foot point. */
  segment: number;
  /** Distance of the foot point from the start of the polyline, metres (see `pointAt`). */
  alongM: number;
}

const DEG = Math.PI / 180;
const CHUNK = 16;
/** Spacing of precomputed points along each geodesic segment, metres. */
const SAMPLE_SPACING_M = 2_000;
/** Beyond these, the local-sphere step is refined on the ellipsoid (still exact, just slower). */
const LOCAL_STEP_MAX_M = 5_000;
const LOCAL_RANGE_MAX_M = 500_000;

interface Segment {
  geo: GeodesicSegment;
  // Unit vectors of the endpoints (spherical model) and the great-circle normal.
  ax: number;
  ay: number;
  az: number;
  bx: number;
  by: number;
  bz: number;
  nx: number;
  ny: number;
  nz: number;
  /** Bound (spherical metres) on how far the geodesic strays from the great circle of its endpoints. */
  slack: number;
  /** Distance of the segment's start from the start of the polyline, metres. */
  offset: number;
  /** Spacing of the precomputed samples along the geodesic, metres. */
  spacing: number;
  /** Samples along the geodesic (endpoints included): latitude, longitude, azimuth. */
  samples: Float64Array;
  /** Angle subtended by the segment on the unit sphere, radians. */
  arc: number;
}

interface Chunk {
  first: number;
  end: number;
  cx: number;
  cy: number;
  cz: number;
  /** Angular radius of a spherical cap holding the chunk's segments, radians. */
  radius: number;
}

/**
 * A polyline prepared for fast, exact distance queries on the WGS84 ellipsoid. Edges are ellipsoidal
 * geodesics between consecutive vertices.
 *
 * Candidate segments are found on a sphere with bounds that provably contain the ellipsoidal answer
 * (the sphere and WGS84 differ in scale by at most the ratio of the radii of curvature); long lines
 * group segments into chunks with bounding caps so far-away chunks are skipped. Only the few
 * segments that can hold the minimum are solved on the ellipsoid (Newton iteration on the geodesic).
 */
export class PreparedPolyline {
  readonly coordinates: readonly Position[];
  private readonly segments: Segment[];
  private readonly chunks: Chunk[];
  private readonly lats: Float64Array;
  private readonly lons: Float64Array;
  private readonly box: BBox;
  private readonly candIndex: Int32Array;
  private readonly candDist: Float64Array;
  private readonly chunkBounds: Float64Array;
  private memoVertex = -1;
  private memo: InverseResult | undefined;

  constructor(coordinates: readonly Position[]) {
    if (coordinates.length < 2) throw new Error('a polyline needs at least two positions');
    this.coordinates = coordinates;
    const n = coordinates.length;
    this.lons = Float64Array.from(coordinates, (p) => p[0]);
    this.lats = Float64Array.from(coordinates, (p) => p[1]);
    this.segments = [];
    const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
    let offset = 0;
    for (let i = 0; i + 1 < n; i++) {
      const lon1 = this.lons[i] ?? 0;
      const lat1 = this.lats[i] ?? 0;
      const lon2 = this.lons[i + 1] ?? 0;
      const lat2 = this.lats[i + 1] ?? 0;
      const [ax, ay, az] = unitVector(lon1, lat1);
      const [bx, by, bz] = unitVector(lon2, lat2);
      const [nx, ny, nz] = normalise(ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx);
      const geo = geodesicSegment(lat1, lon1, lat2, lon2);
      // Geodesic and great circle part by about f·L²/R; 1 % of L²/R plus 10 m is a generous bound.
      const slack = (0.01 * geo.length * geo.length) / MEAN_RADIUS_M + 10;
      const count = Math.max(2, Math.ceil(geo.length / SAMPLE_SPACING_M) + 1);
      const spacing = geo.length / (count - 1);
      const samples = new Float64Array(count * 3);
      for (let k = 0; k < count; k++) {
        const q = k === 0 ? { lat: lat1, lon: lon1, azi: geo.azi1 } : geo.position(k * spacing);
        samples.set([q.lat, q.lon, q.azi], k * 3);
      }
      const arc = angle(ax, ay, az, bx, by, bz);
      this.segments.push({ geo, ax, ay, az, bx, by, bz, nx, ny, nz, slack, offset, spacing, samples, arc });
      offset += geo.length;
      const bulge = latitudeBulge(lat1, lat2, Math.abs(lon2 - lon1));
      box[0] = Math.min(box[0], lon1, lon2);
      box[1] = Math.min(box[1], Math.min(lat1, lat2) - bulge);
      box[2] = Math.max(box[2], lon1, lon2);
      box[3] = Math.max(box[3], Math.max(lat1, lat2) + bulge);
    }
    this.box = box;
    this.chunks = this.buildChunks();
    this.candIndex = new Int32Array(this.segments.length);
    this.candDist = new Float64Array(this.segments.length);
    this.chunkBounds = new Float64Array(this.chunks.length);
  }

  /** Number of segments. */
  get segmentCount(): number {
    return this.segments.length;
  }

  /** Bounding box [minLon, minLat, maxLon, maxLat], padded for geodesics bulging poleward. */
  bbox(): BBox {
    return [...this.box];
  }

  /** Geodesic length of the polyline in metres. */
  lengthM(): number {
    return this.segments.reduce((sum, s) => sum + s.geo.length, 0);
  }

  /** Exact geodesic distance and side from a point to this polyline. */
  distanceTo(lon: number, lat: number): LineDistance {
    const [px, py, pz] = unitVector(lon, lat);
    this.memoVertex = -1;
    const count = this.collectCandidates(px, py, pz);
    const index = this.candIndex;
    const dist = this.candDist;
    // Evaluate exactly, nearest (spherically) first; stop when no remaining candidate can win.
    let bestS = Infinity;
    for (let k = 0; k < count; k++) bestS = Math.min(bestS, dist[k] ?? Infinity);
    const [kmin] = scaleBounds(lat, bestS);
    let best: ExactFoot | undefined;
    for (;;) {
      let pick = -1;
      let pickS = Infinity;
      for (let k = 0; k < count; k++) {
        const s = dist[k] ?? Infinity;
        if (s < pickS) {
          pickS = s;
          pick = k;
        }
      }
      if (pick < 0) break;
      const i = index[pick] ?? 0;
      dist[pick] = Infinity;
      const seg = this.segments[i];
      if (seg === undefined) continue;
      if (best !== undefined && kmin * (pickS - seg.slack) >= best.distanceM) break;
      const r = this.exactFoot(i, lon, lat, px, py, pz);
      if (best === undefined || r.distanceM < best.distanceM) best = r;
    }
    if (best === undefined) throw new Error('unreachable: a polyline always has a nearest segment');
    return this.withSide(best);
  }

  /** Fills candIndex/candDist with segments that may hold the minimum; returns their count. */
  private collectCandidates(px: number, py: number, pz: number): number {
    const chunkCount = this.chunks.length;
    const lbs = this.chunkBounds;
    for (let c = 0; c < chunkCount; c++) lbs[c] = chunkLowerBound(this.chunks[c], px, py, pz);
    let minUpper = Infinity;
    let count = 0;
    // Visit chunks nearest first (selection by repeated minimum: few chunks survive the bound).
    for (let visited = 0; visited < chunkCount; visited++) {
      let pick = -1;
      let lb = Infinity;
      for (let c = 0; c < chunkCount; c++) {
        const v = lbs[c] ?? Infinity;
        if (v < lb) {
          lb = v;
          pick = c;
        }
      }
      if (pick < 0 || GLOBAL_KMIN * lb >= minUpper) break;
      lbs[pick] = Infinity;
      const chunk = this.chunks[pick];
      if (chunk === undefined) break;
      for (let i = chunk.first; i < chunk.end; i++) {
        const s = this.sphericalDistance(i, px, py, pz);
        minUpper = Math.min(minUpper, GLOBAL_KMAX * (s + (this.segments[i]?.slack ?? 0)));
        this.candIndex[count] = i;
        this.candDist[count] = s;
        count++;
      }
    }
    // Keep only candidates that can beat the best upper bound.
    let kept = 0;
    for (let k = 0; k < count; k++) {
      const i = this.candIndex[k] ?? 0;
      const s = this.candDist[k] ?? Infinity;
      if (GLOBAL_KMIN * (s - (this.segments[i]?.slack ?? 0)) < minUpper) {
        this.candIndex[kept] = i;
        this.candDist[kept] = s;
        kept++;
      }
    }
    return kept;
  }

  private buildChunks(): Chunk[] {
    const chunks: Chunk[] = [];
    for (let first = 0; first < this.segments.length; first += CHUNK) {
      const end = Math.min(first + CHUNK, this.segments.length);
      let sx = 0;
      let sy = 0;
      let sz = 0;
      let maxSlack = 0;
      for (let i = first; i < end; i++) {
        const s = this.segments[i];
        if (s === undefined) continue;
        sx += s.ax + s.bx;
        sy += s.ay + s.by;
        sz += s.az + s.bz;
        maxSlack = Math.max(maxSlack, s.slack);
      }
      const [cx, cy, cz] = normalise(sx, sy, sz);
      let radius = 0;
      for (let i = first; i < end; i++) {
        const s = this.segments[i];
        if (s === undefined) continue;
        radius = Math.max(radius, angle(cx, cy, cz, s.ax, s.ay, s.az), angle(cx, cy, cz, s.bx, s.by, s.bz));
      }
      // Caps under a quarter sphere are convex, so they hold the arcs between their vertices.
      radius = radius >= Math.PI / 2 ? Math.PI : radius + maxSlack / MEAN_RADIUS_M;
      chunks.push({ first, end, cx, cy, cz, radius });
    }
    return chunks;
  }

  /** Great-circle distance (metres, radius R) from a unit vector to segment i's arc. */
  private sphericalDistance(i: number, px: number, py: number, pz: number): number {
    const s = this.segments[i];
    if (s === undefined) return Infinity;
    const dotN = px * s.nx + py * s.ny + pz * s.nz;
    // Projection of p onto the great circle, then: is it between a and b?
    const cx = px - dotN * s.nx;
    const cy = py - dotN * s.ny;
    const cz = pz - dotN * s.nz;
    const t1 =
      (s.ay * cz - s.az * cy) * s.nx + (s.az * cx - s.ax * cz) * s.ny + (s.ax * cy - s.ay * cx) * s.nz;
    const t2 =
      (cy * s.bz - cz * s.by) * s.nx + (cz * s.bx - cx * s.bz) * s.ny + (cx * s.by - cy * s.bx) * s.nz;
    if (s.arc > 0 && t1 >= 0 && t2 >= 0) return Math.asin(Math.min(1, Math.abs(dotN))) * MEAN_RADIUS_M;
    const dax = px - s.ax;
    const day = py - s.ay;
    const daz = pz - s.az;
    const dbx = px - s.bx;
    const dby = py - s.by;
    const dbz = pz - s.bz;
    const chord2 = Math.min(dax * dax + day * day + daz * daz, dbx * dbx + dby * dby + dbz * dbz);
    return 2 * Math.asin(Math.min(1, Math.sqrt(chord2) / 2)) * MEAN_RADIUS_M;
  }

  /**
   * Foot of the perpendicular from the point to segment i. Starting from the precomputed sample
   * nearest the spherical estimate, one inverse geodesic gives the exact distance and azimuth; the
   * remaining step to the foot (at most a few km) is solved on the sphere of the local Gaussian
   * curvature, whose error is far below a millimetre at these sizes. Larger steps are refined on
   * the ellipsoid first.
   */
  private exactFoot(i: number, lon: number, lat: number, px: number, py: number, pz: number): ExactFoot {
    const seg = this.segments[i];
    if (seg === undefined) throw new Error(`segment ${i} out of range`);
    const length = seg.geo.length;
    const last = seg.samples.length / 3 - 1;
    let k = Math.round(sphericalFraction(seg, px, py, pz) * last);
    k = k < 0 ? 0 : k > last ? last : k;
    let sLat = seg.samples[k * 3] ?? 0;
    let sLon = seg.samples[k * 3 + 1] ?? 0;
    let sAzi = seg.samples[k * 3 + 2] ?? 0;
    let sAlong = k * seg.spacing;
    for (let iter = 0; ; iter++) {
      const r =
        k === 0
          ? this.vertexInverse(i, lat, lon)
          : k === last
            ? this.vertexInverse(i + 1, lat, lon)
            : inverse(sLat, sLon, lat, lon);
      const rg = gaussianRadius(sLat);
      const sigma = r.s12 / rg;
      const theta = (r.azi1 - sAzi) * DEG;
      const step = Math.atan(Math.tan(sigma) * Math.cos(theta)) * rg;
      const along = sAlong + step;
      if (along <= 0) return this.vertexFoot(i, 0, lat, lon);
      if (along >= length) return this.vertexFoot(i, length, lat, lon);
      const local = Math.abs(step) <= LOCAL_STEP_MAX_M && r.s12 <= LOCAL_RANGE_MAX_M;
      if (local || Math.abs(step) < 1e-3 || iter >= 8) {
        const cross = Math.asin(Math.sin(sigma) * Math.sin(theta)) * rg;
        return {
          segment: i,
          alongM: along,
          distanceM: Math.abs(cross),
          vertex: undefined,
          sideSin: cross,
          toPointAzi: 0,
        };
      }
      const q = seg.geo.position(along);
      sLat = q.lat;
      sLon = q.lon;
      sAzi = q.azi;
      sAlong = along;
      k = -1;
    }
  }

  private vertexFoot(i: number, alongM: number, lat: number, lon: number): ExactFoot {
    const vertex = alongM === 0 ? i : i + 1;
    const seg = this.segments[i];
    const r = this.vertexInverse(vertex, lat, lon);
    const lineAzi = alongM === 0 ? (seg?.geo.azi1 ?? 0) : (seg?.geo.azi2 ?? 0);
    return {
      segment: i,
      alongM,
      distanceM: r.s12,
      vertex,
      sideSin: Math.sin((r.azi1 - lineAzi) * DEG),
      toPointAzi: r.azi1,
    };
  }

  /** Inverse geodesic from vertex v to the point, remembered for the current query. */
  private vertexInverse(v: number, lat: number, lon: number): InverseResult {
    if (this.memoVertex === v && this.memo !== undefined) return this.memo;
    const r = inverse(this.lats[v] ?? 0, this.lons[v] ?? 0, lat, lon);
    this.memoVertex = v;
    this.memo = r;
    return r;
  }

  /** Decides the side; at an interior vertex the bisector of the corner splits left from right. */
  private withSide(best: ExactFoot): LineDistance {
    let sideSin = best.sideSin;
    const v = best.vertex;
    if (v !== undefined && v > 0 && v < this.segments.length) {
      const incoming = this.segments[v - 1]?.geo.azi2 ?? 0;
      const outgoing = this.segments[v]?.geo.azi1 ?? 0;
      const toBack = ccw(outgoing, incoming + 180);
      const toPoint = ccw(outgoing, best.toPointAzi);
      sideSin = toPoint > 0 && toPoint < toBack ? -1 : 1;
    }
    const side: LineSide = best.distanceM < 1e-6 ? 'on' : sideSin < 0 ? 'left' : 'right';
    const signedM = side === 'right' ? -best.distanceM : best.distanceM;
    const offset = this.segments[best.segment]?.offset ?? 0;
    return { distanceM: best.distanceM, signedM, side, segment: best.segment, alongM: offset + best.alongM };
  }

  /** The point of the polyline at `alongM` metres from its start (clamped to the ends), [lon, lat]. */
  pointAt(alongM: number): [number, number] {
    let i = 0;
    while (i + 1 < this.segments.length && (this.segments[i + 1]?.offset ?? Infinity) <= alongM) i++;
    const seg = this.segments[i];
    if (seg === undefined) return [this.lons[0] ?? 0, this.lats[0] ?? 0];
    const q = seg.geo.position(Math.min(Math.max(alongM - seg.offset, 0), seg.geo.length));
    return [q.lon, q.lat];
  }
}

interface ExactFoot {
  segment: number;
  /** Distance of the foot along the segment, metres. */
  alongM: number;
  distanceM: number;
  /** Polyline vertex index when the foot is a vertex. */
  vertex: number | undefined;
  /** Positive when the point is right of the line, negative when left. */
  sideSin: number;
  /** Azimuth from a vertex foot to the point, degrees (vertex feet only). */
  toPointAzi: number;
}

/** Estimated fraction along the segment of the point's projection on the great circle. */
function sphericalFraction(s: Segment, px: number, py: number, pz: number): number {
  if (s.arc === 0) return 0;
  const dotN = px * s.nx + py * s.ny + pz * s.nz;
  const cx = px - dotN * s.nx;
  const cy = py - dotN * s.ny;
  const cz = pz - dotN * s.nz;
  const cross =
    (s.ay * cz - s.az * cy) * s.nx + (s.az * cx - s.ax * cz) * s.ny + (s.ax * cy - s.ay * cx) * s.nz;
  const dot = s.ax * cx + s.ay * cy + s.az * cz;
  return Math.atan2(cross, dot) / s.arc;
}

function chunkLowerBound(c: Chunk | undefined, px: number, py: number, pz: number): number {
  if (c === undefined) return Infinity;
  if (c.radius >= Math.PI) return 0;
  return Math.max(0, angle(c.cx, c.cy, c.cz, px, py, pz) - c.radius) * MEAN_RADIUS_M;
}
