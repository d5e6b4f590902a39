import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { direct } from './geodesic.js';
import { PreparedPolyline } from './polyline.js';
import type { Position } from './types.js';

const { Geodesic } = geographiclib;
const geod = Geodesic.WGS84;

/** Independent reference: scan each geodesic segment with GeographicLib, then golden-section search. */
function bruteDistance(line: readonly Position[], lon: number, lat: number): number {
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [a, b] = [line[i], line[i + 1]];
    if (a === undefined || b === undefined) continue;
    const g = geod.InverseLine(a[1], a[0], b[1], b[0], Geodesic.STANDARD | Geodesic.DISTANCE_IN);
    const f = (s: number): number => {
      const p = g.Position(s);
      return geod.Inverse(p.lat2 ?? 0, p.lon2 ?? 0, lat, lon).s12 ?? Infinity;
    };
    const n = 100;
    let k = 0;
    let kv = Infinity;
    for (let j = 0; j <= n; j++) {
      const v = f((g.s13 * j) / n);
      if (v < kv) [k, kv] = [j, v];
    }
    let lo = (Math.max(0, k - 1) / n) * g.s13;
    let hi = (Math.min(n, k + 1) / n) * g.s13;
    for (let it = 0; it < 80; it++) {
      const m1 = lo + (hi - lo) / 3;
      const m2 = hi - (hi - lo) / 3;
      if (f(m1) < f(m2)) hi = m2;
      else lo = m1;
    }
    best = Math.min(best, kv, f((lo + hi) / 2));
  }
  return best;
}

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

const zigzag: Position[] = [
  [32.6178, 46.65581],
  [33.34864, 46.75451],
  [34.6574, 47.49865],
  [35.25649, 47.6555],
  [37.2821, 47.98522],
  [37.17585, 48.28198],
  [38.10007, 48.86699],
  [37.80307, 48.98616],
  [36.94108, 50.29078],
];

describe('PreparedPolyline.distanceTo', () => {
  it('matches a brute-force geodesic search to a millimetre', () => {
    const line = new PreparedPolyline(zigzag);
    const rnd = random(7);
    for (let i = 0; i < 150; i++) {
      const lon = 31 + rnd() * 9;
      const lat = 45.5 + rnd() * 5.5;
      expect(Math.abs(line.distanceTo(lon, lat).distanceM - bruteDistance(zigzag, lon, lat))).toBeLessThan(
        1e-3,
      );
    }
  });

  it('is exact on long lines that use the chunked search', () => {
    const long: Position[] = Array.from({ length: 400 }, (_, i) => [
      30 + i * 0.02,
      47 + Math.sin(i / 9) * 0.2,
    ]);
    const line = new PreparedPolyline(long);
    const rnd = random(11);
    for (let i = 0; i < 12; i++) {
      const lon = 29 + rnd() * 10;
      const lat = 45 + rnd() * 4;
      expect(Math.abs(line.distanceTo(lon, lat).distanceM - bruteDistance(long, lon, lat))).toBeLessThan(
        1e-3,
      );
    }
  });

  it('measures a perpendicular offset exactly and tells left from right', () => {
    const line = new PreparedPolyline([
      [36, 47],
      [37, 48],
    ]);
    const seg = geod.InverseLine(47, 36, 48, 37);
    const mid = seg.Position(seg.s13 / 2);
    const left = direct(mid.lat2 ?? 0, mid.lon2 ?? 0, (mid.azi2 ?? 0) - 90, 30_000);
    const right = direct(mid.lat2 ?? 0, mid.lon2 ?? 0, (mid.azi2 ?? 0) + 90, 30_000);
    const l = line.distanceTo(left.lon2, left.lat2);
    const r = line.distanceTo(right.lon2, right.lat2);
    expect(l.distanceM).toBeCloseTo(30_000, 3);
    expect(l.side).toBe('left');
    expect(l.signedM).toBeGreaterThan(0);
    expect(r.distanceM).toBeCloseTo(30_000, 3);
    expect(r.side).toBe('right');
    expect(r.signedM).toBeLessThan(0);
    expect(l.alongM).toBeCloseTo(seg.s13 / 2, 0);
  });

  it('uses the corner bisector for points nearest an interior vertex', () => {
    // East, then north: the outside of the corner (south-east) is on the right.
    const line = new PreparedPolyline([
      [36, 47],
      [37, 47],
      [37, 48],
    ]);
    expect(line.distanceTo(37.3, 46.8).side).toBe('right');
    expect(line.distanceTo(36.8, 47.2).side).toBe('left');
  });

  it('reports a point on the line as on it, at distance zero', () => {
    const line = new PreparedPolyline([
      [36, 47],
      [37, 48],
    ]);
    const d = line.distanceTo(36, 47);
    expect(d.distanceM).toBe(0);
    expect(d.side).toBe('on');
  });

  it('returns points along the line', () => {
    const line = new PreparedPolyline(zigzag);
    const d = line.distanceTo(35.5, 47.2);
    const [lon, lat] = line.pointAt(d.alongM);
    expect(geod.Inverse(lat, lon, 47.2, 35.5).s12).toBeCloseTo(d.distanceM, 2);
  });
});

describe('PreparedPolyline with a repeated position', () => {
  it('still finds the nearest segment (a zero-length segment is just its vertex)', () => {
    const line = new PreparedPolyline([
      [36, 47],
      [36, 47],
      [37, 47],
    ]);
    expect(line.distanceTo(36.5, 47.1).distanceM).toBeCloseTo(
      bruteDistance(
        [
          [36, 47],
          [37, 47],
        ],
        36.5,
        47.1,
      ),
      3,
    );
  });
});
