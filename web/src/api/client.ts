/**
 * The one way the dashboard talks to the server: same-origin fetch with the session cookie, the CSRF
 * token on writes, and RFC 9457 problem+json turned into {@link ApiError}.
 */
import { t } from '../i18n/index.js';

/** One field-level problem as the server reports it: a JSON pointer and a reason. */
export interface FieldProblem {
  path: string;
  reason: string;
  /** The workflow rule a refusal names (`four-eyes-second-analyst`…), when it is one. */
  rule?: string;
}

/** An error answer from the server (or the network), with the problem details when there are any. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors: FieldProblem[] = [],
    readonly code: string | undefined = undefined,
  ) {
    super(detail || title);
  }

  /** True when the server has no such route or record (a feature not built yet, or a wrong id). */
  get notFound(): boolean {
    return this.status === 404;
  }
}

let csrfToken: string | undefined;
const sessionLostListeners = new Set<() => void>();

/** Calls `listener` when the server says the session is gone (expired, ended elsewhere). */
export function onSessionLost(listener: () => void): () => void {
  sessionLostListeners.add(listener);
  return () => sessionLostListeners.delete(listener);
}

/** Remembers the session's CSRF token (from sign-in or /me) for every later write. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A JSON body; a Blob or ArrayBuffer is sent as is. */
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function send(url: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof Blob || options.body instanceof ArrayBuffer) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (UNSAFE.has(method) && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', t('common.network'));
  }
  if (!response.ok) {
    const error = await errorOf(response);
    if (error.status === 401 && csrfToken !== undefined) {
      csrfToken = undefined; // once: the listeners' own requests must not announce it again
      for (const listener of sessionLostListeners) listener();
    }
    throw error;
  }
  return response;
}

async function errorOf(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const problem = (await response.json()) as {
        title?: string;
        detail?: string;
        type?: string;
        errors?: FieldProblem[];
      };
      const code = problem.type?.startsWith('urn:truceline:problem:')
        ? problem.type.slice('urn:truceline:problem:'.length)
        : undefined;
      return new ApiError(
        response.status,
        problem.title ?? response.statusText,
        problem.detail ?? '',
        Array.isArray(problem.errors) ? problem.errors : [],
        code,
      );
    } catch {
      // fall through to the plain error below
    }
  }
  return new ApiError(response.status, response.statusText, `HTTP ${response.status}`);
}

/** GET (or another method) returning parsed JSON. */
export async function getJson<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(url, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A request returning text (checkpoints, receipts). */
export async function getText(url: string, options: RequestOptions = {}): Promise<string> {
  return (await send(url, { ...options, headers: { accept: 'text/plain', ...options.headers } })).text();
}

/** A request whose response headers matter too (log receipts come back in headers). */
export async function request<T>(
  url: string,
  options: RequestOptions = {},
): Promise<{ body: T; headers: Headers; status: number }> {
  const response = await send(url, options);
  const body = (response.status === 204 ? undefined : await response.json()) as T;
  return { body, headers: response.headers, status: response.status };
}
