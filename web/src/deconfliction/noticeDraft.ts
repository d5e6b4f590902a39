/**
 * The notice form's draft and how it becomes a `POST /notices` body. Times are typed in UTC (the
 * time every party reads the same way); empty fields are left out so the server names what is missing.
 */
import type { FeatureCollection } from 'geojson';
import type { NoticeInput, NoticeKind, NotificationObligation, SiteFunction } from '../api/notices.js';
import { STRUCTURAL_FIELDS } from '../api/notices.js';
import type { LonLat } from '../lib/position.js';
import { styleNotices, NOTICE_COLORS } from '../map/noticeLayers.js';

export interface NoticeDraft {
  obligation: string;
  subject: string;
  kind: NoticeKind;
  emergency: boolean;
  site: LonLat | null;
  precisionM: string;
  siteFunction: SiteFunction;
  siteName: string;
  route: LonLat[];
  corridorM: string;
  departureFrom: string;
  departureTo: string;
  arrivalFrom: string;
  arrivalTo: string;
  windowFrom: string;
  windowTo: string;
  altitudeMin: string;
  altitudeMax: string;
  validFrom: string;
  validUntil: string;
  details: Record<string, string>;
}

export const EMPTY_DRAFT: NoticeDraft = {
  obligation: '',
  subject: '',
  kind: 'site',
  emergency: false,
  site: null,
  precisionM: '50',
  siteFunction: 'hospital',
  siteName: '',
  route: [],
  corridorM: '200',
  departureFrom: '',
  departureTo: '',
  arrivalFrom: '',
  arrivalTo: '',
  windowFrom: '',
  windowTo: '',
  altitudeMin: '',
  altitudeMax: '',
  validFrom: '',
  validUntil: '',
  details: {},
};

/** The kind an obligation's required fields point to: an altitude band is a flight, a route a movement. */
export function kindFor(o: NotificationObligation): NoticeKind {
  const fields = o.required_fields ?? [];
  if (fields.includes('altitude_band')) return 'flight';
  if (fields.includes('route')) return 'movement';
  return 'site';
}

/** The obligation's required fields the notifier types as details (not position, route or windows). */
export function detailFields(o: NotificationObligation | undefined): string[] {
  return (o?.required_fields ?? []).filter((f) => !STRUCTURAL_FIELDS.includes(f));
}

/** `2026-12-07T08:00` typed as UTC → RFC 3339; undefined when empty. */
export function utc(local: string): string | undefined {
  const v = local.trim();
  if (v === '') return undefined;
  return /Z$|[+-]\d\d:\d\d$/.test(v) ? v : `${v.length === 16 ? `${v}:00` : v}Z`;
}

const num = (s: string): number | undefined => {
  const v = s.trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : Number.NaN;
};

const windowOf = (from: string, to: string) => {
  const f = utc(from);
  const tt = utc(to);
  return f !== undefined || tt !== undefined ? { from: f ?? '', to: tt ?? '' } : undefined;
};

/** The body for `POST /notices`. Wrong values are sent as they are, for the server to name. */
export function toInput(d: NoticeDraft, o: NotificationObligation | undefined): NoticeInput {
  const details: Record<string, string> = {};
  for (const f of detailFields(o)) {
    const v = d.details[f]?.trim();
    if (v) details[f] = v;
  }
  const input: Record<string, unknown> = {
    obligation: d.obligation,
    subject: d.subject,
    kind: d.kind,
    emergency: d.emergency,
    details,
  };
  if (d.kind === 'site') {
    if (d.site)
      input.site = {
        lon: d.site.lon,
        lat: d.site.lat,
        precisionM: num(d.precisionM) ?? Number.NaN,
        function: d.siteFunction,
        ...(d.siteName.trim() ? { name: d.siteName.trim() } : {}),
      };
    if (utc(d.validFrom)) input.validFrom = utc(d.validFrom);
    if (utc(d.validUntil)) input.validUntil = utc(d.validUntil);
  } else {
    if (d.route.length > 0)
      input.route = {
        coordinates: d.route.map((p) => [round(p.lon), round(p.lat)]),
        corridorM: num(d.corridorM) ?? Number.NaN,
      };
    if (d.kind === 'movement') {
      const dep = windowOf(d.departureFrom, d.departureTo);
      const arr = windowOf(d.arrivalFrom, d.arrivalTo);
      if (dep) input.departure = dep;
      if (arr) input.arrival = arr;
    } else {
      const w = windowOf(d.windowFrom, d.windowTo);
      if (w) input.window = w;
      const min = num(d.altitudeMin);
      const max = num(d.altitudeMax);
      if (min !== undefined || max !== undefined)
        input.altitude = { minM: min ?? Number.NaN, maxM: max ?? Number.NaN };
    }
  }
  return input as unknown as NoticeInput;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** What the map draws of the draft: the site with its precision, or the route with its corridor. */
export function draftFeatures(d: NoticeDraft): FeatureCollection {
  const features: FeatureCollection['features'] = [];
  if (d.kind === 'site' && d.site) {
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [d.site.lon, d.site.lat] },
      properties: { precisionM: Number(d.precisionM) || 0 },
    });
  }
  if (d.kind !== 'site') {
    if (d.route.length > 1)
      features.push({
        type: 'Feature',
        geometry: { type: 'LineString', coordinates: d.route.map((p) => [p.lon, p.lat]) },
        properties: { corridorM: Number(d.corridorM) || 0 },
      });
    for (const p of d.route)
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
        properties: {},
      });
  }
  return styleNotices({ type: 'FeatureCollection', features }, () => NOTICE_COLORS.draft);
}
