import { Type, type Static } from '@sinclair/typebox';
import { MARKINGS } from '../access/marking.js';
import { Severities } from '../agreement/agreement.schema.rules.js';
import { BBoxQuery, StringEnum } from '../http/schema.js';
import {
  ATTRIBUTION_CONFIDENCES,
  CONCLUSIONS,
  CORROBORATION_LEVELS,
  FINDING_STATES,
  INCIDENT_STATUSES,
  VOTES,
} from './incident.model.js';

const strict = { additionalProperties: false } as const;
const Reason = Type.String({ minLength: 1, maxLength: 4000 });
const IdString = Type.String({ minLength: 1, maxLength: 200 });
const Instant = Type.String({ format: 'date-time' });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

const CorroborationSchema = Type.Object({
  level: StringEnum(CORROBORATION_LEVELS),
  independentGroups: Type.Integer(),
  reports: Type.Integer(),
  reasons: Type.Array(Type.String()),
});

const AttributionSchema = Type.Object({
  party: Type.Optional(Type.String()),
  confidence: StringEnum(ATTRIBUTION_CONFIDENCES),
  method: Type.String(),
  evidence: Type.Optional(Type.Array(Type.String())),
  by: Type.Optional(Type.String()),
  at: Type.Optional(Type.String()),
});

export const IncidentSchema = Type.Object(
  {
    id: Type.String(),
    agreementVersionId: Type.Union([Type.String(), Type.Null()], {
      description:
        'The version that judged it; null (with redacted) for a reader who may not read that version',
    }),
    category: Type.String({ description: '`_undisclosed` when redacted' }),
    redacted: Type.Optional(
      Type.Literal(true, {
        description:
          'The reader may not read the version that judged it: no version, category, zones, sector, side or provisions',
      }),
    ),
    status: StringEnum(INCIDENT_STATUSES),
    duplicateOf: Type.Optional(Type.String()),
    severity: StringEnum(Severities),
    provisions: Type.Array(Type.String()),
    zones: Type.Array(Type.String()),
    side: Type.Optional(Type.String()),
    sector: Type.Optional(Type.String()),
    lon: Type.Number(),
    lat: Type.Number(),
    radiusM: Type.Number(),
    observedFrom: Type.String(),
    observedTo: Type.String(),
    reportIds: Type.Array(Type.String()),
    corroboration: CorroborationSchema,
    attribution: Type.Optional(AttributionSchema),
    pending: Type.Optional(
      Type.Object({
        status: StringEnum(CONCLUSIONS),
        by: Type.String(),
        organisationId: Type.String(),
        reason: Type.String(),
        at: Type.String(),
      }),
    ),
    concludedBy: Type.Array(Type.String()),
    openedAt: Type.String(),
    dueAt: Type.String(),
    updatedAt: Type.String(),
    overdue: Type.Optional(Type.Boolean()),
    marking: StringEnum(MARKINGS),
    ownerOrganisationId: Type.String(),
    addressees: Type.Array(Type.String()),
  },
  { description: 'A candidate or verified incident (docs/verification.md)' },
);

export const TransitionSchema = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  from: StringEnum(INCIDENT_STATUSES),
  to: StringEnum(INCIDENT_STATUSES),
  step: StringEnum(['applied', 'proposed', 'confirmed', 'withdrawn'] as const),
  by: Type.String(),
  organisationId: Type.String(),
  reason: Type.String(),
  at: Type.String(),
  duplicateOf: Type.Optional(Type.String()),
});

export const FindingSchema = Type.Object(
  {
    id: Type.String(),
    incidentId: Type.String(),
    agreementVersionId: Type.Union([Type.String(), Type.Null()], {
      description:
        'The version that judged its incident; null (with redacted) for a reader who may not read that version',
    }),
    redacted: Type.Optional(
      Type.Literal(true, {
        description:
          'The reader may not read the version that judged it: no version, category, zones, sector, side or provisions',
      }),
    ),
    bodyId: Type.String(),
    state: StringEnum(FINDING_STATES),
    outcome: StringEnum(CONCLUSIONS),
    category: Type.String({ description: '`_undisclosed` when redacted' }),
    severity: StringEnum(Severities),
    attribution: Type.Optional(AttributionSchema),
    zones: Type.Array(Type.String()),
    side: Type.Optional(Type.String()),
    sector: Type.Optional(Type.String()),
    provisions: Type.Array(Type.String()),
    observedFrom: Type.String(),
    observedTo: Type.String(),
    lon: Type.Number(),
    lat: Type.Number(),
    summary: Type.String(),
    decisionRule: Type.String(),
    tally: Type.Object({
      for: Type.Integer(),
      against: Type.Integer(),
      abstain: Type.Integer(),
      seatsVoting: Type.Integer(),
      quorum: Type.Integer(),
    }),
    proposedBy: Type.Optional(Type.String()),
    proposedAt: Type.String(),
    decidedAt: Type.Optional(Type.String()),
    publishedAt: Type.Optional(Type.String()),
    public: Type.Boolean(),
    marking: StringEnum(MARKINGS),
    ownerOrganisationId: Type.String(),
    addressees: Type.Array(Type.String()),
  },
  { description: 'The body’s decision on an incident: the stable shape the response ladder reads' },
);

const VoteSchema = Type.Object({
  id: Type.String(),
  findingId: Type.String(),
  userId: Type.String(),
  username: Type.String(),
  organisationId: Type.String(),
  choice: StringEnum(VOTES),
  opinion: Type.Optional(Type.String()),
  at: Type.String(),
});

export const FindingDetailSchema = Type.Object({
  finding: FindingSchema,
  votes: Type.Optional(Type.Array(VoteSchema)),
  opinions: Type.Array(
    Type.Object({ organisationId: Type.String(), choice: StringEnum(VOTES), opinion: Type.String() }),
  ),
});

export const IncidentDetailSchema = Type.Object({
  incident: IncidentSchema,
  transitions: Type.Array(TransitionSchema),
  findings: Type.Array(FindingSchema),
  /** The incident's reports the reader may see (shaped as /reports/{id} shapes them). */
  reports: Type.Array(Type.Object({}, { additionalProperties: true })),
  /** How many of its reports the reader may not see. */
  hiddenReports: Type.Integer(),
  /** Transitions this reader may make now. */
  allowed: Type.Array(Type.String()),
});

export const IncidentListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', description: 'Comma-separated statuses' }),
    ),
    category: Type.Optional(IdString),
    severity: Type.Optional(StringEnum(Severities)),
    sector: Type.Optional(IdString),
    zone: Type.Optional(IdString),
    olderThanHours: Type.Optional(Type.Number({ minimum: 0, description: 'Opened at least this long ago' })),
    overdue: Type.Optional(Type.Boolean()),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    bbox: Type.Optional(BBoxQuery),
    sort: Type.Optional(StringEnum(['due', '-observed'] as const)),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    format: Type.Optional(StringEnum(['json', 'geojson'] as const)),
  },
  strict,
);
export type IncidentListQueryType = Static<typeof IncidentListQuery>;

export const TransitionBody = Type.Object(
  {
    to: StringEnum(INCIDENT_STATUSES),
    reason: Reason,
    duplicateOf: Type.Optional(IdString),
  },
  strict,
);

export const AttributionBody = Type.Object(
  {
    party: Type.Optional(IdString),
    confidence: StringEnum(ATTRIBUTION_CONFIDENCES),
    method: Reason,
    evidence: Type.Optional(Type.Array(IdString, { maxItems: 500 })),
  },
  strict,
);

export const AssessmentBody = Type.Object(
  {
    severity: Type.Optional(StringEnum(Severities)),
    provisions: Type.Optional(Type.Array(IdString, { maxItems: 200 })),
  },
  { ...strict, minProperties: 1 },
);

export const SplitBody = Type.Object(
  { reportIds: Type.Array(IdString, { minItems: 1, maxItems: 10_000 }), reason: Reason },
  strict,
);

export const MergeBody = Type.Object(
  { incidentIds: Type.Array(IdString, { minItems: 1, maxItems: 1000 }), reason: Reason },
  strict,
);

export const ProposeBody = Type.Object({ summary: Reason, public: Type.Optional(Type.Boolean()) }, strict);

export const VoteBody = Type.Object({ choice: StringEnum(VOTES), opinion: Type.Optional(Reason) }, strict);

export const FindingListQuery = Type.Object(
  {
    state: Type.Optional(StringEnum(FINDING_STATES)),
    category: Type.Optional(IdString),
    severity: Type.Optional(StringEnum(Severities)),
    published: Type.Optional(Type.Boolean()),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  strict,
);

export const QuietDaysQuery = Type.Object(
  { asOf: Type.Optional(Instant), version: Type.Optional(IdString) },
  strict,
);

export const QuietDaysSchema = Type.Object({
  asOf: Type.String(),
  since: Type.String(),
  timeZone: Type.String(),
  basis: StringEnum(['incidents', 'findings'] as const),
  areas: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: StringEnum(['zone', 'sector', 'whole'] as const),
      quietDays: Type.Integer(),
      lastViolation: Type.Optional(Type.String()),
    }),
  ),
});

export const CorrelationResultSchema = Type.Object({
  reports: Type.Integer(),
  opened: Type.Integer(),
  joined: Type.Integer(),
  followed: Type.Integer(),
  ms: Type.Number(),
});
