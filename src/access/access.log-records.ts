/**
 * The records the access domain logs for organisations, users and tokens — one builder per record
 * kind, used by the services when they log a change and by `truceline audit --database` when it
 * rebuilds the record from the row as stored (`access.bindings.ts`). Each record is the row's whole
 * bound state, so the latest entry of a record binds every column that matters.
 */
import crypto from 'node:crypto';
import type { ApiToken } from './token.repository.js';
import type { User } from './user.repository.js';

export const ORGANISATION_RECORD_KIND = 'organisation';
export const USER_RECORD_KIND = 'user';
export const TOKEN_RECORD_KIND = 'token';

function sha256Hex(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/**
 * `organisation.created` / `organisation.renamed` (CLEAR): the agreement names its parties, and when
 * an organisation was created is as public as the organisation.
 */
export function organisationLogRecord(org: { id: string; name: string; kind: string; createdAt: string }) {
  return { id: org.id, name: org.name, kind: org.kind, createdAt: org.createdAt };
}

/**
 * A record as releases before `createdAt` was logged wrote it: the audit accepts it as a second
 * candidate, so their entries still match (an entry with `createdAt` matches only the new shape).
 */
export function withoutCreatedAt<T extends { createdAt: string }>(record: T): Omit<T, 'createdAt'> {
  const { createdAt: _createdAt, ...rest } = record;
  return rest;
}

/**
 * `user.created` / `user.updated` (AMBER): the account as it is after the change. The password is
 * bound by the SHA-256 of its stored hash (`credential`), so a swapped hash is found and the record
 * reveals nothing a guesser could use.
 */
export function userLogRecord(user: User, passwordHash: string | null) {
  return {
    id: user.id,
    organisationId: user.organisationId,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    disabled: user.disabled,
    credential: passwordHash === null ? null : sha256Hex(passwordHash),
    createdAt: user.createdAt,
  };
}

/** `token.created` / `token.revoked` (AMBER): the token as it is after the change, its secret by a hash of its hash. */
export function tokenLogRecord(token: ApiToken, secretHash: string) {
  return {
    id: token.id,
    userId: token.userId,
    name: token.name,
    scopes: token.scopes,
    expiresAt: token.expiresAt,
    revokedAt: token.revokedAt,
    secret: sha256Hex(secretHash),
    createdAt: token.createdAt,
  };
}
