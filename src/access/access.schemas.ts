import { Type } from '@sinclair/typebox';
import { StringEnum } from '../http/schema.js';
import { ORGANISATION_KINDS, PERMISSIONS, ROLES } from './policy.js';

export const RoleSchema = StringEnum(ROLES);
export const PermissionSchema = StringEnum(PERMISSIONS);
export const OrganisationKindSchema = StringEnum(ORGANISATION_KINDS);

export const IdParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

export const OrganisationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    kind: OrganisationKindSchema,
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Organisation' },
);
export const NewOrganisationSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
        description: 'A short stable id, e.g. "UA"',
      }),
    ),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: OrganisationKindSchema,
  },
  { additionalProperties: false },
);
export const OrganisationPatchSchema = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

export const UserSchema = Type.Object(
  {
    id: Type.String(),
    organisationId: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(RoleSchema),
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'User' },
);
export const NewUserSchema = Type.Object(
  {
    organisationId: Type.String({ minLength: 1 }),
    username: Type.String({ minLength: 2, maxLength: 63 }),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    roles: Type.Array(RoleSchema, { minItems: 1, maxItems: 8 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export const UserPatchSchema = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, maxItems: 8 })),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const PasswordChangeSchema = Type.Object(
  {
    currentPassword: Type.String({ maxLength: 1024 }),
    newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const LoginSchema = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 63 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export const LoginResultSchema = Type.Object({
  user: UserSchema,
  csrfToken: Type.String({ description: 'Send as x-csrf-token on every write made with the session cookie' }),
  expiresAt: Type.String({ format: 'date-time' }),
});

/** The answer of GET /me: who is asking, their organisation, roles and permissions. */
export const MeSchema = Type.Object({
  user: Type.Union([UserSchema, Type.Null()]),
  organisation: Type.Union([OrganisationSchema, Type.Null()]),
  roles: Type.Array(RoleSchema),
  permissions: Type.Array(PermissionSchema),
  via: Type.Union([Type.Literal('session'), Type.Literal('token'), Type.Literal('anonymous')]),
  csrfToken: Type.Optional(Type.String()),
});

export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    userId: Type.String(),
    name: Type.String(),
    scopes: Type.Array(PermissionSchema),
    expiresAt: Type.String({ format: 'date-time' }),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'ApiToken' },
);
export const NewTokenSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    userId: Type.Optional(Type.String({ description: 'Admins may issue tokens for another user' })),
    scopes: Type.Optional(Type.Array(PermissionSchema, { minItems: 1, maxItems: 64 })),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
  },
  { additionalProperties: false },
);
export const NewTokenResultSchema = Type.Object({
  token: TokenSchema,
  secret: Type.String({ description: 'Shown once; store it now. Send as "Authorization: Bearer <secret>".' }),
});
export const TokenListQuery = Type.Object(
  { userId: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const AccessEventSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String({ format: 'date-time' }),
  requestId: Type.Union([Type.String(), Type.Null()]),
  actorUserId: Type.Union([Type.String(), Type.Null()]),
  actorOrganisationId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  resource: Type.String(),
  outcome: Type.Union([Type.Literal('allowed'), Type.Literal('denied')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  clientIp: Type.Union([Type.String(), Type.Null()]),
});
export const AccessEventQuery = Type.Object(
  {
    outcome: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('denied')])),
    action: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
