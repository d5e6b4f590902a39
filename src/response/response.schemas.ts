import { Type, type Static } from '@sinclair/typebox';
import { MARKINGS } from '../access/marking.js';
import { StringEnum } from '../http/schema.js';
import { CASE_STATUSES } from './ladder.cases.js';

const strict = { additionalProperties: false } as const;
const IdString = Type.String({ minLength: 1, maxLength: 200 });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const CaseIdParams = Type.Object({ id: IdString }, strict);

export const CaseListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(CASE_STATUSES)),
    ladder: Type.Optional(IdString),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  strict,
);
export type CaseListQueryType = Static<typeof CaseListQuery>;

const StepSchema = Type.Object({
  at: Type.String(),
  kind: Type.String(),
  rungId: Type.String(),
  reason: Type.String(),
});

const EvidenceSchema = Type.Object({
  findings: Type.Array(
    Type.Object({
      id: Type.String(),
      incidentId: Type.String(),
      category: Type.String(),
      severity: Type.String(),
      party: Nullable(Type.String()),
      decidedAt: Type.String(),
      logIndex: Nullable(Type.Integer()),
    }),
  ),
  incidents: Type.Array(Type.String()),
  reports: Type.Array(Type.String()),
  evidence: Type.Array(
    Type.Object({
      id: Type.String(),
      reportId: Type.String(),
      sha256: Type.String(),
      logIndex: Nullable(Type.Integer()),
    }),
  ),
});

export const CaseSchema = Type.Object({
  id: Type.String(),
  ladderId: Type.String(),
  agreementVersionId: Type.String(),
  party: Nullable(Type.String()),
  rungId: Type.String(),
  rungIndex: Type.Integer(),
  status: StringEnum(CASE_STATUSES),
  outcome: Nullable(Type.String()),
  deadline: Nullable(Type.String()),
  actors: Type.Array(Type.String()),
  decisionRule: Type.String(),
  findingIds: Type.Array(Type.String()),
  openedAt: Type.String(),
  rungSince: Type.String(),
  updatedAt: Type.String(),
  steps: Type.Array(StepSchema),
  evidence: EvidenceSchema,
  marking: StringEnum(MARKINGS),
  ownerOrganisationId: Type.String(),
  addressees: Type.Array(Type.String()),
});

export const DecisionSchema = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  rungId: Type.String(),
  actor: Type.String(),
  organisationId: Type.String(),
  userId: Type.String(),
  option: Type.String(),
  reason: Type.String(),
  at: Type.String(),
});

export const InactionSchema = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  rungId: Type.String(),
  actor: Type.String(),
  deadline: Type.String(),
  at: Type.String(),
});

export const CaseDetailSchema = Type.Object({
  case: CaseSchema,
  decisions: Type.Array(DecisionSchema),
  inactions: Type.Array(InactionSchema),
  options: Type.Array(Type.String()),
});

export const CaseListSchema = Type.Object({ cases: Type.Array(CaseSchema), total: Type.Integer() });

export const DecisionBody = Type.Object(
  {
    option: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'escalate, hold, close or respond:<response id>',
    }),
    reason: Type.String({ minLength: 1, maxLength: 4000 }),
    rung: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The rung you decide at (refused if the case moved on).',
      }),
    ),
    actor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The actor you decide for, when your organisation acts for several.',
      }),
    ),
  },
  strict,
);
export type DecisionBodyType = Static<typeof DecisionBody>;

const ConditionSchema = Type.Object({
  id: Type.String(),
  description: Type.String(),
  met: Type.Boolean(),
  findingIds: Type.Array(Type.String()),
});

export const GuaranteeStatusSchema = Type.Object({
  versionId: Type.String(),
  guarantees: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      beneficiary: Type.String(),
      guarantors: Type.Array(Type.String()),
      state: StringEnum(['dormant', 'activated', 'void'] as const),
      activation: Type.Array(ConditionSchema),
      void: Type.Array(ConditionSchema),
    }),
  ),
});

export const GuaranteeStatusQuery = Type.Object({ version: Type.Optional(IdString) }, strict);

export const ReplayQuery = Type.Object(
  { from: Type.String({ format: 'date-time' }), to: Type.String({ format: 'date-time' }) },
  strict,
);

export const ReplaySchema = Type.Object({
  from: Type.String(),
  to: Type.String(),
  reproduced: Type.Integer(),
  compared: Type.Integer(),
  mismatches: Type.Array(
    Type.Object({
      caseId: Type.String(),
      field: Type.String(),
      stored: Type.String(),
      replayed: Type.String(),
    }),
  ),
  text: Type.String(),
});
