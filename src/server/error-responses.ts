import { ProblemSchema } from '../http/schema.js';
import type { App } from '../http/app.js';
import type { ErrorCode } from '../core/errors.js';
import { STATUS_OF } from './errors.js';

/** The `$id` under which the problem+json body is a shared component of the OpenAPI document. */
export const PROBLEM_SCHEMA_ID = 'Problem';

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } },
});

/** One documented error response per status, described by the codes that answer with it. */
function errorResponse(...codes: ErrorCode[]): [number, ReturnType<typeof problem>] {
  return [STATUS_OF[codes[0] ?? 'internal'], problem(`Problem: ${codes.join(' or ')}`)];
}

interface RouteShape {
  method: string | string[];
  url: string;
  schema?: {
    hide?: boolean;
    security?: unknown[];
    body?: unknown;
    querystring?: unknown;
    params?: unknown;
    response?: Record<string | number, unknown>;
  };
  config?: { public?: boolean };
}

/**
 * The error responses a route can give, from its shape: every route can be rate-limited or fail;
 * one with input can be invalid; a signed-in one can be refused; one with path parameters can name
 * something that is not there (or that the caller may not see); a write can conflict.
 */
export function errorResponsesOf(route: RouteShape): Record<number, ReturnType<typeof problem>> {
  const s = route.schema ?? {};
  const methods = [route.method].flat();
  const writes = methods.some((m) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(m));
  const responses = [
    ...(s.body !== undefined
      ? [
          errorResponse('malformed_json', 'bad_request'),
          errorResponse('payload_too_large'),
          errorResponse('unsupported_media_type'),
        ]
      : [errorResponse('bad_request')]),
    ...(route.config?.public === true
      ? []
      : [
          errorResponse('unauthenticated', 'session_expired', 'token_invalid'),
          errorResponse('forbidden', 'csrf_failed'),
        ]),
    ...(s.params !== undefined ? [errorResponse('not_found')] : []),
    ...(writes ? [errorResponse('conflict')] : []),
    ...(s.body !== undefined || s.querystring !== undefined || s.params !== undefined
      ? [errorResponse('validation_failed')]
      : []),
    errorResponse('rate_limited'),
    errorResponse('internal'),
    errorResponse('unavailable'),
  ];
  return Object.fromEntries(responses);
}

/**
 * Documents the RFC 9457 error responses of every API route in the OpenAPI document (and serialises
 * them with the problem schema; a route's own response for a status wins), and marks public routes
 * as needing no credentials.
 */
export function documentErrorResponses(app: App): void {
  app.addSchema({ $id: PROBLEM_SCHEMA_ID, ...ProblemSchema });
  app.addHook('onRoute', (route) => {
    const shape = route as unknown as RouteShape;
    if (!route.url.startsWith('/api/') || shape.schema === undefined || shape.schema.hide === true) return;
    shape.schema.response = { ...errorResponsesOf(shape), ...shape.schema.response };
    if (shape.config?.public === true) shape.schema.security ??= [];
  });
}
