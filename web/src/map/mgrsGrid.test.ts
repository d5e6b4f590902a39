import { toPoint } from 'mgrs';
import { describe, expect, it } from 'vitest';
import { fromUtm, gridStepAt, mgrsGrid, spacedMgrs, toUtm } from './mgrsGrid.js';

describe('the MGRS grid', () => {
  it('projects to UTM and back to within a centimetre, and agrees with the mgrs package', () => {
    const [e, n] = toUtm(38.05, 48.33, 37);
    const [lon, lat] = fromUtm(e, n, 37);
    expect(Math.abs(lon - 38.05)).toBeLessThan(1e-7);
    expect(Math.abs(lat - 48.33)).toBeLessThan(1e-7);
    // The package reads a 1 m reference as the middle of that metre: 0.5 m past a 100 km corner.
    const [plon, plat] = toPoint('37UDP0000000000');
    const [pe, pn] = toUtm(plon, plat, 37);
    expect(Math.abs((pe % 100_000) - 0.5)).toBeLessThan(0.01);
    expect(Math.abs((pn % 100_000) - 0.5)).toBeLessThan(0.01);
  });

  it('spaces references for reading', () => {
    expect(spacedMgrs('37UDQ1234')).toBe('37U DQ 12 34');
    expect(spacedMgrs('37UDQ')).toBe('37U DQ');
  });

  it('uses 100 km squares at low zoom, 10 km from zoom 9 and 1 km from zoom 12', () => {
    expect([5, 8.9, 9, 11.9, 12, 15].map(gridStepAt)).toEqual([
      100_000, 100_000, 10_000, 10_000, 1_000, 1_000,
    ]);
  });

  it('draws 10 km lines and labels around Horlivka at zoom 10, inside the box only', () => {
    const box: [number, number, number, number] = [37.5, 48.0, 38.6, 48.65];
    const grid = mgrsGrid(box, 10);
    const lines = grid.features.filter((f) => f.properties.kind === 'line');
    const labels = grid.features.filter((f) => f.properties.kind === 'label');
    // About 80 km × 70 km: 8 easting and 7 northing lines, some 50 squares.
    expect(lines.length).toBeGreaterThanOrEqual(12);
    expect(labels.length).toBeGreaterThanOrEqual(30);
    for (const f of grid.features) {
      const points = f.geometry.type === 'Point' ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (const [lon, lat] of points as [number, number][]) {
        expect(lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3]).toBe(true);
      }
    }
    expect(labels.map((l) => l.properties.label)).toContain('37U DP 2 5'); // Horlivka's 10 km square;
  });

  it('draws zone boundaries where the view crosses them, and nothing when zoomed too far out', () => {
    const grid = mgrsGrid([34, 47, 40, 49], 6);
    expect(grid.features.some((f) => f.properties.kind === 'zone')).toBe(true);
    expect(mgrsGrid([-180, -80, 180, 84], 3).features).toEqual([]);
  });
});
