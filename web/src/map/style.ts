/**
 * The map's style: an offline Natural Earth basemap, the agreement's zones and lines, settlements and
 * reports. No glyphs URL: MapLibre draws label glyphs from the browser's own fonts, so nothing is
 * fetched from outside (the CSP allows only this origin).
 */
import type {
  DataDrivenPropertyValueSpecification,
  ExpressionSpecification,
  GeoJSONSourceSpecification,
  LayerSpecification,
  StyleSpecification,
} from 'maplibre-gl';
import { BASEMAP, INCIDENT_SEVERITY_RADIUS, INCIDENT_STATUS_COLORS } from './colors.js';
import { noticeLayers } from './noticeLayers.js';

export const FONT = ['sans-serif'];

/** Layer ids that respond to clicks, in priority order. */
export const CLICKABLE = {
  density: 'reports-density',
  cluster: 'reports-clusters',
  incident: 'incidents-points',
  report: 'reports-points',
  reference: 'agreement-references-points',
  line: 'agreement-lines',
  zone: 'agreement-zones-fill',
} as const;

/** Grows a zoom-0 pixel radius with the zoom (2^z), so a radius stays the same distance on the ground. */
const groundRadius: DataDrivenPropertyValueSpecification<number> = [
  'interpolate',
  ['exponential', 2],
  ['zoom'],
  0,
  ['get', 'radiusZ0'],
  22,
  ['*', ['get', 'radiusZ0'], 2 ** 22],
];

const isZone: ExpressionSpecification = ['==', ['get', 'kind'], 'zone'];
const isLine: ExpressionSpecification = ['==', ['get', 'kind'], 'line'];
const isDerived: ExpressionSpecification = ['==', ['get', 'derived'], true];
const isReference: ExpressionSpecification = ['==', ['get', 'kind'], 'reference'];
const isPoint: ExpressionSpecification = ['==', ['geometry-type'], 'Point'];
const color: ExpressionSpecification = ['get', '_color'];

function layers(): LayerSpecification[] {
  return [
    { id: 'sea', type: 'background', paint: { 'background-color': BASEMAP.sea } },
    { id: 'land', type: 'fill', source: 'countries', paint: { 'fill-color': BASEMAP.land } },
    {
      id: 'coastline',
      type: 'line',
      source: 'coastline',
      paint: {
        'line-color': BASEMAP.coast,
        'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.5, 8, 1.2],
      },
    },
    {
      id: 'borders',
      type: 'line',
      source: 'borders',
      paint: {
        'line-color': BASEMAP.border,
        'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.6, 8, 1.6],
        'line-dasharray': [3, 2],
      },
    },
    // The MGRS grid (empty unless switched on): zone boundaries bolder than the square lines.
    {
      id: 'mgrs-lines',
      type: 'line',
      source: 'mgrs',
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: {
        'line-color': BASEMAP.grid,
        'line-width': ['case', ['==', ['get', 'kind'], 'zone'], 1.8, 0.9],
        'line-opacity': 0.75,
      },
    },
    // Agreement zones: plain zones filled, derived bands lighter with a dashed edge.
    {
      id: 'agreement-zones-fill',
      type: 'fill',
      source: 'zones',
      filter: isZone,
      // Derived bands overlap along the line; they stay faint so the line and the narrow zones show through.
      paint: { 'fill-color': color, 'fill-opacity': ['case', isDerived, 0.06, 0.2] },
    },
    {
      id: 'agreement-zones-edge',
      type: 'line',
      source: 'zones',
      filter: ['all', isZone, ['!', isDerived]],
      paint: { 'line-color': color, 'line-width': 2 },
    },
    {
      id: 'agreement-bands-edge',
      type: 'line',
      source: 'zones',
      filter: ['all', isZone, isDerived],
      paint: { 'line-color': color, 'line-width': 1.6, 'line-dasharray': [4, 3] },
    },
    {
      id: 'agreement-lines-casing',
      type: 'line',
      source: 'zones',
      filter: isLine,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': '#ffffff', 'line-width': 6, 'line-opacity': 0.8 },
    },
    {
      id: 'agreement-lines',
      type: 'line',
      source: 'zones',
      filter: isLine,
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: { 'line-color': color, 'line-width': 3 },
    },
    {
      id: 'agreement-references-area',
      type: 'line',
      source: 'zones',
      filter: ['all', isReference, ['!', isPoint]],
      paint: { 'line-color': color, 'line-width': 1.5, 'line-dasharray': [1, 1] },
    },
    {
      id: 'agreement-references-points',
      type: 'circle',
      source: 'zones',
      filter: ['all', isReference, isPoint],
      paint: {
        'circle-radius': 6,
        'circle-color': '#ffffff',
        'circle-stroke-color': color,
        'circle-stroke-width': 3,
      },
    },
    {
      id: 'agreement-references-labels',
      type: 'symbol',
      source: 'zones',
      filter: ['all', isReference, isPoint],
      minzoom: 6,
      layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT,
        'text-size': 12,
        'text-anchor': 'top',
        'text-offset': [0, 0.8],
        'text-max-width': 12,
      },
      paint: { 'text-color': '#222222', 'text-halo-color': BASEMAP.halo, 'text-halo-width': 1.5 },
    },
    {
      id: 'country-labels',
      type: 'symbol',
      source: 'country-labels',
      maxzoom: 7,
      filter: ['>', ['get', 'area'], 0.5],
      layout: {
        'text-field': ['upcase', ['get', 'name']],
        'text-font': FONT,
        'text-size': ['interpolate', ['linear'], ['zoom'], 2, 10, 6, 13],
        'text-letter-spacing': 0.12,
        'text-max-width': 8,
        'symbol-sort-key': ['-', 0, ['get', 'area']],
      },
      paint: { 'text-color': BASEMAP.countryLabel, 'text-halo-color': BASEMAP.halo, 'text-halo-width': 1.2 },
    },
    {
      id: 'places-labels',
      type: 'symbol',
      source: 'places',
      minzoom: 4,
      // The dot is part of the label, so a label hidden by a collision takes its dot with it.
      layout: {
        'text-field': ['concat', '● ', ['get', 'name']],
        'text-font': FONT,
        'text-size': ['interpolate', ['linear'], ['get', 'population'], 0, 11, 100000, 13, 1000000, 15],
        'text-anchor': 'left',
        'text-offset': [-0.45, 0],
        'symbol-sort-key': ['-', 0, ['get', 'population']],
      },
      paint: { 'text-color': BASEMAP.placeText, 'text-halo-color': BASEMAP.halo, 'text-halo-width': 1.5 },
    },
    {
      id: 'mgrs-labels',
      type: 'symbol',
      source: 'mgrs',
      filter: ['==', ['get', 'kind'], 'label'],
      layout: { 'text-field': ['get', 'label'], 'text-font': FONT, 'text-size': 11 },
      paint: { 'text-color': BASEMAP.grid, 'text-halo-color': BASEMAP.halo, 'text-halo-width': 1.5 },
    },
    // Reports: uncertainty circles under the points; clusters where points crowd.
    {
      id: 'reports-uncertainty',
      type: 'circle',
      source: 'reports',
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-radius': groundRadius,
        'circle-color': ['get', 'color'],
        'circle-opacity': 0.12,
        'circle-stroke-color': ['get', 'color'],
        'circle-stroke-width': 1,
        'circle-stroke-opacity': 0.6,
        'circle-pitch-alignment': 'map',
      },
    },
    {
      id: 'reports-points',
      type: 'circle',
      source: 'reports',
      filter: ['!', ['has', 'point_count']],
      paint: {
        'circle-radius': 6,
        'circle-color': ['get', 'color'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'reports-selected',
      type: 'circle',
      source: 'reports',
      filter: ['==', ['get', 'id'], ''],
      paint: {
        'circle-radius': 11,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#111111',
        'circle-stroke-width': 3,
      },
    },
    {
      id: 'reports-clusters',
      type: 'circle',
      source: 'reports',
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': '#23395d',
        'circle-opacity': 0.9,
        'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 50, 24, 200, 30],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'reports-cluster-count',
      type: 'symbol',
      source: 'reports',
      filter: ['has', 'point_count'],
      layout: {
        'text-field': ['get', 'point_count_abbreviated'],
        'text-font': FONT,
        'text-size': 13,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#ffffff' },
    },
    // The server's counts per grid cell, where the view holds more reports than one page.
    {
      id: 'reports-density',
      type: 'circle',
      source: 'density',
      paint: {
        'circle-color': '#23395d',
        'circle-opacity': 0.75,
        'circle-radius': ['step', ['get', 'count'], 12, 50, 16, 500, 21, 5000, 27],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'reports-density-count',
      type: 'symbol',
      source: 'density',
      layout: {
        'text-field': ['get', 'label'],
        'text-font': FONT,
        'text-size': 12,
        'text-allow-overlap': true,
      },
      paint: { 'text-color': '#ffffff' },
    },
  ];
}

function matchOf(property: string, table: Record<string, string | number>, fallback: string | number) {
  return [
    'match',
    ['get', property],
    ...Object.entries(table).flat(),
    fallback,
  ] as unknown as ExpressionSpecification;
}

/** Incidents above the reports: a ring coloured by status, sized by severity, with a dark edge. */
function incidentLayers(): LayerSpecification[] {
  return [
    {
      id: 'incidents-points',
      type: 'circle',
      source: 'incidents',
      paint: {
        'circle-radius': matchOf('severity', INCIDENT_SEVERITY_RADIUS, 8),
        'circle-color': matchOf('status', INCIDENT_STATUS_COLORS, '#555555'),
        'circle-opacity': 0.85,
        'circle-stroke-color': '#111111',
        'circle-stroke-width': 2.5,
      },
    },
    {
      id: 'incidents-selected',
      type: 'circle',
      source: 'incidents',
      filter: ['==', ['get', 'id'], ''],
      paint: {
        'circle-radius': 17,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#111111',
        'circle-stroke-width': 3,
      },
    },
  ];
}

/** The initial style; every source starts empty and is filled as data arrives. */
export function initialStyle(): StyleSpecification {
  const empty = (): GeoJSONSourceSpecification => ({
    type: 'geojson',
    data: { type: 'FeatureCollection', features: [] },
  });
  return {
    version: 8,
    sources: {
      countries: empty(),
      borders: empty(),
      coastline: empty(),
      'country-labels': empty(),
      zones: empty(),
      places: empty(),
      mgrs: empty(),
      reports: { ...empty(), cluster: true, clusterRadius: 40, clusterMaxZoom: 11 },
      density: empty(),
      incidents: empty(),
      notices: empty(),
      'notice-draft': empty(),
    },
    layers: [...layers(), ...noticeLayers(), ...incidentLayers()],
  };
}
