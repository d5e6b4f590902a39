import { Type, type Static } from '@sinclair/typebox';

export const WebhookIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const WebhookCreateBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'http(s) URL the events are POSTed to' }),
    kinds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 50,
      description: 'event kinds: `commitment.pledged`, a prefix `commitment.*`, or `*`',
    }),
  },
  { additionalProperties: false },
);
export type WebhookCreateBodyType = Static<typeof WebhookCreateBody>;

export const WebhookSchema = Type.Object({
  id: Type.String(),
  organisationId: Type.String(),
  url: Type.String(),
  kinds: Type.Array(Type.String()),
  createdAt: Type.String(),
  active: Type.Boolean(),
});

export const WebhookCreatedSchema = Type.Object({
  subscription: WebhookSchema,
  secret: Type.String({ description: 'the HMAC key; shown this once' }),
});

export const WebhookAttemptSchema = Type.Object({
  at: Type.String(),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Number(),
});

export const WebhookDeliverySchema = Type.Object({
  id: Type.String(),
  subscriptionId: Type.String(),
  eventKind: Type.String(),
  recordId: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  attemptLog: Type.Array(WebhookAttemptSchema),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  deliveredAt: Type.Union([Type.String(), Type.Null()]),
});

export const DeliveriesQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) },
  { additionalProperties: false },
);

export const EventsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ maxLength: 40, description: 'an event id: only later events (as Last-Event-ID)' }),
    ),
  },
  { additionalProperties: false },
);

export const EventSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  recordId: Type.String(),
  at: Type.String(),
  marking: Type.String(),
  summary: Type.Record(Type.String(), Type.Unknown()),
});

export const EventsPageSchema = Type.Object({
  events: Type.Array(EventSchema),
  lastEventId: Type.String({ description: 'the newest event id the server has numbered' }),
  complete: Type.Boolean({ description: 'false when events after `after` have left the buffer' }),
});
