import { Type, type Static } from '@sinclair/typebox';

const strict = { additionalProperties: false } as const;

export const EscalationIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

export const EscalationSchema = Type.Object({
  id: Type.String(),
  sourceKind: Type.String({
    description: 'hotline-channel, hotline-message, notice-delivery, disclosure-request, or another kind',
  }),
  sourceId: Type.String(),
  organisations: Type.Array(Type.String(), { description: 'the organisations involved' }),
  reason: Type.String(),
  raisedAt: Type.String(),
  raisedBy: Type.String({ description: 'the user who raised it, or system' }),
  resolvedAt: Type.Optional(Type.String()),
  resolvedBy: Type.Optional(Type.String()),
  resolution: Type.Optional(Type.String()),
});

export const EscalationListQuery = Type.Object(
  {
    sourceKind: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    sourceId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    open: Type.Optional(Type.Boolean({ description: 'true: unresolved only; false: resolved only' })),
    organisation: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  strict,
);
export type EscalationListQueryType = Static<typeof EscalationListQuery>;

export const ResolveBody = Type.Object(
  { resolution: Type.String({ minLength: 1, maxLength: 4000, description: 'what the commission did' }) },
  strict,
);
