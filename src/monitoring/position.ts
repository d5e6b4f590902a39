import mgrs from 'mgrs';
import { direct, distanceM } from '../geo/geodesic.js';
import { selfIntersections } from '../geo/ring.js';
import type { Position } from '../geo/types.js';
import type { FieldProblem } from '../core/errors.js';
import type { GeoPrecision, ObserverFix, ReportLocation } from './report.model.js';
import type { ReportInput } from './report.schemas.js';

/** What position checks need to know about the agreement's area and the deployment's policy. */
export interface PositionPolicy {
  /** The agreement's region [minLon, minLat, maxLon, maxLat], when it declares one. */
  region?: readonly [number, number, number, number];
  /** How far outside the region (km) a position may be before it counts as far outside. */
  regionMarginKm: number;
  /** Far outside the region: reject the report, or accept it with a warning. */
  outsideRegion: 'reject' | 'warn';
}

/** Default one-sigma errors of a bearing-and-distance fix when the observer gives none. */
const DEFAULT_BEARING_ERROR_DEG = 5;
const DEFAULT_DISTANCE_ERROR_FRACTION = 0.25;
/** Longest distance an observer can plausibly estimate by eye or ear (heavy artillery is heard to ~20 km). */
const MAX_OBSERVED_DISTANCE_M = 40_000;
/** Radius default by ACLED geo precision when none is given: a town, its surroundings, a region. */
const DEFAULT_RADIUS_BY_PRECISION: Record<GeoPrecision, number> = { 1: 2_000, 2: 10_000, 3: 50_000 };

const MGRS_PATTERN = /^(\d{1,2})([C-HJ-NP-X])\s*([A-HJ-NP-Z])([A-HJ-NP-V])\s*(\d*)\s*(\d*)$/;

/** A parsed MGRS reference: the cell's centre and the radius of the cell (half its diagonal). */
export function parseMgrs(
  text: string,
): { lon: number; lat: number; radiusM: number; normalised: string } | string {
  const compact = text.trim().toUpperCase().replace(/\s+/g, ' ');
  const m = MGRS_PATTERN.exec(compact);
  if (m === null) {
    return `"${text}" is not an MGRS reference (expected zone, band, 100 km square and digits, e.g. 37U DP 29836 54052)`;
  }
  const [, zone = '', band = '', col = '', row = '', d1 = '', d2 = ''] = m;
  const zoneNumber = Number(zone);
  if (zoneNumber < 1 || zoneNumber > 60) return `"${text}": UTM zone ${zone} does not exist (1–60)`;
  const digits = d1 + d2;
  if (digits.length % 2 !== 0 || digits.length > 10 || (d2 !== '' && d1.length !== d2.length)) {
    return `"${text}": easting and northing need the same number of digits (0–5 each)`;
  }
  const joined = `${zoneNumber}${band}${col}${row}${digits}`;
  let point: [number, number];
  try {
    point = mgrs.toPoint(joined);
  } catch (err) {
    return `"${text}" does not parse as MGRS: ${(err as Error).message.split('\n')[0] ?? ''}`;
  }
  const [lon, lat] = point;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return `"${text}" does not parse as MGRS`;
  // The library accepts squares that do not exist in the zone; a round trip catches them. At a
  // latitude band's edge the cell centre may fall in the neighbouring band: that is still valid.
  const again = mgrs.forward([lon, lat], digits.length / 2);
  const m2 = MGRS_PATTERN.exec(again);
  const bands = 'CDEFGHJKLMNPQRSTUVWX';
  if (
    m2 === null ||
    Number(m2[1]) !== zoneNumber ||
    m2[3] !== col ||
    m2[4] !== row ||
    Math.abs(bands.indexOf(m2[2] ?? '') - bands.indexOf(band)) > 1
  ) {
    return `"${text}": 100 km square ${col}${row} does not exist in grid zone ${zoneNumber}${band} (nearest valid: ${again.slice(0, 5)})`;
  }
  const cell = 10 ** (5 - digits.length / 2);
  return { lon, lat, radiusM: (cell * Math.SQRT2) / 2, normalised: joined };
}

/**
 * Where a fire observation from afar points to, and how uncertain that is: the geodesic from the
 * observer along the bearing for the estimated distance; the radius combines the cross-range error
 * (distance × bearing error) and the range error, at two standard deviations (about 95 %).
 */
export function fixFromObserver(observer: Omit<ObserverFix, 'mgrs'>): {
  lon: number;
  lat: number;
  radiusM: number;
} {
  const end = direct(observer.lat, observer.lon, observer.bearingDeg, observer.distanceM);
  const crossRange = observer.distanceM * Math.tan((observer.bearingErrorDeg * Math.PI) / 180);
  const radius = 2 * Math.hypot(crossRange, observer.distanceErrorM);
  return { lon: end.lon2, lat: end.lat2, radiusM: radius };
}

function inRange(lon: number, lat: number): boolean {
  return lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}

/** Distance (km) from a point to a bbox, 0 inside. */
export function kmOutside(lon: number, lat: number, box: readonly [number, number, number, number]): number {
  const cLon = Math.min(Math.max(lon, box[0]), box[2]);
  const cLat = Math.min(Math.max(lat, box[1]), box[3]);
  if (cLon === lon && cLat === lat) return 0;
  return distanceM(lon, lat, cLon, cLat) / 1000;
}

interface Checked {
  lon: number;
  lat: number;
}

/** Range, swap and region checks for one coordinate pair; pushes problems, returns warnings. */
function checkPoint(
  lon: number,
  lat: number,
  path: string,
  policy: PositionPolicy,
  problems: FieldProblem[],
  warnings: string[],
  /** The point came as separate lon and lat fields: name the one out of range. */
  separate = false,
): Checked | undefined {
  const region = policy.region;
  const swappedFits = region !== undefined && inRange(lat, lon) && kmOutside(lat, lon, region) === 0;
  if (!inRange(lon, lat)) {
    const hint = swappedFits || inRange(lat, lon) ? '; latitude and longitude look swapped' : '';
    const latBad = lat < -90 || lat > 90 || Number.isNaN(lat);
    problems.push({
      path: separate ? `${path}/${latBad ? 'lat' : 'lon'}` : path,
      reason:
        lat < -90 || lat > 90
          ? `latitude ${lat} is out of range (−90 to 90)${hint}`
          : `longitude ${lon} is out of range (−180 to 180)${hint}`,
    });
    return undefined;
  }
  if (region === undefined) return { lon, lat };
  const outside = kmOutside(lon, lat, region);
  if (outside <= policy.regionMarginKm) return { lon, lat };
  if (swappedFits) {
    problems.push({
      path,
      reason: `latitude and longitude look swapped: (${lon}, ${lat}) is ${Math.round(outside)} km outside the agreement's area, (${lat}, ${lon}) is inside it`,
    });
    return undefined;
  }
  const message = `position (${lon}, ${lat}) is ${Math.round(outside)} km outside the agreement's area`;
  if (policy.outsideRegion === 'reject') {
    problems.push({ path, reason: message });
    return undefined;
  }
  warnings.push(message);
  return { lon, lat };
}

/** A coordinate given as lon+lat or MGRS, checked; undefined with problems pushed when bad. */
function coordinate(
  input: { lon?: number; lat?: number; mgrs?: string },
  path: string,
  policy: PositionPolicy,
  problems: FieldProblem[],
  warnings: string[],
): (Checked & { mgrs?: string; radiusM?: number }) | undefined {
  if (input.mgrs !== undefined) {
    if (input.lon !== undefined || input.lat !== undefined) {
      problems.push({ path: `${path}/mgrs`, reason: 'give either mgrs or lon and lat, not both' });
      return undefined;
    }
    const parsed = parseMgrs(input.mgrs);
    if (typeof parsed === 'string') {
      problems.push({ path: `${path}/mgrs`, reason: parsed });
      return undefined;
    }
    const p = checkPoint(parsed.lon, parsed.lat, `${path}/mgrs`, policy, problems, warnings);
    return p && { ...p, mgrs: parsed.normalised, radiusM: parsed.radiusM };
  }
  if (input.lon === undefined || input.lat === undefined) {
    problems.push({
      path: `${path}/${input.lon === undefined ? 'lon' : 'lat'}`,
      reason: 'is required with the other coordinate',
    });
    return undefined;
  }
  return checkPoint(input.lon, input.lat, path, policy, problems, warnings, true);
}

/**
 * Turns a submitted location into a stored one: exactly one of lon+lat, MGRS, an area or an observer
 * fix. Problems name the field (JSON pointer under `path`).
 */
export function normaliseLocation(
  input: ReportInput['location'],
  path: string,
  policy: PositionPolicy,
  problems: FieldProblem[],
  warnings: string[],
): ReportLocation | undefined {
  const precision = (input.precision ?? 1) as GeoPrecision;
  const forms = [
    input.lon !== undefined || input.lat !== undefined || input.mgrs !== undefined ? 'point' : undefined,
    input.area !== undefined ? 'area' : undefined,
    input.observer !== undefined ? 'observer' : undefined,
  ].filter((f) => f !== undefined);
  if (forms.length !== 1) {
    problems.push({
      path,
      reason:
        forms.length === 0
          ? 'needs a position: lon and lat, mgrs, area or observer'
          : `give one position form, not ${forms.join(' and ')}`,
    });
    return undefined;
  }
  if (input.uncertaintyM !== undefined && !(input.uncertaintyM >= 0 && input.uncertaintyM <= 500_000)) {
    problems.push({ path: `${path}/uncertaintyM`, reason: 'must be between 0 and 500000 metres' });
    return undefined;
  }
  const base = {
    precision,
    ...(input.placeName !== undefined ? { placeName: input.placeName } : {}),
  };
  if (input.observer !== undefined)
    return observerLocation(input.observer, input, path, policy, problems, warnings, base);
  if (input.area !== undefined)
    return areaLocation(input.area, input, path, policy, problems, warnings, base);
  const p = coordinate(input, path, policy, problems, warnings);
  if (!p) return undefined;
  return {
    lon: p.lon,
    lat: p.lat,
    uncertaintyM: input.uncertaintyM ?? p.radiusM ?? DEFAULT_RADIUS_BY_PRECISION[precision],
    input: p.mgrs !== undefined ? 'mgrs' : 'wgs84',
    ...(p.mgrs !== undefined ? { mgrs: p.mgrs } : {}),
    ...base,
  };
}

function observerLocation(
  o: NonNullable<ReportInput['location']['observer']>,
  input: ReportInput['location'],
  path: string,
  policy: PositionPolicy,
  problems: FieldProblem[],
  warnings: string[],
  base: { precision: GeoPrecision; placeName?: string },
): ReportLocation | undefined {
  const at = `${path}/observer`;
  const before = problems.length;
  if (!(o.bearingDeg >= 0 && o.bearingDeg < 360))
    problems.push({
      path: `${at}/bearingDeg`,
      reason: `bearing ${o.bearingDeg} must be in [0, 360) degrees from true north`,
    });
  if (!(o.distanceM > 0 && o.distanceM <= MAX_OBSERVED_DISTANCE_M))
    problems.push({
      path: `${at}/distanceM`,
      reason: `distance ${o.distanceM} m must be more than 0 and at most ${MAX_OBSERVED_DISTANCE_M} m`,
    });
  if (o.bearingErrorDeg !== undefined && !(o.bearingErrorDeg >= 0 && o.bearingErrorDeg <= 90))
    problems.push({ path: `${at}/bearingErrorDeg`, reason: 'must be between 0 and 90 degrees' });
  if (
    o.distanceErrorM !== undefined &&
    !(o.distanceErrorM >= 0 && o.distanceErrorM <= MAX_OBSERVED_DISTANCE_M)
  )
    problems.push({
      path: `${at}/distanceErrorM`,
      reason: `must be between 0 and ${MAX_OBSERVED_DISTANCE_M} metres`,
    });
  const from = coordinate(
    o,
    at,
    { ...policy, regionMarginKm: policy.regionMarginKm + 40 },
    problems,
    warnings,
  );
  if (!from || problems.length > before) return undefined;
  const observer: ObserverFix = {
    lon: from.lon,
    lat: from.lat,
    ...(from.mgrs !== undefined ? { mgrs: from.mgrs } : {}),
    bearingDeg: o.bearingDeg,
    distanceM: o.distanceM,
    bearingErrorDeg: o.bearingErrorDeg ?? DEFAULT_BEARING_ERROR_DEG,
    distanceErrorM: o.distanceErrorM ?? o.distanceM * DEFAULT_DISTANCE_ERROR_FRACTION,
  };
  const fix = fixFromObserver(observer);
  const radius = Math.max(fix.radiusM, from.radiusM ?? 0);
  return {
    lon: fix.lon,
    lat: fix.lat,
    uncertaintyM: input.uncertaintyM ?? radius,
    input: 'bearing',
    observer,
    ...base,
  };
}

function areaLocation(
  area: NonNullable<ReportInput['location']['area']>,
  input: ReportInput['location'],
  path: string,
  policy: PositionPolicy,
  problems: FieldProblem[],
  warnings: string[],
  base: { precision: GeoPrecision; placeName?: string },
): ReportLocation | undefined {
  const ring = area.coordinates[0] ?? [];
  const at = `${path}/area/coordinates/0`;
  if (ring.length < 4) {
    problems.push({ path: at, reason: 'an area ring needs at least 4 positions (closed)' });
    return undefined;
  }
  const first = ring[0] ?? [];
  const last = ring[ring.length - 1] ?? [];
  if (first[0] !== last[0] || first[1] !== last[1]) {
    problems.push({ path: at, reason: 'the ring is not closed: its last position must equal its first' });
    return undefined;
  }
  const before = problems.length;
  let sumLon = 0;
  let sumLat = 0;
  ring.slice(0, -1).forEach((p, i) => {
    checkPoint(p[0] ?? NaN, p[1] ?? NaN, `${at}/${i}`, policy, problems, warnings);
    sumLon += p[0] ?? 0;
    sumLat += p[1] ?? 0;
  });
  if (problems.length > before) return undefined;
  area.coordinates.forEach((r, k) => {
    for (const issue of selfIntersections(r as Position[], true, 1))
      if (issue.kind === 'self_intersection')
        problems.push({
          path: `${path}/area/coordinates/${k}`,
          reason: `the ring intersects itself: edge ${issue.edgeA}→${issue.edgeA + 1} meets edge ${issue.edgeB}→${issue.edgeB + 1} at [${issue.at[0]}, ${issue.at[1]}]`,
        });
  });
  if (problems.length > before) return undefined;
  const n = ring.length - 1;
  const lon = sumLon / n;
  const lat = sumLat / n;
  let radius = 0;
  for (const p of ring) radius = Math.max(radius, distanceM(lon, lat, p[0] ?? lon, p[1] ?? lat));
  return {
    lon,
    lat,
    uncertaintyM: input.uncertaintyM ?? radius,
    input: 'area',
    area: { type: 'Polygon', coordinates: area.coordinates.map((r) => r.map((p) => [p[0] ?? 0, p[1] ?? 0])) },
    ...base,
  };
}
