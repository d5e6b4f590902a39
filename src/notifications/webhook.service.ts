import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor, AuditTrail } from '../access/audit.service.js';
import type { Principal } from '../access/policy.js';
import { forbidden, invalid, notFound } from '../core/errors.js';
import type { Database } from '../db/database.js';
import { organisationMaySee, type EventBus, type PublishedEvent } from './event-bus.js';
import {
  deactivateSubscription,
  findSubscriptionForSending,
  findSubscriptionOf,
  insertDeliveries,
  insertSubscription,
  listActiveSubscriptions,
  listDeliveriesOf,
  listDueDeliveries,
  listSubscriptionsOf,
  listUnsealedSecrets,
  replaceSecret,
  updateDelivery,
  type WebhookAttempt,
  type WebhookDelivery,
  type WebhookSubscription,
} from './webhook.repository.js';
import type { SecretSealer } from './secret-seal.js';
import { checkWebhookUrl, parseWebhookUrl, refusedTarget } from './webhook.target.js';

/** How webhooks are sent and retried. */
export interface WebhookSettings {
  /** Allow private and loopback targets (tests, closed networks); off by default. */
  allowPrivate: boolean;
  /** Attempts per event before it is given up as failed. */
  maxAttempts: number;
  /** The delay after the first failure; each further failure doubles it. */
  baseDelayMs: number;
  /** How long one POST may take. */
  timeoutMs: number;
  /** Deliveries one sweep attempts at most. */
  batchSize: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  allowPrivate: false,
  maxAttempts: 8,
  baseDelayMs: 30_000,
  timeoutMs: 10_000,
  batchSize: 100,
};

/** Headers each POST carries. */
export const SIGNATURE_HEADER = 'x-truceline-signature';
export const TIMESTAMP_HEADER = 'x-truceline-timestamp';

/** `sha256=<hex HMAC-SHA256 of "timestamp.body">`, what `X-Truceline-Signature` carries. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Whether a subscription's kinds select an event kind: exact, `prefix.*`, or `*`. */
export function kindSelected(kinds: readonly string[], kind: string): boolean {
  return kinds.some((k) => k === '*' || k === kind || (k.endsWith('.*') && kind.startsWith(k.slice(0, -1))));
}

const KIND_PATTERN = /^(\*|[a-z][a-z-]*\.(\*|[a-z][a-z-]*))$/;

/** The delay before attempt `n + 1` after `n` failed attempts: base × 2^(n−1). */
export function retryDelayMs(settings: WebhookSettings, failedAttempts: number): number {
  return settings.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1);
}

export interface WebhookDeps {
  db: Kysely<Database>;
  audit: AuditTrail;
  now: () => Date;
  /** Seals each subscription's secret before it is stored; opens it to sign. */
  sealer: SecretSealer;
  settings?: Partial<WebhookSettings>;
}

/**
 * Webhooks: each organisation subscribes URLs to event kinds; every event it may see (its marking,
 * owner and addressees) becomes a delivery, POSTed signed and retried with exponential backoff
 * until delivered or the attempts run out. `sweep` sends what is due; the server calls it on a timer.
 */
export class WebhookService {
  readonly settings: WebhookSettings;
  readonly #pending = new Set<Promise<unknown>>();
  #sweeping: Promise<SweepResult> | undefined;

  constructor(private readonly deps: WebhookDeps) {
    this.settings = { ...DEFAULT_WEBHOOK_SETTINGS, ...deps.settings };
  }

  #organisationOf(principal: Principal): string {
    if (!principal.permissions.has('webhooks:manage'))
      throw forbidden('needs the permission webhooks:manage');
    if (principal.organisationId === null) throw forbidden('webhooks belong to an organisation');
    return principal.organisationId;
  }

  /** Subscribes a URL; the secret is returned once and never shown again. */
  async create(
    actor: Actor,
    request: { url: string; kinds: string[] },
  ): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const org = this.#organisationOf(actor.principal);
    const url = parseWebhookUrl(request.url);
    checkWebhookUrl(url, this.settings.allowPrivate);
    const kinds = [...new Set(request.kinds.map((k) => k.trim()))];
    const bad = kinds.findIndex((k) => !KIND_PATTERN.test(k));
    if (kinds.length === 0 || bad >= 0)
      throw invalid('unknown event kind pattern', [
        {
          path: bad >= 0 ? `/body/kinds/${bad}` : '/body/kinds',
          reason: 'each kind is `domain.event`, `domain.*` or `*`',
        },
      ]);
    const secret = crypto.randomBytes(32).toString('base64url');
    const subscription: WebhookSubscription = {
      id: crypto.randomUUID(),
      organisationId: org,
      url: url.toString(),
      kinds,
      createdAt: this.deps.now().toISOString(),
      active: true,
    };
    await this.deps.db.transaction().execute(async (tx) => {
      await insertSubscription(tx, {
        ...subscription,
        secret: this.deps.sealer.seal(subscription.id, secret),
        createdBy: actor.principal.userId ?? 'console',
      });
      await this.deps.audit.record(tx, actor, 'webhook.create', `webhook:${subscription.id}`, 'allowed');
    });
    return { subscription, secret };
  }

  /** The organisation's subscriptions (without secrets). */
  list(principal: Principal): Promise<WebhookSubscription[]> {
    return listSubscriptionsOf(this.deps.db, this.#organisationOf(principal));
  }

  /** Stops a subscription; its delivery log stays readable. */
  async remove(actor: Actor, id: string): Promise<WebhookSubscription> {
    const org = this.#organisationOf(actor.principal);
    return this.deps.db.transaction().execute(async (tx) => {
      const found = await findSubscriptionOf(tx, org, id);
      if (found === undefined) throw notFound(`webhook ${id}`);
      await deactivateSubscription(tx, id);
      await this.deps.audit.record(tx, actor, 'webhook.remove', `webhook:${id}`, 'allowed');
      return { ...found, active: false };
    });
  }

  /** A subscription's delivery log, newest first: attempts, status codes, next retry. */
  async deliveries(principal: Principal, id: string, limit = 100): Promise<WebhookDelivery[]> {
    const org = this.#organisationOf(principal);
    if ((await findSubscriptionOf(this.deps.db, org, id)) === undefined) throw notFound(`webhook ${id}`);
    return listDeliveriesOf(this.deps.db, id, limit);
  }

  /**
   * Listens to the bus: every event published in this process becomes deliveries for the
   * subscriptions entitled to it (events relayed from other processes were queued by their publisher).
   */
  attach(bus: EventBus): () => void {
    return bus.subscribeOwn((event) => {
      const work = this.enqueue(event).catch(() => 0);
      this.#pending.add(work);
      void work.finally(() => this.#pending.delete(work));
    });
  }

  /** Waits until every event handed over so far is queued as deliveries. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Queues one event for every active subscription that selects its kind and may see it. */
  async enqueue(event: PublishedEvent): Promise<number> {
    const subscriptions = (await listActiveSubscriptions(this.deps.db)).filter(
      (s) =>
        kindSelected(s.kinds, event.kind) &&
        organisationMaySee({ id: s.organisationId, kind: s.organisationKind }, event),
    );
    const createdAt = this.deps.now().toISOString();
    const rows = subscriptions.map((s) => {
      const id = crypto.randomUUID();
      const body = JSON.stringify({
        id,
        kind: event.kind,
        recordId: event.recordId,
        at: event.at,
        marking: event.marking,
        summary: event.summary,
      });
      return {
        id,
        subscriptionId: s.id,
        eventKind: event.kind,
        recordId: event.recordId,
        body,
        status: 'pending' as const,
        attempts: 0,
        lastStatusCode: null,
        nextAttemptAt: createdAt,
        createdAt,
        deliveredAt: null,
      };
    });
    await insertDeliveries(this.deps.db, rows);
    return rows.length;
  }

  /**
   * Sends every pending delivery due at `now` (one sweep at a time: a call during a sweep waits for
   * it). A 2xx answer delivers; anything else is retried after `retryDelayMs` until `maxAttempts`.
   */
  async sweep(now: Date = this.deps.now()): Promise<SweepResult> {
    while (this.#sweeping !== undefined) await this.#sweeping;
    const run = this.#sweep(now);
    this.#sweeping = run;
    try {
      return await run;
    } finally {
      this.#sweeping = undefined;
    }
  }

  async #sweep(now: Date): Promise<SweepResult> {
    await this.drain();
    const result: SweepResult = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
    const due = await listDueDeliveries(this.deps.db, now.toISOString(), this.settings.batchSize);
    for (const delivery of due) {
      const target = await findSubscriptionForSending(this.deps.db, delivery.subscriptionId);
      const { body, ...rest } = delivery;
      const attempt =
        target === undefined || !target.active
          ? { at: now.toISOString(), statusCode: null, error: 'the subscription was removed', durationMs: 0 }
          : await this.#signAndPost(delivery.subscriptionId, target, rest, body, now);
      const attempts = rest.attempts + 1;
      const delivered = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300;
      const exhausted = !delivered && (attempts >= this.settings.maxAttempts || target?.active !== true);
      const next: WebhookDelivery = {
        ...rest,
        attempts,
        attemptLog: [...rest.attemptLog, attempt],
        lastStatusCode: attempt.statusCode,
        status: delivered ? 'delivered' : exhausted ? 'failed' : 'pending',
        nextAttemptAt:
          delivered || exhausted
            ? null
            : new Date(now.getTime() + retryDelayMs(this.settings, attempts)).toISOString(),
        deliveredAt: delivered ? now.toISOString() : null,
      };
      await updateDelivery(this.deps.db, next);
      result.attempted += 1;
      if (delivered) result.delivered += 1;
      else if (exhausted) result.failed += 1;
      else result.retrying += 1;
    }
    return result;
  }

  /** Opens the subscription's secret and posts; a secret that cannot be opened is a failed attempt. */
  async #signAndPost(
    subscriptionId: string,
    target: { url: string; secret: string },
    delivery: WebhookDelivery,
    body: string,
    now: Date,
  ): Promise<WebhookAttempt> {
    let secret: string;
    try {
      secret = this.deps.sealer.open(subscriptionId, target.secret);
    } catch (err) {
      return { at: now.toISOString(), statusCode: null, error: (err as Error).message, durationMs: 0 };
    }
    return this.#post(target.url, secret, delivery, body, now);
  }

  /**
   * Seals every secret still stored as given (subscriptions made before secrets were sealed); the
   * server runs it at start. Returns how many it sealed.
   */
  async sealStored(): Promise<number> {
    const rows = await listUnsealedSecrets(this.deps.db);
    for (const row of rows)
      await replaceSecret(this.deps.db, row.id, row.secret, this.deps.sealer.seal(row.id, row.secret));
    return rows.length;
  }

  async #post(
    rawUrl: string,
    secret: string,
    delivery: WebhookDelivery,
    body: string,
    now: Date,
  ): Promise<WebhookAttempt> {
    const at = now.toISOString();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const url = new URL(rawUrl);
    const refused = await refusedTarget(url, this.settings.allowPrivate);
    if (refused !== undefined) return { at, statusCode: null, error: `refused: ${refused}`, durationMs: 0 };
    const timestamp = String(Math.floor(now.getTime() / 1000));
    try {
      const response = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Truceline-Webhook/1',
          'x-truceline-event': delivery.eventKind,
          'x-truceline-delivery': delivery.id,
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, body),
        },
        body,
      });
      await response.body?.cancel();
      return { at, statusCode: response.status, error: null, durationMs: elapsed() };
    } catch (err) {
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      return { at, statusCode: null, error: message.slice(0, 300), durationMs: elapsed() };
    }
  }
}

/** What one sweep did. */
export interface SweepResult {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}
