/** Timestamps are RFC 3339 UTC text; JSON as text. */
type Timestamp = string;

/** An organisation's webhook: where to POST which event kinds, signed with its secret. */
export interface WebhookSubscriptionTable {
  id: string;
  organisation_id: string;
  url: string;
  /** JSON array of event kinds (`commitment.pledged`, or a prefix `commitment.*`, or `*`). */
  kinds: string;
  /** The HMAC key, shown once at creation (the server must keep it to sign). */
  secret: string;
  created_at: Timestamp;
  created_by: string;
  /** 0/1: removed subscriptions stay for their delivery log. */
  active: number;
}

/** One event due to one subscription, and every attempt to deliver it. */
export interface WebhookDeliveryTable {
  id: string;
  subscription_id: string;
  event_kind: string;
  record_id: string;
  /** The JSON body POSTed (the same bytes on every attempt). */
  body: string;
  /** 'pending', 'delivered' or 'failed' (attempts exhausted). */
  status: string;
  attempts: number;
  /** JSON array of { at, statusCode, error, durationMs }. */
  attempt_log: string;
  last_status_code: number | null;
  next_attempt_at: Timestamp | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
}

export interface NotificationTables {
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
}
