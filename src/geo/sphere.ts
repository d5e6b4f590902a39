import { MEAN_RADIUS_M, WGS84 } from './geodesic.js';
import type { BBox } from './types.js';

/**
 * Spherical helpers with bounds that relate them to the WGS84 ellipsoid: used to find, fast and
 * provably, the few candidates on which exact geodesic computations are then done.
 */

const DEG = Math.PI / 180;
const E2 = WGS84.f * (2 - WGS84.f);

/** WGS84 radii of curvature span 0.9944..1.0046 of the mean radius: global length-scale bounds. */
export const GLOBAL_KMIN = 0.9944;
export const GLOBAL_KMAX = 1.0046;

/** Radius of the sphere with WGS84's Gaussian curvature at latitude φ: √(M·N). */
export function gaussianRadius(lat: number): number {
  const sin = Math.sin(lat * DEG);
  const w = 1 - E2 * sin * sin;
  return (WGS84.a * Math.sqrt(1 - E2)) / w;
}

/**
 * Bounds [kmin, kmax] on (ellipsoidal length / spherical length) near latitude `lat` within `radiusM`:
 * the meridian radius M(φ) is the smallest and the normal radius N(φ) the largest radius of curvature.
 */
export function scaleBounds(lat: number, radiusM: number): [number, number] {
  const span = (radiusM * 1.02 + 1000) / 110_500;
  const lo = Math.abs(lat) - span <= 0 ? 0 : Math.abs(lat) - span;
  const hi = Math.min(90, Math.abs(lat) + span);
  const w = (phi: number): number => 1 - E2 * Math.sin(phi * DEG) ** 2;
  const m = (WGS84.a * (1 - E2)) / w(lo) ** 1.5;
  const n = WGS84.a / Math.sqrt(w(hi));
  return [m / MEAN_RADIUS_M, n / MEAN_RADIUS_M];
}

/** Counter-clockwise rotation in degrees from azimuth `from` to azimuth `to`, in [0, 360). */
export function ccw(from: number, to: number): number {
  return (((from - to) % 360) + 360) % 360;
}

export function angle(ax: number, ay: number, az: number, bx: number, by: number, bz: number): number {
  const dx = ax - bx;
  const dy = ay - by;
  const dz = az - bz;
  return 2 * Math.asin(Math.min(1, Math.sqrt(dx * dx + dy * dy + dz * dz) / 2));
}

export function normalise(x: number, y: number, z: number): [number, number, number] {
  const n = Math.sqrt(x * x + y * y + z * z) || 1;
  return [x / n, y / n, z / n];
}

export function unitVector(lon: number, lat: number): [number, number, number] {
  const cl = Math.cos(lat * DEG);
  return [cl * Math.cos(lon * DEG), cl * Math.sin(lon * DEG), Math.sin(lat * DEG)];
}

/** Poleward latitude excess of a geodesic over its endpoints, degrees (a safe upper bound). */
export function latitudeBulge(lat1: number, lat2: number, dLon: number): number {
  const halfSpan = (Math.min(dLon, 180) * DEG) / 2;
  const maxLat = Math.max(Math.abs(lat1), Math.abs(lat2)) * DEG;
  return (Math.min(Math.tan(Math.min(maxLat, 1.5)) * (1 - Math.cos(halfSpan)), 0.5) / DEG) * 1.2 + 1e-9;
}

/**
 * A lon/lat window certainly containing every point within `radiusM` (geodesic) of (lon, lat):
 * a meridian degree is at least 110.5 km and a parallel degree at least 111.32·cos(φ) km.
 */
export function degreeWindow(lon: number, lat: number, radiusM: number): BBox {
  const dLat = radiusM / 110_500;
  if (Math.abs(lat) + dLat >= 89.999) return [-180, Math.max(-90, lat - dLat), 180, Math.min(90, lat + dLat)];
  const poleward = Math.abs(lat) + dLat;
  const dLon = Math.min(180, radiusM / (111_320 * Math.cos(poleward * DEG)));
  return [lon - dLon, lat - dLat, lon + dLon, lat + dLat];
}
