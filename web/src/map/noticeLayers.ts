/**
 * Notified sites, routes and corridors on the map: notices I may see (`GET /notices?format=geojson`)
 * and the route or site being drawn in the notice form. A corridor is drawn as a line as wide on the
 * ground as its width in metres (and at least a few pixels), so it grows with the zoom like the area
 * it stands for.
 */
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import type {
  DataDrivenPropertyValueSpecification,
  ExpressionSpecification,
  LayerSpecification,
} from 'maplibre-gl';
import { METRES_PER_PIXEL_Z0 } from './overlays.js';

/** Colours by whose view a notice is: my own, or a copy addressed to me; the draft in red. */
export const NOTICE_COLORS = { notifier: '#1f6f8b', addressee: '#7a3e9d', draft: '#b8241c' } as const;

/** Clickable notice layers (a route's line, a site's point or area). */
export const NOTICE_CLICKABLE = ['notices-line', 'notices-sites', 'notices-area-fill'] as const;

/** Metres as pixels at zoom 0 at this latitude; the style scales it by 2^zoom. */
export function metresAtZ0(metres: number, lat: number): number {
  return metres / (METRES_PER_PIXEL_Z0 * Math.cos((lat * Math.PI) / 180));
}

function middleLat(g: Geometry): number {
  const pts: Position[] =
    g.type === 'Point'
      ? [g.coordinates]
      : g.type === 'LineString'
        ? g.coordinates
        : g.type === 'Polygon'
          ? (g.coordinates[0] ?? [])
          : [];
  if (pts.length === 0) return 0;
  return pts.reduce((sum, p) => sum + (p[1] ?? 0), 0) / pts.length;
}

/** Adds what the style needs to each feature: its colour and its corridor or precision at zoom 0. */
export function styleNotices(
  collection: FeatureCollection | null | undefined,
  colorOf: (f: Feature) => string = (f) =>
    f.properties?.role === 'addressee' ? NOTICE_COLORS.addressee : NOTICE_COLORS.notifier,
): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: (collection?.features ?? []).map((f) => {
      const p = f.properties ?? {};
      const lat = middleLat(f.geometry);
      const corridor = typeof p.corridorM === 'number' ? p.corridorM : 0;
      const precision = typeof p.precisionM === 'number' ? p.precisionM : 0;
      return {
        ...f,
        properties: {
          ...p,
          _color: colorOf(f),
          _widthZ0: metresAtZ0(corridor, lat),
          _radiusZ0: metresAtZ0(precision, lat),
        },
      };
    }),
  };
}

/** Grows a zoom-0 pixel size with the zoom (2^z), so it stays the same distance on the ground. */
const ground = (property: string): DataDrivenPropertyValueSpecification<number> => [
  'interpolate',
  ['exponential', 2],
  ['zoom'],
  0,
  ['get', property],
  22,
  ['*', ['get', property], 2 ** 22],
];

/**
 * A corridor to scale, but never thinner than `minPx`, so a 300 m corridor still shows as a band
 * on a country-wide view. Stops every two zoom levels: exact wherever the corridor is wider than that.
 */
const corridorWidth = (property: string, minPx: number): DataDrivenPropertyValueSpecification<number> =>
  [
    'interpolate',
    ['exponential', 2],
    ['zoom'],
    ...Array.from({ length: 12 }, (_, i) => [
      i * 2,
      ['max', minPx, ['*', ['get', property], 2 ** (i * 2)]],
    ]).flat(),
  ] as unknown as DataDrivenPropertyValueSpecification<number>;

const isLine: ExpressionSpecification = ['==', ['geometry-type'], 'LineString'];
const isPoint: ExpressionSpecification = ['==', ['geometry-type'], 'Point'];
const isArea: ExpressionSpecification = ['==', ['geometry-type'], 'Polygon'];
const color: ExpressionSpecification = ['get', '_color'];

function layersOf(source: 'notices' | 'notice-draft'): LayerSpecification[] {
  const prefix = source === 'notices' ? 'notices' : 'draft';
  return [
    {
      id: `${prefix}-area-fill`,
      type: 'fill',
      source,
      filter: isArea,
      paint: { 'fill-color': color, 'fill-opacity': 0.18 },
    },
    {
      id: `${prefix}-area-edge`,
      type: 'line',
      source,
      filter: isArea,
      paint: { 'line-color': color, 'line-width': 1.5, 'line-dasharray': [2, 1] },
    },
    {
      id: `${prefix}-corridor`,
      type: 'line',
      source,
      filter: isLine,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': color, 'line-opacity': 0.3, 'line-width': corridorWidth('_widthZ0', 7) },
    },
    {
      id: `${prefix}-line`,
      type: 'line',
      source,
      filter: isLine,
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': color, 'line-width': 2.5 },
    },
    {
      id: `${prefix}-precision`,
      type: 'circle',
      source,
      filter: isPoint,
      paint: {
        'circle-radius': ground('_radiusZ0'),
        'circle-color': color,
        'circle-opacity': 0.15,
        'circle-pitch-alignment': 'map',
      },
    },
    {
      id: `${prefix}-sites`,
      type: 'circle',
      source,
      filter: isPoint,
      paint: {
        'circle-radius': source === 'notices' ? 6 : 5,
        'circle-color': color,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
  ];
}

/** The layers of notices and of the draft (drawn above the notices). */
export function noticeLayers(): LayerSpecification[] {
  return [...layersOf('notices'), ...layersOf('notice-draft')];
}
