import { Type, type Static } from '@sinclair/typebox';
import { MARKINGS } from '../access/marking.js';
import { ACLED_EVENT_TYPE_NAMES, ACLED_SUB_EVENT_TYPES, SMM_CATEGORIES } from '../agreement/taxonomy.js';
import { BBoxQuery, StringEnum } from '../http/schema.js';
import { CREDIBILITIES, RELIABILITIES } from './grading.js';
import { REPORTER_KINDS, TIME_PRECISIONS } from './report.model.js';

const strict = { additionalProperties: false } as const;
const Count = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const ShortText = Type.String({ minLength: 1, maxLength: 500 });

export const CasualtyCountSchema = Type.Object(
  { killed: Type.Optional(Count), injured: Type.Optional(Count) },
  strict,
);

const Coordinate = {
  lon: Type.Optional(Type.Number({ description: 'WGS84 longitude, degrees' })),
  lat: Type.Optional(Type.Number({ description: 'WGS84 latitude, degrees' })),
  mgrs: Type.Optional(
    Type.String({ minLength: 2, maxLength: 40, description: 'MGRS grid reference, e.g. 37U DP 29836 54052' }),
  ),
};

export const ObserverSchema = Type.Object(
  {
    ...Coordinate,
    bearingDeg: Type.Number({ description: 'Bearing from the observer, degrees clockwise from true north' }),
    distanceM: Type.Number({ description: 'Estimated distance from the observer, metres' }),
    bearingErrorDeg: Type.Optional(Type.Number({ description: 'One standard deviation; default 5°' })),
    distanceErrorM: Type.Optional(
      Type.Number({ description: 'One standard deviation; default 25 % of the distance' }),
    ),
  },
  { ...strict, description: 'Fire observed from afar: the observer position, bearing and distance' },
);

export const LocationInputSchema = Type.Object(
  {
    ...Coordinate,
    uncertaintyM: Type.Optional(Type.Number({ description: 'Radius in metres (about 95 %)' })),
    precision: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 3, description: 'ACLED geo_precision 1–3 (default 1)' }),
    ),
    area: Type.Optional(
      Type.Object(
        {
          type: Type.Literal('Polygon'),
          coordinates: Type.Array(Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 3 })), {
            minItems: 1,
          }),
        },
        strict,
      ),
    ),
    observer: Type.Optional(ObserverSchema),
    placeName: Type.Optional(ShortText),
  },
  {
    ...strict,
    description: 'Exactly one of: lon+lat, mgrs, area (a GeoJSON Polygon), observer (bearing and distance)',
  },
);

export const ObservedInputSchema = Type.Object(
  {
    from: Type.String({
      minLength: 4,
      maxLength: 40,
      description: 'RFC 3339 date-time, a local date-time (in timeZone) or a date YYYY-MM-DD',
    }),
    to: Type.Optional(Type.String({ minLength: 4, maxLength: 40 })),
    precision: Type.Optional(
      StringEnum(TIME_PRECISIONS, 'exact (default when a time is given), day, week, month'),
    ),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone' })),
  },
  strict,
);

export const EvidenceInputSchema = Type.Object(
  {
    sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 computed at capture' }),
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    mediaType: Type.String({ minLength: 3, maxLength: 127 }),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    capturedAt: Type.String({ format: 'date-time' }),
    collector: Type.String({ minLength: 1, maxLength: 200 }),
    device: Type.Optional(Type.String({ maxLength: 200 })),
    contentBase64: Type.Optional(
      Type.String({
        format: 'base64',
        description: 'The file itself in base64, or upload it later with PUT …/evidence/{sha256}',
      }),
    ),
  },
  strict,
);
export type EvidenceInput = Static<typeof EvidenceInputSchema>;

/** One observation as submitted (API body, or one row of an import after its column mapping). */
export const ReportInputSchema = Type.Object(
  {
    externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    externalSystem: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    reporter: Type.Optional(
      Type.Object(
        { name: Type.Optional(ShortText), kind: Type.Optional(StringEnum(REPORTER_KINDS)) },
        strict,
      ),
    ),
    source: Type.Optional(
      Type.Object(
        {
          id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          name: Type.Optional(ShortText),
          reliability: Type.Optional(StringEnum(RELIABILITIES, 'A–F; F = cannot be judged')),
          independenceGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        },
        strict,
      ),
    ),
    credibility: Type.Optional(
      Type.Unsafe<(typeof CREDIBILITIES)[number]>({
        type: 'integer',
        enum: [...CREDIBILITIES],
        description: '1–6; 6 = cannot be judged',
      }),
    ),
    observed: ObservedInputSchema,
    location: LocationInputSchema,
    category: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "The agreement's category id" }),
    ),
    acled: Type.Optional(
      Type.Object(
        {
          eventType: StringEnum(ACLED_EVENT_TYPE_NAMES),
          subEventType: Type.Optional(StringEnum(ACLED_SUB_EVENT_TYPES)),
        },
        strict,
      ),
    ),
    smm: Type.Optional(StringEnum(SMM_CATEGORIES)),
    equipment: Type.Optional(
      Type.Object(
        {
          category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          system: Type.Optional(ShortText),
          calibreMm: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1000 })),
        },
        strict,
      ),
    ),
    counts: Type.Optional(
      Type.Object(
        { events: Type.Optional(Count), items: Type.Optional(Count), personnel: Type.Optional(Count) },
        strict,
      ),
    ),
    casualties: Type.Optional(
      Type.Object(
        {
          civilian: Type.Optional(CasualtyCountSchema),
          military: Type.Optional(CasualtyCountSchema),
          unknown: Type.Optional(CasualtyCountSchema),
        },
        strict,
      ),
    ),
    narrative: Type.Optional(Type.String({ maxLength: 20_000 })),
    links: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 50 })),
    language: Type.Optional(
      Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$', description: 'BCP 47 language tag' }),
    ),
    attributes: Type.Optional(
      Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 20_000 })),
    ),
    marking: Type.Optional(StringEnum(MARKINGS, 'TLP marking; default AMBER')),
    addressees: Type.Optional(
      Type.Object(
        {
          organisations: Type.Optional(
            Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 }),
          ),
          users: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
        },
        strict,
      ),
    ),
    evidence: Type.Optional(Type.Array(EvidenceInputSchema, { maxItems: 50 })),
  },
  { ...strict, $id: 'ReportInput' },
);
/** One report as submitted (the API body, or an import row after its mapping). */
export type ReportInput = Static<typeof ReportInputSchema>;

export const ReportBatchSchema = Type.Object(
  {
    reports: Type.Array(
      Type.Unknown({
        description:
          'One report (ReportInput). The intake checks each on its own, so that every bad report gets all of its problems and applyGood can apply the valid ones',
      }),
      { minItems: 1, maxItems: 10_000 },
    ),
    applyGood: Type.Optional(
      Type.Boolean({
        description: 'Apply the valid reports and list the bad ones (default: all or nothing)',
      }),
    ),
  },
  strict,
);
export type ReportBatch = Static<typeof ReportBatchSchema>;

/**
 * The body of POST /reports: one report, checked in full, or a batch (a body with `reports`), whose
 * envelope is checked here and whose reports the intake checks. `if`/`then`/`else` rather than a
 * union, so that a bad body gets the problems of the shape it has, not of both.
 */
export const ReportBodySchema = Type.Unsafe<ReportInput | ReportBatch>({
  description: 'One report, or a batch { reports: [...], applyGood? } (all or nothing unless applyGood)',
  if: { required: ['reports'] },
  then: ReportBatchSchema,
  else: ReportInputSchema,
});

export const ReportListQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Observed window ends after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Observed window starts before' })),
    category: Type.Optional(Type.String()),
    zone: Type.Optional(Type.String()),
    bbox: Type.Optional(BBoxQuery),
    source: Type.Optional(Type.String()),
    flagged: Type.Optional(Type.Boolean({ description: 'Only reports with possible violations' })),
    externalId: Type.Optional(Type.String()),
    sort: Type.Optional(StringEnum(['observed', '-observed', 'grade'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 100 })),
    cursor: Type.Optional(Type.String({ description: 'From the previous page' })),
    format: Type.Optional(StringEnum(['json', 'geojson'] as const)),
    view: Type.Optional(
      StringEnum(
        ['full', 'map', 'density'] as const,
        'full (default): each report as GET /reports/{id} gives it; map: only what the map draws (MapReport), JSON only; density: the count of reports in each cell of a grid of `cell` degrees, for a window (`from` and `to` required; no reports, no cursor)',
      ),
    ),
    cell: Type.Optional(
      Type.Number({
        minimum: 0.001,
        maximum: 90,
        description: 'With view=density: the grid cell, degrees of longitude and latitude',
      }),
    ),
  },
  strict,
);
export type ReportListQueryType = Static<typeof ReportListQuery>;

export const ReportIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, strict);

/** A report as the API returns it: a flexible JSON object described in docs/monitoring.md. */
export const ReportViewSchema = Type.Object(
  {
    id: Type.String(),
    revision: Type.Integer(),
    category: Type.Optional(
      Type.String({
        description:
          'The agreement category; absent when it was mapped by a version you may not read (classification redacted)',
      }),
    ),
    observed: Type.Object({}, { additionalProperties: true }),
    location: Type.Object({}, { additionalProperties: true }),
    grade: Type.Object({}, { additionalProperties: true }),
    classification: Type.Object({}, { additionalProperties: true }),
    marking: Type.String(),
    createdAt: Type.String(),
    log: Type.Optional(
      Type.Object(
        {
          index: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
            description: 'The log entry that records this revision; null while it waits to be integrated',
          }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: true, $id: 'Report' },
);

/** What the map draws of a report (`view=map`): `MapReportView` in report.view.ts. */
export const MapReportSchema = Type.Object(
  {
    id: Type.String(),
    category: Type.Optional(
      Type.String({
        description:
          'The agreement category; absent when it was mapped by a version you may not read (as in the full report)',
      }),
    ),
    observed: Type.Object({ from: Type.String(), to: Type.String() }, strict),
    location: Type.Object(
      {
        lon: Type.Number(),
        lat: Type.Number(),
        uncertaintyM: Type.Number({ description: 'Radius in metres (about 95 %)' }),
      },
      strict,
    ),
    grade: Type.Object(
      { reliability: StringEnum(RELIABILITIES), credibility: Type.Integer({ minimum: 1, maximum: 6 }) },
      strict,
    ),
    zones: Type.Array(Type.String(), {
      description:
        'Ids of the zones and bands containing the point; empty when the classification is redacted for you',
    }),
    flagged: Type.Boolean({
      description:
        'The classification found a possible violation of a restriction; false when it is redacted for you',
    }),
    redacted: Type.Optional(
      Type.Literal(true, {
        description: 'The classification is redacted for you (judged by a version you may not read)',
      }),
    ),
  },
  { ...strict, $id: 'MapReport' },
);

/** `GET /reports` without `view=map`: a page of reports and the cursor of the next. */
export const ReportPageSchema = Type.Object(
  {
    reports: Type.Array(ReportViewSchema),
    next: Type.Optional(Type.String({ description: 'The cursor of the next page; absent on the last' })),
  },
  { additionalProperties: false, description: 'A page of reports' },
);

/** `GET /reports?view=map`: a page of what the map draws, in the order and pages of the full list. */
export const MapReportPageSchema = Type.Object(
  {
    reports: Type.Array(MapReportSchema),
    next: Type.Optional(Type.String({ description: 'The cursor of the next page; absent on the last' })),
  },
  { additionalProperties: false, description: 'A page of map reports (view=map)' },
);

/** `GET /reports?view=density`: the reports in each cell of a grid (cells without any left out). */
export const ReportDensitySchema = Type.Object(
  {
    cell: Type.Number({ description: 'The grid cell, degrees' }),
    total: Type.Integer({ minimum: 0, description: 'Every report counted' }),
    cells: Type.Array(
      Type.Object(
        {
          lon: Type.Number({ description: "The cell's west edge" }),
          lat: Type.Number({ description: "The cell's south edge" }),
          count: Type.Integer({ minimum: 1 }),
        },
        strict,
      ),
    ),
  },
  { additionalProperties: false, description: 'Reports per grid cell (view=density)' },
);

export const IntakeResultSchema = Type.Object({
  accepted: Type.Integer(),
  unchanged: Type.Integer(),
  revised: Type.Integer(),
  rejected: Type.Integer(),
  reports: Type.Array(
    Type.Object({
      index: Type.Integer(),
      id: Type.String(),
      status: StringEnum(['accepted', 'unchanged', 'revised'] as const),
      warnings: Type.Array(Type.String()),
    }),
  ),
  problems: Type.Array(
    Type.Object({ path: Type.String(), reason: Type.String(), line: Type.Optional(Type.Integer()) }),
  ),
});
