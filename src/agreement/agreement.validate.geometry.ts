import type { ShapeIssue } from '../geo/ring.js';
import { lineIssues, positionIssues, ringIssues } from '../geo/ring.js';
import type { BBox, Position } from '../geo/types.js';
import type { PathSegment, ProblemSink } from './agreement.problems.js';
import type { CheckContext } from './agreement.view.js';

/**
 * Geometry rules: positions in range and in the agreement's region (with a lat/lon swap hint),
 * rings closed, simple and wound per RFC 7946 (exterior counter-clockwise, holes clockwise),
 * reference lines simple and without repeated positions.
 */
export function checkGeometry(ctx: CheckContext): void {
  const { view, sink } = ctx;
  const region = checkRegion(ctx);
  for (const { item, path } of view.list('reference_geometries')) {
    const g = item.geometry;
    const at = [...path, 'geometry', 'coordinates'];
    switch (g.type) {
      case 'Point':
        reportPositions([g.coordinates as Position], at, sink, region, true);
        break;
      case 'LineString': {
        const coords = g.coordinates as Position[];
        if (reportPositions(coords, at, sink, region)) {
          for (const issue of lineIssues(coords)) report(issue, at, sink, 'line');
        }
        if (item.vertices !== undefined && item.vertices.length !== coords.length) {
          sink.add(
            [...path, 'vertices'],
            'inconsistent',
            `lists ${item.vertices.length} vertices but the line has ${coords.length} positions`,
          );
        }
        break;
      }
      case 'Polygon':
        checkPolygon(g.coordinates as Position[][], at, sink, region);
        break;
    }
  }
  for (const { item, path } of view.list('zones')) {
    const p = item.polygon;
    if (p === undefined) continue;
    const at = [...path, 'polygon', 'coordinates'];
    if (p.type === 'Polygon') checkPolygon(p.coordinates as Position[][], at, sink, region);
    else (p.coordinates as Position[][][]).forEach((poly, i) => checkPolygon(poly, [...at, i], sink, region));
  }
}

function checkRegion(ctx: CheckContext): BBox | undefined {
  const region = ctx.view.field('region');
  if (region === undefined) return undefined;
  const [minLon = 0, minLat = 0, maxLon = 0, maxLat = 0] = region.bbox;
  if (minLon >= maxLon || minLat >= maxLat || Math.abs(minLat) > 90 || Math.abs(maxLat) > 90) {
    ctx.sink.add(
      ['region', 'bbox'],
      'invalid_value',
      'must be [minLon, minLat, maxLon, maxLat] with min < max and latitudes within ±90',
    );
    return undefined;
  }
  return [minLon, minLat, maxLon, maxLat];
}

function checkPolygon(
  rings: Position[][],
  at: PathSegment[],
  sink: ProblemSink,
  region: BBox | undefined,
): void {
  rings.forEach((ring, r) => {
    const ringPath = [...at, r];
    if (!reportPositions(ring, ringPath, sink, region)) return;
    for (const issue of ringIssues(ring, r === 0 ? 'exterior' : 'hole'))
      report(issue, ringPath, sink, 'ring');
  });
}

/** Reports range/swap/region issues; true when all positions are usable for shape checks. */
function reportPositions(
  positions: Position[],
  at: PathSegment[],
  sink: ProblemSink,
  region: BBox | undefined,
  single = false,
): boolean {
  let usable = true;
  for (const issue of positionIssues(positions, region)) {
    if (issue.kind !== 'outside_region') usable = false;
    report(issue, at, sink, 'line', single);
  }
  return usable;
}

function report(
  issue: ShapeIssue,
  at: PathSegment[],
  sink: ProblemSink,
  shape: 'ring' | 'line',
  single = false,
): void {
  const pos = (i: number): PathSegment[] => (single ? at : [...at, i]);
  switch (issue.kind) {
    case 'longitude_out_of_range':
      sink.add(
        pos(issue.index),
        'coordinate_out_of_range',
        `longitude ${issue.value} is outside [-180, 180]`,
      );
      break;
    case 'latitude_out_of_range':
      sink.add(pos(issue.index), 'coordinate_out_of_range', `latitude ${issue.value} is outside [-90, 90]`);
      break;
    case 'suspected_lat_lon_swap': {
      const [a, b] = issue.position;
      sink.add(
        pos(issue.index),
        'lat_lon_swap',
        `[${a}, ${b}] looks like [latitude, longitude]: [${b}, ${a}] fits the agreement region; GeoJSON order is [longitude, latitude]`,
      );
      break;
    }
    case 'outside_region':
      sink.add(
        pos(issue.index),
        'outside_region',
        `[${issue.position[0]}, ${issue.position[1]}] lies outside the agreement region`,
      );
      break;
    case 'too_few_positions':
      sink.add(
        at,
        'too_few_positions',
        `a ${shape} needs at least ${issue.minimum} positions (has ${issue.count})`,
      );
      break;
    case 'not_closed':
      sink.add(
        at,
        'ring_not_closed',
        `ring is not closed: the last position [${issue.last[0]}, ${issue.last[1]}] must repeat the first [${issue.first[0]}, ${issue.first[1]}]`,
      );
      break;
    case 'repeated_position':
      sink.add(pos(issue.index), 'repeated_position', 'repeats the previous position');
      break;
    case 'self_intersection':
      sink.add(
        pos(issue.edgeB),
        shape === 'ring' ? 'ring_self_intersection' : 'line_self_intersection',
        `${shape} intersects itself: edge ${issue.edgeA}→${issue.edgeA + 1} meets edge ${issue.edgeB}→${issue.edgeB + 1} at [${round(issue.at[0])}, ${round(issue.at[1])}]`,
      );
      break;
    case 'wrong_winding':
      sink.add(
        at,
        'ring_winding',
        issue.role === 'exterior'
          ? 'exterior ring is clockwise; RFC 7946 requires counter-clockwise exterior rings (reverse the positions)'
          : 'hole is counter-clockwise; RFC 7946 requires clockwise holes (reverse the positions)',
      );
      break;
  }
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
