import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Agreement } from '../agreement/agreement.schema.js';
import { parseAndValidate } from '../agreement/agreement.validate.js';
import { direct, distanceM, geodesicSegment } from '../geo/geodesic.js';
import type { ConflictSettings, NoticeShape, RestrictedArea } from './conflicts.js';
import { ConflictIndex, restrictedAreas } from './conflicts.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 10, 12);
const SETTINGS: ConflictSettings = { separationM: 1000, incidentRadiusM: 2000, incidentWindowMs: 24 * HOUR };

/** The point `m` metres from (lon, lat) along azimuth `azi` (degrees from north), exact on WGS84. */
function offset(lon: number, lat: number, azi: number, m: number): [number, number] {
  const p = direct(lat, lon, azi, m);
  return [p.lon2, p.lat2];
}

/** A 3-vertex route heading east from (35, 48), about 7 km long. */
const ROUTE: [number, number][] = [
  [35.0, 48.0],
  [35.05, 48.0],
  [35.1, 48.0],
];

/** The route moved `m` metres north (positive) or south (negative). */
function shifted(m: number): [number, number][] {
  return ROUTE.map(([lon, lat]) => offset(lon, lat, m >= 0 ? 0 : 180, Math.abs(m)));
}

function movement(id: string, over: Partial<NoticeShape> = {}): NoticeShape {
  return {
    id,
    notifier: 'ICRC',
    kind: 'movement',
    coords: ROUTE,
    widthM: 0,
    from: T0,
    to: T0 + 6 * HOUR,
    ...over,
  };
}

function flight(id: string, over: Partial<NoticeShape> = {}): NoticeShape {
  return movement(id, { kind: 'flight', altitude: { minM: 500, maxM: 1500 }, ...over });
}

function site(id: string, lon: number, lat: number, over: Partial<NoticeShape> = {}): NoticeShape {
  return {
    id,
    notifier: 'OCHA',
    kind: 'site',
    coords: [[lon, lat]],
    widthM: 0,
    from: T0,
    to: T0 + 72 * HOUR,
    ...over,
  };
}

/** A square zone north of the route: its southern edge `gapM` north of the route's line. */
function zoneNorth(gapM: number, over: Partial<RestrictedArea> = {}): RestrictedArea {
  const [, south] = offset(35.05, 48.0, 0, gapM);
  const ring = [
    [35.03, south],
    [35.07, south],
    [35.07, south + 0.05],
    [35.03, south + 0.05],
    [35.03, south],
  ];
  return { zoneId: 'z1', name: 'Security Zone', polygons: [[ring]], restricts: ['movement'], ...over };
}

/** A zone the route crosses: from 1 km south to 5 km north of the line. */
function zoneAcross(over: Partial<RestrictedArea> = {}): RestrictedArea {
  const [, south] = offset(35.05, 48.0, 180, 1000);
  const ring = [
    [35.03, south],
    [35.07, south],
    [35.07, 48.05],
    [35.03, 48.05],
    [35.03, south],
  ];
  return { zoneId: 'z1', name: 'Security Zone', polygons: [[ring]], restricts: ['movement'], ...over };
}

describe('restricted_zone and no_fly_zone', () => {
  it('flags a movement crossing a zone that restricts movements, at the first crossing', () => {
    const index = new ConflictIndex(SETTINGS, [zoneAcross()]);
    const conflicts = index.check(movement('m1'));
    expect(conflicts).toHaveLength(1);
    const c = conflicts[0];
    expect(c).toMatchObject({ kind: 'restricted_zone', noticeId: 'm1', zoneId: 'z1', distanceM: 0 });
    expect(c?.at[0]).toBeCloseTo(35.03, 6);
    expect(c?.at[1]).toBeCloseTo(48.0, 6);
    expect(c?.window).toEqual({ from: T0, to: T0 + 6 * HOUR });
    expect(c?.reason).toBe(
      'Route crosses Security Zone (restricts movements) between 2026-01-10 12:00 and 2026-01-10 18:00 UTC',
    );
  });

  it('flags a route starting inside the zone at its start', () => {
    const index = new ConflictIndex(SETTINGS, [zoneAcross()]);
    const [c] = index.check(
      movement('m1', {
        coords: [
          [35.05, 48.0],
          [35.2, 48.0],
        ],
      }),
    );
    expect(c).toMatchObject({ kind: 'restricted_zone', distanceM: 0, at: [35.05, 48.0] });
  });

  it('does not flag a route passing just outside, but flags it when its corridor reaches in', () => {
    const index = new ConflictIndex(SETTINGS, [zoneNorth(100)]);
    expect(index.check(movement('m1', { widthM: 190 }))).toEqual([]);
    const [c] = index.check(movement('m1', { widthM: 210 }));
    expect(c?.kind).toBe('restricted_zone');
    expect(c?.distanceM).toBeGreaterThan(99);
    expect(c?.distanceM).toBeLessThan(101);
  });

  it('does not flag a zone outside its active period, and clips the window to it', () => {
    const later = new ConflictIndex(SETTINGS, [zoneAcross({ from: T0 + 7 * HOUR })]);
    expect(later.check(movement('m1'))).toEqual([]);
    const ending = new ConflictIndex(SETTINGS, [zoneAcross({ until: T0 + 2 * HOUR })]);
    expect(ending.check(movement('m1'))[0]?.window).toEqual({ from: T0, to: T0 + 2 * HOUR });
  });

  it('does not flag a movement in a zone that restricts only flights', () => {
    const index = new ConflictIndex(SETTINGS, [zoneAcross({ restricts: ['flight'] })]);
    expect(index.check(movement('m1'))).toEqual([]);
    expect(index.check(site('s1', 35.05, 48.0))).toEqual([]);
  });

  it('flags a flight in a no-fly zone whose altitude band it overlaps, not one above it', () => {
    const area = zoneAcross({ restricts: ['flight'], altitude: { minM: 0, maxM: 1000 } });
    const index = new ConflictIndex(SETTINGS, [area]);
    expect(index.check(flight('f1'))[0]).toMatchObject({ kind: 'no_fly_zone', zoneId: 'z1', distanceM: 0 });
    expect(index.check(flight('f1', { altitude: { minM: 1200, maxM: 2000 } }))).toEqual([]);
  });
});

describe('movement_proximity', () => {
  it('flags two movements of different notifiers closer than the separation', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(movement('m2', { notifier: 'UA', coords: shifted(990) }));
    const [c, ...rest] = index.check(movement('m1'));
    expect(rest).toEqual([]);
    expect(c).toMatchObject({ kind: 'movement_proximity', noticeId: 'm1', otherNoticeId: 'm2' });
    expect(c?.distanceM).toBeCloseTo(990, 0);
    expect(c?.at[1]).toBeCloseTo(48.0, 6);
  });

  it('does not flag them just outside the separation', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(movement('m2', { notifier: 'UA', coords: shifted(-1010) }));
    expect(index.check(movement('m1'))).toEqual([]);
  });

  it('measures corridor edge to corridor edge', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(movement('m2', { notifier: 'UA', coords: shifted(1400), widthM: 500 }));
    expect(index.check(movement('m1', { widthM: 200 }))).toEqual([]);
    const [c] = index.check(movement('m1', { widthM: 400 }));
    expect(c?.distanceM).toBeCloseTo(950, 0);
  });

  it('does not flag movements of the same notifier', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(movement('m2', { coords: shifted(100) }));
    expect(index.check(movement('m1'))).toEqual([]);
  });

  it('does not flag movements whose windows do not overlap, and flags touching windows', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(
      movement('m2', { notifier: 'UA', coords: shifted(100), from: T0 + 7 * HOUR, to: T0 + 9 * HOUR }),
    );
    expect(index.check(movement('m1'))).toEqual([]);
    const [c] = index.check(movement('m1', { to: T0 + 7 * HOUR }));
    expect(c?.window).toEqual({ from: T0 + 7 * HOUR, to: T0 + 7 * HOUR });
  });

  it('does not compare a movement with a flight or a site', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(flight('f2', { notifier: 'UA', coords: shifted(100) }));
    index.upsert(site('s2', 35.05, 48.0, { notifier: 'UA' }));
    expect(index.check(movement('m1'))).toEqual([]);
  });

  it('follows replacement and removal of stored notices', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(movement('m2', { notifier: 'UA', coords: shifted(100) }));
    index.upsert(movement('m2', { notifier: 'UA', coords: shifted(5000) }));
    expect(index.check(movement('m1'))).toEqual([]);
    index.upsert(movement('m3', { notifier: 'UA', coords: shifted(200) }));
    index.remove('m3');
    expect(index.check(movement('m1'))).toEqual([]);
  });

  it('finds a crossing route far from any vertex of a long edge (densified)', () => {
    const index = new ConflictIndex(SETTINGS, []);
    // A 110 km north-south edge crossing the route between its vertices.
    index.upsert(
      movement('long', {
        notifier: 'UA',
        coords: [
          [35.025, 47.5],
          [35.025, 48.5],
        ],
      }),
    );
    const [c] = index.check(movement('m1'));
    expect(c).toMatchObject({ kind: 'movement_proximity', otherNoticeId: 'long', distanceM: 0 });
    expect(c?.at[0]).toBeCloseTo(35.025, 4);
  });
});

describe('flight_altitude', () => {
  it('flags two flights of different notifiers close horizontally with overlapping bands', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(
      flight('f2', { notifier: 'UA', coords: shifted(500), altitude: { minM: 1400, maxM: 3000 } }),
    );
    const [c] = index.check(flight('f1'));
    expect(c).toMatchObject({ kind: 'flight_altitude', noticeId: 'f1', otherNoticeId: 'f2' });
    expect(c?.distanceM).toBeCloseTo(500, 0);
  });

  it('does not flag them when the altitude bands are disjoint, or they are far apart', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(
      flight('f2', { notifier: 'UA', coords: shifted(500), altitude: { minM: 1600, maxM: 3000 } }),
    );
    index.upsert(flight('f3', { notifier: 'RU', coords: shifted(-1010) }));
    expect(index.check(flight('f1'))).toEqual([]);
  });
});

describe('near_incident', () => {
  const incident = (
    id: string,
    m: number,
    at = T0 - HOUR,
  ): { id: string; lon: number; lat: number; at: number } => {
    const [lon, lat] = offset(35.05, 48.0, 90, m);
    return { id, lon, lat, at };
  };

  it('flags a site within the radius of a recent incident, and not one just outside', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.addIncident(incident('i1', 1990));
    const [c] = index.check(site('s1', 35.05, 48.0));
    expect(c).toMatchObject({ kind: 'near_incident', noticeId: 's1', incidentId: 'i1', at: [35.05, 48.0] });
    expect(c?.distanceM).toBeCloseTo(1990, 0);
    expect(c?.window).toEqual({ from: T0, to: T0 + 23 * HOUR });
    const far = new ConflictIndex(SETTINGS, []);
    far.addIncident(incident('i1', 2010));
    expect(far.check(site('s1', 35.05, 48.0))).toEqual([]);
  });

  it("adds the site's precision radius", () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.addIncident(incident('i1', 2010));
    const [c] = index.check(site('s1', 35.05, 48.0, { widthM: 50 }));
    expect(c?.distanceM).toBeCloseTo(1960, 0);
  });

  it('ignores incidents older than the window before the notice starts, or after it ends', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.addIncident(incident('old', 100, T0 - 25 * HOUR));
    index.addIncident(incident('after', 100, T0 + 73 * HOUR));
    expect(index.check(site('s1', 35.05, 48.0))).toEqual([]);
    index.addIncident(incident('during', 100, T0 + 10 * HOUR));
    expect(index.check(site('s1', 35.05, 48.0)).map((c) => c.incidentId)).toEqual(['during']);
  });

  it('flags a route passing near an incident, measured from its corridor', () => {
    const index = new ConflictIndex(SETTINGS, []);
    const [lon, lat] = offset(35.07, 48.0, 0, 2300);
    index.addIncident({ id: 'i1', lon, lat, at: T0 });
    expect(index.check(movement('m1', { widthM: 500 }))).toEqual([]);
    const [c] = index.check(movement('m1', { widthM: 700 }));
    expect(c?.kind).toBe('near_incident');
    expect(c?.distanceM).toBeCloseTo(1950, 0);
    expect(c?.at[0]).toBeCloseTo(35.07, 4);
  });

  it('prunes old incidents', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.addIncident(incident('i1', 100));
    index.pruneIncidents(T0);
    expect(index.check(site('s1', 35.05, 48.0))).toEqual([]);
  });

  it('checkIncident lists the notices a new incident touches', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(site('near', 35.05, 48.0));
    index.upsert(site('far', 35.5, 48.0));
    index.upsert(site('ended', 35.05, 48.0, { to: T0 - 48 * HOUR, from: T0 - 72 * HOUR }));
    index.upsert(movement('route'));
    const found = index.checkIncident(incident('i1', 1500, T0 + HOUR));
    expect(found.map((c) => [c.noticeId, c.kind]).sort()).toEqual([
      ['near', 'near_incident'],
      ['route', 'near_incident'],
    ]);
  });
});

describe('near', () => {
  it('finds sites by their precision circle and routes by their corridor, nearest first', () => {
    const index = new ConflictIndex(SETTINGS, []);
    const [slon, slat] = offset(35.3, 48.0, 0, 400);
    index.upsert(site('hospital', slon, slat, { widthM: 50 }));
    index.upsert(movement('convoy', { widthM: 200 }));
    index.upsert(site('far', 35.3, 48.1));
    const [qlon, qlat] = offset(35.1, 48.0, 90, 300);
    const q = {
      lon: qlon,
      lat: qlat,
      radiusM: 250,
      from: '2026-01-10T13:00:00Z',
      to: '2026-01-10T14:00:00Z',
    };
    const hits = index.near(q);
    expect(hits.map((h) => h.id)).toEqual(['convoy']);
    expect(hits[0]?.distanceM).toBeCloseTo(200, 0);
    const wide = index.near({ ...q, lon: 35.3, lat: 48.0, radiusM: 360 });
    expect(wide.map((h) => [h.kind, h.id])).toEqual([['site', 'hospital']]);
    expect(wide[0]?.distanceM).toBeCloseTo(350, 0);
  });

  it('follows the geodesic of a long route edge, not the straight line in degrees', () => {
    const index = new ConflictIndex(SETTINGS, []);
    // 110 km due east along the parallel 48°: the geodesic bulges about 250 m north of it midway.
    index.upsert(
      movement('long', {
        coords: [
          [35.0, 48.0],
          [36.5, 48.0],
        ],
      }),
    );
    const mid = geodesicSegment(48.0, 35.0, 48.0, 36.5).position(55_000);
    const bulge = distanceM(mid.lon, mid.lat, mid.lon, 48.0);
    expect(bulge).toBeGreaterThan(200);
    const q = {
      lon: mid.lon,
      lat: 48.0,
      radiusM: bulge - 20,
      from: '2026-01-10T13:00:00Z',
      to: '2026-01-10T14:00:00Z',
    };
    expect(index.near(q)).toEqual([]);
    const [hit] = index.near({ ...q, radiusM: bulge + 20 });
    expect(hit?.distanceM).toBeCloseTo(bulge, -1);
  });

  it('leaves out notices whose window does not overlap the query', () => {
    const index = new ConflictIndex(SETTINGS, []);
    index.upsert(site('hospital', 35.0, 48.0));
    const q = {
      lon: 35.0,
      lat: 48.0,
      radiusM: 100,
      from: '2026-01-14T00:00:00Z',
      to: '2026-01-15T00:00:00Z',
    };
    expect(index.near(q)).toEqual([]);
    expect(index.near({ ...q, from: '2026-01-09T00:00:00Z' }).map((h) => h.id)).toEqual(['hospital']);
  });
});

describe('recheckAll', () => {
  it('returns each pair once, and only notices active at or after now', () => {
    const index = new ConflictIndex(SETTINGS, [zoneAcross()]);
    index.upsert(movement('m1'));
    index.upsert(movement('m2', { notifier: 'UA', coords: shifted(300) }));
    index.upsert(movement('m3', { notifier: 'RU', coords: shifted(-300) }));
    index.upsert(
      movement('old', { notifier: 'XX', coords: shifted(100), from: T0 - 10 * HOUR, to: T0 - HOUR }),
    );
    index.addIncident({ id: 'i1', lon: 35.0, lat: 48.0, at: T0 });
    const all = index.recheckAll(T0);
    const pairs = all
      .filter((c) => c.kind === 'movement_proximity')
      .map((c) => [c.noticeId, c.otherNoticeId].sort().join('+'))
      .sort();
    expect(pairs).toEqual(['m1+m2', 'm1+m3', 'm2+m3']);
    expect(
      all
        .filter((c) => c.kind === 'restricted_zone')
        .map((c) => c.noticeId)
        .sort(),
    ).toEqual(['m1', 'm2', 'm3']);
    expect(all.filter((c) => c.kind === 'near_incident')).toHaveLength(3);
    expect(all.some((c) => c.noticeId === 'old' || c.otherNoticeId === 'old')).toBe(false);
  });

  it('sees notices stored before and after the index was rebuilt', () => {
    const index = new ConflictIndex(SETTINGS, []);
    for (let i = 0; i < 300; i++) index.upsert(site(`s${i}`, 30 + i * 0.01, 46));
    index.upsert(movement('m1'));
    index.recheckAll(T0);
    index.upsert(movement('m2', { notifier: 'UA', coords: shifted(300) }));
    expect(index.recheckAll(T0).map((c) => c.kind)).toEqual(['movement_proximity']);
    index.remove('m2');
    expect(index.recheckAll(T0)).toEqual([]);
    index.upsert(movement('m1', { coords: shifted(3000) }));
    index.upsert(movement('m3', { notifier: 'RU', coords: shifted(3500) }));
    expect(index.check(movement('m3', { notifier: 'RU', coords: shifted(3500) }))).toHaveLength(1);
    expect(index.recheckAll(T0).map((c) => [c.noticeId, c.otherNoticeId].sort().join('+'))).toEqual([
      'm1+m3',
    ]);
  });
});

describe('recheckAll after many changes', () => {
  it('reports the same pairs as a fresh index and as checking every notice', () => {
    let seed = 1;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const make = (i: number): NoticeShape => {
      const lon = 35 + random() * 0.2;
      const lat = 48 + random() * 0.2;
      const coords: [number, number][] = [[lon, lat]];
      for (let v = 1; v < 12; v++) coords.push([lon + (random() - 0.5) * 0.1, lat + (random() - 0.5) * 0.1]);
      return movement(`n${i}`, {
        notifier: `org${Math.floor(random() * 4)}`,
        kind: random() < 0.7 ? 'movement' : 'flight',
        coords,
        widthM: random() * 400,
        from: T0 + Math.floor(random() * 48) * HOUR,
        to: T0 + 50 * HOUR + Math.floor(random() * 48) * HOUR,
      });
    };
    const pairsOf = (conflicts: { kind: string; noticeId: string; otherNoticeId?: string }[]): string[] =>
      conflicts
        .filter((c) => c.otherNoticeId !== undefined)
        .map((c) => [c.noticeId, c.otherNoticeId].sort().join('+'))
        .sort();
    const index = new ConflictIndex(SETTINGS, []);
    const live = new Map<string, NoticeShape>();
    for (let step = 0; step < 6; step++) {
      for (let k = 0; k < 40; k++) {
        const n = make(Math.floor(random() * 80));
        if (random() < 0.2) {
          index.remove(n.id);
          live.delete(n.id);
        } else {
          index.upsert(n);
          live.set(n.id, n);
          if (random() < 0.5) index.check(n);
        }
      }
      const incremental = pairsOf(index.recheckAll(T0));
      const fresh = new ConflictIndex(SETTINGS, []);
      for (const n of live.values()) fresh.upsert(n);
      expect(incremental).toEqual(pairsOf(fresh.recheckAll(T0)));
      const checked = new Set(pairsOf([...live.values()].flatMap((n) => index.check(n))));
      expect(incremental).toEqual([...checked].sort());
      expect(new Set(incremental).size).toBe(incremental.length);
      expect(incremental.length).toBeGreaterThan(10);
    }
  });
});

describe('restrictedAreas', () => {
  const path = fileURLToPath(new URL('../../examples/illustrative-framework.yaml', import.meta.url));
  const load = (): Agreement => {
    const r = parseAndValidate(readFileSync(path, 'utf8'), path);
    if (r.agreement === undefined) throw new Error('example does not validate');
    return r.agreement;
  };

  it('maps entry/deployment to movements, flight and no-fly zones to flights, leaving out pending starts', () => {
    const areas = restrictedAreas(load());
    const summary = areas.map((a) => [a.zoneId, [...a.restricts].sort().join(','), a.from ?? null]);
    // The draft has no signature date, so the inner band (deployment from D+21d) is not in force.
    expect(summary).toEqual([
      ['airspace', 'flight', null],
      ['znpp-buffer', 'movement', null],
    ]);
    expect(areas[0]?.altitude).toEqual({ minM: 0, maxM: 10000 });
  });

  it('dates restrictions from the anchors once they are known', () => {
    const a = load();
    const dated = {
      ...a,
      anchors: [{ id: 'S', name: 'Signature', at: '2026-01-01T00:00' }, ...a.anchors.slice(1)],
    };
    const inner = restrictedAreas(dated).find((x) => x.zoneId === 'dmz-inner');
    // S = 2026-01-01 00:00 Kyiv (UTC+2), D = S+72h, effective D+21d.
    expect(inner?.from).toBe(Date.UTC(2025, 11, 31, 22) + 72 * HOUR + 21 * 24 * HOUR);
    expect(inner?.restricts).toEqual(['movement']);
  });

  it('flags a route into the nuclear plant safety zone of the example', () => {
    const index = new ConflictIndex(SETTINGS, restrictedAreas(load()));
    const route: [number, number][] = [
      [34.4, 47.5],
      [34.7, 47.5],
    ];
    const [c] = index.check(movement('m1', { coords: route }));
    expect(c).toMatchObject({ kind: 'restricted_zone', zoneId: 'znpp-buffer', distanceM: 0 });
    // On the zone's western edge; the route's 22 km geodesic edge runs about 10 m north of the parallel.
    expect(c?.at[0]).toBeCloseTo(34.5263, 5);
    expect(distanceM(c?.at[0] ?? 0, c?.at[1] ?? 0, 34.5263, 47.5)).toBeLessThan(15);
  });
});
