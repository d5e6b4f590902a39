import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { fixturePlaceNames } from '../../test/support/place-names.js';
import { MAX_PLACES, parseBbox, placesIn } from './places.routes.js';

interface Places {
  features: {
    id: number;
    geometry: { coordinates: [number, number] };
    properties: { name: string; population: number };
  }[];
  truncated: boolean;
}

describe('settlements for map labels', () => {
  it('returns the places inside the box, largest first, down to the population floor', () => {
    const result = placesIn([35.0, 47.5, 38.5, 49.0], 100_000, MAX_PLACES);
    const names = result.features.map((f) => f.properties.name);
    expect(names).toEqual(expect.arrayContaining(['Donetsk', 'Zaporizhia']));
    const populations = result.features.map((f) => f.properties.population);
    expect(populations).toEqual([...populations].sort((a, b) => b - a));
    expect(Math.min(...populations)).toBeGreaterThanOrEqual(100_000);
    for (const f of result.features) {
      const [lon, lat] = f.geometry.coordinates as [number, number];
      expect(lon >= 35.0 && lon <= 38.5 && lat >= 47.5 && lat <= 49.0).toBe(true);
    }
  });

  it('caps the answer and says it did', () => {
    const result = placesIn([-180, -90, 180, 90], 0, 50);
    expect(result.features).toHaveLength(50);
    expect(result.truncated).toBe(true);
  });

  it('handles a box across the antimeridian', () => {
    const names = placesIn([170, -50, -170, -10], 50_000, MAX_PLACES).features.map((f) => f.properties.name);
    expect(names).toEqual(expect.arrayContaining(['Suva']));
  });

  it.each([
    ['1,2,3', 'must be four numbers: minLon,minLat,maxLon,maxLat'],
    ['a,b,c,d', 'must be four decimal numbers'],
    ['0,0,200,10', 'longitudes must be within -180..180'],
    ['0,50,10,40', 'minLat must not exceed maxLat'],
  ])('rejects the box %s: %s', (bbox, reason) => {
    expect(() => parseBbox(bbox)).toThrow(reason);
  });
});

describe('GET /api/v1/places', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('answers anyone, signed in or not, with GeoJSON points', async () => {
    const res = await t.app.inject({ url: '/api/v1/places?bbox=36,47,38.5,49&minPopulation=200000' });
    expect(res.statusCode).toBe(200);
    const body = res.json<Places>();
    expect(body.features.map((f) => f.properties.name)).toContain('Donetsk');
    expect(body.features[0]).toMatchObject({ type: 'Feature', geometry: { type: 'Point' } });
  });

  it('says what is wrong with a bad box, as problem+json', async () => {
    const res = await t.app.inject({ url: '/api/v1/places?bbox=0,0,10' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      errors: [{ path: '/querystring/bbox', reason: 'must be four numbers: minLon,minLat,maxLon,maxLat' }],
    });
  });

  it('refuses a limit above the cap', async () => {
    const res = await t.app.inject({ url: `/api/v1/places?bbox=0,0,10,10&limit=${MAX_PLACES + 1}` });
    expect(res.statusCode).toBe(422);
  });
});

describe('GET /api/v1/places in Ukrainian', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { placeNames: await fixturePlaceNames() });
  });
  afterAll(() => t.close());

  // Around Horlivka and Donetsk: places the fixture names, and Toretsk's neighbours it does not.
  const URL = '/api/v1/places?bbox=37.0,47.8,38.3,48.7&minPopulation=10000';
  const names = (body: Places) => new Map(body.features.map((f) => [f.id, f.properties.name]));

  it('answers ?lang=uk with the Ukrainian names, the GeoNames name where the files have none', async () => {
    const en = await t.app.inject({ url: URL });
    const uk = await t.app.inject({ url: `${URL}&lang=uk` });
    expect(uk.statusCode).toBe(200);
    expect(uk.headers['content-language']).toBe('uk');
    expect(uk.headers.vary).toContain('Accept-Language');
    const enNames = names(en.json<Places>());
    const ukNames = names(uk.json<Places>());
    expect(enNames.get(707753)).toBe('Horlivka');
    expect(ukNames.get(707753)).toBe('Горлівка');
    expect(ukNames.get(709717)).toBe('Донецьк');
    expect(ukNames.get(688148)).toBe('Єнакієве');
    // The same places in the same order; those without a Ukrainian name keep their GeoNames one.
    expect([...ukNames.keys()]).toEqual([...enNames.keys()]);
    const unnamed = [...enNames].filter(([id]) => ukNames.get(id) === enNames.get(id));
    expect(unnamed.length).toBeGreaterThan(0);
    for (const [, name] of unnamed) expect(name).toMatch(/^[A-Za-z’' -]+$/);
  });

  it('takes the language from Accept-Language when ?lang is absent, ?lang winning', async () => {
    const byHeader = await t.app.inject({
      url: URL,
      headers: { 'accept-language': 'uk-UA,uk;q=0.9,en;q=0.8' },
    });
    expect(names(byHeader.json<Places>()).get(707753)).toBe('Горлівка');
    const other = await t.app.inject({ url: URL, headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    expect(names(other.json<Places>()).get(707753)).toBe('Horlivka');
    expect(other.headers['content-language']).toBe('en');
    const forced = await t.app.inject({ url: `${URL}&lang=en`, headers: { 'accept-language': 'uk' } });
    expect(names(forced.json<Places>()).get(707753)).toBe('Horlivka');
  });

  it('refuses a language it does not speak', async () => {
    const res = await t.app.inject({ url: `${URL}&lang=fr` });
    expect(res.statusCode).toBe(422);
  });
});
