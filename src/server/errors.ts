import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import { AppError, type ErrorCode, type FieldProblem } from '../core/errors.js';
import { storageFaultOf } from '../db/faults.js';
import { LedgerError } from '../ledger/errors.js';
import { ImportFileError } from '../monitoring/import/importer.js';

/** The one place an error code becomes an HTTP status. */
export const STATUS_OF: Record<ErrorCode, number> = {
  bad_request: 400,
  malformed_json: 400,
  unauthenticated: 401,
  session_expired: 401,
  token_invalid: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  request_timeout: 408,
  conflict: 409,
  rule_violated: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  headers_too_large: 431,
  internal: 500,
  unavailable: 503,
};

const TITLES: Record<ErrorCode, string> = {
  bad_request: 'The request is not valid HTTP for this route',
  validation_failed: 'The request is not valid',
  malformed_json: 'The body is not well-formed JSON',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'The body is too large',
  uri_too_long: 'The URL is too long',
  headers_too_large: 'The request headers are too large',
  request_timeout: 'The request took too long to arrive',
  unauthenticated: 'Sign-in required',
  session_expired: 'The session has expired',
  token_invalid: 'The API token is not valid',
  csrf_failed: 'CSRF check failed',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict',
  rule_violated: 'A rule of the workflow forbids this',
  rate_limited: 'Too many requests',
  unavailable: 'Service unavailable',
  internal: 'Internal error',
};

/** RFC 9457 problem details body. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldProblem[];
}

export function problemOf(error: AppError, instance?: string, requestId?: string): Problem {
  return {
    type: `urn:truceline:problem:${error.code}`,
    title: TITLES[error.code],
    status: STATUS_OF[error.code],
    detail: error.message,
    ...(instance !== undefined ? { instance } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(error.errors.length > 0 ? { errors: error.errors } : {}),
  };
}

/**
 * A whole HTTP response in problem+json, for the socket when Node's parser refused a request before
 * there was a request to answer (headers too large, a timeout, broken HTTP). The connection closes.
 */
export function rawProblemResponse(error: AppError): string {
  const body = JSON.stringify(problemOf(error));
  const status = STATUS_OF[error.code];
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/problem+json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Node's refusals of a request before routing (its `clientError` codes), as an AppError. */
export function clientErrorOf(nodeCode: string | undefined): AppError {
  if (nodeCode === 'HPE_HEADER_OVERFLOW')
    return new AppError(
      'headers_too_large',
      'the request line and headers are larger than the server accepts',
    );
  if (nodeCode === 'ERR_HTTP_REQUEST_TIMEOUT')
    return new AppError('request_timeout', 'the request did not arrive in time');
  return new AppError('bad_request', 'the request is not valid HTTP');
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
};

/**
 * Any error thrown while answering a request, as an AppError: our own as they are, the log core's and
 * the importers' by their meaning, Fastify's by its code, a storage fault (disk full, read-only, the
 * database gone) as 503 saying so; anything else becomes a plain `internal`.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof LedgerError) return new AppError('validation_failed', error.message);
  if (error instanceof ImportFileError)
    return new AppError('validation_failed', error.message, error.problems);
  const e = error as FastifyError;
  const mapped = FASTIFY_CODES[e.code];
  if (mapped) return new AppError(mapped, e.message);
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new AppError('malformed_json', 'the body is empty but Content-Type says JSON');
  if (e instanceof SyntaxError || (e.statusCode === 400 && /JSON/.test(e.message))) {
    return new AppError('malformed_json', `the body is not valid JSON: ${e.message}`);
  }
  const fault = storageFaultOf(error);
  if (fault) return new AppError('unavailable', fault.message, [], { 'retry-after': '30' });
  if (e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500) {
    // Fastify's other client errors keep their status where a code has it (404, 413, 415, 429…).
    const code = (Object.keys(STATUS_OF) as ErrorCode[]).find((c) => STATUS_OF[c] === e.statusCode);
    return new AppError(code ?? 'bad_request', e.message);
  }
  return new AppError('internal', 'an internal error occurred; it has been logged with the request id');
}
