import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { conflict, forbidden, invalid, notFound } from '../core/errors.js';
import { ACCOUNT_RECORD_MARKING } from './marking.js';
import type { LedgerWriter } from '../ledger/ledger.service.js';
import type { Actor, AuditTrail } from './audit.service.js';
import { findOrganisationById } from './organisation.repository.js';
import { hashPassword } from './password.js';
import { ROLES_BY_KIND, type Role } from './policy.js';
import { deleteSessionsOfUser } from './session.repository.js';
import { listTokenRows, markTokensRevoked, toApiToken } from './token.repository.js';
import { tokenLogRecord, TOKEN_RECORD_KIND, userLogRecord, USER_RECORD_KIND } from './access.log-records.js';
import {
  countUsersWithRole,
  findUserById,
  findUserRowById,
  findUserRowByUsername,
  insertUser,
  listUsers,
  toUser,
  updateUser,
  type User,
} from './user.repository.js';

export const MIN_PASSWORD_LENGTH = 12;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export interface NewUser {
  organisationId: string;
  username: string;
  displayName?: string;
  roles: Role[];
  password: string;
}

/** Manages users, their roles and passwords. */
export class UserService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditTrail,
    private readonly ledger: LedgerWriter,
    private readonly now: () => Date,
    private readonly passwordCostN: number,
  ) {}

  list(filter: { organisationId?: string } = {}): Promise<User[]> {
    return listUsers(this.db, filter);
  }

  /** The user of that name, or undefined: for the console, which names users rather than ids. */
  async findByUsername(username: string): Promise<User | undefined> {
    const row = await findUserRowByUsername(this.db, username);
    return row && toUser(row);
  }

  async get(id: string): Promise<User> {
    const user = await findUserById(this.db, id);
    if (!user) throw notFound(`user ${id}`);
    return user;
  }

  async create(actor: Actor, input: NewUser): Promise<User> {
    if (!USERNAME.test(input.username)) {
      throw invalid('invalid username', [
        {
          path: '/username',
          reason: 'use 2–63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
        },
      ]);
    }
    checkPassword(input.password);
    const passwordHash = await hashPassword(input.password, this.passwordCostN);
    return this.db.transaction().execute(async (tx) => {
      await this.checkRoles(tx, input.organisationId, input.roles);
      if (await findUserRowByUsername(tx, input.username))
        throw conflict(`username "${input.username}" is taken`);
      const user: User = {
        id: crypto.randomUUID(),
        organisationId: input.organisationId,
        username: input.username,
        displayName: input.displayName?.trim() || input.username,
        roles: [...new Set(input.roles)],
        disabled: false,
        createdAt: this.now().toISOString(),
      };
      await insertUser(tx, user, passwordHash);
      await this.ledger.record(tx, {
        kind: 'user.created',
        recordKind: USER_RECORD_KIND,
        recordId: user.id,
        marking: ACCOUNT_RECORD_MARKING,
        record: userLogRecord(user, passwordHash),
      });
      await this.audit.record(
        tx,
        actor,
        'user.create',
        `user:${user.id}`,
        'allowed',
        `roles=${user.roles.join(',')}`,
      );
      return user;
    });
  }

  async update(
    actor: Actor,
    id: string,
    changes: { displayName?: string; roles?: Role[]; disabled?: boolean; password?: string },
  ): Promise<User> {
    if (changes.password !== undefined) checkPassword(changes.password);
    const passwordHash =
      changes.password !== undefined ? await hashPassword(changes.password, this.passwordCostN) : undefined;
    return this.db.transaction().execute(async (tx) => {
      const user = await findUserById(tx, id);
      if (!user) throw notFound(`user ${id}`);
      if (changes.roles !== undefined) await this.checkRoles(tx, user.organisationId, changes.roles);
      const losesAdmin =
        user.roles.includes('admin') &&
        !user.disabled &&
        (changes.disabled === true || (changes.roles !== undefined && !changes.roles.includes('admin')));
      if (losesAdmin && (await countUsersWithRole(tx, 'admin')) <= 1) {
        throw conflict('this is the last active admin; make another admin first');
      }
      await updateUser(tx, id, {
        ...(changes.displayName !== undefined ? { displayName: changes.displayName.trim() } : {}),
        ...(changes.roles !== undefined ? { roles: [...new Set(changes.roles)] } : {}),
        ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
      });
      // A disabled account or a new password ends every open session of that user; a new password
      // also revokes every API token (whoever took the old password may have made one).
      if (changes.disabled === true || passwordHash !== undefined) await deleteSessionsOfUser(tx, id);
      if (passwordHash !== undefined) await this.#revokeTokensOf(tx, id);
      const what = Object.keys(changes).join(',');
      const row = await findUserRowById(tx, id);
      if (!row) throw notFound(`user ${id}`);
      await this.ledger.record(tx, {
        kind: 'user.updated',
        recordKind: USER_RECORD_KIND,
        recordId: id,
        marking: ACCOUNT_RECORD_MARKING,
        record: userLogRecord(toUser(row), row.password_hash),
      });
      await this.audit.record(tx, actor, 'user.update', `user:${id}`, 'allowed', `changed=${what}`);
      return toUser(row);
    });
  }

  /** A new password revokes every live token of the user, each logged like a revocation by hand. */
  async #revokeTokensOf(tx: Executor, userId: string): Promise<void> {
    const at = this.now().toISOString();
    const live = (await listTokenRows(tx, { userId })).filter((t) => t.revoked_at === null);
    await markTokensRevoked(tx, { userId }, at);
    await this.ledger.recordMany(
      tx,
      live.map((row) => ({
        kind: 'token.revoked',
        recordKind: TOKEN_RECORD_KIND,
        recordId: row.id,
        marking: ACCOUNT_RECORD_MARKING,
        record: tokenLogRecord({ ...toApiToken(row), revokedAt: at }, row.secret_hash),
      })),
    );
  }

  private async checkRoles(db: Executor, organisationId: string, roles: Role[]): Promise<void> {
    const org = await findOrganisationById(db, organisationId);
    if (!org)
      throw invalid('unknown organisation', [
        { path: '/organisationId', reason: `no organisation ${organisationId}` },
      ]);
    if (roles.length === 0)
      throw invalid('a user needs a role', [{ path: '/roles', reason: 'must name at least one role' }]);
    const allowed = ROLES_BY_KIND[org.kind];
    const wrong = roles.filter((r) => !allowed.includes(r));
    if (wrong.length > 0) {
      throw invalid('role not allowed for this organisation', [
        {
          path: '/roles',
          reason: `${wrong.join(', ')} cannot be held in a ${org.kind} organisation (allowed: ${allowed.join(', ')})`,
        },
      ]);
    }
  }
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw invalid('password too short', [
      { path: '/password', reason: `must be at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  if (password.length > 1024)
    throw invalid('password too long', [{ path: '/password', reason: 'at most 1024 characters' }]);
}

/** For the self-service check: only admins manage other users. */
export function assertSelfOrAdmin(actor: Actor, userId: string): void {
  if (actor.principal.userId === userId) return;
  if (actor.principal.permissions.has('users:manage')) return;
  throw forbidden('you may only read your own account');
}
