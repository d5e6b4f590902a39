import { describe, expect, it } from 'vitest';
import { lineBand } from './buffer.js';
import { PreparedPolygon } from './pip.js';
import { PreparedPolyline } from './polyline.js';
import type { Position } from './types.js';

function lineAt(lat: number): Position[] {
  return [
    [30, lat],
    [30.6, lat + 0.3],
    [31.2, lat + 0.1],
    [31.5, lat + 0.5],
  ];
}

/** Distances from the line of every vertex and edge midpoint of a polygon's rings. */
function edgeDistances(line: PreparedPolyline, rings: readonly (readonly Position[])[]): number[] {
  const out: number[] = [];
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const a = ring[i];
      const b = ring[i + 1];
      if (a === undefined || b === undefined) continue;
      out.push(line.distanceTo(a[0], a[1]).distanceM);
      out.push(line.distanceTo((a[0] + b[0]) / 2, (a[1] + b[1]) / 2).distanceM);
    }
  }
  return out;
}

describe('lineBand', () => {
  it.each([0, 30, 48, 60, 70])(
    'draws a 15 km band that is 15 km on the ground at %i°N (within 0.5 %%)',
    (lat) => {
      const coords = lineAt(lat);
      const band = lineBand(coords, 15_000, 'both');
      expect(band.coordinates).toHaveLength(1);
      const [outer] = band.coordinates;
      expect(outer).toHaveLength(1);
      const distances = edgeDistances(new PreparedPolyline(coords), outer ?? []);
      for (const d of distances) expect(Math.abs(d - 15_000) / 15_000).toBeLessThan(0.005);
    },
  );

  it('covers only the requested side', () => {
    const coords = lineAt(48);
    const line = new PreparedPolyline(coords);
    const left = new PreparedPolygon(lineBand(coords, 15_000, 'left').coordinates);
    let checked = 0;
    for (let lon = 29.8; lon < 31.7; lon += 0.05) {
      for (let lat = 47.7; lat < 48.8; lat += 0.05) {
        const d = line.distanceTo(lon, lat);
        // Skip points within 50 m of an edge of the band, where the display polygon is approximate.
        if (Math.abs(d.distanceM - 15_000) < 50 || d.distanceM < 50) continue;
        expect(left.contains(lon, lat)).toBe(d.distanceM <= 15_000 && d.side === 'left');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('cuts out the inner distance of a nested band', () => {
    const coords = lineAt(48);
    const ring = new PreparedPolygon(lineBand(coords, 15_000, 'both', 5_000).coordinates);
    expect(ring.contains(30.6, 48.3)).toBe(false);
    const line = new PreparedPolyline(coords);
    expect(line.distanceTo(30.6, 48.39).distanceM).toBeGreaterThan(5_000);
    expect(ring.contains(30.6, 48.39)).toBe(true);
  });

  it('winds exterior rings counter-clockwise (RFC 7946)', () => {
    const band = lineBand(lineAt(48), 15_000, 'both', 5_000);
    for (const polygon of band.coordinates) {
      polygon.forEach((ring, i) => {
        let area = 0;
        for (let k = 0; k + 1 < ring.length; k++) {
          const [a, b] = [ring[k], ring[k + 1]];
          if (a && b) area += (b[0] - a[0]) * (b[1] + a[1]);
        }
        expect(area < 0).toBe(i === 0);
      });
    }
  });
});
