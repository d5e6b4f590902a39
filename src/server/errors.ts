/** Every error code the API can answer with; each becomes `urn:truceline:problem:<code>`. */
export type ErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthenticated'
  | 'session_expired'
  | 'token_invalid'
  | 'csrf_failed'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** One field-level problem: where (a JSON pointer, or FILE:LINE) and why. */
export interface FieldProblem {
  path: string;
  reason: string;
  line?: number;
  file?: string;
}

/** The one error class of the application; the server serialises it as RFC 9457 problem+json. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldProblem[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (why: string) => new AppError(403, 'forbidden', why);
export const conflict = (why: string) => new AppError(409, 'conflict', why);
export const invalid = (message: string, errors: FieldProblem[] = []) =>
  new AppError(422, 'validation_failed', message, errors);

const TITLES: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  malformed_json: 'The body is not well-formed JSON',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'The body is too large',
  unauthenticated: 'Sign-in required',
  session_expired: 'The session has expired',
  token_invalid: 'The API token is not valid',
  csrf_failed: 'CSRF check failed',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  conflict: 'Conflict',
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
    status: error.status,
    detail: error.message,
    ...(instance !== undefined ? { instance } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(error.errors.length > 0 ? { errors: error.errors } : {}),
  };
}
