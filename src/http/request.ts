import type { FastifyRequest } from 'fastify';
import type { Actor } from '../access/audit.service.js';

/** The cookie that carries a dashboard session. */
export const SESSION_COOKIE = 'tl_session';
/** The header a cookie-authenticated write must carry (double-submit CSRF token). */
export const CSRF_HEADER = 'x-csrf-token';

/** The actor of a request, for services that record what was done and by whom. */
export function actorOf(request: FastifyRequest): Actor {
  return { principal: request.principal, requestId: request.id, clientIp: request.ip };
}
