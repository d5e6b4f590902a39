import geographiclib from 'geographiclib-geodesic';

/**
 * WGS84 geodesic primitives. Distances are metres, azimuths degrees clockwise from north.
 *
 * `inverse` uses Vincenty's iteration (sub-millimetre on WGS84) because it is several times faster
 * than GeographicLib's series in JavaScript; it falls back to GeographicLib where Vincenty does not
 * converge (nearly antipodal points). `direct` and geodesic lines use GeographicLib.
 */
export const WGS84 = {
  a: 6378137,
  f: 1 / 298.257223563,
  b: 6378137 * (1 - 1 / 298.257223563),
} as const;

/** Mean Earth radius (IUGG R1) in metres; used only for bounded approximations. */
export const MEAN_RADIUS_M = 6371008.8;

const { Geodesic } = geographiclib;
const geod = Geodesic.WGS84;
const DEG = Math.PI / 180;

export interface InverseResult {
  /** Geodesic distance in metres. */
  s12: number;
  /** Forward azimuth at point 1, degrees. */
  azi1: number;
  /** Forward azimuth at point 2, degrees. */
  azi2: number;
}

/** Geodesic inverse problem on WGS84 (lat/lon order as GeographicLib). */
export function inverse(lat1: number, lon1: number, lat2: number, lon2: number): InverseResult {
  const r = vincentyInverse(lat1, lon1, lat2, lon2);
  if (r !== undefined) return r;
  const g = geod.Inverse(lat1, lon1, lat2, lon2, Geodesic.DISTANCE | Geodesic.AZIMUTH);
  return { s12: g.s12 ?? 0, azi1: g.azi1 ?? 0, azi2: g.azi2 ?? 0 };
}

/** Geodesic distance in metres between two [lon, lat] points. */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return inverse(lat1, lon1, lat2, lon2).s12;
}

/** Geodesic direct problem: the point `s12` metres from (lat1, lon1) along azimuth `azi1`. */
export function direct(
  lat1: number,
  lon1: number,
  azi1: number,
  s12: number,
): { lat2: number; lon2: number; azi2: number } {
  const r = geod.Direct(lat1, lon1, azi1, s12, Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.AZIMUTH);
  return { lat2: r.lat2 ?? lat1, lon2: r.lon2 ?? lon1, azi2: r.azi2 ?? azi1 };
}

/** A geodesic segment between two points, ready for repeated positions along it. */
export interface GeodesicSegment {
  /** Length in metres. */
  length: number;
  /** Azimuth at the start, degrees. */
  azi1: number;
  /** Azimuth at the end, degrees. */
  azi2: number;
  /** Point and forward azimuth at `s` metres from the start. */
  position(s: number): { lat: number; lon: number; azi: number };
}

const LINE_CAPS = Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.AZIMUTH | Geodesic.DISTANCE_IN;
const POSITION_MASK = Geodesic.LATITUDE | Geodesic.LONGITUDE | Geodesic.AZIMUTH | Geodesic.LONG_UNROLL;

/** Prepares the geodesic from (lat1, lon1) to (lat2, lon2). */
export function geodesicSegment(lat1: number, lon1: number, lat2: number, lon2: number): GeodesicSegment {
  const line = geod.InverseLine(lat1, lon1, lat2, lon2, LINE_CAPS);
  const end = line.Position(line.s13, POSITION_MASK);
  return {
    length: line.s13,
    azi1: line.azi1,
    azi2: end.azi2 ?? line.azi1,
    position(s: number) {
      const p = line.Position(s, POSITION_MASK);
      return { lat: p.lat2 ?? lat1, lon: normaliseLon(p.lon2 ?? lon1), azi: p.azi2 ?? line.azi1 };
    },
  };
}

/** Wraps a longitude into [-180, 180). */
export function normaliseLon(lon: number): number {
  if (lon >= -180 && lon < 180) return lon;
  const r = (((lon + 180) % 360) + 360) % 360;
  return r - 180;
}

/** Vincenty's inverse formula; undefined when it fails to converge. */
function vincentyInverse(lat1: number, lon1: number, lat2: number, lon2: number): InverseResult | undefined {
  const { a, b, f } = WGS84;
  const L = normaliseLon(lon2 - lon1) * DEG;
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * DEG));
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * DEG));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  let sinLambda = 0;
  let cosLambda = 1;
  let sinSigma = 0;
  let cosSigma = 1;
  let sigma = 0;
  let cosSqAlpha = 1;
  let cos2SigmaM = 0;
  let iterations = 0;
  let lambdaPrev: number;
  do {
    sinLambda = Math.sin(lambda);
    cosLambda = Math.cos(lambda);
    const t1 = cosU2 * sinLambda;
    const t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosLambda;
    sinSigma = Math.sqrt(t1 * t1 + t2 * t2);
    if (sinSigma === 0) return { s12: 0, azi1: 0, azi2: 0 };
    cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda;
    sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinLambda) / sinSigma;
    cosSqAlpha = 1 - sinAlpha * sinAlpha;
    cos2SigmaM = cosSqAlpha !== 0 ? cosSigma - (2 * sinU1 * sinU2) / cosSqAlpha : 0;
    const C = (f / 16) * cosSqAlpha * (4 + f * (4 - 3 * cosSqAlpha));
    lambdaPrev = lambda;
    lambda =
      L +
      (1 - C) *
        f *
        sinAlpha *
        (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda) > Math.PI) return undefined;
  } while (Math.abs(lambda - lambdaPrev) > 1e-12 && ++iterations < 200);
  if (iterations >= 200) return undefined;
  const uSq = (cosSqAlpha * (a * a - b * b)) / (b * b);
  const A = 1 + (uSq / 16384) * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
  const B = (uSq / 1024) * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
  const deltaSigma =
    B *
    sinSigma *
    (cos2SigmaM +
      (B / 4) *
        (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) -
          (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
  const s12 = b * A * (sigma - deltaSigma);
  const azi1 = Math.atan2(cosU2 * sinLambda, cosU1 * sinU2 - sinU1 * cosU2 * cosLambda) / DEG;
  const azi2 = Math.atan2(cosU1 * sinLambda, -sinU1 * cosU2 + cosU1 * sinU2 * cosLambda) / DEG;
  return { s12, azi1, azi2 };
}
