import { Type, type Static } from '@sinclair/typebox';
import { BBoxQuery, StringEnum } from '../http/schema.js';
import { NOTICE_KINDS, NOTICE_STATES, RESPONSES, SITE_FUNCTIONS } from './notice.model.js';

const strict = { additionalProperties: false } as const;
const Reason = Type.String({ minLength: 1, maxLength: 4000 });
const Instant = Type.String({ maxLength: 40, description: 'RFC 3339 date-time, e.g. 2026-12-05T08:00:00Z' });
const Window = Type.Object({ from: Instant, to: Instant }, strict);
const Position = Type.Tuple([Type.Number(), Type.Number()], { description: '[longitude, latitude]' });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

/** A notice as submitted (`POST /notices`, the CLI's file, one GeoJSON feature's properties + geometry). */
export const NoticeInputSchema = Type.Object(
  {
    obligation: Type.String({ minLength: 1, maxLength: 200, description: 'The notification obligation id' }),
    subject: Type.String({ minLength: 1, maxLength: 200, description: "One of the obligation's subjects" }),
    kind: StringEnum(NOTICE_KINDS),
    emergency: Type.Optional(Type.Boolean({ description: 'Notify under the emergency lead time' })),
    addressees: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
        maxItems: 50,
        description: "Organisations to address; default every organisation acting for the obligation's `to`",
      }),
    ),
    site: Type.Optional(
      Type.Object(
        {
          lon: Type.Number(),
          lat: Type.Number(),
          precisionM: Type.Number({ description: 'Precision radius of the position, metres' }),
          function: StringEnum(SITE_FUNCTIONS),
          name: Type.Optional(Type.String({ maxLength: 300 })),
        },
        strict,
      ),
    ),
    route: Type.Optional(
      Type.Object(
        {
          coordinates: Type.Array(Position, { maxItems: 5000 }),
          corridorM: Type.Number({ description: 'Full corridor width, metres' }),
        },
        strict,
      ),
    ),
    departure: Type.Optional(Window),
    arrival: Type.Optional(Window),
    window: Type.Optional(Window),
    altitude: Type.Optional(Type.Object({ minM: Type.Number(), maxM: Type.Number() }, strict)),
    validFrom: Type.Optional(Instant),
    validUntil: Type.Optional(Instant),
    details: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 100 }),
        Type.Union([
          Type.String({ maxLength: 2000 }),
          Type.Number(),
          Type.Boolean(),
          Type.Array(Type.String({ maxLength: 500 }), { maxItems: 100 }),
        ]),
        { description: 'Facility type, operator, occupants, vehicles, markings, cargo, contact…' },
      ),
    ),
  },
  strict,
);

export const ReasonBody = Type.Object({ reason: Reason }, strict);
export const RespondBody = Type.Object(
  {
    response: StringEnum(
      RESPONSES,
      'acknowledge (received, never approval), approve/refuse (permission requests), object',
    ),
    reason: Type.Optional(Reason),
  },
  strict,
);
export const RequestBody = Type.Object(
  {
    fields: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50 }),
    reason: Reason,
  },
  strict,
);
export const AnswerBody = Type.Object({ disclose: Type.Boolean() }, strict);

export const NoticeListQuery = Type.Object(
  {
    role: Type.Optional(StringEnum(['mine', 'addressed'] as const)),
    state: Type.Optional(
      Type.String({ maxLength: 200, description: `Comma-separated: ${NOTICE_STATES.join(', ')}` }),
    ),
    kind: Type.Optional(StringEnum(NOTICE_KINDS)),
    awaiting: Type.Optional(Type.Boolean({ description: 'Copies addressed to you awaiting your answer' })),
    bbox: Type.Optional(BBoxQuery),
    format: Type.Optional(StringEnum(['json', 'geojson'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  strict,
);
export type NoticeListQueryType = Static<typeof NoticeListQuery>;

export const ConflictListQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(['open', 'cleared'] as const)),
    notice: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  strict,
);

export const TouchedQuery = Type.Object(
  {
    report: Type.Optional(Type.String({ maxLength: 200 })),
    incident: Type.Optional(Type.String({ maxLength: 200 })),
  },
  strict,
);

export const AnyObject = Type.Object({}, { additionalProperties: true });
