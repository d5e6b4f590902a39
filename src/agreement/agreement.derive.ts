import polygonClipping from 'polygon-clipping';
import type { MultiPolygon as ClipMultiPolygon } from 'polygon-clipping';
import type { BandSide } from '../geo/buffer.js';
import { lineBand } from '../geo/buffer.js';
import { PreparedPolygon } from '../geo/pip.js';
import { PreparedPolyline, degreeWindow } from '../geo/polyline.js';
import type { BBox, MultiPolygonGeometry, Position } from '../geo/types.js';
import type { Agreement, Zone } from './agreement.schema.js';
import type { TimeContext } from './agreement.time.js';
import { instantOf, resolveAnchors } from './agreement.time.js';
import { ZoneIndex } from './zone-index.js';

/** One distance condition of a derived zone: within [minM, maxM] of a line, on a side. */
export interface BandPart {
  lineId: string;
  side: BandSide;
  minM: number;
  maxM: number;
}

/** When a zone applies: resolved instants (ms) and weekly windows in the agreement's time zone. */
export interface ZoneActivity {
  /** Undefined: no start. `pending`: starts at an anchor whose date is not yet known. */
  from: number | 'pending' | undefined;
  until: number | undefined;
  schedule: { days: string[]; fromMinute: number; toMinute: number }[];
}

/** A zone (or a nested band of one) ready for classification and display. */
export interface DerivedZone {
  id: string;
  name: string;
  kind: Zone['kind'];
  /** The zone a band belongs to. */
  parentId: string | undefined;
  provision: string | undefined;
  /** Exact membership rule for zones derived from lines (empty for polygon zones). */
  parts: BandPart[];
  /** Membership test for explicit polygon zones. */
  polygon: PreparedPolygon | undefined;
  /** Display geometry (RFC 7946, right-hand rule); for maps and exports, not for classification. */
  display: MultiPolygonGeometry | undefined;
  bbox: BBox;
  altitude: Zone['altitude'];
  activity: ZoneActivity;
}

/** Zones in which an equipment category is prohibited, i.e. the band it must withdraw from. */
export interface WithdrawalBand {
  categoryId: string;
  categoryName: string;
  parties: string[];
  zoneIds: string[];
  /** Depth of the band on each side of its line, km (0 for polygon zones). */
  perSideKm: number;
}

/** Geometry derived from an agreement at load. */
export interface DerivedAgreement {
  agreement: Agreement;
  lines: ReadonlyMap<string, PreparedPolyline>;
  zones: DerivedZone[];
  withdrawalBands: WithdrawalBand[];
  time: TimeContext;
  index: ZoneIndex;
}

export interface DeriveOptions {
  /** Compute display polygons (default true; skip for pure classification). */
  display?: boolean;
}

/**
 * Derives zone geometry from a validated agreement: exact band rules from reference lines
 * (each_side / total_separation, per-party baselines, nested bands), prepared polygons, display
 * polygons computed on the ellipsoid, activity windows, withdrawal bands per equipment category,
 * and a spatial index for point and route queries.
 */
export function deriveAgreement(agreement: Agreement, options: DeriveOptions = {}): DerivedAgreement {
  const lines = new Map<string, PreparedPolyline>();
  const sides = new Map<string, { left: string; right: string } | undefined>();
  for (const ref of agreement.reference_geometries) {
    if (ref.geometry.type !== 'LineString') continue;
    lines.set(ref.id, new PreparedPolyline(ref.geometry.coordinates as Position[]));
    sides.set(ref.id, ref.sides);
  }
  const time: TimeContext = {
    timeZone: agreement.time_zone,
    anchors: resolveAnchors(agreement.anchors, agreement.time_zone),
  };
  const zones: DerivedZone[] = [];
  for (const zone of agreement.zones) {
    const activity = zoneActivity(zone, time);
    const common = { kind: zone.kind, provision: zone.provision, altitude: zone.altitude, activity };
    if (zone.polygon !== undefined) {
      const polys = (
        zone.polygon.type === 'Polygon' ? [zone.polygon.coordinates] : zone.polygon.coordinates
      ) as Position[][][];
      const polygon = new PreparedPolygon(polys);
      const display: MultiPolygonGeometry = { type: 'MultiPolygon', coordinates: polys };
      zones.push({
        ...common,
        id: zone.id,
        name: zone.name,
        parentId: undefined,
        parts: [],
        polygon,
        display,
        bbox: polygon.bbox,
      });
      continue;
    }
    const d = zone.derived;
    if (d === undefined) continue;
    const scale = d.mode === 'total_separation' ? 500 : 1000;
    const baseParts = partsOf(d, sides);
    const make = (
      id: string,
      name: string,
      parentId: string | undefined,
      fromKm: number,
      toKm: number,
    ): DerivedZone => {
      const parts = baseParts.map((p) => ({ ...p, minM: fromKm * scale, maxM: toKm * scale }));
      return {
        ...common,
        id,
        name,
        parentId,
        parts,
        polygon: undefined,
        display: options.display === false ? undefined : displayOf(parts, lines),
        bbox: bboxOf(parts, lines),
      };
    };
    zones.push(make(zone.id, zone.name, undefined, 0, d.distance_km));
    for (const band of zone.bands ?? []) {
      zones.push(make(band.id, band.name ?? band.id, zone.id, band.from_km ?? 0, band.to_km));
    }
  }
  const withdrawalBands = withdrawalBandsOf(agreement, zones);
  const index = new ZoneIndex(zones, lines, sides, time);
  return { agreement, lines, zones, withdrawalBands, time, index };
}

function partsOf(
  d: NonNullable<Zone['derived']>,
  sides: ReadonlyMap<string, { left: string; right: string } | undefined>,
): Omit<BandPart, 'minM' | 'maxM'>[] {
  const sideOf = (lineId: string, party: string): BandSide =>
    sides.get(lineId)?.left === party ? 'left' : sides.get(lineId)?.right === party ? 'right' : 'both';
  if (d.line !== undefined) {
    const side: BandSide = d.side === undefined || d.side === 'both' ? 'both' : sideOf(d.line, d.side);
    return [{ lineId: d.line, side }];
  }
  const wanted = d.side === undefined || d.side === 'both' ? undefined : d.side;
  return (d.baselines ?? [])
    .filter((b) => wanted === undefined || b.party === wanted)
    .map((b) => ({ lineId: b.line, side: sideOf(b.line, b.party) }));
}

function displayOf(parts: BandPart[], lines: ReadonlyMap<string, PreparedPolyline>): MultiPolygonGeometry {
  const pieces: ClipMultiPolygon[] = [];
  for (const p of parts) {
    const line = lines.get(p.lineId);
    if (line === undefined) continue;
    pieces.push(lineBand(line.coordinates, p.maxM, p.side, p.minM).coordinates as ClipMultiPolygon);
  }
  const [head, ...rest] = pieces;
  if (head === undefined) return { type: 'MultiPolygon', coordinates: [] };
  const merged = rest.length === 0 ? head : polygonClipping.union(head, ...rest);
  return { type: 'MultiPolygon', coordinates: merged };
}

function bboxOf(parts: BandPart[], lines: ReadonlyMap<string, PreparedPolyline>): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of parts) {
    const b = lines.get(p.lineId)?.bbox();
    if (b === undefined) continue;
    // The window is widest in longitude at the poleward edge of the line's box.
    const poleward = Math.abs(b[1]) > Math.abs(b[3]) ? b[1] : b[3];
    const w = degreeWindow(0, poleward, p.maxM);
    const dLon = -w[0];
    const dLat = w[3] - poleward;
    box[0] = Math.min(box[0], b[0] - dLon);
    box[1] = Math.min(box[1], b[1] - dLat);
    box[2] = Math.max(box[2], b[2] + dLon);
    box[3] = Math.max(box[3], b[3] + dLat);
  }
  return box;
}

function zoneActivity(zone: Zone, time: TimeContext): ZoneActivity {
  const from = zone.active?.from === undefined ? undefined : (instantOf(zone.active.from, time) ?? 'pending');
  const until = instantOf(zone.active?.until, time, 'end');
  const schedule = (zone.active?.schedule ?? []).map((s) => ({
    days: s.days,
    fromMinute: minutes(s.from),
    toMinute: minutes(s.to),
  }));
  return { from, until, schedule };
}

function minutes(hhmm: string): number {
  const [h = '0', m = '0'] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}

function withdrawalBandsOf(agreement: Agreement, zones: DerivedZone[]): WithdrawalBand[] {
  const byId = new Map(zones.map((z) => [z.id, z]));
  const bands = new Map<string, WithdrawalBand>();
  for (const r of agreement.restrictions) {
    if (r.category === undefined) continue;
    if (!(r.rule === 'prohibited' || (r.rule === 'max_count' && r.max === 0))) continue;
    const category = agreement.equipment_categories?.find((c) => c.id === r.category);
    const zone = byId.get(r.zone);
    if (category === undefined || zone === undefined) continue;
    const band = bands.get(category.id) ?? {
      categoryId: category.id,
      categoryName: category.name,
      parties: [],
      zoneIds: [],
      perSideKm: 0,
    };
    for (const p of r.parties) if (!band.parties.includes(p)) band.parties.push(p);
    if (!band.zoneIds.includes(zone.id)) band.zoneIds.push(zone.id);
    band.perSideKm = Math.max(band.perSideKm, ...zone.parts.map((p) => p.maxM / 1000));
    bands.set(category.id, band);
  }
  return [...bands.values()];
}
