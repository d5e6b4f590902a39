import { rng } from '../monitoring/generator.js';
import { describe, expect, it } from 'vitest';
import {
  CorrelationIndex,
  clusterPoints,
  greatCircleDistanceM,
  pointsMatch,
  type CorrelationPoint,
  type CorrelationThreshold,
} from './correlation.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);

const THRESHOLDS: Record<string, CorrelationThreshold> = {
  a: { distanceM: 1000, windowMs: 2 * HOUR },
  b: { distanceM: 300, windowMs: 0 },
  c: { distanceM: 5000, windowMs: 24 * HOUR },
};
const thresholdOf = (key: string): CorrelationThreshold => {
  const t = THRESHOLDS[key];
  if (t === undefined) throw new Error(`no threshold for ${key}`);
  return t;
};

/** Points around a few centres at lat 45 and lat 60 (and one at the antimeridian), mixed uncertainties. */
function randomPoints(seed: number, n: number): CorrelationPoint[] {
  const r = rng(seed);
  const centres = [
    [36, 45],
    [25, 60],
    [36.05, 45.02],
    [179.99, 10],
  ] as const;
  const points: CorrelationPoint[] = [];
  for (let i = 0; i < n; i += 1) {
    const [clon, clat] = centres[Math.floor(r() * centres.length)] ?? [0, 0];
    const spread = r() < 0.5 ? 0.02 : 0.2;
    let lon = clon + (r() - 0.5) * spread * 2;
    if (lon > 180) lon -= 360;
    const u = r();
    const uncertaintyM = u < 0.1 ? 0 : u < 0.9 ? 50 + r() * 3000 : u < 0.97 ? 5000 + r() * 15_000 : 50_000;
    const fromMs = T0 + Math.floor(r() * 72) * HOUR + Math.floor(r() * 4) * 15 * 60_000;
    const length = r() < 0.3 ? 0 : r() < 0.9 ? r() * 6 * HOUR : r() * 48 * HOUR;
    points.push({
      id: `p${i}`,
      key: ['a', 'b', 'c'][Math.floor(r() * 3)] ?? 'a',
      lon,
      lat: clat + (r() - 0.5) * spread,
      uncertaintyM,
      fromMs,
      toMs: fromMs + Math.round(length),
    });
  }
  return points;
}

/** The O(n²) reference: every pair checked, union-find, labels in order of first appearance. */
function naiveClusters(points: readonly CorrelationPoint[]): Int32Array {
  const parent = points.map((_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x] ?? x)));
  for (let i = 0; i < points.length; i += 1)
    for (let j = i + 1; j < points.length; j += 1) {
      const p = points[i] as CorrelationPoint;
      const q = points[j] as CorrelationPoint;
      if (p.key === q.key && pointsMatch(p, q, thresholdOf(p.key))) parent[find(j)] = find(i);
    }
  const labels = new Int32Array(points.length);
  const byRoot = new Map<number, number>();
  points.forEach((_, i) => {
    const root = find(i);
    if (!byRoot.has(root)) byRoot.set(root, byRoot.size);
    labels[i] = byRoot.get(root) ?? -1;
  });
  return labels;
}

function point(overrides: Partial<CorrelationPoint> = {}): CorrelationPoint {
  return { id: 'x', key: 'a', lon: 36, lat: 48, uncertaintyM: 0, fromMs: T0, toMs: T0, ...overrides };
}

/** A point `metres` north of (lon, lat) on the engine's sphere. */
function north(lat: number, metres: number): number {
  return lat + (metres / 6_371_008.8) * (180 / Math.PI);
}

describe('clusterPoints', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('equals the naive pairwise reference (seed %i)', (seed) => {
    const points = randomPoints(seed, 600);
    const labels = clusterPoints(points, thresholdOf);
    expect(Array.from(labels)).toEqual(Array.from(naiveClusters(points)));
    // Not a vacuous comparison: the sets have both merged clusters and singletons.
    expect(new Set(labels).size).toBeLessThan(points.length);
    expect(new Set(labels).size).toBeGreaterThan(1);
  });

  it('joins a chain of points that do not all match each other (single linkage)', () => {
    const points = [0, 900, 1800, 2700].map((m, i) => point({ id: `c${i}`, lat: north(48, m) }));
    expect(Array.from(clusterPoints(points, thresholdOf))).toEqual([0, 0, 0, 0]);
    expect(pointsMatch(points[0] as CorrelationPoint, points[3] as CorrelationPoint, thresholdOf('a'))).toBe(
      false,
    );
  });

  it('never joins points of different keys', () => {
    const points = [point({ id: '1', key: 'a' }), point({ id: '2', key: 'b' }), point({ id: '3', key: 'a' })];
    expect(Array.from(clusterPoints(points, thresholdOf))).toEqual([0, 1, 0]);
  });

  it('finds a 50 km uncertainty point matching a distant one', () => {
    const points = [
      point({ id: 'near', uncertaintyM: 10 }),
      point({ id: 'far', lat: north(48, 50_900), uncertaintyM: 50_000 }),
      point({ id: 'too far', lat: north(48, -51_100), uncertaintyM: 50_000 }),
    ];
    expect(Array.from(clusterPoints(points, thresholdOf))).toEqual([0, 0, 1]);
  });

  it('throws on a point out of range', () => {
    expect(() => clusterPoints([point({ lat: 91 })], thresholdOf)).toThrow(RangeError);
    expect(() => clusterPoints([point({ toMs: T0 - 1 })], thresholdOf)).toThrow(RangeError);
    expect(() => clusterPoints([point({ uncertaintyM: -1 })], thresholdOf)).toThrow(RangeError);
  });
});

describe('the match rule', () => {
  const t = thresholdOf('a');

  it('accepts windows touching exactly at the threshold and refuses one millisecond more', () => {
    const p = point({ id: 'p', fromMs: T0, toMs: T0 + HOUR });
    expect(pointsMatch(p, point({ id: 'q', fromMs: T0 + 3 * HOUR, toMs: T0 + 4 * HOUR }), t)).toBe(true);
    expect(pointsMatch(p, point({ id: 'q', fromMs: T0 + 3 * HOUR + 1, toMs: T0 + 4 * HOUR }), t)).toBe(false);
    expect(pointsMatch(p, point({ id: 'q', fromMs: T0 - 3 * HOUR, toMs: T0 - 2 * HOUR }), t)).toBe(true);
    expect(pointsMatch(p, point({ id: 'q', fromMs: T0 - 3 * HOUR, toMs: T0 - 2 * HOUR - 1 }), t)).toBe(false);
  });

  it('with zero uncertainty, matches within distanceM only', () => {
    const p = point({ id: 'p' });
    expect(pointsMatch(p, point({ id: 'q', lat: north(48, 999) }), t)).toBe(true);
    expect(pointsMatch(p, point({ id: 'q', lat: north(48, 1001) }), t)).toBe(false);
  });

  it('adds both uncertainties to the distance', () => {
    const p = point({ id: 'p', uncertaintyM: 300 });
    expect(pointsMatch(p, point({ id: 'q', lat: north(48, 1490), uncertaintyM: 200 }), t)).toBe(true);
    expect(pointsMatch(p, point({ id: 'q', lat: north(48, 1510), uncertaintyM: 200 }), t)).toBe(false);
  });

  it('matches identical points', () => {
    expect(pointsMatch(point({ id: 'p' }), point({ id: 'q' }), t)).toBe(true);
  });

  it('measures longitude shorter at lat 60 than at lat 45', () => {
    const at = (lat: number) => greatCircleDistanceM({ lon: 30, lat }, { lon: 30.01, lat });
    expect(at(45)).toBeCloseTo(786.3, 0);
    expect(at(60)).toBeCloseTo(556.0, 0);
  });
});

describe('CorrelationIndex', () => {
  it('matches() equals the naive pairwise check, loaded by add and by addAll', () => {
    const stored = randomPoints(11, 1500);
    const index = new CorrelationIndex(thresholdOf);
    for (const p of stored) index.add(p);
    const loaded = new CorrelationIndex(thresholdOf);
    loaded.addAll(stored);
    const probes = randomPoints(12, 300).map((p) => ({ ...p, id: `q${p.id}` }));
    let total = 0;
    for (const q of [...probes, ...stored.slice(0, 100)]) {
      const expected = stored
        .filter((p) => p.id !== q.id && p.key === q.key && pointsMatch(q, p, thresholdOf(q.key)))
        .map((p) => p.id)
        .sort();
      const got = index.matches(q).sort();
      expect(got).toEqual(expected);
      expect(loaded.matches(q).sort()).toEqual(expected);
      total += got.length;
    }
    expect(total).toBeGreaterThan(100);
  });

  it('keeps size, has, remove and update consistent', () => {
    const index = new CorrelationIndex(thresholdOf);
    index.add(point({ id: 'a1' }));
    index.add(point({ id: 'a2', lat: north(48, 500) }));
    index.add(point({ id: 'b1', key: 'b' }));
    expect(index.size).toBe(3);
    expect(index.matches(point({ id: 'new' })).sort()).toEqual(['a1', 'a2']);
    expect(index.matches(point({ id: 'a1' }))).toEqual(['a2']);
    expect(() => index.add(point({ id: 'a1' }))).toThrow(RangeError);

    expect(index.remove('a2')).toBe(true);
    expect(index.remove('a2')).toBe(false);
    expect(index.has('a2')).toBe(false);
    expect(index.size).toBe(2);
    expect(index.matches(point({ id: 'new' }))).toEqual(['a1']);

    index.update(point({ id: 'a1', lat: north(48, 20_000) }));
    expect(index.size).toBe(2);
    expect(index.matches(point({ id: 'new' }))).toEqual([]);
    expect(index.matches(point({ id: 'new', lat: north(48, 20_500) }))).toEqual(['a1']);
  });

  it('answers nothing for a key it has never seen', () => {
    const index = new CorrelationIndex(thresholdOf);
    index.add(point({ id: 'a1' }));
    expect(index.matches(point({ id: 'c1', key: 'c' }))).toEqual([]);
  });

  it('stays right after many removals and re-additions', () => {
    const points = randomPoints(21, 800);
    const index = new CorrelationIndex(thresholdOf);
    for (const p of points) index.add(p);
    const kept = points.filter((_, i) => i % 3 !== 0);
    for (const [i, p] of points.entries()) if (i % 3 === 0) index.remove(p.id);
    for (const p of points.slice(0, 50)) index.update({ ...p, fromMs: p.fromMs + HOUR, toMs: p.toMs + HOUR });
    const current = new Map(kept.map((p) => [p.id, p]));
    for (const p of points.slice(0, 50))
      current.set(p.id, { ...p, fromMs: p.fromMs + HOUR, toMs: p.toMs + HOUR });
    expect(index.size).toBe(current.size);
    for (const q of randomPoints(22, 100)) {
      const expected = [...current.values()]
        .filter((p) => p.id !== q.id && pointsMatch(q, p, thresholdOf(q.key)))
        .map((p) => p.id)
        .sort();
      expect(index.matches(q).sort()).toEqual(expected);
    }
  });
});
