import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../core/errors.js';
import { countFailedLogins } from './audit.repository.js';
import type { Actor, AuditTrail } from './audit.service.js';
import { hashPassword, hashSecret, verifyPassword } from './password.js';
import { permissionsFor, type Principal } from './policy.js';
import { deleteExpiredSessions, deleteSession, findSession, insertSession } from './session.repository.js';
import { findTokenBySecretHash, markTokenUsed } from './token.repository.js';
import { readAccessGeneration } from './access-generation.repository.js';
import { GenerationCache, markCheckedAt } from './generation-cache.js';
import { findOrganisationById } from './organisation.repository.js';
import { findUserById, findUserRowByUsername, toUser, type User } from './user.repository.js';

/**
 * Failed sign-ins one client may make for one account in the throttle window; after that this client
 * (not the account's owner elsewhere) waits. There is no lockout of the account itself: five wrong
 * passwords from anywhere must not lock its owner out.
 */
export const LOGIN_FAILURES_ALLOWED = 5;
/** Failed sign-ins one client may make across all accounts in the window (credential stuffing). */
export const CLIENT_FAILURES_ALLOWED = 20;
export const LOGIN_WINDOW_MINUTES = 15;
/**
 * A token's `last_used_at` is written at most this often: it says roughly when a token was last
 * used (to spot forgotten ones), and writing it on every request cost a write transaction — an fsync
 * on SQLite — per API call.
 */
export const TOKEN_USE_WRITE_INTERVAL_MS = 60_000;

/**
 * How long a token's principal is kept between requests. Any change to tokens, users or
 * organisations (in any process) retires it at once (`GenerationCache`); the time bounds the rest.
 */
export const TOKEN_PRINCIPAL_TTL_MS = 10_000;

/** Password sign-in, browser sessions, and resolving who a request comes from. */
export class SessionService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditTrail,
    private readonly now: () => Date,
    private readonly ttlHours: number,
    private readonly passwordCostN: number,
  ) {}

  #dummyHash: Promise<string> | undefined;
  /** When this process last wrote each token's `last_used_at` (ms by the service's clock). */
  readonly #tokenUseWritten = new Map<string, number>();
  /** Token secret hash → its principal, as of an access generation (see `principalFromToken`). */
  readonly #tokenPrincipals = new GenerationCache<{
    principal: Principal;
    tokenId: string;
    expiresAt: string;
  }>(TOKEN_PRINCIPAL_TTL_MS);

  /**
   * Checks a user's password, throttled per client and account; the answer and its timing are the
   * same for an unknown user, a disabled one and a wrong password. Opens no session.
   */
  async authenticate(actor: Actor, username: string, password: string): Promise<User> {
    const since = new Date(this.now().getTime() - LOGIN_WINDOW_MINUTES * 60_000).toISOString();
    const resource = `user:${username}`;
    const client = { clientIp: actor.clientIp };
    if (
      (await countFailedLogins(this.db, { ...client, username }, since)) >= LOGIN_FAILURES_ALLOWED ||
      (await countFailedLogins(this.db, client, since)) >= CLIENT_FAILURES_ALLOWED
    ) {
      await this.audit.record(this.db, actor, 'login', resource, 'denied', 'throttled');
      throw new AppError(
        'rate_limited',
        `too many failed sign-ins from this client; try again in ${LOGIN_WINDOW_MINUTES} minutes`,
        [],
        { 'retry-after': String(LOGIN_WINDOW_MINUTES * 60) },
      );
    }
    const row = await findUserRowByUsername(this.db, username);
    // An unknown user is checked against a hash of the same cost, so both answers take as long.
    const ok = await verifyPassword(password, row?.password_hash ?? (await this.unknownUserHash()));
    if (!row || !ok || row.disabled === 1 || row.password_hash === null) {
      const reason = !row ? 'unknown user' : row.disabled === 1 ? 'disabled' : 'wrong password';
      await this.audit.record(this.db, actor, 'login', resource, 'denied', reason);
      throw new AppError('unauthenticated', 'wrong username or password');
    }
    return toUser(row);
  }

  /**
   * The hash an unknown user's password is checked against: of a random password, at the configured
   * cost, so that an unknown name answers as slowly as a wrong password (tests compare the cost).
   */
  unknownUserHash(): Promise<string> {
    this.#dummyHash ??= hashPassword(crypto.randomBytes(24).toString('base64url'), this.passwordCostN);
    return this.#dummyHash;
  }

  /** Checks the password and opens a session; returns the cookie secret and the CSRF token. */
  async login(
    actor: Actor,
    username: string,
    password: string,
  ): Promise<{ sessionSecret: string; csrfToken: string; expiresAt: string; user: User }> {
    const user = await this.authenticate(actor, username, password);
    const now = this.now();
    const resource = `user:${username}`;
    const sessionSecret = crypto.randomBytes(32).toString('base64url');
    const csrfToken = crypto.randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.ttlHours * 3_600_000).toISOString();
    await this.db.transaction().execute(async (tx) => {
      await deleteExpiredSessions(tx, now.toISOString());
      await insertSession(tx, {
        id_hash: hashSecret(sessionSecret),
        user_id: user.id,
        csrf_token: csrfToken,
        expires_at: expiresAt,
        created_at: now.toISOString(),
      });
      await this.audit.record(
        tx,
        { ...actor, principal: { ...actor.principal, userId: user.id } },
        'login',
        resource,
        'allowed',
      );
    });
    return { sessionSecret, csrfToken, expiresAt, user };
  }

  async logout(sessionSecret: string): Promise<void> {
    await deleteSession(this.db, hashSecret(sessionSecret));
  }

  /** The principal behind a session cookie; throws 401 session_expired when it has lapsed or ended. */
  async principalFromSession(sessionSecret: string): Promise<Principal> {
    const session = await findSession(this.db, hashSecret(sessionSecret));
    if (!session || session.expires_at <= this.now().toISOString()) {
      throw new AppError('session_expired', 'the session has expired or was ended; sign in again');
    }
    const principal = await this.principalOfUser(session.user_id, undefined, 'session');
    if (!principal) throw new AppError('session_expired', 'the account is disabled; sign in again');
    return { ...principal, csrfToken: session.csrf_token };
  }

  /** The principal behind a bearer token; throws 401 token_invalid naming why. */
  async principalFromToken(secret: string): Promise<Principal> {
    const secretHash = hashSecret(secret);
    // Read before the token and its user: a change committed after this read moves the generation,
    // so what is cached below is never taken for newer than it is.
    const generation = await readAccessGeneration(this.db);
    const nowDate = this.now();
    const now = nowDate.toISOString();
    const cached = this.#tokenPrincipals.get(secretHash, generation, nowDate.getTime());
    if (cached !== undefined && cached.expiresAt > now) {
      markCheckedAt(cached.principal, generation);
      await this.#noteTokenUsed(cached.tokenId);
      return cached.principal;
    }
    const token = await findTokenBySecretHash(this.db, secretHash);
    if (!token) throw new AppError('token_invalid', 'the API token is not known');
    if (token.revokedAt !== null) throw new AppError('token_invalid', 'the API token was revoked');
    if (token.expiresAt <= now)
      throw new AppError('token_invalid', `the API token expired at ${token.expiresAt}`);
    const principal = await this.principalOfUser(token.userId, token.scopes, 'token');
    if (!principal) throw new AppError('token_invalid', 'the token’s account is disabled');
    this.#tokenPrincipals.set(secretHash, generation, nowDate.getTime(), {
      principal,
      tokenId: token.id,
      expiresAt: token.expiresAt,
    });
    markCheckedAt(principal, generation);
    await this.#noteTokenUsed(token.id);
    return principal;
  }

  /** Writes a token's `last_used_at` unless this process wrote it less than a minute ago. */
  async #noteTokenUsed(tokenId: string): Promise<void> {
    const now = this.now();
    const at = now.getTime();
    const written = this.#tokenUseWritten.get(tokenId);
    if (written !== undefined && at - written < TOKEN_USE_WRITE_INTERVAL_MS && at >= written) return;
    if (this.#tokenUseWritten.size >= 10_000) {
      // Forget tokens not written for a minute: their next use writes anyway.
      for (const [id, t] of this.#tokenUseWritten)
        if (at - t >= TOKEN_USE_WRITE_INTERVAL_MS) this.#tokenUseWritten.delete(id);
    }
    this.#tokenUseWritten.set(tokenId, at);
    await markTokenUsed(this.db, tokenId, now.toISOString());
  }

  /**
   * The principal of an enabled user by login name, for console commands run as that user (the
   * operator of the server's machine vouches for who types). Undefined for an unknown or disabled user.
   */
  async principalForConsole(username: string): Promise<Principal | undefined> {
    const row = await findUserRowByUsername(this.db, username);
    return row === undefined ? undefined : this.principalOfUser(row.id, undefined, 'session');
  }

  private async principalOfUser(
    userId: string,
    scopes: Principal['permissions'] extends ReadonlySet<infer P> ? P[] | undefined : never,
    via: 'session' | 'token',
  ): Promise<Principal | undefined> {
    const user = await findUserById(this.db, userId);
    if (!user || user.disabled) return undefined;
    const org = await findOrganisationById(this.db, user.organisationId);
    return {
      userId: user.id,
      username: user.username,
      organisationId: user.organisationId,
      organisationKind: org?.kind ?? 'public',
      roles: user.roles,
      permissions: permissionsFor(user.roles, scopes),
      via,
    };
  }
}
