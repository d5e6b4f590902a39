import Flatbush from 'flatbush';
import type { BBox, Position } from './types.js';

/**
 * Validity checks for GeoJSON coordinates (RFC 7946): ranges, ring closure, self-intersection,
 * winding (exterior rings counter-clockwise, holes clockwise) and a latitude/longitude swap
 * heuristic. Edges are straight lines in longitude/latitude, as RFC 7946 §3.1.1 specifies.
 */

/** A problem with one position or edge of a ring or line. */
export type ShapeIssue =
  | { kind: 'longitude_out_of_range'; index: number; value: number }
  | { kind: 'latitude_out_of_range'; index: number; value: number }
  | { kind: 'suspected_lat_lon_swap'; index: number; position: Position }
  | { kind: 'outside_region'; index: number; position: Position }
  | { kind: 'too_few_positions'; count: number; minimum: number }
  | { kind: 'not_closed'; first: Position; last: Position }
  | { kind: 'repeated_position'; index: number }
  | { kind: 'self_intersection'; edgeA: number; edgeB: number; at: [number, number] }
  | { kind: 'wrong_winding'; role: 'exterior' | 'hole' };

/** Checks the range of one position and whether it looks swapped; undefined when fine. */
export function positionIssue(position: Position, index: number, region?: BBox): ShapeIssue | undefined {
  const [lon, lat] = position;
  const swappedFits = Math.abs(lon) <= 90 && Math.abs(lat) <= 180;
  if (Math.abs(lat) > 90) {
    return swappedFits
      ? { kind: 'suspected_lat_lon_swap', index, position }
      : { kind: 'latitude_out_of_range', index, value: lat };
  }
  if (Math.abs(lon) > 180) return { kind: 'longitude_out_of_range', index, value: lon };
  if (region !== undefined && !inBox(lon, lat, region, 0.5)) {
    return inBox(lat, lon, region, 0.5)
      ? { kind: 'suspected_lat_lon_swap', index, position }
      : { kind: 'outside_region', index, position };
  }
  return undefined;
}

/** Range and swap checks for a list of positions. */
export function positionIssues(positions: readonly Position[], region?: BBox): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  positions.forEach((p, i) => {
    const issue = positionIssue(p, i, region);
    if (issue !== undefined) issues.push(issue);
  });
  return issues;
}

/** Structural checks for a linear ring (closure, size, repeats, self-intersection, winding). */
export function ringIssues(ring: readonly Position[], role: 'exterior' | 'hole'): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first !== undefined && last !== undefined && !samePosition(first, last)) {
    issues.push({ kind: 'not_closed', first, last });
  }
  if (ring.length < 4) {
    issues.push({ kind: 'too_few_positions', count: ring.length, minimum: 4 });
    return issues;
  }
  issues.push(...repeatedPositions(ring));
  const crossings = selfIntersections(ring, true);
  issues.push(...crossings);
  if (crossings.length === 0) {
    const ccw = signedArea(ring) > 0;
    if ((role === 'exterior') !== ccw) issues.push({ kind: 'wrong_winding', role });
  }
  return issues;
}

/** Structural checks for a line string used as a reference line. */
export function lineIssues(line: readonly Position[]): ShapeIssue[] {
  if (line.length < 2) return [{ kind: 'too_few_positions', count: line.length, minimum: 2 }];
  return [...repeatedPositions(line), ...selfIntersections(line, false)];
}

/** Twice the signed planar area of a ring in degrees²: positive when counter-clockwise. */
export function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const a = ring[i];
    const b = ring[i + 1];
    if (a === undefined || b === undefined) continue;
    sum += (b[0] - a[0]) * (b[1] + a[1]);
  }
  return -sum;
}

function repeatedPositions(positions: readonly Position[]): ShapeIssue[] {
  const issues: ShapeIssue[] = [];
  for (let i = 1; i < positions.length; i++) {
    const a = positions[i - 1];
    const b = positions[i];
    if (a !== undefined && b !== undefined && samePosition(a, b))
      issues.push({ kind: 'repeated_position', index: i });
  }
  return issues;
}

/**
 * Pairs of edges that cross, touch or overlap, except neighbours meeting at their shared vertex.
 * Edge i runs from position i to i+1. Uses an R-tree of edge boxes, so it is fast on long rings.
 */
export function selfIntersections(all: readonly Position[], closed: boolean, limit = 10): ShapeIssue[] {
  // Repeated positions are reported on their own; leave them out so zero-length edges do not "touch".
  const original: number[] = [];
  const positions: Position[] = [];
  all.forEach((p, i) => {
    const prev = positions[positions.length - 1];
    if (prev !== undefined && samePosition(prev, p)) return;
    positions.push(p);
    original.push(i);
  });
  const edgeCount = positions.length - 1;
  if (edgeCount < 2) return [];
  const tree = new Flatbush(edgeCount);
  for (let i = 0; i < edgeCount; i++) {
    const [a, b] = edge(positions, i);
    tree.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
  }
  tree.finish();
  const issues: ShapeIssue[] = [];
  for (let i = 0; i < edgeCount && issues.length < limit; i++) {
    const [a, b] = edge(positions, i);
    const hits = tree.search(
      Math.min(a[0], b[0]),
      Math.min(a[1], b[1]),
      Math.max(a[0], b[0]),
      Math.max(a[1], b[1]),
    );
    for (const j of hits.sort((x, y) => x - y)) {
      if (j <= i) continue;
      const [c, d] = edge(positions, j);
      const neighbours = j === i + 1 || (closed && i === 0 && j === edgeCount - 1);
      const at = neighbours ? overlapOfNeighbours(a, b, c, d) : segmentIntersection(a, b, c, d);
      if (at !== undefined) {
        issues.push({ kind: 'self_intersection', edgeA: original[i] ?? i, edgeB: original[j] ?? j, at });
        if (issues.length >= limit) break;
      }
    }
  }
  return issues;
}

function edge(positions: readonly Position[], i: number): [Position, Position] {
  const a = positions[i];
  const b = positions[i + 1];
  if (a === undefined || b === undefined) throw new Error(`edge ${i} out of range`);
  return [a, b];
}

/** Neighbouring edges only intersect wrongly when they fold back over each other. */
function overlapOfNeighbours(
  a: Position,
  b: Position,
  c: Position,
  d: Position,
): [number, number] | undefined {
  // Shared vertex is b === c (or a === d for the closing pair). Collinear and pointing back = overlap.
  const shared = samePosition(b, c) ? b : a;
  const p = samePosition(b, c) ? a : b;
  const q = samePosition(b, c) ? d : c;
  const cross = (p[0] - shared[0]) * (q[1] - shared[1]) - (p[1] - shared[1]) * (q[0] - shared[0]);
  const dot = (p[0] - shared[0]) * (q[0] - shared[0]) + (p[1] - shared[1]) * (q[1] - shared[1]);
  return cross === 0 && dot > 0 ? [shared[0], shared[1]] : undefined;
}

/** Intersection point of segments ab and cd (touching counts), or undefined. */
export function segmentIntersection(
  a: Position,
  b: Position,
  c: Position,
  d: Position,
): [number, number] | undefined {
  const d1 = orient(c, d, a);
  const d2 = orient(c, d, b);
  const d3 = orient(a, b, c);
  const d4 = orient(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) {
    const t = d1 / (d1 - d2);
    return [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
  }
  if (d1 === 0 && onSegment(c, d, a)) return [a[0], a[1]];
  if (d2 === 0 && onSegment(c, d, b)) return [b[0], b[1]];
  if (d3 === 0 && onSegment(a, b, c)) return [c[0], c[1]];
  if (d4 === 0 && onSegment(a, b, d)) return [d[0], d[1]];
  return undefined;
}

function orient(a: Position, b: Position, c: Position): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

function onSegment(a: Position, b: Position, p: Position): boolean {
  return (
    Math.min(a[0], b[0]) <= p[0] &&
    p[0] <= Math.max(a[0], b[0]) &&
    Math.min(a[1], b[1]) <= p[1] &&
    p[1] <= Math.max(a[1], b[1])
  );
}

function samePosition(a: Position, b: Position): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

function inBox(x: number, y: number, box: BBox, margin: number): boolean {
  return x >= box[0] - margin && x <= box[2] + margin && y >= box[1] - margin && y <= box[3] + margin;
}
