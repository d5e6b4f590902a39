// TEMPORARY naive engine (replaced by the helper's implementation at merge)
export interface CorrelationPoint {
  id: string;
  key: string;
  lon: number;
  lat: number;
  uncertaintyM: number;
  fromMs: number;
  toMs: number;
}
export interface CorrelationThreshold {
  distanceM: number;
  windowMs: number;
}
const R = 6371008.8;
function dist(a: CorrelationPoint, b: CorrelationPoint): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}
function match(p: CorrelationPoint, q: CorrelationPoint, t: CorrelationThreshold): boolean {
  return (
    p.key === q.key &&
    dist(p, q) <= t.distanceM + p.uncertaintyM + q.uncertaintyM &&
    p.fromMs - t.windowMs <= q.toMs &&
    q.fromMs - t.windowMs <= p.toMs
  );
}
export function clusterPoints(
  points: readonly CorrelationPoint[],
  thresholdOf: (key: string) => CorrelationThreshold,
): Int32Array {
  const parent = points.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++)
      if (match(points[i]!, points[j]!, thresholdOf(points[i]!.key))) parent[find(i)] = find(j);
  const labels = new Int32Array(points.length);
  const seen = new Map<number, number>();
  points.forEach((_, i) => {
    const r = find(i);
    if (!seen.has(r)) seen.set(r, seen.size);
    labels[i] = seen.get(r)!;
  });
  return labels;
}
export class CorrelationIndex {
  readonly #points = new Map<string, CorrelationPoint>();
  constructor(private readonly thresholdOf: (key: string) => CorrelationThreshold) {}
  get size(): number {
    return this.#points.size;
  }
  has(id: string): boolean {
    return this.#points.has(id);
  }
  add(p: CorrelationPoint): void {
    this.#points.set(p.id, p);
  }
  remove(id: string): void {
    this.#points.delete(id);
  }
  matches(p: CorrelationPoint): string[] {
    return [...this.#points.values()]
      .filter((q) => q.id !== p.id && match(p, q, this.thresholdOf(p.key)))
      .map((q) => q.id);
  }
}
