import type { FeatureCollection, Point } from 'geojson';
import { getJson } from './client.js';
import type { PlaceProperties } from './types.js';

export type PlaceCollection = FeatureCollection<Point, PlaceProperties> & { truncated?: boolean };

/** Settlements in a box, largest first, down to a population floor. */
export function getPlaces(
  bbox: [number, number, number, number],
  minPopulation: number,
  signal?: AbortSignal,
): Promise<PlaceCollection> {
  const b = bbox.map((v) => v.toFixed(4)).join(',');
  return getJson<PlaceCollection>(
    `/api/v1/places?bbox=${b}&minPopulation=${minPopulation}&limit=800`,
    signal ? { signal } : {},
  );
}
