import { describe, expect, it } from 'vitest';
import { unwrap } from './antimeridian.js';

describe('rings across the antimeridian', () => {
  it('makes longitudes continuous so no edge spans the whole map', () => {
    const chukotka = [
      [178, 65],
      [180, 66],
      [-179, 66],
      [-178, 65],
      [178, 65],
    ];
    expect(unwrap(chukotka)).toEqual([
      [178, 65],
      [180, 66],
      [181, 66],
      [182, 65],
      [178, 65],
    ]);
  });

  it('leaves a ring round a pole as it is', () => {
    const antarctica = [
      [-180, -70],
      [0, -70],
      [180, -70],
      [180, -90],
      [-180, -90],
      [-180, -70],
    ];
    expect(unwrap(antarctica)).toBe(antarctica);
  });

  it('leaves ordinary rings alone', () => {
    const ring = [
      [30, 50],
      [31, 50],
      [31, 51],
      [30, 50],
    ];
    expect(unwrap(ring)).toEqual(ring);
  });
});
