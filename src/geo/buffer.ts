import polygonClipping from 'polygon-clipping';
import type {
  MultiPolygon as ClipMultiPolygon,
  Polygon as ClipPolygon,
  Ring as ClipRing,
} from 'polygon-clipping';
import { direct, geodesicSegment } from './geodesic.js';
import { signedArea } from './ring.js';
import type { MultiPolygonGeometry, Position } from './types.js';

/** Which side(s) of a directed line a band covers. */
export type BandSide = 'both' | 'left' | 'right';

export interface BufferOptions {
  /** Densify the line so offset vertices are at most this far apart along it, metres. */
  densifyM?: number;
  /** Angular step of round corners and caps, degrees. */
  stepDeg?: number;
}

/**
 * Display polygon of the band of points within `outerM` metres (and, when `innerM` > 0, at least
 * `innerM` metres) of a line on the WGS84 ellipsoid, on one or both sides. Offset vertices are
 * computed with the geodesic direct problem, so they lie exactly at the distance on the ground;
 * corners and end caps are round. This geometry is for maps and exports only: classification uses
 * exact geodesic distances (see PreparedPolyline), never this polygon.
 */
export function lineBand(
  line: readonly Position[],
  outerM: number,
  side: BandSide,
  innerM = 0,
  options: BufferOptions = {},
): MultiPolygonGeometry {
  const outer = lineBuffer(line, outerM, side, options);
  const result =
    innerM > 0 ? polygonClipping.difference(outer, lineBuffer(line, innerM, 'both', options)) : outer;
  return { type: 'MultiPolygon', coordinates: rightHanded(result) };
}

function lineBuffer(
  line: readonly Position[],
  distanceM: number,
  side: BandSide,
  options: BufferOptions,
): ClipMultiPolygon {
  const densifyM = options.densifyM ?? 5_000;
  const stepDeg = options.stepDeg ?? 5;
  const normals: number[] = side === 'both' ? [-90, 90] : side === 'left' ? [-90] : [90];
  const pieces: ClipPolygon[] = [];
  const azimuths: { start: number; end: number }[] = [];
  // Pieces overlap instead of sharing edges: polygon-clipping is fragile on coincident edges.
  for (let i = 0; i + 1 < line.length; i++) {
    const a = line[i];
    const b = line[i + 1];
    if (a === undefined || b === undefined) continue;
    const seg = geodesicSegment(a[1], a[0], b[1], b[0]);
    if (seg.length === 0) continue;
    azimuths.push({ start: seg.azi1, end: seg.azi2 });
    const steps = Math.max(1, Math.ceil(seg.length / densifyM));
    const along = Array.from({ length: steps + 1 }, (_, k) => seg.position((seg.length * k) / steps));
    const offsetBy = (normal: number): [number, number][] =>
      along.map((q) => toPair(direct(q.lat, q.lon, q.azi + normal, distanceM)));
    const centre = along.map((q): [number, number] => [q.lon, q.lat]);
    const near = side === 'both' ? offsetBy(90) : centre;
    const far = offsetBy(side === 'right' ? 90 : -90);
    pieces.push([close([...near, ...far.reverse()])]);
  }
  if (side === 'both') {
    // Two-sided: a disc at every vertex gives the round joins and caps.
    for (const p of line) pieces.push(arcPolygon(p, stepDeg / 2, 360, distanceM, stepDeg, false));
  } else {
    const normal = normals[0] ?? 0;
    // Round joins where the line turns away from the covered side (the offsets open a gap there),
    // widened to overlap the neighbouring pieces.
    for (let v = 1; v + 1 < line.length; v++) {
      const p = line[v];
      const before = azimuths[v - 1];
      const after = azimuths[v];
      if (p === undefined || before === undefined || after === undefined) continue;
      const sweep = ((((after.start - before.end) % 360) + 540) % 360) - 180;
      if (Math.abs(sweep) < 1e-6 || Math.sign(sweep) === Math.sign(normal)) continue;
      const dir = Math.sign(sweep);
      const from = before.end + normal - dir * JOIN_OVERLAP_DEG;
      pieces.push(arcPolygon(p, from, sweep + 2 * dir * JOIN_OVERLAP_DEG, distanceM, stepDeg, true));
    }
    // Quarter caps behind the start and beyond the end, stopping at the line's extension.
    const first = line[0];
    const last = line[line.length - 1];
    const startAzi = azimuths[0]?.start;
    const endAzi = azimuths[azimuths.length - 1]?.end;
    if (first !== undefined && last !== undefined && startAzi !== undefined && endAzi !== undefined) {
      const d = Math.sign(normal);
      pieces.push(
        arcPolygon(
          first,
          startAzi + normal - d * JOIN_OVERLAP_DEG,
          normal + d * JOIN_OVERLAP_DEG,
          distanceM,
          stepDeg,
          true,
        ),
      );
      pieces.push(
        arcPolygon(
          last,
          endAzi + normal + d * JOIN_OVERLAP_DEG,
          -normal - d * JOIN_OVERLAP_DEG,
          distanceM,
          stepDeg,
          true,
        ),
      );
    }
  }
  const [head, ...rest] = pieces;
  return head === undefined ? [] : polygonClipping.union(head, ...rest);
}

/** Degrees by which joins reach past the offset normals into the neighbouring pieces. */
const JOIN_OVERLAP_DEG = 1;

/** Arc of radius r around p from `startAzi` through `sweep` degrees; a sector when `withCentre`. */
function arcPolygon(
  p: Position,
  startAzi: number,
  sweep: number,
  r: number,
  stepDeg: number,
  withCentre: boolean,
): ClipPolygon {
  const steps = Math.max(1, Math.ceil(Math.abs(sweep) / stepDeg));
  const ring: ClipRing = withCentre ? [[p[0], p[1]]] : [];
  const count = Math.abs(sweep) >= 360 ? steps : steps + 1;
  for (let k = 0; k < count; k++) ring.push(toPair(direct(p[1], p[0], startAzi + (sweep * k) / steps, r)));
  return [close(ring)];
}

function toPair(q: { lat2: number; lon2: number }): [number, number] {
  return [q.lon2, q.lat2];
}

function close(ring: ClipRing): ClipRing {
  const first = ring[0];
  const last = ring[ring.length - 1];
  if (first !== undefined && last !== undefined && (first[0] !== last[0] || first[1] !== last[1])) {
    ring.push([first[0], first[1]]);
  }
  return ring;
}

/** RFC 7946 right-hand rule: exterior rings counter-clockwise, holes clockwise. */
function rightHanded(polygons: ClipMultiPolygon): Position[][][] {
  return polygons.map((rings) =>
    rings.map((ring, i) => {
      const ccw = signedArea(ring) > 0;
      const wantCcw = i === 0;
      return (ccw === wantCcw ? ring : [...ring].reverse()).map((p): Position => [p[0], p[1]]);
    }),
  );
}
