import { forward, inverse, toPoint } from 'mgrs';

export interface LonLat {
  lon: number;
  lat: number;
}

/** Parses an MGRS reference ("37U DQ 12345 67890", any spacing); null if it is not one. */
export function parseMgrs(text: string): (LonLat & { cellRadiusM: number; normalised: string }) | null {
  const normalised = text.replace(/\s+/g, '').toUpperCase();
  if (!/^\d{1,2}[C-HJ-NP-X][A-HJ-NP-Z][A-HJ-NP-V](\d\d){0,5}$/.test(normalised)) return null;
  try {
    const [lon, lat] = toPoint(normalised);
    const [west, south, east, north] = inverse(normalised);
    if (![lon, lat, west, south, east, north].every(Number.isFinite)) return null;
    return {
      lon,
      lat,
      cellRadiusM: Math.round(distanceM({ lon: west, lat: south }, { lon: east, lat: north }) / 2),
      normalised,
    };
  } catch {
    return null;
  }
}

/** The MGRS reference of a position; `digits` 4 is a 10 m cell, 5 a 1 m cell. */
export function toMgrs(p: LonLat, digits = 4): string {
  try {
    return forward([p.lon, p.lat], digits);
  } catch {
    return ''; // outside the UTM/UPS grid's coverage
  }
}

/** Great-circle distance in metres (spherical; good enough for display and radius hints). */
export function distanceM(a: LonLat, b: LonLat): number {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function isLatitude(v: number): boolean {
  return Number.isFinite(v) && v >= -90 && v <= 90;
}

export function isLongitude(v: number): boolean {
  return Number.isFinite(v) && v >= -180 && v <= 180;
}

/** "48.01234° N, 37.80123° E" */
export function formatLonLat(p: LonLat): string {
  const lat = `${Math.abs(p.lat).toFixed(5)}° ${p.lat >= 0 ? 'N' : 'S'}`;
  const lon = `${Math.abs(p.lon).toFixed(5)}° ${p.lon >= 0 ? 'E' : 'W'}`;
  return `${lat}, ${lon}`;
}
