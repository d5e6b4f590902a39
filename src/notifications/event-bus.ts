import crypto from 'node:crypto';
import { canSee, type Marking, type Visibility } from '../access/marking.js';
import type { OrganisationKind, Permission, Principal } from '../access/policy.js';

/**
 * What a domain publishes after its transaction commits. `summary` must hold nothing the record's
 * marking does not cover: it reaches exactly those who may see the record.
 */
export interface BusEvent {
  /** `<domain>.<event>`, as in the log (`commitment.pledged`, `case.opened`). */
  kind: string;
  recordId: string;
  /** When it happened (RFC 3339 UTC). */
  at: string;
  marking: Marking;
  /** The owning organisation (AMBER, AMBER+STRICT). */
  owner?: string;
  /** Organisations the record is addressed to. */
  addressees: string[];
  summary: Record<string, unknown>;
  /**
   * The permission a signed-in principal needs, besides the marking, to receive the event (say
   * `incidents:read`: a party's liaison officer may not read incidents addressed to its organisation).
   * Webhooks serve an organisation, not a role: they apply the marking alone.
   */
  permission?: Permission;
}

/** An event as the bus keeps and sends it: numbered in publication order (the SSE event id). */
export interface PublishedEvent extends BusEvent {
  seq: number;
}

/** An organisation as far as receiving events is concerned (webhooks are per organisation). */
export interface ReceivingOrganisation {
  id: string;
  kind: OrganisationKind;
}

function visibilityOf(event: BusEvent): Visibility {
  return {
    marking: event.marking,
    ownerOrganisationId: event.owner ?? '',
    // Events name organisations, never users: a RED event reaches nobody through the bus.
    authorUserId: null,
    addresseeOrganisationIds: event.addressees,
    addresseeUserIds: [],
  };
}

/** Whether a principal may receive an event: the record rules of `canSee`. */
export function principalMaySee(principal: Principal, event: BusEvent): boolean {
  if (event.marking === 'RED') return false;
  if (event.permission !== undefined && !principal.permissions.has(event.permission)) return false;
  return canSee(principal, visibilityOf(event));
}

/**
 * Whether an organisation may receive an event, as one of its signed-in members would: CLEAR and
 * GREEN (not the public organisation), AMBER to its owner, addressees and the commission,
 * AMBER+STRICT to its owner and addressees, RED never.
 */
export function organisationMaySee(org: ReceivingOrganisation, event: BusEvent): boolean {
  const { permission: _roleOnly, ...byMarking } = event;
  const member: Principal = {
    userId: `organisation:${org.id}`,
    username: null,
    organisationId: org.id,
    organisationKind: org.kind,
    roles: [],
    permissions: new Set(),
    via: 'token',
  };
  return principalMaySee(member, byMarking);
}

type Listener = (event: PublishedEvent) => void;

/** Where a stream resumes: the events it gets, and whether it can have missed any before them. */
export interface Backlog {
  events: PublishedEvent[];
  /** False when events the client has not seen may be missing (the stream then says `event: gap`). */
  complete: boolean;
}

/**
 * The event bus of one process. Domains publish after their transaction commits; each subscriber
 * filters by who it serves (`principalMaySee`, `organisationMaySee`). The last `bufferSize` events are
 * kept so a reconnecting stream resumes from its `Last-Event-ID`.
 *
 * With several server processes on one PostgreSQL database, `EventRelay` hands the events published
 * here to the other processes, which `receive` them: numbered in this bus's order (ids are per
 * process: `<epoch>.<seq>`) and delivered to streams, but not to `subscribeOwn` subscribers (the
 * webhooks: the publishing process queued those deliveries).
 */
export class EventBus {
  readonly #buffer: PublishedEvent[] = [];
  readonly #listeners = new Set<Listener>();
  readonly #ownListeners = new Set<Listener>();
  readonly #gapListeners = new Set<() => void>();
  #seq = 0;
  /** The newest event's number when events were last lost (the relay's connection dropped); -1 before. */
  #lastGap = -1;
  /** Names this bus's numbering: a stream id from before a restart, or from another process, is recognised. */
  readonly epoch = crypto.randomBytes(4).toString('hex');

  constructor(readonly bufferSize = 1000) {}

  /** The stream id of an event: `<epoch>.<seq>`. */
  idOf(event: PublishedEvent): string {
    return `${this.epoch}.${event.seq}`;
  }

  /**
   * The sequence number a client's `Last-Event-ID` names; 0 (replay the buffer) when it is from
   * another epoch (the server restarted, or another process numbered it) or not an id of ours.
   */
  seqOf(lastEventId: string | undefined): number {
    const m = /^([0-9a-f]{8})\.(\d{1,15})$/.exec(lastEventId ?? '');
    if (m === null || m[1] !== this.epoch) return 0;
    return Math.min(Number(m[2]), this.#seq);
  }

  /** Numbers, buffers and hands an event published in this process to every listener. */
  publish(event: BusEvent): PublishedEvent {
    return this.#deliver(event, true);
  }

  /** An event another process published (see `EventRelay`): for streams, not for `subscribeOwn`. */
  receive(event: BusEvent): PublishedEvent {
    return this.#deliver(event, false);
  }

  /**
   * Events may have been lost here (the relay's connection dropped): open streams are told at once,
   * and a stream resuming from before this point is told it may have missed some.
   */
  markGap(): void {
    this.#lastGap = this.#seq;
    for (const listener of this.#gapListeners) {
      try {
        listener();
      } catch {
        // as in #deliver
      }
    }
  }

  /** A failing listener does not stop the others. */
  #deliver(event: BusEvent, own: boolean): PublishedEvent {
    this.#seq += 1;
    const published: PublishedEvent = { ...event, addressees: [...event.addressees], seq: this.#seq };
    this.#buffer.push(published);
    if (this.#buffer.length > this.bufferSize) this.#buffer.shift();
    const listeners = own ? [...this.#listeners, ...this.#ownListeners] : [...this.#listeners];
    for (const listener of listeners) {
      try {
        listener(published);
      } catch {
        // A listener's failure is its own (it logs); the publisher's transaction has committed.
      }
    }
    return published;
  }

  /**
   * Every event from now on, unfiltered, including those other processes published: for subscribers
   * that filter themselves. `onGap` hears `markGap`. Returns the unsubscribe.
   */
  subscribe(listener: Listener, onGap?: () => void): () => void {
    this.#listeners.add(listener);
    if (onGap) this.#gapListeners.add(onGap);
    return () => {
      this.#listeners.delete(listener);
      if (onGap) this.#gapListeners.delete(onGap);
    };
  }

  /**
   * Only the events published in this process, unfiltered: for work that must happen once per event
   * however many processes run (webhook deliveries, the relay to other processes).
   */
  subscribeOwn(listener: Listener): () => void {
    this.#ownListeners.add(listener);
    return () => this.#ownListeners.delete(listener);
  }

  /** Events from now on that the principal may see; `onGap` as in `subscribe`. */
  subscribeFor(principal: Principal, listener: Listener, onGap?: () => void): () => void {
    return this.subscribe((event) => {
      if (principalMaySee(principal, event)) listener(event);
    }, onGap);
  }

  /** The newest event's number (0 before any). */
  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * The buffered events after `seq` that the principal may see, oldest first; `complete` is false
   * when events after `seq` have already left the buffer (the client missed some).
   */
  since(principal: Principal, seq: number): Backlog {
    const oldest = this.#buffer[0]?.seq ?? this.#seq + 1;
    const events = this.#buffer.filter((e) => e.seq > seq && principalMaySee(principal, e));
    return { events, complete: seq >= oldest - 1 || seq >= this.#seq };
  }

  /**
   * Where a stream with this `Last-Event-ID` (none: a first connection) resumes. An id of another
   * epoch (before a restart, or from another process behind the same load balancer) replays the
   * buffer, incomplete: the client may have missed events, or seen some of them already. So does an
   * id from before a `markGap`.
   */
  resume(principal: Principal, lastEventId: string | undefined): Backlog {
    const seq = this.seqOf(lastEventId);
    const backlog = this.since(principal, seq);
    if (lastEventId === undefined) return backlog;
    const foreign = seq === 0 && lastEventId !== `${this.epoch}.0`;
    const gapped = seq <= this.#lastGap;
    return foreign || gapped ? { ...backlog, complete: false } : backlog;
  }
}
