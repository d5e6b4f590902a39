import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL } from '../../test/support/databases.js';
import type { VersionContext } from './classify.js';
import { rng } from './generator.js';
import { compareWithPostgis, connectPostgis, exactDistanceM } from '../../test/support/postgis-check.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

function rayCast(rings: readonly (readonly (readonly number[])[])[], lon: number, lat: number): boolean {
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi = 0, yi = 0] = ring[i] ?? [];
      const [xj = 0, yj = 0] = ring[j] ?? [];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/** Random points over the region, a third of them close to the line where the zone edges are. */
function randomPoints(ctx: VersionContext, n: number, seed: number): [number, number][] {
  const r = rng(seed);
  const line = [...ctx.derived.lines.values()][0]?.coordinates ?? [];
  return Array.from({ length: n }, (_, i) => {
    if (i % 3 === 0) {
      const v = line[Math.floor(r() * (line.length - 1))] ?? [37, 48];
      return [v[0] + (r() - 0.5) * 1.6, v[1] + (r() - 0.5) * 1.1] as [number, number];
    }
    return [31 + r() * 9, 45 + r() * 6.5] as [number, number];
  });
}

describe('classification against independent engines', () => {
  let t: TestApp;
  let ctx: VersionContext;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { monitoring: {} });
    await t.services.monitoring.reports.timeline.refresh();
    const found = t.services.monitoring.reports.timeline.at(Date.parse('2026-11-25T00:00:00Z'));
    if (found === undefined) throw new Error('no agreement in force');
    ctx = found;
  });
  afterAll(async () => t.close());

  it('agrees with a brute-force geodesic check on every point away from zone edges', () => {
    const line = ctx.derived.lines.get('contact-line')?.coordinates ?? [];
    let compared = 0;
    for (const [lon, lat] of randomPoints(ctx, 250, 11)) {
      const ours = new Set(ctx.zonesAt(lon, lat));
      const d = exactDistanceM(line, lon, lat);
      for (const zone of ctx.derived.zones) {
        let expected: boolean;
        if (zone.polygon !== undefined) {
          const rings = (zone.display?.coordinates ?? []).flat();
          expected = rayCast(rings, lon, lat);
        } else {
          const part = zone.parts[0];
          if (part === undefined) continue;
          // Within the sampling error of an edge the check cannot decide; such points are skipped.
          if (Math.abs(d - part.maxM) < 1 || (part.minM > 0 && Math.abs(d - part.minM) < 1)) continue;
          expected = d <= part.maxM && d >= part.minM;
        }
        compared += 1;
        expect(ours.has(zone.id), `${zone.id} at (${lon}, ${lat}), brute-force distance ${d} m`).toBe(
          expected,
        );
      }
    }
    expect(compared).toBeGreaterThan(1700);
  });

  it('finds the same nearest settlement as a brute-force search over the gazetteer', () => {
    for (const [lon, lat] of randomPoints(ctx, 400, 12)) {
      const fast = ctx.gazetteer.nearest(lon, lat);
      const slow = ctx.gazetteer.nearestBruteForce(lon, lat);
      expect(fast?.geonameId).toBe(slow?.geonameId);
    }
  });

  it.skipIf(PG_URL === undefined)(
    'agrees with PostGIS (ST_Covers / ST_DWithin) on a large random set',
    async () => {
      const client = await connectPostgis(PG_URL ?? '');
      if (client === undefined) {
        console.warn('PostGIS is not installed: skipped (apt-get install postgresql-15-postgis-3)');
        return;
      }
      try {
        const result = await compareWithPostgis(client, ctx, randomPoints(ctx, 20_000, 13));
        expect(result.mismatches).toEqual([]);
        expect(result.agree + result.ties + result.arbitrated.length).toBe(result.decisions);
        expect(result.decisions).toBeGreaterThanOrEqual(20_000 * 7);
      } finally {
        await client.end();
      }
    },
  );

  it.skipIf(PG_URL === undefined)(
    'sets aside a disagreement only when an exact geodesic check confirms Truceline',
    async () => {
      // Found by the 1 M benchmark: 24,990.7 m from the line by GeographicLib, so inside the 25 km
      // artillery band; PostGIS, measuring to great-circle edges, makes it 25,012.5 m.
      const point: [number, number] = [37.6369, 48.78981];
      const line = ctx.derived.lines.get('contact-line')?.coordinates ?? [];
      expect(exactDistanceM(line, ...point)).toBeCloseTo(24_990.7, 0);
      expect(ctx.zonesAt(...point)).toContain('wb-artillery');
      const client = await connectPostgis(PG_URL ?? '');
      if (client === undefined) return;
      try {
        const result = await compareWithPostgis(client, ctx, [point]);
        expect(result.mismatches).toEqual([]);
        expect(result.arbitrated).toEqual([
          expect.objectContaining({ index: 0, zone: 'wb-artillery', edgeM: 25_000 }),
        ]);
        expect(result.arbitrated[0]?.postgisM).toBeGreaterThan(25_010);
      } finally {
        await client.end();
      }
    },
  );
});
