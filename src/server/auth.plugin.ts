import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER, SESSION_COOKIE } from '../http/request.js';
import { ANONYMOUS } from '../access/policy.js';
import type { AppServices } from './context.js';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Why a request's credential failed, thrown once the rate limiter has counted the request. */
const authFailures = new WeakMap<FastifyRequest, Error>();

/**
 * Whether a route is open to the anonymous public: declared `public`, or outside /api/ (the log under
 * /log/, the dashboard, the OpenAPI document). There a stale cookie is ignored, not an error.
 */
function isPublicRoute(request: FastifyRequest): boolean {
  if (request.routeOptions.config.public === true) return true;
  const route = request.routeOptions.url;
  return route !== undefined && !route.startsWith('/api/');
}

async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  services: AppServices,
): Promise<void> {
  const auth = request.headers.authorization;
  if (auth !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!match?.[1]) throw new AppError('token_invalid', 'Authorization header must be "Bearer <token>"');
    request.principal = await services.sessions.principalFromToken(match[1]);
    return;
  }
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie === undefined || cookie === '') return;
  try {
    request.principal = await services.sessions.principalFromSession(cookie);
  } catch (err) {
    // On public routes (sign-in, /me, the log) a stale cookie must not lock anyone out: answer as for
    // the anonymous public and drop the cookie. Protected routes still say the session expired.
    if (!(err instanceof AppError) || !isPublicRoute(request)) throw err;
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return;
  }
  if (UNSAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || sent !== request.principal.csrfToken) {
      throw new AppError(
        'csrf_failed',
        `a write with a session cookie needs the ${CSRF_HEADER} header from sign-in`,
      );
    }
  }
}

/**
 * Resolves the principal of every request (bearer token, session cookie, or anonymous), enforces CSRF on
 * cookie-authenticated writes, and applies each route's declared permission. A route that declares
 * neither a permission nor `public` cannot be registered.
 */
export function registerAuth(app: App, services: AppServices): void {
  app.decorateRequest('principal', null as unknown as typeof ANONYMOUS);

  app.addHook('onRoute', (route) => {
    const config = route.config as { permission?: string; public?: boolean } | undefined;
    if (route.url.startsWith('/api/') && config?.permission === undefined && config?.public !== true) {
      throw new Error(`route ${route.method.toString()} ${route.url} declares no permission`);
    }
  });

  // Credentials are resolved here, but a failure is only thrown in preParsing: the rate limiter (a
  // route-level onRequest hook, so it runs after this one) must count a request whose credential fails
  // against its address, or guessing tokens and cookies would cost nothing.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    request.principal = ANONYMOUS;
    try {
      await authenticate(request, reply, services);
    } catch (err) {
      // Everything authenticate throws is an Error: an AppError, or the database's own.
      authFailures.set(request, err as Error);
    }
  });

  app.addHook('preParsing', (request, _reply, payload, done) => {
    const failure = authFailures.get(request);
    if (failure === undefined) done(null, payload);
    else done(failure);
  });

  app.addHook('preHandler', async (request: FastifyRequest, _reply: FastifyReply) => {
    const config = request.routeOptions.config;
    if (config.public === true || config.permission === undefined) return;
    if (request.principal.permissions.has(config.permission)) return;
    if (request.principal.via === 'anonymous') {
      throw new AppError('unauthenticated', 'sign in or send an API token');
    }
    throw new AppError('forbidden', `your roles do not grant ${config.permission}`);
  });
}
