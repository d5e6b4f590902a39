import type { BBox, Position } from './types.js';

/**
 * A polygon or multipolygon prepared for fast point-in-polygon tests. Edges are straight in
 * longitude/latitude (RFC 7946 §3.1.1; PostGIS `geometry(4326)` semantics). Points on the boundary
 * count as inside (ST_Covers). Edges are bucketed in latitude strips so a test reads only the
 * edges that can cross the point's parallel.
 */
export class PreparedPolygon {
  readonly bbox: BBox;
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  /** Per latitude strip: the edges (index of their first vertex) overlapping it. */
  private readonly stripEdges: Int32Array[];
  private readonly stripHeight: number;
  private readonly stripCount: number;

  constructor(polygons: readonly (readonly (readonly Position[])[])[]) {
    const xs: number[] = [];
    const ys: number[] = [];
    const edges: number[] = [];
    for (const rings of polygons) {
      for (const ring of rings) {
        const start = xs.length;
        for (const p of ring) {
          xs.push(p[0]);
          ys.push(p[1]);
        }
        for (let i = start; i + 1 < xs.length; i++) edges.push(i);
        xs.push(NaN);
        ys.push(NaN);
      }
    }
    this.xs = Float64Array.from(xs);
    this.ys = Float64Array.from(ys);
    const finiteX = xs.filter((v) => !Number.isNaN(v));
    const finiteY = ys.filter((v) => !Number.isNaN(v));
    this.bbox = [Math.min(...finiteX), Math.min(...finiteY), Math.max(...finiteX), Math.max(...finiteY)];
    this.stripCount = Math.max(1, Math.min(1024, Math.round(Math.sqrt(edges.length))));
    this.stripHeight = (this.bbox[3] - this.bbox[1]) / this.stripCount || 1;
    const buckets: number[][] = Array.from({ length: this.stripCount }, () => []);
    for (const e of edges) {
      const y0 = Math.min(this.ys[e] ?? 0, this.ys[e + 1] ?? 0);
      const y1 = Math.max(this.ys[e] ?? 0, this.ys[e + 1] ?? 0);
      const s0 = this.strip(y0);
      const s1 = this.strip(y1);
      for (let s = s0; s <= s1; s++) buckets[s]?.push(e);
    }
    this.stripEdges = buckets.map((b) => Int32Array.from(b));
  }

  /** True when (lon, lat) is inside or on the boundary. */
  contains(lon: number, lat: number): boolean {
    const b = this.bbox;
    if (lon < b[0] || lon > b[2] || lat < b[1] || lat > b[3]) return false;
    const edges = this.stripEdges[this.strip(lat)];
    if (edges === undefined) return false;
    let inside = false;
    for (let k = 0; k < edges.length; k++) {
      const e = edges[k] ?? 0;
      const x1 = this.xs[e] ?? 0;
      const y1 = this.ys[e] ?? 0;
      const x2 = this.xs[e + 1] ?? 0;
      const y2 = this.ys[e + 1] ?? 0;
      if (y1 > lat !== y2 > lat) {
        const x = x1 + ((lat - y1) * (x2 - x1)) / (y2 - y1);
        if (x === lon) return true;
        if (x > lon) inside = !inside;
      } else if (onEdge(lon, lat, x1, y1, x2, y2)) {
        return true;
      }
    }
    return inside;
  }

  private strip(y: number): number {
    const s = Math.floor((y - this.bbox[1]) / this.stripHeight);
    return Math.max(0, Math.min(this.stripCount - 1, s));
  }
}

function onEdge(px: number, py: number, x1: number, y1: number, x2: number, y2: number): boolean {
  if (px < Math.min(x1, x2) || px > Math.max(x1, x2) || py < Math.min(y1, y2) || py > Math.max(y1, y2))
    return false;
  return (x2 - x1) * (py - y1) - (y2 - y1) * (px - x1) === 0;
}
