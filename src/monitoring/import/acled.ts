import { ACLED_EVENT_TYPES, type AcledEventType } from '../../agreement/taxonomy.js';
import type { FieldProblem } from '../../core/errors.js';
import type { ReportView } from '../report.view.js';
import type { ReportInput } from '../report.schemas.js';
import { FACT_COLUMNS, factCells } from './facts.js';

/** ACLED's export columns since March 2023, in export order (31). */
export const ACLED_COLUMNS = [
  'event_id_cnty',
  'event_date',
  'year',
  'time_precision',
  'disorder_type',
  'event_type',
  'sub_event_type',
  'actor1',
  'assoc_actor_1',
  'inter1',
  'actor2',
  'assoc_actor_2',
  'inter2',
  'interaction',
  'civilian_targeting',
  'iso',
  'region',
  'country',
  'admin1',
  'admin2',
  'admin3',
  'location',
  'latitude',
  'longitude',
  'geo_precision',
  'source',
  'source_scale',
  'notes',
  'fatalities',
  'tags',
  'timestamp',
] as const;
export type AcledColumn = (typeof ACLED_COLUMNS)[number];

/** Columns kept verbatim as attributes (`acled.<column>`): Truceline has no field of its own for them. */
const KEPT = ACLED_COLUMNS.filter(
  (c) =>
    ![
      'event_id_cnty',
      'event_date',
      'time_precision',
      'event_type',
      'sub_event_type',
      'location',
      'latitude',
      'longitude',
      'geo_precision',
      'source',
      'notes',
      'fatalities',
    ].includes(c),
);

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** ACLED dates: YYYY-MM-DD (current), or "12 March 2022" (older exports). */
export function acledDate(text: string): string | undefined {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const m = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(t);
  if (m === null) return undefined;
  const month = MONTHS.indexOf((m[2] ?? '').toLowerCase());
  if (month < 0) return undefined;
  return `${m[3] ?? ''}-${String(month + 1).padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}`;
}

const PRECISION_BY_CODE = { '1': 'day', '2': 'week', '3': 'month' } as const;

/**
 * Columns a Truceline ACLED export adds after ACLED's 31 (marking, category, external system and
 * id, grade: see facts.ts); an import reads past them, so an export imports back.
 */
export const ACLED_EXPORT_COLUMNS = [...ACLED_COLUMNS, ...FACT_COLUMNS] as const;

/** Checks a header row: every ACLED column, nothing else but the columns a Truceline export adds. */
export function checkAcledHeader(header: readonly string[]): string[] {
  const problems: string[] = [];
  const missing = ACLED_COLUMNS.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !(ACLED_EXPORT_COLUMNS as readonly string[]).includes(c));
  if (missing.length > 0)
    problems.push(`missing ACLED column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  if (unknown.length > 0)
    problems.push(
      `unknown column${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')} (this is not ACLED's 31-column export)`,
    );
  return problems;
}

/** Where a report-input field came from in an ACLED row, for messages. */
export const ACLED_FIELD_COLUMNS: Record<string, AcledColumn> = {
  '/externalId': 'event_id_cnty',
  '/observed': 'event_date',
  '/location/lat': 'latitude',
  '/location/lon': 'longitude',
  '/location': 'latitude',
  '/location/precision': 'geo_precision',
  '/acled': 'event_type',
  '/category': 'event_type',
  '/casualties': 'fatalities',
  '/narrative': 'notes',
  '/source': 'source',
};

/** One ACLED row as a report input; problems name the column. */
export function acledRowToInput(
  row: Record<string, string>,
  timeZone: string,
): { input?: ReportInput; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (column: AcledColumn, reason: string) => problems.push({ path: column, reason });
  const get = (c: AcledColumn) => row[c] ?? '';
  const date = acledDate(get('event_date'));
  if (date === undefined) bad('event_date', `"${get('event_date')}" is not a date (YYYY-MM-DD)`);
  const precision = PRECISION_BY_CODE[get('time_precision') as keyof typeof PRECISION_BY_CODE];
  if (precision === undefined) bad('time_precision', `"${get('time_precision')}" must be 1, 2 or 3`);
  const geo = Number(get('geo_precision'));
  if (![1, 2, 3].includes(geo)) bad('geo_precision', `"${get('geo_precision')}" must be 1, 2 or 3`);
  const lat = Number(get('latitude'));
  const lon = Number(get('longitude'));
  if (get('latitude').trim() === '' || !Number.isFinite(lat))
    bad('latitude', `"${get('latitude')}" is not a number`);
  if (get('longitude').trim() === '' || !Number.isFinite(lon))
    bad('longitude', `"${get('longitude')}" is not a number`);
  const eventType = get('event_type');
  if (!(eventType in ACLED_EVENT_TYPES))
    bad('event_type', `"${eventType}" is not one of ACLED's 6 event types`);
  const sub = get('sub_event_type');
  if (
    eventType in ACLED_EVENT_TYPES &&
    sub !== '' &&
    !(ACLED_EVENT_TYPES[eventType as AcledEventType] as readonly string[]).includes(sub)
  )
    bad('sub_event_type', `"${sub}" is not a sub-event type of ${eventType}`);
  const fatalitiesText = get('fatalities').trim();
  const fatalities = fatalitiesText === '' ? undefined : Number(fatalitiesText);
  if (fatalities !== undefined && !(Number.isInteger(fatalities) && fatalities >= 0))
    bad('fatalities', `"${fatalitiesText}" is not a whole number`);
  if (get('event_id_cnty').trim() === '') bad('event_id_cnty', 'is empty: every ACLED event has an id');
  if (problems.length > 0) return { problems };
  const attributes: Record<string, string> = {};
  for (const c of KEPT) if (get(c) !== '') attributes[`acled.${c}`] = get(c);
  if (String(lat) !== get('latitude')) attributes['acled.latitude'] = get('latitude');
  if (String(lon) !== get('longitude')) attributes['acled.longitude'] = get('longitude');
  if (date !== get('event_date')) attributes['acled.event_date'] = get('event_date');
  if (
    fatalitiesText !== get('fatalities') ||
    (fatalities !== undefined && String(fatalities) !== fatalitiesText)
  )
    attributes['acled.fatalities'] = get('fatalities');
  const input: ReportInput = {
    externalId: get('event_id_cnty'),
    externalSystem: 'acled',
    observed: { from: date ?? '', precision: precision ?? 'day', timeZone },
    location: {
      lon,
      lat,
      precision: geo,
      ...(get('location') !== '' ? { placeName: get('location') } : {}),
    },
    acled: { eventType: eventType as AcledEventType, ...(sub !== '' ? { subEventType: sub } : {}) },
    ...(fatalities !== undefined ? { casualties: { unknown: { killed: fatalities } } } : {}),
    ...(get('notes') !== '' ? { narrative: get('notes') } : {}),
    ...(get('source') !== '' ? { source: { name: get('source'), reliability: 'F' } } : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
  return { input, problems };
}

const DISORDER_BY_TYPE: Record<string, string> = {
  Battles: 'Political violence',
  'Explosions/Remote violence': 'Political violence',
  'Violence against civilians': 'Political violence',
  Protests: 'Demonstrations',
  Riots: 'Demonstrations',
  'Strategic developments': 'Strategic developments',
};

/**
 * A report as an ACLED export row (ACLED_EXPORT_COLUMNS): imported ACLED events come back exactly
 * in ACLED's 31 columns, others are mapped; then the report's facts.
 */
export function reportToAcledRow(report: ReportView): string[] {
  const input = report.submitted;
  const attr = input.attributes ?? {};
  const a = (c: AcledColumn) => attr[`acled.${c}`];
  const killed = (k?: { killed?: number }) => k?.killed ?? 0;
  const c = input.casualties;
  const fatalities =
    c === undefined ? '' : String(killed(c.civilian) + killed(c.military) + killed(c.unknown));
  const date = report.observed.reference.slice(0, 10);
  const precisionCode = { exact: '1', day: '1', week: '2', month: '3' }[report.observed.precision];
  const eventType = input.acled?.eventType ?? report.acled?.eventType ?? 'Strategic developments';
  const values: Record<AcledColumn, string> = {
    event_id_cnty: input.externalId ?? report.id,
    event_date: a('event_date') ?? date,
    year: a('year') ?? date.slice(0, 4),
    time_precision: precisionCode,
    disorder_type: a('disorder_type') ?? DISORDER_BY_TYPE[eventType] ?? '',
    event_type: eventType,
    sub_event_type: input.acled?.subEventType ?? (input.acled === undefined ? 'Other' : ''),
    actor1: a('actor1') ?? '',
    assoc_actor_1: a('assoc_actor_1') ?? '',
    inter1: a('inter1') ?? '',
    actor2: a('actor2') ?? '',
    assoc_actor_2: a('assoc_actor_2') ?? '',
    inter2: a('inter2') ?? '',
    interaction: a('interaction') ?? '',
    civilian_targeting: a('civilian_targeting') ?? '',
    iso: a('iso') ?? '',
    region: a('region') ?? '',
    country: a('country') ?? '',
    admin1: a('admin1') ?? '',
    admin2: a('admin2') ?? '',
    admin3: a('admin3') ?? '',
    location: input.location.placeName ?? report.classification.nearestPlace?.name ?? '',
    latitude: a('latitude') ?? String(report.location.lat),
    longitude: a('longitude') ?? String(report.location.lon),
    geo_precision: String(report.location.precision),
    source: report.source?.name ?? input.source?.name ?? '',
    source_scale: a('source_scale') ?? '',
    notes: input.narrative ?? '',
    fatalities: a('fatalities') ?? fatalities,
    tags: a('tags') ?? '',
    timestamp: a('timestamp') ?? String(Math.floor(Date.parse(report.createdAt) / 1000)),
  };
  return [...ACLED_COLUMNS.map((col) => values[col]), ...factCells(report)];
}
