import type { Marking } from '../access/marking.js';
import type { SmmCategory } from '../agreement/taxonomy.js';
import type { Credibility, Reliability } from './grading.js';
import type { ReportInput } from './report.schemas.js';

/**
 * The monitoring domain's objects as services see them (camelCase, typed). Storage shapes stop at
 * report.repository.ts; API shapes are in report.schemas.ts.
 */

/** How precise the observed time is: an exact window, or ACLED-style day / week / month coding. */
export const TIME_PRECISIONS = ['exact', 'day', 'week', 'month'] as const;
/** One time precision. */
export type TimePrecision = (typeof TIME_PRECISIONS)[number];

/** ACLED geo_precision: 1 the named town, 2 near a town or a part of a region, 3 a larger region. */
export const GEO_PRECISIONS = [1, 2, 3] as const;
export type GeoPrecision = (typeof GEO_PRECISIONS)[number];

/** Who or what observed: a patrol, a sensor, open sources, a party… */
export const REPORTER_KINDS = [
  'patrol',
  'observation_post',
  'camera',
  'uav',
  'sensor',
  'osint',
  'party',
  'media',
  'ngo',
  'other',
] as const;
/** One kind of reporter. */
export type ReporterKind = (typeof REPORTER_KINDS)[number];

/** How the position was given; the stored point is always WGS84 longitude/latitude. */
export const POSITION_INPUTS = ['wgs84', 'mgrs', 'area', 'bearing'] as const;
export type PositionInput = (typeof POSITION_INPUTS)[number];

export interface ObservedTime {
  /** Start of the window, RFC 3339 UTC. */
  from: string;
  /** End of the window (exclusive for day/week/month coding), RFC 3339 UTC. */
  to: string;
  precision: TimePrecision;
  /** The reporter's IANA time zone: day, week and month windows are local days. */
  timeZone: string;
  /** The date or time as the reporter wrote it (kept for faithful export). */
  reference: string;
}

/** A fire observation from afar: where the observer stood, and where they saw it. */
export interface ObserverFix {
  lon: number;
  lat: number;
  mgrs?: string;
  bearingDeg: number;
  distanceM: number;
  /** One standard deviation of the bearing, degrees. */
  bearingErrorDeg: number;
  /** One standard deviation of the distance estimate, metres. */
  distanceErrorM: number;
}

export interface ReportLocation {
  lon: number;
  lat: number;
  /** Radius (metres) within which the event lies with about 95 % confidence. */
  uncertaintyM: number;
  precision: GeoPrecision;
  input: PositionInput;
  mgrs?: string;
  /** For area reports: the polygon as given (GeoJSON, lon/lat). */
  area?: { type: 'Polygon'; coordinates: number[][][] };
  observer?: ObserverFix;
  /** The place as named by the source (ACLED `location`). */
  placeName?: string;
}

export interface CasualtyCount {
  killed?: number;
  injured?: number;
}

export interface Casualties {
  civilian?: CasualtyCount;
  military?: CasualtyCount;
  /** Not split by status (ACLED `fatalities`). */
  unknown?: CasualtyCount;
}

export interface Counts {
  /** Explosions, bursts, flights … observed. */
  events?: number;
  /** Weapons, vehicles, mines … seen. */
  items?: number;
  personnel?: number;
}

export interface Equipment {
  /** The agreement's equipment category id. */
  category?: string;
  system?: string;
  calibreMm?: number;
}

export interface Grade {
  reliability: Reliability;
  credibility: Credibility;
  /** True when the submitter's ceiling lowered the grade they gave. */
  capped: boolean;
  /** The grade as submitted, when it was capped (e.g. "A1"). */
  claimed?: string;
}

export interface ReportSourceRef {
  id: string;
  name: string;
  independenceGroup: string;
}

/** What Truceline derived on intake, against the agreement version in force at the observed time. */
export interface Classification {
  agreementVersionId: string;
  /** The instant the agreement was evaluated at (the middle of the observed window). */
  evaluatedAt: string;
  zones: ZoneHitSummary[];
  lines: LineSummary[];
  /** Party whose side of the nearest line of contact the point lies on, if the line has sides. */
  side?: string;
  /** Distance to the nearest line of contact, km. */
  lineDistanceKm?: number;
  nearestPlace?: NearestPlace;
  possibleViolations: PossibleViolation[];
  /** Deconfliction hook: notified sites or movements touched (empty until that domain lands). */
  notified: NotifiedMatch[];
}

export interface ZoneHitSummary {
  id: string;
  name: string;
  kind: string;
  band?: string;
}

export interface LineSummary {
  id: string;
  name: string;
  distanceKm: number;
  side: 'left' | 'right' | 'on';
  party?: string;
}

export interface NearestPlace {
  geonameId: number;
  name: string;
  country: string;
  distanceKm: number;
  /** Compass point from the place to the report, e.g. "NE". */
  direction: string;
  bearingDeg: number;
  /** e.g. "3.2 km NE of Horlivka". */
  text: string;
}

export interface PossibleViolation {
  provision?: string;
  restriction?: string;
  zone?: string;
  rule: string;
  reason: string;
}

/** A notified site, movement or flight a report touches (shown to its notifier and addressed commission only). */
export interface NotifiedMatch {
  kind: 'site' | 'movement' | 'flight';
  id: string;
  distanceM: number;
  /** The notifying organisation. */
  notifier?: string;
  /** The organisations it was addressed to. */
  addressees?: string[];
  /** Whether an addressee had read it when the report was classified. */
  delivered?: boolean;
  /** The severity the agreement gives a strike on it (the obligation's `strike_severity`). */
  severity?: 'minor' | 'serious' | 'grave';
}

/** A validated, classified report as the service handles it. */
export interface Report {
  id: string;
  revision: number;
  externalSystem?: string;
  externalId?: string;
  reporter?: { name?: string; kind?: ReporterKind };
  source?: ReportSourceRef;
  grade: Grade;
  observed: ObservedTime;
  location: ReportLocation;
  category: string;
  acled?: { eventType: string; subEventType?: string };
  smm?: SmmCategory;
  equipment?: Equipment;
  counts?: Counts;
  casualties?: Casualties;
  narrative?: string;
  links: string[];
  language?: string;
  /** Fields of the originating format that Truceline has no column for (e.g. ACLED actors). */
  attributes?: Record<string, string>;
  marking: Marking;
  addressees: { organisations: string[]; users: string[] };
  ownerOrganisationId: string;
  authorUserId: string | null;
  classification: Classification;
  warnings: string[];
  /** SHA-256 of the canonical submitted content (idempotent re-imports compare it). */
  contentSha256: string;
  createdAt: string;
  supersededBy?: string;
  /** The report as submitted (evidence bytes excluded): exports reproduce it exactly. */
  submitted: ReportInput;
}

/** The kind under which reports are addressed (record_addressees) and logged. */
export const REPORT_RECORD_KIND = 'report';

/** A report's links: the input's, or none. */
export function linksOf(input: ReportInput): string[] {
  return input.links ?? [];
}

/** A report's addressees: the input's, each list empty when not given. */
export function addresseesOf(input: ReportInput): Report['addressees'] {
  return { organisations: input.addressees?.organisations ?? [], users: input.addressees?.users ?? [] };
}
