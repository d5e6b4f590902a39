/**
 * The operator's offline OpenStreetMap basemap: a PMTiles archive in the Protomaps basemap schema
 * (layers earth, water, landuse, landcover, roads, boundaries, places), read by byte ranges from this
 * origin through MapLibre's `pmtiles://` protocol. A small light style of our own: the agreement's
 * colours stay the loudest thing on the map, and labels use the browser's fonts (no glyph server).
 */
import type { ExpressionSpecification, LayerSpecification, SourceSpecification } from 'maplibre-gl';
import { addProtocol } from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import { getJson } from '../api/client.js';
import { BASEMAP } from './colors.js';
import { FONT } from './style.js';

/** The source id the vector layers read. */
export const VECTOR_SOURCE = 'osm';

let registered = false;

/** Registers the `pmtiles://` protocol with MapLibre once per page. */
export function registerPmtilesProtocol(): void {
  if (registered) return;
  addProtocol('pmtiles', new Protocol({ metadata: true }).tile);
  registered = true;
}

/** The archive's URL when the server has one configured (`GET /api/v1/basemap`), else null. */
export async function vectorBasemapUrl(): Promise<string | null> {
  const info = await getJson<{ pmtiles: string | null }>('/api/v1/basemap', {});
  return info.pmtiles ? new URL(info.pmtiles, window.location.origin).href : null;
}

/** The vector source over the archive at `url` (absolute, same origin). */
export function vectorSource(url: string): SourceSpecification {
  return { type: 'vector', url: `pmtiles://${url}`, attribution: '© OpenStreetMap contributors' };
}

const kind = (...kinds: string[]): ExpressionSpecification => ['in', ['get', 'kind'], ['literal', kinds]];

/** The vector layers, bottom to top; they go under the agreement's layers. */
export function vectorLayers(): LayerSpecification[] {
  const src = { source: VECTOR_SOURCE } as const;
  return [
    { id: 'osm-earth', type: 'fill', ...src, 'source-layer': 'earth', paint: { 'fill-color': BASEMAP.land } },
    {
      id: 'osm-landcover',
      type: 'fill',
      ...src,
      'source-layer': 'landcover',
      paint: {
        'fill-color': [
          'match',
          ['get', 'kind'],
          'forest',
          '#dfe9d3',
          'grassland',
          '#e9efd9',
          'farmland',
          '#f1efe0',
          '#ecebe3',
        ],
        'fill-opacity': 0.7,
      },
    },
    {
      id: 'osm-landuse',
      type: 'fill',
      ...src,
      'source-layer': 'landuse',
      filter: kind('residential', 'industrial', 'park', 'forest', 'wood', 'farmland', 'military', 'cemetery'),
      paint: {
        'fill-color': [
          'match',
          ['get', 'kind'],
          ['park', 'forest', 'wood', 'cemetery'],
          '#d8e6cc',
          'military',
          '#eadbd6',
          'industrial',
          '#e6e0e6',
          'farmland',
          '#f0eedd',
          '#ebe6df',
        ],
        'fill-opacity': 0.8,
      },
    },
    { id: 'osm-water', type: 'fill', ...src, 'source-layer': 'water', paint: { 'fill-color': BASEMAP.sea } },
    {
      id: 'osm-boundaries',
      type: 'line',
      ...src,
      'source-layer': 'boundaries',
      filter: ['<=', ['to-number', ['get', 'kind_detail']], 4],
      paint: { 'line-color': BASEMAP.border, 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'osm-roads-minor',
      type: 'line',
      ...src,
      'source-layer': 'roads',
      minzoom: 11,
      filter: kind('minor_road', 'other'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 0.5, 16, 4] },
    },
    {
      id: 'osm-roads-major',
      type: 'line',
      ...src,
      'source-layer': 'roads',
      filter: kind('major_road'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#f7f3e8',
        'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.6, 12, 2, 16, 7],
      },
    },
    {
      id: 'osm-roads-highway',
      type: 'line',
      ...src,
      'source-layer': 'roads',
      filter: kind('highway'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#f2d9a6',
        'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.6, 10, 2, 16, 9],
      },
    },
    {
      id: 'osm-road-labels',
      type: 'symbol',
      ...src,
      'source-layer': 'roads',
      minzoom: 12,
      filter: kind('highway', 'major_road', 'minor_road'),
      layout: {
        'symbol-placement': 'line',
        'text-field': ['coalesce', ['get', 'name:en'], ['get', 'name']],
        'text-font': FONT,
        'text-size': 11,
      },
      paint: { 'text-color': '#6b6b6b', 'text-halo-color': BASEMAP.halo, 'text-halo-width': 1.2 },
    },
    // Villages and hamlets, which the server's gazetteer (towns) mostly lacks; the archive already thins
    // them by zoom. Where both name the same place, symbol collision keeps one label.
    {
      id: 'osm-places',
      type: 'symbol',
      ...src,
      'source-layer': 'places',
      minzoom: 9,
      filter: kind('locality', 'neighbourhood'),
      layout: {
        'text-field': ['coalesce', ['get', 'name:en'], ['get', 'name']],
        'text-font': FONT,
        'text-size': 11,
      },
      paint: { 'text-color': BASEMAP.placeText, 'text-halo-color': BASEMAP.halo, 'text-halo-width': 1.5 },
    },
  ];
}
