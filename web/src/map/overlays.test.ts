import { describe, expect, it } from 'vitest';
import { densityCellFor, densityPoints } from './overlays.js';

describe('the density layer', () => {
  it('picks a cell of about a tenth of the view, a power of two of degrees, never below 0.001°', () => {
    expect(densityCellFor([37, 47.5, 39, 49])).toBe(0.25);
    expect(densityCellFor([30, 44, 42, 52])).toBe(1);
    expect(densityCellFor([38, 48, 38.01, 48.01])).toBe(0.001);
  });

  it('draws each cell at its centre with its count, abbreviated past a thousand, and its bounds', () => {
    const points = densityPoints({
      cell: 0.5,
      total: 12_345 + 1_500 + 7,
      cells: [
        { lon: 38, lat: 48, count: 12_345 },
        { lon: 38.5, lat: 48, count: 1_500 },
        { lon: 37.5, lat: 47.5, count: 7 },
      ],
    });
    expect(points.features.map((f) => f.geometry.coordinates)).toEqual([
      [38.25, 48.25],
      [38.75, 48.25],
      [37.75, 47.75],
    ]);
    expect(points.features.map((f) => f.properties.label)).toEqual(['12k', '1.5k', '7']);
    expect(points.features[2]?.properties.bounds).toEqual([37.5, 47.5, 38, 48]);
  });
});
