import geographiclib from 'geographiclib-geodesic';
import { describe, expect, it } from 'vitest';
import { direct, distanceM, geodesicSegment, inverse, normaliseLon } from './geodesic.js';

const { Geodesic } = geographiclib;

/** Deterministic pseudo-random numbers so failures reproduce. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

describe('inverse', () => {
  it('agrees with GeographicLib to a tenth of a millimetre for points up to 700 km apart', () => {
    const rnd = random(1);
    for (let i = 0; i < 2000; i++) {
      const lat1 = rnd() * 170 - 85;
      const lon1 = rnd() * 360 - 180;
      const lat2 = Math.max(-89, Math.min(89, lat1 + rnd() * 12 - 6));
      const lon2 = lon1 + rnd() * 12 - 6;
      const ours = inverse(lat1, lon1, lat2, lon2);
      const ref = Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2);
      expect(Math.abs(ours.s12 - (ref.s12 ?? 0))).toBeLessThan(1e-4);
      if ((ref.s12 ?? 0) > 1)
        expect(Math.abs(((ours.azi1 - (ref.azi1 ?? 0) + 540) % 360) - 180)).toBeLessThan(1e-6);
    }
  });

  it('falls back to GeographicLib for nearly antipodal points', () => {
    const ref = Geodesic.WGS84.Inverse(0, 0, 0.5, 179.7);
    expect(inverse(0, 0, 0.5, 179.7).s12).toBeCloseTo(ref.s12 ?? 0, 3);
  });

  it('is zero for the same point', () => {
    expect(distanceM(37, 48, 37, 48)).toBe(0);
  });
});

describe('direct and geodesic segments', () => {
  it('round-trips with inverse', () => {
    const p = direct(48, 37, 123, 15_000);
    expect(distanceM(37, 48, p.lon2, p.lat2)).toBeCloseTo(15_000, 6);
  });

  it('gives positions along a segment', () => {
    const seg = geodesicSegment(47, 36, 48, 37);
    const mid = seg.position(seg.length / 2);
    expect(distanceM(36, 47, mid.lon, mid.lat)).toBeCloseTo(seg.length / 2, 5);
  });

  it('normalises longitudes into [-180, 180)', () => {
    expect(normaliseLon(190)).toBe(-170);
    expect(normaliseLon(-190)).toBe(170);
    expect(normaliseLon(180)).toBe(-180);
  });
});
