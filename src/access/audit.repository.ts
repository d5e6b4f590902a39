import type { Executor } from '../db/database.js';
import type { AccessEventRow } from './access.tables.js';

/** An access event: a denied request, a sign-in attempt, or an administrative action. */
export interface AccessEvent {
  at: string;
  requestId: string | null;
  actorUserId: string | null;
  actorOrganisationId: string | null;
  action: string;
  resource: string;
  outcome: 'allowed' | 'denied';
  reason: string | null;
  clientIp: string | null;
}

export async function insertAccessEvent(db: Executor, event: AccessEvent): Promise<void> {
  await db
    .insertInto('access_events')
    .values({
      at: event.at,
      request_id: event.requestId,
      actor_user_id: event.actorUserId,
      actor_organisation_id: event.actorOrganisationId,
      action: event.action,
      resource: event.resource,
      outcome: event.outcome,
      reason: event.reason,
      client_ip: event.clientIp,
    })
    .execute();
}

export async function listAccessEvents(
  db: Executor,
  filter: { outcome?: 'allowed' | 'denied'; action?: string; limit: number; beforeId?: number },
): Promise<(AccessEvent & { id: number })[]> {
  let q = db.selectFrom('access_events').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  return (await q.execute()).map((row: AccessEventRow) => ({
    id: Number(row.id),
    at: row.at,
    requestId: row.request_id,
    actorUserId: row.actor_user_id,
    actorOrganisationId: row.actor_organisation_id,
    action: row.action,
    resource: row.resource,
    outcome: row.outcome,
    reason: row.reason,
    clientIp: row.client_ip,
  }));
}

/** Failed sign-ins for a username since a time: the basis of login throttling, shared by all processes. */
/**
 * Failed sign-ins since `since` from one client: for one account (`username`), or for any account
 * when `username` is undefined.
 */
export async function countFailedLogins(
  db: Executor,
  filter: { clientIp: string | null; username?: string },
  since: string,
): Promise<number> {
  let q = db
    .selectFrom('access_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('action', '=', 'login')
    .where('outcome', '=', 'denied')
    .where('at', '>=', since)
    .where('client_ip', filter.clientIp === null ? 'is' : '=', filter.clientIp);
  if (filter.username !== undefined) q = q.where('resource', '=', `user:${filter.username}`);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}
