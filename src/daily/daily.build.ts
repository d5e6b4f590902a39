import type { Agreement } from '../agreement/agreement.schema.js';
import type { ReportView } from '../monitoring/report.view.js';
import { UNDISCLOSED_CATEGORY } from '../verification/redaction.js';
import type { CountRow, DayMap, ListedReport, MapPoint } from './daily.model.js';

/**
 * The pure part of the daily report: counting a reader's reports by category and sector against
 * the previous day and week, and picking the reports the special sections list. No I/O.
 */

const DAY_MS = 86_400_000;

/** The UTC day `offset` days from `date` (YYYY-MM-DD). */
export function shiftDay(date: string, offset: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);
}

/** The UTC day an instant falls on. */
export function dayOf(instant: string): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/** What the report needs of the agreement the reader may read: names, groups, sectors. */
export interface Taxonomy {
  categoryName(id: string): string;
  groupOf(id: string): string | undefined;
  /** The sector a point lies in, `undefined` outside every sector. */
  sectorAt(lon: number, lat: number): string | undefined;
  sectorName(id: string): string;
  sectors: { id: string; name: string }[];
  /** The categories whose group is `group`, in the taxonomy's order. */
  categoriesOf(group: string): string[];
}

/** Category ids of reports the reader may not classify (the agreement version is not theirs to read). */
export const UNCATEGORISED = 'uncategorised';
/** The sector of a point outside every sector, or of a reader who may not read the sectors. */
export const NO_SECTOR = 'none';

/** The taxonomy of a readable agreement; `sectorAt` is the verification rules' own lookup. */
export function taxonomyOf(
  agreement: Agreement | undefined,
  sectors: {
    sectorAt(lon: number, lat: number): string | undefined;
    sectors: { id: string; name: string }[];
  },
): Taxonomy {
  const categories = new Map((agreement?.report_taxonomy ?? []).map((c) => [c.id, c]));
  const sectorNames = new Map(sectors.sectors.map((s) => [s.id, s.name]));
  return {
    categoryName: (id) =>
      categories.get(id)?.name ??
      (id === UNCATEGORISED || id === UNDISCLOSED_CATEGORY ? 'Category not shown to this reader' : id),
    groupOf: (id) => categories.get(id)?.group,
    sectorAt: (lon, lat) => sectors.sectorAt(lon, lat),
    sectorName: (id) => sectorNames.get(id) ?? (id === NO_SECTOR ? 'Outside the sectors' : id),
    sectors: sectors.sectors,
    categoriesOf: (group) => [...categories.values()].filter((c) => c.group === group).map((c) => c.id),
  };
}

/** Counts per key for the day, the previous day and the seven days before the day. */
export function countRows(
  date: string,
  items: readonly { day: string; key: string }[],
  nameOf: (key: string) => string,
  order: readonly string[] = [],
): CountRow[] {
  const yesterday = shiftDay(date, -1);
  const weekStart = shiftDay(date, -7);
  const rows = new Map<string, CountRow>();
  for (const { day, key } of items) {
    let row = rows.get(key);
    if (row === undefined) {
      row = { id: key, name: nameOf(key), day: 0, previousDay: 0, previousWeek: 0, previousWeekMean: 0 };
      rows.set(key, row);
    }
    if (day === date) row.day += 1;
    else if (day >= weekStart && day < date) {
      row.previousWeek += 1;
      if (day === yesterday) row.previousDay += 1;
    }
  }
  const rank = (id: string) => {
    const i = order.indexOf(id);
    return i < 0 ? order.length : i;
  };
  return [...rows.values()]
    .map((r) => ({ ...r, previousWeekMean: Math.round((r.previousWeek / 7) * 10) / 10 }))
    .sort((a, b) => b.day - a.day || rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Where a report lies, as the reader may be told: the nearest settlement's phrase, else coordinates. */
export function placeOf(view: ReportView): string {
  return (
    view.classification.nearestPlace?.text ??
    `${view.location.lat.toFixed(3)}, ${view.location.lon.toFixed(3)}`
  );
}

function listed(view: ReportView, tax: Taxonomy, what: string, why: string): ListedReport {
  const category = view.category ?? UNCATEGORISED;
  const near = view.classification.nearestPlace;
  return {
    id: view.id,
    observedFrom: view.observed.from,
    category,
    categoryName: tax.categoryName(category),
    place: placeOf(view),
    ...(near !== undefined
      ? {
          nearest: {
            geonameId: near.geonameId,
            name: near.name,
            distanceKm: near.distanceKm,
            bearingDeg: near.bearingDeg,
          },
        }
      : {}),
    what,
    why,
  };
}

function firstWords(text: string | undefined, n = 16): string {
  if (text === undefined) return '';
  const words = text
    .trim()
    .replace(/[.\s]+$/, '')
    .split(/\s+/);
  return words.length > n ? `${words.slice(0, n).join(' ')} …` : words.join(' ');
}

/**
 * Restrictions of the monitors' freedom of movement: the taxonomy has no type of its own for them,
 * so the reports in its `obstruction` group (denied access, jamming, damaged sensors) are counted.
 */
export function isObstruction(view: ReportView, tax: Taxonomy): boolean {
  return view.category !== undefined && tax.groupOf(view.category) === 'obstruction';
}

/** The listing of an obstruction report. */
export function obstructionListing(view: ReportView, tax: Taxonomy): ListedReport {
  return listed(view, tax, firstWords(view.narrative), '');
}

/**
 * Weapons seen in violation of withdrawal lines: a report of equipment (or in a `weapons_in_zone`
 * category) that its classification found inside a zone restricting it. Only a reader who may read
 * the classification sees the restriction (`reportFor` empties it for anyone else).
 */
export function weaponsViolation(view: ReportView, tax: Taxonomy): ListedReport | undefined {
  const byZone = view.classification.possibleViolations.filter((v) => v.restriction !== undefined);
  if (byZone.length === 0) return undefined;
  const weapons =
    view.equipment !== undefined ||
    (view.category !== undefined && tax.groupOf(view.category) === 'weapons_in_zone');
  if (!weapons) return undefined;
  const e = view.equipment;
  const what =
    e === undefined
      ? firstWords(view.narrative)
      : [
          view.counts?.items !== undefined ? `${view.counts.items} ×` : '',
          e.system ?? e.category ?? '',
          e.calibreMm !== undefined ? `(${e.calibreMm} mm)` : '',
        ]
          .filter((s) => s !== '')
          .join(' ');
  return listed(view, tax, what, byZone.map((v) => v.reason).join('; '));
}

/** The day's box around its points, with a margin; a default box when there are none. */
export function mapBox(
  points: readonly { lon: number; lat: number }[],
  fallback: [number, number, number, number],
): [number, number, number, number] {
  if (points.length === 0) return fallback;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of points) {
    w = Math.min(w, p.lon);
    e = Math.max(e, p.lon);
    s = Math.min(s, p.lat);
    n = Math.max(n, p.lat);
  }
  const padLon = Math.max((e - w) * 0.1, 0.15);
  const padLat = Math.max((n - s) * 0.1, 0.1);
  const r = (x: number) => Math.round(x * 1000) / 1000;
  return [r(w - padLon), r(s - padLat), r(e + padLon), r(n + padLat)];
}

/** The map of the day: its points, and up to `maxPlaces` of the largest settlements in its box. */
export function dayMap(
  points: MapPoint[],
  fallback: [number, number, number, number],
  placesWithin: (
    box: [number, number, number, number],
  ) => { geonameId?: number; name: string; lon: number; lat: number }[],
  maxPlaces = 8,
): DayMap {
  const bbox = mapBox(points, fallback);
  const sorted = [...points].sort(
    (a, b) => a.lon - b.lon || a.lat - b.lat || (a.category < b.category ? -1 : 1),
  );
  return { bbox, points: sorted, places: placesWithin(bbox).slice(0, maxPlaces) };
}
