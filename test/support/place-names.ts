import path from 'node:path';
import { gazetteerIds } from '../../src/monitoring/gazetteer.js';
import { loadPlaceNames, type PlaceNames } from '../../src/monitoring/place-names.js';

/**
 * A GeoNames alternate names file (the `alternatenames/UA.txt` layout) with the Ukrainian names of a
 * dozen places of Donbas, and a few lines the loader must skip (historic, colloquial, short, other
 * languages, a place the gazetteer does not hold).
 */
export const UA_PLACE_NAMES = path.resolve(import.meta.dirname, '../fixtures/alternatenames-UA.txt');

/** The fixture loaded as the server loads TRUCELINE_PLACE_NAMES. */
export async function fixturePlaceNames(): Promise<PlaceNames> {
  const known = await gazetteerIds();
  return loadPlaceNames([UA_PLACE_NAMES], (id) => known.has(id));
}
