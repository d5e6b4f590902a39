import { describe, expect, it } from 'vitest';
import { formatLonLat, parseMgrs, toMgrs } from './position.js';

describe('positions', () => {
  it('reads an MGRS reference with any spacing, and the size of its grid square', () => {
    const fine = parseMgrs('37U CP 64674 49250');
    expect(fine?.lat).toBeCloseTo(48.282, 2);
    expect(fine?.lon).toBeCloseTo(37.176, 2);
    expect(fine?.cellRadiusM).toBeLessThanOrEqual(1);
    const coarse = parseMgrs('37ucp6449');
    expect(coarse?.cellRadiusM).toBeGreaterThan(650);
    expect(coarse?.cellRadiusM).toBeLessThan(760);
  });

  it('refuses what is not MGRS', () => {
    expect(parseMgrs('48.2, 37.1')).toBeNull();
    expect(parseMgrs('37UCP123')).toBeNull(); // odd number of digits
  });

  it('writes a position back as MGRS and as degrees', () => {
    expect(toMgrs({ lon: 37.17588, lat: 48.28202 })).toBe('37UCP64674925');
    expect(formatLonLat({ lon: -3.5, lat: -12.25 })).toBe('12.25000° S, 3.50000° W');
  });
});
