/**
 * The MGRS grid for the visible box, computed in the browser: UTM zone boundaries, easting and
 * northing lines every 100 km, 10 km or 1 km by zoom, and each square's MGRS label (from the `mgrs`
 * package, the same one the server uses to read positions). UTM lines are straight in UTM, curved in
 * Web Mercator, so each line is sampled and projected back.
 */
import type { Feature, FeatureCollection, LineString, Point } from 'geojson';
// Named import: the package's ES build (what Vite bundles) has no default export.
import { forward as mgrsForward } from 'mgrs';

export type GridProperties = { kind: 'zone' | 'line'; label?: undefined } | { kind: 'label'; label: string };
export type GridCollection = FeatureCollection<LineString | Point, GridProperties>;

/** Grid spacing in metres at a zoom: 100 km squares at low zoom, 10 km from zoom 9, 1 km from 12. */
export function gridStepAt(zoom: number): 100_000 | 10_000 | 1_000 {
  if (zoom >= 12) return 1_000;
  if (zoom >= 9) return 10_000;
  return 100_000;
}

/** Below this zoom the grid would be a mesh of hundreds of zones: it is not drawn. */
export const GRID_MIN_ZOOM = 4;
/** Most lines drawn at once; past it the grid is left out rather than freezing the tab. */
const MAX_LINES = 600;
const MAX_LABELS = 600;

const A = 6378137;
const ECC2 = 0.00669438;
const K0 = 0.9996;
const EP2 = ECC2 / (1 - ECC2);
const DEG = Math.PI / 180;

function zoneOrigin(zone: number): number {
  return (zone - 1) * 6 - 180 + 3;
}

/** WGS84 lon/lat to UTM easting/northing in a given zone (northing negative south of the equator). */
export function toUtm(lon: number, lat: number, zone: number): [number, number] {
  const phi = lat * DEG;
  const n = A / Math.sqrt(1 - ECC2 * Math.sin(phi) ** 2);
  const t = Math.tan(phi) ** 2;
  const c = EP2 * Math.cos(phi) ** 2;
  const a = Math.cos(phi) * (lon - zoneOrigin(zone)) * DEG;
  const e4 = ECC2 * ECC2;
  const e6 = e4 * ECC2;
  const m =
    A *
    ((1 - ECC2 / 4 - (3 * e4) / 64 - (5 * e6) / 256) * phi -
      ((3 * ECC2) / 8 + (3 * e4) / 32 + (45 * e6) / 1024) * Math.sin(2 * phi) +
      ((15 * e4) / 256 + (45 * e6) / 1024) * Math.sin(4 * phi) -
      ((35 * e6) / 3072) * Math.sin(6 * phi));
  const easting =
    K0 * n * (a + ((1 - t + c) * a ** 3) / 6 + ((5 - 18 * t + t * t + 72 * c - 58 * EP2) * a ** 5) / 120) +
    500_000;
  const northing =
    K0 *
    (m +
      n *
        Math.tan(phi) *
        ((a * a) / 2 +
          ((5 - t + 9 * c + 4 * c * c) * a ** 4) / 24 +
          ((61 - 58 * t + t * t + 600 * c - 330 * EP2) * a ** 6) / 720));
  return [easting, northing];
}

/** UTM easting/northing (northing negative south of the equator) in a zone back to WGS84 lon/lat. */
export function fromUtm(easting: number, northing: number, zone: number): [number, number] {
  const e1 = (1 - Math.sqrt(1 - ECC2)) / (1 + Math.sqrt(1 - ECC2));
  const x = easting - 500_000;
  const mu = northing / K0 / (A * (1 - ECC2 / 4 - (3 * ECC2 * ECC2) / 64 - (5 * ECC2 ** 3) / 256));
  const phi1 =
    mu +
    ((3 * e1) / 2 - (27 * e1 ** 3) / 32) * Math.sin(2 * mu) +
    ((21 * e1 * e1) / 16 - (55 * e1 ** 4) / 32) * Math.sin(4 * mu) +
    ((151 * e1 ** 3) / 96) * Math.sin(6 * mu);
  const n1 = A / Math.sqrt(1 - ECC2 * Math.sin(phi1) ** 2);
  const t1 = Math.tan(phi1) ** 2;
  const c1 = EP2 * Math.cos(phi1) ** 2;
  const r1 = (A * (1 - ECC2)) / (1 - ECC2 * Math.sin(phi1) ** 2) ** 1.5;
  const d = x / (n1 * K0);
  const lat =
    phi1 -
    ((n1 * Math.tan(phi1)) / r1) *
      ((d * d) / 2 -
        ((5 + 3 * t1 + 10 * c1 - 4 * c1 * c1 - 9 * EP2) * d ** 4) / 24 +
        ((61 + 90 * t1 + 298 * c1 + 45 * t1 * t1 - 252 * EP2 - 3 * c1 * c1) * d ** 6) / 720);
  const lon =
    (d -
      ((1 + 2 * t1 + c1) * d ** 3) / 6 +
      ((5 - 2 * c1 + 28 * t1 - 3 * c1 * c1 + 8 * EP2 + 24 * t1 * t1) * d ** 5) / 120) /
    Math.cos(phi1);
  return [zoneOrigin(zone) + lon / DEG, lat / DEG];
}

/** "37UDQ1234" → "37U DQ 12 34". */
export function spacedMgrs(reference: string): string {
  const m = /^(\d{1,2}[C-X])([A-Z]{2})(\d*)$/.exec(reference);
  if (!m) return reference;
  const digits = m[3] ?? '';
  const half = digits.length / 2;
  return [m[1], m[2], digits.slice(0, half), digits.slice(half)].filter((s) => s).join(' ');
}

/**
 * The grid lines and square labels inside [west, south, east, north] at a zoom. Zones follow the plain
 * 6° rule (the Norway and Svalbard exceptions are not drawn). Empty below GRID_MIN_ZOOM or when too dense.
 */
export function mgrsGrid(bbox: [number, number, number, number], zoom: number): GridCollection {
  const empty: GridCollection = { type: 'FeatureCollection', features: [] };
  if (zoom < GRID_MIN_ZOOM) return empty;
  const west = Math.max(-180, bbox[0]);
  const east = Math.min(180, bbox[2]);
  const south = Math.max(-80, bbox[1]);
  const north = Math.min(84, bbox[3]);
  if (west >= east || south >= north) return empty;
  const step = gridStepAt(zoom);
  const accuracy = step === 100_000 ? 0 : step === 10_000 ? 1 : 2;
  const lines: Feature<LineString, GridProperties>[] = [];
  const labels: Feature<Point, GridProperties>[] = [];
  const firstZone = Math.floor((west + 180) / 6) + 1;
  const lastZone = Math.min(60, Math.floor((east + 180) / 6) + 1);
  for (let zone = firstZone; zone <= lastZone; zone++) {
    const zw = -180 + (zone - 1) * 6;
    const w = Math.max(west, zw);
    const e = Math.min(east, zw + 6);
    if (w >= e) continue;
    if (zw > west) {
      lines.push(
        line(
          [
            [zw, south],
            [zw, north],
          ],
          'zone',
        ),
      );
    }
    // Each hemisphere on its own: southern northings are negative here, so lines stay continuous.
    const bands: [number, number][] = [];
    if (north > 0) bands.push([Math.max(0, south), north]);
    if (south < 0) bands.push([south, Math.min(0, north)]);
    for (const [s, n] of bands) {
      const corners: [number, number][] = [];
      for (const lon of [w, (w + e) / 2, e])
        for (const lat of [s, (s + n) / 2, n]) corners.push(toUtm(lon, lat, zone));
      const minE = Math.min(...corners.map((c) => c[0]));
      const maxE = Math.max(...corners.map((c) => c[0]));
      const minN = Math.min(...corners.map((c) => c[1]));
      const maxN = Math.max(...corners.map((c) => c[1]));
      const inside = (p: [number, number]) => p[0] >= w && p[0] <= e && p[1] >= s && p[1] <= n;
      const firstE = Math.ceil(minE / step) * step;
      const firstN = Math.ceil(minN / step) * step;
      if ((maxE - firstE) / step + (maxN - firstN) / step + lines.length > MAX_LINES) return empty;
      for (let x = firstE; x <= maxE; x += step) {
        lines.push(
          ...clipped(
            sample(minN, maxN, (y) => fromUtm(x, y, zone)),
            inside,
          ),
        );
      }
      for (let y = firstN; y <= maxN; y += step) {
        lines.push(
          ...clipped(
            sample(minE, maxE, (x) => fromUtm(x, y, zone)),
            inside,
          ),
        );
      }
      for (let x = firstE - step; x <= maxE; x += step) {
        for (let y = firstN - step; y <= maxN; y += step) {
          if (labels.length >= MAX_LABELS) break;
          const at = fromUtm(x + step / 2, y + step / 2, zone);
          if (!inside(at)) continue;
          labels.push({
            type: 'Feature',
            properties: { kind: 'label', label: spacedMgrs(mgrsForward(at, accuracy)) },
            geometry: { type: 'Point', coordinates: at },
          });
        }
      }
    }
  }
  return { type: 'FeatureCollection', features: [...lines, ...labels] };
}

function line(coordinates: [number, number][], kind: 'zone' | 'line'): Feature<LineString, GridProperties> {
  return { type: 'Feature', properties: { kind }, geometry: { type: 'LineString', coordinates } };
}

/** Points along one grid line, dense enough that its curve shows at any zoom the grid is drawn at. */
function sample(from: number, to: number, at: (v: number) => [number, number]): [number, number][] {
  const count = 24;
  const points: [number, number][] = [];
  for (let i = 0; i <= count; i++) points.push(at(from + ((to - from) * i) / count));
  return points;
}

/** The runs of a sampled line that fall inside the zone's part of the view. */
function clipped(
  points: [number, number][],
  inside: (p: [number, number]) => boolean,
): Feature<LineString, GridProperties>[] {
  const runs: Feature<LineString, GridProperties>[] = [];
  let run: [number, number][] = [];
  for (const p of points) {
    if (inside(p)) run.push(p);
    else {
      if (run.length > 1) runs.push(line(run, 'line'));
      run = [];
    }
  }
  if (run.length > 1) runs.push(line(run, 'line'));
  return runs;
}
