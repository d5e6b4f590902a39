/**
 * The offline basemap: Natural Earth 1:50m countries from world-atlas, shipped with the dashboard as a
 * static asset, so the map works on a closed network with no tile server.
 */
import type {
  Feature,
  FeatureCollection,
  MultiLineString,
  MultiPolygon,
  Point,
  Polygon,
  Position,
} from 'geojson';
import { feature, mesh } from 'topojson-client';
import { unwrap } from './antimeridian.js';
import type { GeometryCollection, Topology } from 'topojson-specification';
import countriesUrl from 'world-atlas/countries-50m.json?url';

export interface Basemap {
  /** All land as one shape (filled once; per-country fills leave seams and tile artefacts). */
  land: Feature<Polygon | MultiPolygon> | FeatureCollection<Polygon | MultiPolygon>;
  /** Land borders between countries (coastlines excluded). */
  borders: Feature<MultiLineString>;
  coastline: Feature<MultiLineString>;
  labels: FeatureCollection<Point, { name: string; area: number }>;
}

let loading: Promise<Basemap> | undefined;

/** Loads and converts the basemap once per page. */
export function loadBasemap(): Promise<Basemap> {
  loading ??= fetch(countriesUrl)
    .then((r) => {
      if (!r.ok) throw new Error(`basemap: HTTP ${r.status}`);
      return r.json() as Promise<WorldAtlas>;
    })
    .then(toBasemap)
    .catch((err: unknown) => {
      loading = undefined; // let a later map try again
      throw err;
    });
  return loading;
}

type WorldAtlas = Topology<{ countries: GeometryCollection<{ name: string }>; land: GeometryCollection }>;

function toBasemap(topology: WorldAtlas): Basemap {
  const object = topology.objects.countries;
  const countries = feature(topology, object) as unknown as FeatureCollection<
    Polygon | MultiPolygon,
    { name: string }
  >;
  const land = feature(topology, topology.objects.land) as unknown as FeatureCollection<
    Polygon | MultiPolygon
  >;
  return {
    land: { type: 'FeatureCollection', features: land.features.map(unwrapPolygonFeature) },
    borders: lines(mesh(topology, object, (a, b) => a !== b)),
    coastline: lines(mesh(topology, object, (a, b) => a === b)),
    labels: {
      type: 'FeatureCollection',
      features: countries.features.map(unwrapPolygonFeature).flatMap(labelOf),
    },
  };
}

function unwrapPolygonFeature<P>(f: Feature<Polygon | MultiPolygon, P>): Feature<Polygon | MultiPolygon, P> {
  const g = f.geometry;
  const geometry: Polygon | MultiPolygon =
    g.type === 'Polygon'
      ? { type: 'Polygon', coordinates: g.coordinates.map(unwrap) }
      : { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map(unwrap)) };
  return { ...f, geometry };
}

function lines(geometry: MultiLineString): Feature<MultiLineString> {
  return {
    type: 'Feature',
    properties: {},
    geometry: { type: 'MultiLineString', coordinates: geometry.coordinates.map(unwrap) },
  };
}

/** A label point for a country: the centroid of its largest polygon's outer ring. */
function labelOf(
  country: Feature<Polygon | MultiPolygon, { name: string }>,
): Feature<Point, { name: string; area: number }>[] {
  const g = country.geometry;
  if (!g) return [];
  const rings = g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]);
  let best: { area: number; x: number; y: number } | undefined;
  for (const ring of rings) {
    if (!ring) continue;
    const c = centroid(ring);
    if (c && (!best || c.area > best.area)) best = c;
  }
  if (!best) return [];
  return [
    {
      type: 'Feature',
      properties: { name: country.properties.name, area: best.area },
      geometry: { type: 'Point', coordinates: [best.x, best.y] },
    },
  ];
}

function centroid(ring: Position[]): { area: number; x: number; y: number } | undefined {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j] as [number, number];
    const [x1, y1] = ring[i] as [number, number];
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (a === 0) return undefined;
  return { area: Math.abs(a / 2), x: cx / (3 * a), y: cy / (3 * a) };
}
