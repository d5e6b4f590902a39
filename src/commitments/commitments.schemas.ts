import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../http/schema.js';
import {
  PLEDGE_CATEGORIES,
  PLEDGE_MARKINGS,
  RATIFICATION_MARKINGS,
  RATIFICATION_RECORD_STATUSES,
} from './commitment.model.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Quantity = Type.Number({ exclusiveMinimum: 0, maximum: 1e15 });
const strict = { additionalProperties: false } as const;

export const PledgeIdParams = Type.Object({ id: Id });
export const GuaranteeParams = Type.Object({ id: Id });
export const StepParams = Type.Object({ id: Id, stepId: Id });

export const PledgeBody = Type.Object(
  {
    guaranteeId: Id,
    guarantor: Type.Optional(Id),
    category: StringEnum(PLEDGE_CATEGORIES),
    item: Type.String({ minLength: 1, maxLength: 500, description: 'a weapons system, programme or fund' }),
    quantity: Quantity,
    unit: Type.String({ minLength: 1, maxLength: 32, description: 'pieces, rounds, or a currency (EUR)' }),
    responseId: Type.Optional(Id),
    provision: Type.Optional(Id),
    pledgedOn: Day,
    marking: Type.Optional(StringEnum(PLEDGE_MARKINGS)),
  },
  strict,
);
export type PledgeBodyType = Static<typeof PledgeBody>;

export const DeliveryBody = Type.Object(
  {
    quantity: Quantity,
    deliveredOn: Day,
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    evidenceSha256: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  },
  strict,
);

export const AmendmentBody = Type.Object(
  {
    quantity: Quantity,
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    amendedOn: Type.Optional(Day),
  },
  strict,
);

export const PledgeListQuery = Type.Object(
  {
    guarantee: Type.Optional(Id),
    guarantor: Type.Optional(Id),
    category: Type.Optional(StringEnum(PLEDGE_CATEGORIES)),
  },
  strict,
);
export type PledgeListQueryType = Static<typeof PledgeListQuery>;

export const PledgeSchema = Type.Object({
  id: Type.String(),
  guaranteeId: Type.String(),
  agreementVersionId: Type.String(),
  guarantor: Type.String(),
  category: Type.String(),
  item: Type.String(),
  quantity: Type.Number(),
  unit: Type.String(),
  responseId: Type.Optional(Type.String()),
  provision: Type.Optional(Type.String()),
  pledgedOn: Type.String(),
  revision: Type.Integer(),
  recordedAt: Type.String(),
  marking: Type.String(),
  ownerOrganisationId: Type.String(),
  addressees: Type.Array(Type.String()),
  delivered: Type.Number(),
  remaining: Type.Number(),
});

export const AmendmentSchema = Type.Object({
  id: Type.String(),
  pledgeId: Type.String(),
  revision: Type.Integer(),
  fromQuantity: Type.Number(),
  toQuantity: Type.Number(),
  reason: Type.String(),
  amendedOn: Type.String(),
  recordedAt: Type.String(),
});

export const DeliverySchema = Type.Object({
  id: Type.String(),
  pledgeId: Type.String(),
  quantity: Type.Number(),
  deliveredOn: Type.String(),
  note: Type.Optional(Type.String()),
  evidenceSha256: Type.Optional(Type.String()),
  recordedAt: Type.String(),
});

export const PledgeDetailSchema = Type.Object({
  pledge: PledgeSchema,
  amendments: Type.Array(AmendmentSchema),
  deliveries: Type.Array(DeliverySchema),
});

const SummaryRowSchema = Type.Object({
  guarantor: Type.Optional(Type.String()),
  category: Type.Optional(Type.String()),
  unit: Type.String(),
  pledges: Type.Integer(),
  pledged: Type.Number(),
  delivered: Type.Number(),
  remaining: Type.Number(),
  deliveredShare: Type.Number(),
});

export const SummarySchema = Type.Object({
  asOf: Type.String(),
  byGuarantorAndCategory: Type.Array(SummaryRowSchema),
  byCategory: Type.Array(SummaryRowSchema),
  byGuarantor: Type.Array(SummaryRowSchema),
  timeline: Type.Array(
    Type.Object({
      month: Type.String(),
      unit: Type.String(),
      pledged: Type.Number(),
      delivered: Type.Number(),
      cumulativePledged: Type.Number(),
      cumulativeDelivered: Type.Number(),
    }),
  ),
});

export const RatificationBody = Type.Object(
  {
    status: StringEnum(RATIFICATION_RECORD_STATUSES),
    on: Day,
    votesFor: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    votesAgainst: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    marking: Type.Optional(StringEnum(RATIFICATION_MARKINGS)),
  },
  strict,
);

const RatificationRecordSchema = Type.Object({
  id: Type.String(),
  stepId: Type.String(),
  seq: Type.Integer(),
  status: Type.String(),
  on: Type.String(),
  votesFor: Type.Optional(Type.Integer()),
  votesAgainst: Type.Optional(Type.Integer()),
  note: Type.Optional(Type.String()),
  recordedAt: Type.String(),
  marking: Type.String(),
  ownerOrganisationId: Type.String(),
});

export const RatificationSchema = Type.Object({
  agreementVersionId: Type.String(),
  guaranteeId: Type.String(),
  name: Type.String(),
  legalForm: Type.String(),
  obligationStrength: Type.Optional(Type.String()),
  ratificationStatus: Type.String(),
  steps: Type.Array(
    Type.Object({
      id: Type.String(),
      actor: Type.String(),
      body: Type.String(),
      kind: Type.String(),
      status: Type.String(),
      due: Type.Optional(Type.String()),
      completed_on: Type.Optional(Type.String()),
      current: Type.String(),
      history: Type.Array(RatificationRecordSchema),
    }),
  ),
  guaranteeStatus: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: "the negotiation status's guarantee entry" }),
  ),
  negotiation: Type.Object({}, { additionalProperties: true, description: 'as GET /agreement/negotiation' }),
});
