import { Type } from '@sinclair/typebox';
import { actorOf, CSRF_HEADER, SESSION_COOKIE } from '../http/request.js';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';
import {
  AccessEventQuery,
  AccessEventSchema,
  IdParams,
  LoginResultSchema,
  LoginSchema,
  MeSchema,
  NewOrganisationSchema,
  NewTokenResultSchema,
  NewTokenSchema,
  NewUserSchema,
  OrganisationPatchSchema,
  OrganisationSchema,
  PasswordChangeSchema,
  TokenListQuery,
  TokenSchema,
  UserPatchSchema,
  UserSchema,
} from './access.schemas.js';
import type { AuditTrail } from './audit.service.js';
import type { OrganisationService } from './organisation.service.js';
import type { SessionService } from './session.service.js';
import type { TokenService } from './token.service.js';
import type { UserService } from './user.service.js';
import { assertSelfOrAdmin } from './user.service.js';

const tags = ['access'];

/** What the access routes need: the access domain's services and whether cookies are `Secure`. */
export interface AccessServices {
  sessions: SessionService;
  users: UserService;
  organisations: OrganisationService;
  tokens: TokenService;
  audit: AuditTrail;
  secureCookies: boolean;
}

/** Sign-in, the current principal, organisations, users, tokens and the access-event record. */
export function registerAccessRoutes(app: App, s: AccessServices): void {
  app.post(
    '/auth/login',
    {
      schema: {
        tags,
        summary: 'Sign in with a password; sets the session cookie',
        security: [],
        body: LoginSchema,
        response: { 200: LoginResultSchema },
      },
      config: { public: true },
    },
    async (request, reply) => {
      const result = await s.sessions.login(actorOf(request), request.body.username, request.body.password);
      void reply.setCookie(SESSION_COOKIE, result.sessionSecret, {
        path: '/',
        httpOnly: true,
        secure: s.secureCookies,
        sameSite: 'strict',
        expires: new Date(result.expiresAt),
      });
      return { user: result.user, csrfToken: result.csrfToken, expiresAt: result.expiresAt };
    },
  );

  app.post(
    '/auth/logout',
    {
      schema: { tags, summary: `End the session (send ${CSRF_HEADER})`, response: { 204: Type.Null() } },
      config: { permission: 'me:read' },
    },
    async (request, reply) => {
      const secret = request.cookies[SESSION_COOKIE];
      if (secret) await s.sessions.logout(secret);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags,
        summary: 'Who you are, your organisation and what you may do',
        response: { 200: MeSchema },
      },
      config: { public: true },
    },
    async (request) => {
      const p = request.principal;
      const user = p.userId !== null ? await s.users.get(p.userId) : null;
      const organisation = p.organisationId !== null ? await s.organisations.get(p.organisationId) : null;
      return {
        user,
        organisation,
        roles: p.roles,
        permissions: [...p.permissions].sort(),
        via: p.via,
        ...(p.csrfToken !== undefined ? { csrfToken: p.csrfToken } : {}),
      };
    },
  );

  app.put(
    '/me/password',
    {
      schema: {
        tags,
        summary: 'Change your own password',
        body: PasswordChangeSchema,
        response: { 204: Type.Null() },
      },
      config: { permission: 'me:read' },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p.userId === null || p.username === null) throw new AppError('unauthenticated', 'sign in first');
      // Re-check the current password so a stolen session alone cannot take over the account.
      await s.sessions.authenticate(actorOf(request), p.username, request.body.currentPassword);
      await s.users.update(actorOf(request), p.userId, { password: request.body.newPassword });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/organisations',
    {
      schema: { tags, summary: 'List organisations', response: { 200: Type.Array(OrganisationSchema) } },
      config: { permission: 'organisations:read' },
    },
    () => s.organisations.list(),
  );
  app.get(
    '/organisations/:id',
    {
      schema: { tags, params: IdParams, response: { 200: OrganisationSchema } },
      config: { permission: 'organisations:read' },
    },
    (request) => s.organisations.get(request.params.id),
  );
  app.post(
    '/organisations',
    {
      schema: {
        tags,
        summary: 'Create an organisation (admin)',
        body: NewOrganisationSchema,
        response: { 201: OrganisationSchema },
      },
      config: { permission: 'organisations:manage' },
    },
    async (request, reply) =>
      reply.status(201).send(await s.organisations.create(actorOf(request), request.body)),
  );
  app.patch(
    '/organisations/:id',
    {
      schema: {
        tags,
        summary: 'Rename an organisation (admin)',
        params: IdParams,
        body: OrganisationPatchSchema,
        response: { 200: OrganisationSchema },
      },
      config: { permission: 'organisations:manage' },
    },
    (request) => s.organisations.rename(actorOf(request), request.params.id, request.body.name),
  );

  app.get(
    '/users',
    {
      schema: {
        tags,
        summary: 'List users (admin)',
        querystring: Type.Object(
          { organisationId: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Array(UserSchema) },
      },
      config: { permission: 'users:read' },
    },
    (request) =>
      s.users.list(
        request.query.organisationId !== undefined ? { organisationId: request.query.organisationId } : {},
      ),
  );
  app.get(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'One user (yourself, or any user for admins)',
        params: IdParams,
        response: { 200: UserSchema },
      },
      config: { permission: 'me:read' },
    },
    (request) => {
      assertSelfOrAdmin(actorOf(request), request.params.id);
      return s.users.get(request.params.id);
    },
  );
  app.post(
    '/users',
    {
      schema: { tags, summary: 'Create a user (admin)', body: NewUserSchema, response: { 201: UserSchema } },
      config: { permission: 'users:manage' },
    },
    async (request, reply) => reply.status(201).send(await s.users.create(actorOf(request), request.body)),
  );
  app.patch(
    '/users/:id',
    {
      schema: {
        tags,
        summary: 'Change roles, name, password or disable a user (admin)',
        params: IdParams,
        body: UserPatchSchema,
        response: { 200: UserSchema },
      },
      config: { permission: 'users:manage' },
    },
    (request) => s.users.update(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Your API tokens (admins: any user’s)',
        querystring: TokenListQuery,
        response: { 200: Type.Array(TokenSchema) },
      },
      config: { permission: 'tokens:manage-own' },
    },
    (request) => s.tokens.list(actorOf(request), request.query.userId),
  );
  app.post(
    '/tokens',
    {
      schema: {
        tags,
        summary: 'Issue an API token; the secret is shown once',
        body: NewTokenSchema,
        response: { 201: NewTokenResultSchema },
      },
      config: { permission: 'tokens:manage-own' },
    },
    async (request, reply) => {
      const userId = request.body.userId ?? request.principal.userId;
      if (userId === null) throw new AppError('unauthenticated', 'sign in first');
      const result = await s.tokens.create(actorOf(request), {
        userId,
        name: request.body.name,
        ...(request.body.scopes !== undefined ? { scopes: request.body.scopes } : {}),
        ...(request.body.expiresInDays !== undefined ? { expiresInDays: request.body.expiresInDays } : {}),
      });
      return reply.status(201).send(result);
    },
  );
  app.delete(
    '/tokens/:id',
    {
      schema: { tags, summary: 'Revoke a token', params: IdParams, response: { 200: TokenSchema } },
      config: { permission: 'tokens:manage-own' },
    },
    (request) => s.tokens.revoke(actorOf(request), request.params.id),
  );

  app.get(
    '/access-events',
    {
      schema: {
        tags,
        summary: 'Denied accesses, sign-ins and admin actions (admin)',
        querystring: AccessEventQuery,
        response: { 200: Type.Array(AccessEventSchema) },
      },
      config: { permission: 'audit:read' },
    },
    (request) =>
      s.audit.list({
        limit: request.query.limit,
        ...(request.query.outcome !== undefined ? { outcome: request.query.outcome } : {}),
        ...(request.query.action !== undefined ? { action: request.query.action } : {}),
        ...(request.query.before !== undefined ? { beforeId: request.query.before } : {}),
      }),
  );
}
