/**
 * The application's one error model, below every edge: domains, the CLI and the server all import it,
 * and none of it speaks HTTP. The server maps each `code` to an HTTP status and an RFC 9457 problem in
 * one place (`src/server/errors.ts`); the CLI prints the message and the field problems.
 */

/** Every error code Truceline can answer with; the API names each `urn:truceline:problem:<code>`. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'request_timeout'
  | 'unauthenticated'
  | 'session_expired'
  | 'token_invalid'
  | 'csrf_failed'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rule_violated'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** One field-level problem: where (a JSON pointer, or FILE:LINE) and why. */
export interface FieldProblem {
  path: string;
  reason: string;
  line?: number;
  file?: string;
  /** The named rule the input breaks (a workflow rule, a four-eyes rule), when one does. */
  rule?: string;
}

/** The one error class of the application, keyed by `code`. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: FieldProblem[] = [],
    /** Response headers an edge should send with it (`Retry-After` on rate limits, for instance). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `what` does not exist, or the caller may not learn that it does. */
export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
/** The caller is known but its roles or organisation do not allow this. */
export const forbidden = (why: string) => new AppError('forbidden', why);
/** The request contradicts the current state (a duplicate, an illegal transition). */
export const conflict = (why: string) => new AppError('conflict', why);
/** The input breaks a rule; `errors` names each field and reason. */
export const invalid = (message: string, errors: FieldProblem[] = []) =>
  new AppError('validation_failed', message, errors);
/**
 * The request breaks a named rule of the workflow (an illegal transition, the four-eyes rule, a vote
 * after the decision): nothing was changed; `rule` names the rule, `path` the field it concerns.
 */
export const ruleViolated = (rule: string, why: string, path = '') =>
  new AppError('rule_violated', `${rule}: ${why}`, [{ path, reason: why, rule }]);
/** The service cannot answer now; the caller may try again. */
export const unavailable = (why: string) => new AppError('unavailable', why);

/** Whether an error is the not-found answer (a record the caller may not see, or that does not exist). */
export function isNotFound(err: unknown): boolean {
  return err instanceof AppError && err.code === 'not_found';
}
