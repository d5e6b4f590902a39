import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { forbidden, invalid, notFound } from '../core/errors.js';
import { ACCOUNT_RECORD_MARKING } from './marking.js';
import type { LedgerWriter } from '../ledger/ledger.service.js';
import type { Actor, AuditTrail } from './audit.service.js';
import { hashSecret } from './password.js';
import { permissionsFor, type Permission } from './policy.js';
import { tokenLogRecord, TOKEN_RECORD_KIND } from './access.log-records.js';
import {
  findTokenRowById,
  insertToken,
  listTokens,
  markTokensRevoked,
  toApiToken,
  type ApiToken,
} from './token.repository.js';
import { findUserById } from './user.repository.js';

export const TOKEN_PREFIX = 'tl_';
export const MAX_TOKEN_DAYS = 366;

/** Issues, lists and revokes API tokens. The secret is returned once, at creation, and stored hashed. */
export class TokenService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditTrail,
    private readonly ledger: LedgerWriter,
    private readonly now: () => Date,
  ) {}

  async create(
    actor: Actor,
    input: { userId: string; name: string; scopes?: Permission[]; expiresInDays?: number },
  ): Promise<{ token: ApiToken; secret: string }> {
    this.assertMayManage(actor, input.userId);
    const days = input.expiresInDays ?? 90;
    if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
      throw invalid('invalid expiry', [
        { path: '/expiresInDays', reason: `must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}` },
      ]);
    }
    const user = await findUserById(this.db, input.userId);
    if (!user) throw notFound(`user ${input.userId}`);
    const granted = permissionsFor(user.roles);
    const scopes = input.scopes ?? [...granted];
    const beyond = scopes.filter((s) => !granted.has(s));
    if (beyond.length > 0) {
      throw invalid('scope beyond the user’s roles', [
        { path: '/scopes', reason: `${beyond.join(', ')} not granted to ${user.username}'s roles` },
      ]);
    }
    const now = this.now();
    const secret = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`;
    const token: ApiToken = {
      id: crypto.randomUUID(),
      userId: user.id,
      name: input.name.trim(),
      scopes: [...new Set(scopes)],
      expiresAt: new Date(now.getTime() + days * 86_400_000).toISOString(),
      revokedAt: null,
      lastUsedAt: null,
      createdAt: now.toISOString(),
    };
    await this.db.transaction().execute(async (tx) => {
      const secretHash = hashSecret(secret);
      await insertToken(tx, token, secretHash);
      await this.ledger.record(tx, {
        kind: 'token.created',
        recordKind: TOKEN_RECORD_KIND,
        recordId: token.id,
        marking: ACCOUNT_RECORD_MARKING,
        record: tokenLogRecord(token, secretHash),
      });
      await this.audit.record(tx, actor, 'token.create', `token:${token.id}`, 'allowed', `user=${user.id}`);
    });
    return { token, secret };
  }

  list(actor: Actor, userId?: string): Promise<ApiToken[]> {
    const target = userId ?? actor.principal.userId ?? undefined;
    if (target === undefined && !actor.principal.permissions.has('tokens:manage-all')) {
      throw forbidden('sign in to list tokens');
    }
    if (target !== undefined) this.assertMayManage(actor, target);
    return listTokens(this.db, target !== undefined ? { userId: target } : {});
  }

  async revoke(actor: Actor, id: string): Promise<ApiToken> {
    return this.db.transaction().execute(async (tx) => {
      const row = await findTokenRowById(tx, id);
      if (!row) throw notFound(`token ${id}`);
      const token = toApiToken(row);
      this.assertMayManage(actor, token.userId);
      const at = this.now().toISOString();
      await markTokensRevoked(tx, { id }, at);
      const revoked = { ...token, revokedAt: token.revokedAt ?? at };
      await this.ledger.record(tx, {
        kind: 'token.revoked',
        recordKind: TOKEN_RECORD_KIND,
        recordId: id,
        marking: ACCOUNT_RECORD_MARKING,
        record: tokenLogRecord(revoked, row.secret_hash),
      });
      await this.audit.record(tx, actor, 'token.revoke', `token:${id}`, 'allowed');
      return revoked;
    });
  }

  private assertMayManage(actor: Actor, userId: string): void {
    if (actor.principal.permissions.has('tokens:manage-all')) return;
    if (actor.principal.userId === userId && actor.principal.permissions.has('tokens:manage-own')) return;
    throw forbidden('you may only manage your own tokens');
  }
}
