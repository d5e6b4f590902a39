/**
 * Events across server processes on one PostgreSQL database (issue 19): each process sends the events
 * published in it with NOTIFY and LISTENs for the others' on a session of its own, which its bus
 * `receive`s (delivered to streams, filtered by marking as any event; not to webhooks, which the
 * publishing process queued). Ids stay per process (see `EventBus`). SQLite runs one server process
 * and needs no relay.
 *
 * PostgreSQL's payload limit is 8000 bytes: an event is sent as its JSON, base64, in parts of at most
 * PART_BYTES, the parts of one event in one transaction (so they arrive together). A dropped
 * listening session is reconnected with backoff; the bus marks a gap, since events sent meanwhile
 * are lost to this process.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Db } from '../db/connect.js';
import type { Database } from '../db/database.js';
import type { BusEvent, EventBus, PublishedEvent } from './event-bus.js';
import { notifyAll } from './event-relay.repository.js';

/** The channel, per schema (notifications are per database, and tests share one). */
export function eventChannel(schema?: string): string {
  return schema === undefined ? 'truceline_events' : `truceline_events_${schema}`;
}

/** Bytes of event JSON per notification: base64 makes 7200 characters, under 8000 with the header. */
export const PART_BYTES = 5400;

/** One notification: `<origin>:<message>:<part>:<parts>:<base64>`. */
export function encodeEvent(origin: string, message: number, event: BusEvent): string[] {
  const bytes = Buffer.from(JSON.stringify(event), 'utf8');
  const count = Math.max(1, Math.ceil(bytes.length / PART_BYTES));
  return Array.from(
    { length: count },
    (_, i) =>
      `${origin}:${message}:${i}:${count}:` +
      bytes.subarray(i * PART_BYTES, (i + 1) * PART_BYTES).toString('base64'),
  );
}

const PART = /^([0-9a-f]+):(\d+):(\d+):(\d+):([A-Za-z0-9+/=]*)$/;

/** What the relay needs. */
export interface EventRelayOptions {
  db: Kysely<Database>;
  /** A new session for LISTEN (`Db.newClient`). */
  newClient: () => pg.Client;
  channel: string;
  /** Sending or listening failed (the relay goes on: it reconnects). */
  onError: (err: unknown, doing: 'sending' | 'listening' | 'receiving') => void;
  /** First wait before reconnecting; it doubles up to 10 times this. */
  retryMs?: number;
  /** How often the listening session is asked whether it is alive (a dropped network says nothing). */
  checkMs?: number;
}

/** Relays a bus's events to and from the other processes on the database (see the module comment). */
export class EventRelay {
  /** Names this process's notifications, so that it skips its own. */
  readonly origin = crypto.randomBytes(6).toString('hex');
  readonly #bus: EventBus;
  readonly #options: EventRelayOptions;
  readonly #dead = new WeakSet<pg.Client>();
  readonly #parts = new Map<string, string[]>();
  #message = 0;
  #sending: Promise<void> = Promise.resolve();
  #client: pg.Client | undefined;
  #stopped = false;
  #retryMs: number;
  #retry: NodeJS.Timeout | undefined;
  #check: NodeJS.Timeout | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(bus: EventBus, options: EventRelayOptions) {
    this.#bus = bus;
    this.#options = options;
    this.#retryMs = options.retryMs ?? 500;
  }

  /** The backend process id of the listening session (undefined while reconnecting). */
  get listenerPid(): number | undefined {
    return (this.#client as { processID?: number } | undefined)?.processID;
  }

  /** Starts sending this process's events and listening for the others'; resolves once listening (or retrying). */
  async start(): Promise<void> {
    this.#unsubscribe ??= this.#bus.subscribeOwn((event) => this.#send(event));
    await this.#listen();
    this.#check ??= setInterval(() => void this.#checkAlive(), this.#options.checkMs ?? 10_000);
    this.#check.unref();
  }

  /** Stops listening, after the events handed over so far are sent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    clearTimeout(this.#retry);
    clearInterval(this.#check);
    await this.#sending;
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      this.#dead.add(client);
      await client.end().catch(() => undefined);
    }
  }

  /** Resolves once the events handed over so far are sent (or their sending failed and was reported). */
  flushed(): Promise<void> {
    return this.#sending;
  }

  #send(published: PublishedEvent): void {
    const { seq: _local, ...event } = published;
    this.#message += 1;
    const parts = encodeEvent(this.origin, this.#message, event);
    // One at a time: this process's events reach the others in the order they were published here.
    this.#sending = this.#sending
      .then(() => notifyAll(this.#options.db, this.#options.channel, parts))
      .catch((err: unknown) => this.#options.onError(err, 'sending'));
  }

  async #listen(): Promise<void> {
    const client = this.#options.newClient();
    client.on('notification', (msg) => {
      if (msg.channel === this.#options.channel) this.#receive(msg.payload ?? '');
    });
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client, new Error('the listening session ended')));
    try {
      await client.connect();
      // The channel is ours (eventChannel), but quoted all the same.
      await client.query(`LISTEN ${client.escapeIdentifier(this.#options.channel)}`);
    } catch (err) {
      this.#lost(client, err);
      return;
    }
    if (this.#stopped || this.#dead.has(client)) {
      await client.end().catch(() => undefined);
      return;
    }
    const reconnected = this.#client === undefined && this.#retry !== undefined;
    this.#client = client;
    this.#retry = undefined;
    this.#retryMs = this.#options.retryMs ?? 500;
    // Events sent while this process was not listening are lost to it: streams hear of it.
    if (reconnected) this.#bus.markGap();
  }

  #lost(client: pg.Client, err: unknown): void {
    if (this.#dead.has(client)) return;
    this.#dead.add(client);
    void client.end().catch(() => undefined);
    if (this.#stopped) return;
    const wasListening = this.#client === client;
    if (wasListening) {
      this.#client = undefined;
      this.#parts.clear();
      this.#bus.markGap();
    }
    this.#options.onError(err, 'listening');
    const wait = this.#retryMs;
    this.#retryMs = Math.min(wait * 2, (this.#options.retryMs ?? 500) * 10);
    this.#retry = setTimeout(() => void this.#listen(), wait);
    this.#retry.unref();
  }

  async #checkAlive(): Promise<void> {
    const client = this.#client;
    if (client === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('select 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('the listening session did not answer in 5 s')), 5000);
        }),
      ]);
    } catch (err) {
      this.#lost(client, err);
    } finally {
      clearTimeout(timer);
    }
  }

  #receive(payload: string): void {
    const m = PART.exec(payload);
    if (m === null) {
      this.#options.onError(new Error(`not a relayed event: ${payload.slice(0, 60)}`), 'receiving');
      return;
    }
    const [, origin = '', message = '', part = '', count = '', data = ''] = m;
    if (origin === this.origin) return;
    const key = `${origin}:${message}`;
    const parts = this.#parts.get(key) ?? [];
    if (Number(part) !== parts.length) {
      // Parts of one event arrive together and in order; anything else is not ours to piece together.
      this.#parts.delete(key);
      this.#options.onError(new Error(`relayed event ${key}: part ${part} out of order`), 'receiving');
      return;
    }
    parts.push(data);
    if (parts.length < Number(count)) {
      this.#parts.set(key, parts);
      return;
    }
    this.#parts.delete(key);
    try {
      const json = Buffer.concat(parts.map((p) => Buffer.from(p, 'base64'))).toString('utf8');
      this.#bus.receive(JSON.parse(json) as BusEvent);
    } catch (err) {
      this.#options.onError(err, 'receiving');
    }
  }
}

/** The relay for a database: on PostgreSQL one (not started), on SQLite none (one process serves it). */
export function eventRelayFor(
  database: Db,
  bus: EventBus,
  onError: EventRelayOptions['onError'],
): EventRelay | undefined {
  if (database.newClient === undefined) return undefined;
  return new EventRelay(bus, {
    db: database.db,
    newClient: database.newClient,
    channel: eventChannel(database.schema),
    onError,
  });
}
