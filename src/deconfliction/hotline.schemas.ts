import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../http/schema.js';
import { CHANNEL_STATUSES, URGENCIES } from './hotline.model.js';

const strict = { additionalProperties: false } as const;
const OrgId = Type.String({ minLength: 1, maxLength: 100 });

export const HotlineIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

export const ChannelSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  members: Type.Array(Type.String()),
  ackMinutes: Type.Integer(),
  suspensionLimitMinutes: Type.Integer(),
  commissionReads: Type.Boolean(),
  openedAt: Type.String(),
  openedBy: Type.String(),
  status: StringEnum(CHANNEL_STATUSES),
  statusSince: Type.String(),
});

export const StatusChangeSchema = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  seq: Type.Integer(),
  status: StringEnum(CHANNEL_STATUSES),
  cause: Type.String(),
  by: Type.String(),
  organisationId: Type.String(),
  at: Type.String(),
});

export const ChannelDetailSchema = Type.Object({
  channel: ChannelSchema,
  history: Type.Array(StatusChangeSchema),
});

export const MessageSchema = Type.Object({
  id: Type.String(),
  channelId: Type.String(),
  from: Type.String(),
  fromUserId: Type.String(),
  to: Type.String(),
  urgency: StringEnum(URGENCIES),
  body: Type.Optional(
    Type.String({
      description: 'absent for the commission unless the channel is configured commissionReads',
    }),
  ),
  sentAt: Type.String(),
  ackDeadline: Type.String(),
  acknowledgedAt: Type.Optional(Type.String()),
  acknowledgedBy: Type.Optional(Type.String()),
});

export const OpenChannelBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    members: Type.Array(OrgId, {
      minItems: 2,
      maxItems: 10,
      description: 'the member organisations: normally the two parties, optionally a guarantor',
    }),
    ackMinutes: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10_080, description: 'default acknowledgement deadline (15)' }),
    ),
    suspensionLimitMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_080,
        description: 'how long it may stay suspended before it escalates (60)',
      }),
    ),
    commissionReads: Type.Optional(
      Type.Boolean({ description: 'whether the commission reads message bodies' }),
    ),
  },
  strict,
);

export const StatusBody = Type.Object(
  { status: StringEnum(CHANNEL_STATUSES), cause: Type.String({ minLength: 1, maxLength: 4000 }) },
  strict,
);

export const SendBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 20_000 }),
    to: Type.Optional(OrgId),
    urgency: Type.Optional(StringEnum(URGENCIES)),
    ackDeadline: Type.Optional(Type.String({ format: 'date-time' })),
  },
  strict,
);

export const MessageListQuery = Type.Object(
  {
    pending: Type.Optional(Type.Boolean({ description: 'true: not yet acknowledged; false: acknowledged' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  strict,
);
export type MessageListQueryType = Static<typeof MessageListQuery>;
