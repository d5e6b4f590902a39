import type { Selectable } from 'kysely';
import type { OrganisationKind } from '../access/policy.js';
import type { Executor } from '../db/database.js';
import type { WebhookDeliveryTable, WebhookSubscriptionTable } from './notifications.tables.js';

/** One attempt to deliver an event. */
export interface WebhookAttempt {
  at: string;
  /** The receiver's HTTP status, or null when no answer came (refused, timed out, unreachable). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** An organisation's webhook subscription (its secret is never read back). */
export interface WebhookSubscription {
  id: string;
  organisationId: string;
  url: string;
  kinds: string[];
  createdAt: string;
  active: boolean;
}

/** One event due to one subscription, and what became of it. */
export interface WebhookDelivery {
  id: string;
  subscriptionId: string;
  eventKind: string;
  recordId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  attemptLog: WebhookAttempt[];
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** A subscription as the dispatcher needs it: with its organisation's kind. */
export interface ActiveSubscription extends WebhookSubscription {
  organisationKind: OrganisationKind;
}

function toSubscription(row: Selectable<WebhookSubscriptionTable>): WebhookSubscription {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    url: row.url,
    kinds: JSON.parse(row.kinds) as string[],
    createdAt: row.created_at,
    active: row.active === 1,
  };
}

function toDelivery(row: Selectable<WebhookDeliveryTable>): WebhookDelivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventKind: row.event_kind,
    recordId: row.record_id,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts,
    attemptLog: JSON.parse(row.attempt_log) as WebhookAttempt[],
    lastStatusCode: row.last_status_code,
    nextAttemptAt: row.next_attempt_at,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
  };
}

export async function insertSubscription(
  db: Executor,
  s: WebhookSubscription & { secret: string; createdBy: string },
): Promise<void> {
  await db
    .insertInto('webhook_subscriptions')
    .values({
      id: s.id,
      organisation_id: s.organisationId,
      url: s.url,
      kinds: JSON.stringify(s.kinds),
      secret: s.secret,
      created_at: s.createdAt,
      created_by: s.createdBy,
      active: s.active ? 1 : 0,
    })
    .execute();
}

/** The organisation's subscriptions, active first, newest first. */
export async function listSubscriptionsOf(
  db: Executor,
  organisationId: string,
): Promise<WebhookSubscription[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('active', 'desc')
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(toSubscription);
}

/** One subscription of the organisation, or undefined (another organisation's is not found either). */
export async function findSubscriptionOf(
  db: Executor,
  organisationId: string,
  id: string,
): Promise<WebhookSubscription | undefined> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  return row && toSubscription(row);
}

export async function deactivateSubscription(db: Executor, id: string): Promise<void> {
  await db.updateTable('webhook_subscriptions').set({ active: 0 }).where('id', '=', id).execute();
}

/** Every active subscription with its organisation kind (the dispatcher's view). */
export async function listActiveSubscriptions(db: Executor): Promise<ActiveSubscription[]> {
  const rows = await db
    .selectFrom('webhook_subscriptions as w')
    .innerJoin('organisations as o', 'o.id', 'w.organisation_id')
    .selectAll('w')
    .select('o.kind as organisation_kind')
    .where('w.active', '=', 1)
    .execute();
  return rows.map((r) => ({
    ...toSubscription(r),
    organisationKind: r.organisation_kind as OrganisationKind,
  }));
}

/** The stored (sealed) secret and URL of a subscription, for sending. */
export async function findSubscriptionForSending(
  db: Executor,
  id: string,
): Promise<{ url: string; secret: string; active: boolean } | undefined> {
  const row = await db
    .selectFrom('webhook_subscriptions')
    .select(['url', 'secret', 'active'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { url: row.url, secret: row.secret, active: row.active === 1 };
}

export async function insertDeliveries(
  db: Executor,
  rows: readonly (Omit<WebhookDelivery, 'attemptLog'> & { body: string })[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('webhook_deliveries')
    .values(
      rows.map((d) => ({
        id: d.id,
        subscription_id: d.subscriptionId,
        event_kind: d.eventKind,
        record_id: d.recordId,
        body: d.body,
        status: d.status,
        attempts: d.attempts,
        attempt_log: '[]',
        last_status_code: d.lastStatusCode,
        next_attempt_at: d.nextAttemptAt,
        created_at: d.createdAt,
        delivered_at: d.deliveredAt,
      })),
    )
    .execute();
}

/** Pending deliveries due at `at`, oldest first, with their bodies. */
export async function listDueDeliveries(
  db: Executor,
  at: string,
  limit: number,
): Promise<(WebhookDelivery & { body: string })[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', at)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...toDelivery(r), body: r.body }));
}

/** Records an attempt's outcome. */
export async function updateDelivery(db: Executor, d: WebhookDelivery): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({
      status: d.status,
      attempts: d.attempts,
      attempt_log: JSON.stringify(d.attemptLog),
      last_status_code: d.lastStatusCode,
      next_attempt_at: d.nextAttemptAt,
      delivered_at: d.deliveredAt,
    })
    .where('id', '=', d.id)
    .execute();
}

/** A subscription's deliveries, newest first. */
export async function listDeliveriesOf(
  db: Executor,
  subscriptionId: string,
  limit: number,
): Promise<WebhookDelivery[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('subscription_id', '=', subscriptionId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDelivery);
}

/** Subscriptions whose secret is stored as given, from before secrets were sealed. */
export async function listUnsealedSecrets(db: Executor): Promise<{ id: string; secret: string }[]> {
  return db
    .selectFrom('webhook_subscriptions')
    .select(['id', 'secret'])
    .where('secret', 'not like', 'sealed:%')
    .execute();
}

/** Replaces a subscription's stored secret with its sealed form, unless it changed meanwhile. */
export async function replaceSecret(db: Executor, id: string, from: string, to: string): Promise<void> {
  await db
    .updateTable('webhook_subscriptions')
    .set({ secret: to })
    .where('id', '=', id)
    .where('secret', '=', from)
    .execute();
}
