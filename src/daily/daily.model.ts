import type { Marking } from '../access/marking.js';
import type { Language } from '../core/language.js';

/**
 * The daily report's objects as services see them (docs/daily-report.md). A report is built for one
 * reader from what that reader may see; its editions are rendered from it and logged by hash.
 */

/** The formats an edition is rendered in. */
export const DAILY_FORMATS = ['json', 'html', 'pdf'] as const;
/** One format of an edition. */
export type DailyFormat = (typeof DAILY_FORMATS)[number];

/** The media type of each format. */
export const MEDIA_TYPES: Record<DailyFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** One row of a count table: a category or a sector, the day against the day before and the week before. */
export interface CountRow {
  id: string;
  name: string;
  day: number;
  previousDay: number;
  /** Reports in the seven days before the day. */
  previousWeek: number;
  /** `previousWeek / 7`, to one decimal. */
  previousWeekMean: number;
}

/** The settlement a point is described from: the HTML and PDF editions name it in their language. */
export interface PlaceRef {
  /** GeoNames id. */
  geonameId: number;
  /** The GeoNames name (the gazetteer's). */
  name: string;
  distanceKm: number;
  /** Azimuth from the place to the point, degrees. */
  bearingDeg: number;
}

/** A verified incident (or, for readers without the incident queue, an adopted finding) of the day. */
export interface NotableIncident {
  id: string;
  kind: 'incident' | 'finding';
  category: string;
  categoryName: string;
  severity: string;
  observedFrom: string;
  lon: number;
  lat: number;
  /** e.g. "3.2 km NE of Horlivka" (English; `nearest` is what it is made from). */
  place: string;
  nearest?: PlaceRef;
  /** The side held responsible, when attributed. */
  attributedTo?: string;
  /** Corroboration level and report count (incidents) or the finding's summary, in English. */
  note: string;
  /** An incident's corroboration level (`single_source`, …); absent for a finding. */
  corroboration?: string;
  /** How many reports an incident joins; absent for a finding. */
  reportCount?: number;
}

/** A report of the day listed in a section (freedom of movement, weapons in zones). */
export interface ListedReport {
  id: string;
  observedFrom: string;
  category: string;
  categoryName: string;
  /** e.g. "3.2 km NE of Horlivka" (English; `nearest` is what it is made from). */
  place: string;
  nearest?: PlaceRef;
  /** The equipment seen, or the narrative's first words. */
  what: string;
  /** Why it is listed: the restrictions it breaks (empty for an obstruction: its category says it). */
  why: string;
}

/** A point on the day's map. */
export interface MapPoint {
  lon: number;
  lat: number;
  kind: 'report' | 'incident';
  category: string;
}

/** The day's map: its box (west, south, east, north), points and the largest settlements in it. */
export interface DayMap {
  bbox: [number, number, number, number];
  points: MapPoint[];
  places: { geonameId?: number; name: string; lon: number; lat: number }[];
}

/** Who an edition is for. */
export type EditionKind = 'public' | 'restricted';

/** A daily report for one reader (the data of every format). */
export interface DailyReport {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  edition: EditionKind;
  /** `public`, or the reader's organisation. */
  audience: string;
  /** The agreement version the categories and sectors are named by, when the reader may read one. */
  agreementVersionId: string | null;
  totals: { day: number; previousDay: number; previousWeek: number; previousWeekMean: number };
  byCategory: CountRow[];
  bySector: CountRow[];
  /** Where incidents come from: the verified incidents (the queue's readers) or adopted findings. */
  incidentBasis: 'incidents' | 'findings';
  incidents: NotableIncident[];
  freedomOfMovement: {
    /** How a restriction of the monitors' movement is recognised (the taxonomy has no type of its own). */
    basis: string;
    categories: string[];
    count: number;
    previousDay: number;
    reports: ListedReport[];
  };
  weaponsInZones: { basis: string; count: number; previousDay: number; reports: ListedReport[] };
  map: DayMap;
  /** Reports of the day this edition leaves out because its reader may not see them. */
  omitted: { reports: number };
}

/** The kind under which editions are logged and their salts kept. */
export const EDITION_RECORD_KIND = 'daily-report-edition';
/** The log entry kind of a rendered edition. */
export const EDITION_PUBLISHED = 'daily-report.published';

/** A rendered edition, as stored and logged. */
export interface Edition {
  /** SHA-256 of the rendered bytes, hex: the edition's id. */
  sha256: string;
  date: string;
  format: DailyFormat;
  edition: EditionKind;
  audience: string;
  /**
   * The language of an HTML or PDF edition; null for JSON (language-neutral) and for editions
   * recorded before editions had a language (all English).
   */
  lang: Language | null;
  byteLength: number;
  generatedAt: string;
  logSeq: number | null;
  marking: Marking;
  ownerOrganisationId: string;
  authorUserId: string | null;
}

/**
 * What the log holds of an edition: the document's hash, its day, format, edition and language. A
 * public edition is CLEAR and logged in full; a restricted one (which names its audience) as a
 * commitment. `lang` is left out when null (JSON, and editions logged before it existed), so a
 * stored row rebuilds the record it was logged with.
 */
export function editionRecord(e: Edition): Record<string, unknown> {
  return {
    sha256: e.sha256,
    date: e.date,
    format: e.format,
    edition: e.edition,
    ...(e.edition === 'public' ? {} : { audience: e.audience }),
    ...(e.lang !== null ? { lang: e.lang } : {}),
    byteLength: e.byteLength,
  };
}
