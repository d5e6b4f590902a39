/**
 * Turns API data into what the map draws: each agreement line and zone gets a stable colour (shared
 * with the legend), each report a category colour and an uncertainty radius in map units.
 */
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { MapReport, ReportDensity } from '../api/reports.js';
import type { ReportCategory, ZoneCollection, ZoneFeature } from '../api/types.js';
import { LINE_COLORS, REFERENCE_COLOR, ZONE_COLORS, groupColor } from './colors.js';

export interface LegendEntry {
  id: string;
  name: string;
  kind: 'line' | 'reference' | 'zone';
  derived: boolean;
  /** The zone a nested band belongs to. */
  parentId: string | undefined;
  color: string;
  /** The agreement's own type for it (contact_line, withdrawal_band…), when the server gives one. */
  type: string | undefined;
  description: string | undefined;
}

export interface StyledZones {
  collection: FeatureCollection;
  legend: LegendEntry[];
}

/** Colours lines and zones in the order the agreement lists them; derived bands share their zone's hue. */
export function styleZones(zones: ZoneCollection | null): StyledZones {
  const legend: LegendEntry[] = [];
  const features: Feature[] = [];
  let lines = 0;
  let areas = 0;
  for (const f of zones?.features ?? []) {
    const p = f.properties;
    const kind = p.kind === 'line' || p.kind === 'reference' ? p.kind : 'zone';
    const color =
      kind === 'line'
        ? LINE_COLORS[lines++ % LINE_COLORS.length]!
        : kind === 'reference'
          ? REFERENCE_COLOR
          : ZONE_COLORS[areas++ % ZONE_COLORS.length]!;
    const entry: LegendEntry = {
      id: String(p.id),
      name: String(p.name ?? p.id),
      kind,
      derived: p.derived === true,
      parentId: typeof p.parentId === 'string' ? p.parentId : undefined,
      color,
      type: typeOf(f),
      description: typeof p.description === 'string' ? p.description : undefined,
    };
    legend.push(entry);
    features.push({
      type: 'Feature',
      geometry: f.geometry,
      properties: { ...p, id: entry.id, name: entry.name, kind, derived: entry.derived, _color: color },
    });
  }
  return { collection: { type: 'FeatureCollection', features }, legend };
}

function typeOf(f: ZoneFeature): string | undefined {
  const p = f.properties;
  for (const key of ['zoneKind', 'referenceKind']) {
    const v = p[key];
    if (typeof v === 'string') return v;
  }
  return undefined;
}

/** Metres per pixel at zoom 0 on the equator (Web Mercator, 512 px tiles as MapLibre uses). */
export const METRES_PER_PIXEL_Z0 = 78271.51696;

export interface ReportPointProperties {
  id: string;
  category: string;
  categoryName: string;
  group: string;
  color: string;
  /** Uncertainty radius in pixels at zoom 0 at this latitude; the style scales it by 2^zoom. */
  radiusZ0: number;
  radiusM: number;
  observedFrom: string;
  observedTo: string;
}

/** What a report point needs: the map's slim report, or a full report (which has all of it). */
export type PointReport = Pick<MapReport, 'id' | 'category' | 'observed' | 'location'>;

/** Report points for the map, coloured by their category's group. */
export function reportPoints(
  reports: readonly PointReport[],
  taxonomy: ReportCategory[],
): FeatureCollection<Point, ReportPointProperties> {
  const byId = new Map(taxonomy.map((c) => [c.id, c]));
  return {
    type: 'FeatureCollection',
    features: reports.map((r) => {
      const category = byId.get(r.category ?? '');
      const { lon, lat, uncertaintyM } = r.location;
      const radiusZ0 = uncertaintyM / (METRES_PER_PIXEL_Z0 * Math.cos((lat * Math.PI) / 180));
      return {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [lon, lat] },
        properties: {
          id: r.id,
          category: r.category ?? '',
          categoryName: category?.name ?? r.category ?? '',
          group: category?.group ?? 'other',
          color: groupColor(category?.group),
          radiusZ0,
          radiusM: uncertaintyM,
          observedFrom: r.observed.from,
          observedTo: r.observed.to,
        },
      };
    }),
  };
}

export interface DensityCellProperties {
  count: number;
  /** The count as drawn: 1234 as "1.2k". */
  label: string;
  /** The cell: [west, south, east, north]. */
  bounds: [number, number, number, number];
}

/** The server's counts per grid cell as points at each cell's centre, for the density layer. */
export function densityPoints(density: ReportDensity): FeatureCollection<Point, DensityCellProperties> {
  const { cell } = density;
  return {
    type: 'FeatureCollection',
    features: density.cells.map((c) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [c.lon + cell / 2, c.lat + cell / 2] },
      properties: {
        count: c.count,
        label: c.count >= 1000 ? `${(c.count / 1000).toFixed(c.count >= 10_000 ? 0 : 1)}k` : String(c.count),
        bounds: [c.lon, c.lat, c.lon + cell, c.lat + cell],
      },
    })),
  };
}

/**
 * The grid cell for a view box: a power of two of degrees, about a tenth of the box's longer side
 * (at least 0.001°), so the view holds ten cells or so across and a box from `roundOut` keeps it.
 */
export function densityCellFor(bbox: readonly [number, number, number, number]): number {
  const [w, s, e, n] = bbox;
  return Math.max(0.001, 2 ** Math.round(Math.log2(Math.max(e - w, n - s) / 10)));
}

/** [west, south, east, north] of everything in a collection, or null when it is empty. */
export function boundsOf(collection: FeatureCollection | null): [number, number, number, number] | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      w = Math.min(w, c[0]);
      e = Math.max(e, c[0]);
      s = Math.min(s, c[1]);
      n = Math.max(n, c[1]);
      return;
    }
    for (const x of c) visit(x);
  };
  for (const f of collection?.features ?? []) {
    const g = f.geometry;
    if (g && 'coordinates' in g) visit(g.coordinates);
  }
  return Number.isFinite(w) ? [w, s, e, n] : null;
}
