import type { FeatureCollection, Point } from 'geojson';
import { getJson } from './client.js';
import { getLocale } from '../i18n/index.js';
import type { PlaceProperties } from './types.js';

export type PlaceCollection = FeatureCollection<Point, PlaceProperties> & { truncated?: boolean };

/**
 * Settlements in a box, largest first, down to a population floor, named in the dashboard's language
 * where the server has the place's name in it (the GeoNames name otherwise).
 */
export function getPlaces(
  bbox: [number, number, number, number],
  minPopulation: number,
  signal?: AbortSignal,
): Promise<PlaceCollection> {
  const b = bbox.map((v) => v.toFixed(4)).join(',');
  return getJson<PlaceCollection>(
    `/api/v1/places?bbox=${b}&minPopulation=${minPopulation}&limit=800&lang=${getLocale()}`,
    signal ? { signal } : {},
  );
}
