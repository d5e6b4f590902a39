/**
 * Notices: submission against the agreement's notification obligations, one copy per addressee
 * (minimal disclosure), delivery on first read, acknowledgement, objection, replacement, cancellation,
 * withdrawal, re-confirmation, expiry and overdue escalation. Every step is a row of `notice_events`
 * logged in the same transaction, so the notifier can prove with receipts who received which version
 * and when, and an addressee what it was sent.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../access/audit.service.js';
import type { Marking } from '../access/marking.js';
import type { OrganisationKind, Principal } from '../access/policy.js';
import type { ActingOrganisation } from '../agreement/acting.js';
import type { Agreement, NotificationObligation } from '../agreement/agreement.schema.js';
import { parseDuration } from '../agreement/agreement.time.js';
import { AppError, forbidden, invalid, notFound, ruleViolated, type FieldProblem } from '../core/errors.js';
import type { Database, Executor } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import type { NotifiedMatch } from '../monitoring/report.model.js';
import { prepareNotice, type NoticeInput, type PreparedNotice } from './notice.input.js';
import {
  isAwaitingResponse,
  type Delivery,
  type Notice,
  type NoticeEvent,
  type NoticeView,
  type Response,
} from './notice.model.js';
import {
  NOTICE_EVENT_RECORD_KIND,
  NOTICE_REQUEST_RECORD_KIND,
  deliveriesOf,
  endedNotices,
  eventsOf,
  findDeliveries,
  findNotice,
  findRequest,
  insertDeliveries,
  insertEvents,
  insertNotice,
  insertRequest,
  listAddressedDeliveries,
  listOwnNotices,
  nextSeq,
  overdueDeliveries,
  requestsOf,
  updateDelivery,
  updateNotice,
  updateRequest,
  type NoticeFilter,
  type StoredDelivery,
  type StoredRequest,
} from './notice.repository.js';
import { beyondAgreement, viewFor, viewHash } from './notice.view.js';

/** Where escalations go (the commission's escalation record, `escalation.service.ts`). */
export interface EscalationSink {
  raise(
    tx: Executor,
    actor: Actor,
    input: { sourceKind: string; sourceId: string; organisations: string[]; reason: string },
  ): Promise<unknown>;
}

/** What the notice service needs, injected. */
export interface NoticeDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  agreements: {
    versionInForceAt(at: Date): Promise<{ info: { id: string }; agreement: Agreement } | undefined>;
    versionById(id: string): Promise<{ info: { id: string }; agreement: Agreement } | undefined>;
  };
  organisations: { list(): Promise<{ id: string; kind: OrganisationKind }[]> };
  now: () => Date;
  escalations?: EscalationSink;
  /**
   * Announces a committed step to the event stream and webhooks (never coordinates or content: ids,
   * kinds and states), to the organisations that may read it.
   */
  publish?: (event: {
    kind: string;
    recordId: string;
    at: string;
    marking: Marking;
    owner: string;
    addressees: string[];
    summary: Record<string, unknown>;
  }) => Promise<void>;
}

/** A change to notices that other parts (the conflict checks, the strike index) follow. */
export interface NoticeChange {
  /** Notices now active (submitted, replacing, re-confirmed). */
  active: Notice[];
  /** Notices no longer active. */
  ended: string[];
  /** Notices an addressee has now read. */
  delivered?: string[];
}

/** A notice as its notifier reads it: everything, every copy and the whole history. */
export interface NoticeDetail {
  role: 'notifier';
  notice: Notice & { stale: boolean };
  deliveries: Delivery[];
  events: NoticeEvent[];
  requests: StoredRequest[];
}

/** A notice as an addressee reads it: its own copy and that copy's history. */
export interface AddresseeDetail {
  role: 'addressee';
  notice: { id: string; state: Notice['state']; endReason?: string };
  delivery: Delivery;
  events: NoticeEvent[];
  requests: StoredRequest[];
}

/** A notice a report or incident touched, with the history the reader may see. */
export interface TouchedNotice {
  noticeId: string;
  kind: Notice['kind'];
  distanceM: number;
  /** The severity the agreement gives a strike on it. */
  severity?: string;
  /** `commission`: the history of every copy, the content of its own copy only. */
  role: 'notifier' | 'commission';
  /** The notice in full, for its notifier. */
  notice?: Notice;
  deliveries: Delivery[];
  events: NoticeEvent[];
}

/** The console's (system's) actor for sweeps. */
const SYSTEM: Actor = {
  principal: {
    userId: null,
    username: 'system',
    organisationId: null,
    organisationKind: 'commission',
    roles: [],
    permissions: new Set(),
    via: 'token',
  },
  requestId: null,
  clientIp: null,
};

/** The record a notice step's log entry commits to (and the audit rebuilds from its row). */
export function noticeEventRecord(e: NoticeEvent): NoticeEvent {
  return e;
}

const hidden = (id: string) => notFound(`notice ${id}`);

export class NoticeService {
  readonly #listeners: ((change: NoticeChange) => Promise<void> | void)[] = [];

  constructor(private readonly deps: NoticeDeps) {}

  /** Follows every committed change of which notices are active. */
  onChange(listener: (change: NoticeChange) => Promise<void> | void): void {
    this.#listeners.push(listener);
  }

  async #emit(change: NoticeChange): Promise<void> {
    for (const l of this.#listeners) await l(change);
  }

  #now(): string {
    return this.deps.now().toISOString();
  }

  /** Tells the organisations concerned that a notice moved (after the commit). */
  async #announce(
    kind: string,
    notice: Notice,
    addressees: readonly string[],
    extra: Record<string, unknown> = {},
  ) {
    await this.deps.publish?.({
      kind: `notice.${kind}`,
      recordId: notice.id,
      at: this.#now(),
      marking: notice.marking,
      owner: notice.notifier,
      addressees: [...addressees],
      summary: {
        noticeId: notice.id,
        kind: notice.kind,
        obligation: notice.obligationId,
        notifier: notice.notifier,
        state: notice.state,
        ...extra,
      },
    });
  }

  async #orgs(): Promise<ActingOrganisation[]> {
    return (await this.deps.organisations.list()).map((o) => ({ id: o.id, kind: o.kind }));
  }

  async #agreementOf(versionId: string): Promise<Agreement> {
    const v = await this.deps.agreements.versionById(versionId);
    if (v === undefined) throw new AppError('conflict', `agreement version ${versionId} is not loaded`);
    return v.agreement;
  }

  static #obligation(agreement: Agreement, id: string): NotificationObligation {
    const o = agreement.notification_obligations?.find((x) => x.id === id);
    if (o === undefined) throw new AppError('conflict', `obligation ${id} is not in the agreement version`);
    return o;
  }

  #notifierOf(principal: Principal, orgs: readonly ActingOrganisation[]): ActingOrganisation {
    if (!principal.permissions.has('notices:submit')) throw forbidden('needs the permission notices:submit');
    const org = orgs.find((o) => o.id === principal.organisationId);
    if (org === undefined || principal.userId === null)
      throw forbidden('notices are submitted by a user of an organisation');
    return org;
  }

  /** Appends steps and logs each one, under the notice's marking. */
  async #log(
    tx: Executor,
    notice: Notice,
    steps: Omit<NoticeEvent, 'id' | 'seq' | 'noticeId'>[],
  ): Promise<NoticeEvent[]> {
    let seq = await nextSeq(tx, notice.id);
    const events = steps.map((s) => ({ ...s, id: crypto.randomUUID(), noticeId: notice.id, seq: seq++ }));
    await insertEvents(tx, events, notice.notifier);
    await this.deps.ledger.recordMany(
      tx,
      events.map((e) => ({
        kind: `notice.${e.kind}`,
        recordKind: NOTICE_EVENT_RECORD_KIND,
        recordId: e.id,
        marking: notice.marking,
        record: noticeEventRecord(e),
      })),
    );
    return events;
  }

  static #noticeStep(kind: string, notice: Notice, actor: Actor | undefined, at: string, reason?: string) {
    return {
      kind,
      at,
      ...(actor?.principal.userId ? { byUserId: actor.principal.userId } : {}),
      ...(actor?.principal.organisationId ? { organisationId: actor.principal.organisationId } : {}),
      ...(reason !== undefined ? { reason } : {}),
      snapshot: notice,
    };
  }

  static #deliveryStep(
    kind: string,
    d: StoredDelivery,
    actor: Actor | undefined,
    at: string,
    reason?: string,
  ) {
    return {
      kind,
      at,
      deliveryId: d.id,
      addressee: d.addressee,
      ...(actor?.principal.userId ? { byUserId: actor.principal.userId } : {}),
      ...(actor?.principal.organisationId ? { organisationId: actor.principal.organisationId } : {}),
      ...(reason !== undefined ? { reason } : {}),
      snapshot: d,
    };
  }

  /** The copies of a new notice version, one per addressee, with their acknowledgement deadlines. */
  #copies(
    notice: Notice,
    agreement: Agreement,
    obligation: NotificationObligation,
    orgs: readonly ActingOrganisation[],
    at: string,
  ): StoredDelivery[] {
    const within =
      obligation.acknowledgement.required && obligation.acknowledgement.within !== undefined
        ? parseDuration(obligation.acknowledgement.within)
        : undefined;
    return notice.addressees.map((addressee) => {
      const org = orgs.find((o) => o.id === addressee) ?? { id: addressee, kind: null };
      const view = viewFor(notice, agreement, obligation, org);
      return {
        id: crypto.randomUUID(),
        noticeId: notice.id,
        addressee,
        state: 'forwarded' as const,
        view,
        viewHash: viewHash(view),
        disclosed: [],
        forwardedAt: at,
        ...(within !== undefined ? { dueAt: new Date(Date.parse(at) + within).toISOString() } : {}),
        updatedAt: at,
      };
    });
  }

  #build(
    prepared: PreparedNotice,
    agreementVersionId: string,
    notifier: string,
    principal: Principal,
    at: string,
    series?: Notice,
  ): Notice {
    const id = crypto.randomUUID();
    return {
      id,
      seriesId: series?.seriesId ?? id,
      version: (series?.version ?? 0) + 1,
      ...(series !== undefined ? { replaces: series.id } : {}),
      agreementVersionId,
      obligationId: prepared.obligation.id,
      kind: prepared.kind,
      subject: prepared.subject,
      notifier,
      ...(prepared.via !== undefined ? { via: prepared.via } : {}),
      authorUserId: principal.userId,
      state: 'active',
      emergency: prepared.emergency,
      late: prepared.late,
      ...(prepared.lateReason !== undefined ? { lateReason: prepared.lateReason } : {}),
      submittedAt: at,
      startsAt: prepared.startsAt,
      endsAt: prepared.endsAt,
      ...(prepared.reconfirmDue !== undefined ? { reconfirmDue: prepared.reconfirmDue } : {}),
      geometry: prepared.geometry,
      ...(prepared.precisionM !== undefined ? { precisionM: prepared.precisionM } : {}),
      ...(prepared.corridorM !== undefined ? { corridorM: prepared.corridorM } : {}),
      ...(prepared.altitude !== undefined ? { altitude: prepared.altitude } : {}),
      windows: prepared.windows,
      details: prepared.details,
      addressees: prepared.addressees,
      marking: noticeMarking(prepared.obligation),
      updatedAt: at,
    };
  }

  /**
   * Submits a notice: checked against its obligation, forwarded to each addressee as the obligation
   * releases it, logged step by step.
   *
   * @throws AppError validation_failed (every problem with its field), forbidden
   */
  async submit(actor: Actor, input: NoticeInput): Promise<NoticeDetail> {
    const [detail] = await this.submitMany(actor, [input], false);
    return detail as NoticeDetail;
  }

  /**
   * Submits many notices (a GeoJSON import): every one is checked first, and all are stored in one
   * transaction or none is. Problems name the feature (`/features/3/route/coordinates/0`).
   */
  async submitMany(actor: Actor, inputs: readonly NoticeInput[], prefix = true): Promise<NoticeDetail[]> {
    const orgs = await this.#orgs();
    const notifier = this.#notifierOf(actor.principal, orgs);
    const nowDate = this.deps.now();
    const version = await this.deps.agreements.versionInForceAt(nowDate);
    if (version === undefined) throw new AppError('conflict', 'no agreement is loaded: load one first');
    if (inputs.length === 0)
      throw invalid('no notices to submit', [{ path: '/features', reason: 'is empty' }]);
    const problems: FieldProblem[] = [];
    const prepared: PreparedNotice[] = [];
    inputs.forEach((input, i) => {
      try {
        prepared.push(
          prepareNotice(input, {
            agreement: version.agreement,
            notifier,
            organisations: orgs,
            now: nowDate.getTime(),
          }),
        );
      } catch (err) {
        if (!(err instanceof AppError) || !prefix) throw err;
        const inner = err.errors.length > 0 ? err.errors : [{ path: '', reason: err.message }];
        problems.push(...inner.map((e) => ({ ...e, path: `/features/${i}${e.path}` })));
      }
    });
    if (problems.length > 0)
      throw invalid(
        `${problems.length} problem(s) in ${inputs.length} notices; nothing was submitted`,
        problems,
      );
    const at = nowDate.toISOString();
    const notices = prepared.map((p) => this.#build(p, version.info.id, notifier.id, actor.principal, at));
    await this.deps.db.transaction().execute(async (tx) => {
      for (const [i, notice] of notices.entries()) {
        await insertNotice(tx, notice);
        const copies = this.#copies(
          notice,
          version.agreement,
          (prepared[i] as PreparedNotice).obligation,
          orgs,
          at,
        );
        await insertDeliveries(tx, copies);
        await this.#log(tx, notice, [
          NoticeService.#noticeStep('submitted', notice, actor, at, notice.lateReason),
          ...copies.map((d) => NoticeService.#deliveryStep('forwarded', d, actor, at)),
        ]);
      }
    });
    await this.#emit({ active: notices, ended: [] });
    for (const n of notices)
      await this.#announce('submitted', n, n.addressees, { late: n.late, emergency: n.emergency });
    const out: NoticeDetail[] = [];
    for (const n of notices) out.push(await this.#detailOf(n, actor.principal));
    return out;
  }

  /** The notice if the principal's organisation notified (or conveys) it; not found otherwise. */
  async #owned(principal: Principal, id: string, db: Executor = this.deps.db): Promise<Notice> {
    const notice = await findNotice(db, id);
    if (notice === undefined || !isNotifierSide(principal, notice)) throw hidden(id);
    if (!principal.permissions.has('notices:submit')) throw forbidden('needs the permission notices:submit');
    if (notice.notifier !== principal.organisationId)
      throw forbidden(`only ${notice.notifier}, the notifier, may change this notice`);
    return notice;
  }

  static #requireActive(notice: Notice, rule: string, what: string): void {
    if (notice.state !== 'active')
      throw ruleViolated(rule, `notice ${notice.id} is ${notice.state}: it cannot be ${what}`, '/id');
  }

  /**
   * Replaces an active notice with a new version (NOTAM `R`): the old copies are superseded, the new
   * version forwarded afresh. Addressees default to the replaced version's.
   *
   * @throws AppError rule_violated `replace-active-only` for a cancelled, withdrawn, replaced or expired notice
   */
  async replace(actor: Actor, id: string, input: NoticeInput): Promise<NoticeDetail> {
    const orgs = await this.#orgs();
    const notifier = this.#notifierOf(actor.principal, orgs);
    const old = await this.#owned(actor.principal, id);
    NoticeService.#requireActive(old, 'replace-active-only', 'replaced');
    const agreement = await this.#agreementOf(old.agreementVersionId);
    if (input.obligation !== old.obligationId)
      throw invalid('a replacement keeps its obligation', [
        { path: '/obligation', reason: `notice ${id} was notified under ${old.obligationId}` },
      ]);
    const nowDate = this.deps.now();
    const prepared = prepareNotice(
      { ...input, ...(input.addressees === undefined ? { addressees: old.addressees } : {}) },
      { agreement, notifier, organisations: orgs, now: nowDate.getTime() },
    );
    const at = nowDate.toISOString();
    const next = this.#build(prepared, old.agreementVersionId, notifier.id, actor.principal, at, old);
    await this.deps.db.transaction().execute(async (tx) => {
      const current = await this.#owned(actor.principal, id, tx);
      NoticeService.#requireActive(current, 'replace-active-only', 'replaced');
      const replaced: Notice = { ...current, state: 'replaced', updatedAt: at };
      await updateNotice(tx, replaced);
      const superseded = await this.#endCopies(tx, replaced, 'superseded', actor, at);
      await this.#log(tx, replaced, [
        NoticeService.#noticeStep('replaced', replaced, actor, at, `replaced by ${next.id}`),
        ...superseded.map((d) => NoticeService.#deliveryStep('superseded', d, actor, at)),
      ]);
      await insertNotice(tx, next);
      const copies = this.#copies(next, agreement, prepared.obligation, orgs, at);
      await insertDeliveries(tx, copies);
      await this.#log(tx, next, [
        NoticeService.#noticeStep('submitted', next, actor, at, next.lateReason),
        ...copies.map((d) => NoticeService.#deliveryStep('forwarded', d, actor, at)),
      ]);
    });
    await this.#emit({ active: [next], ended: [id] });
    return this.#detailOf(next, actor.principal);
  }

  /** Moves every live copy of a notice to an end state (superseded, cancelled, withdrawn, expired). */
  async #endCopies(
    tx: Executor,
    notice: Notice,
    state: 'superseded' | 'cancelled' | 'withdrawn',
    _actor: Actor | undefined,
    at: string,
  ): Promise<StoredDelivery[]> {
    const out: StoredDelivery[] = [];
    for (const d of await deliveriesOf(tx, [notice.id])) {
      if (d.state === 'withdrawn') continue;
      // Withdrawal takes the content back: only its hash stays, in the row and the log.
      const ended: StoredDelivery = {
        ...d,
        state,
        ...(state === 'withdrawn' ? { view: null } : {}),
        updatedAt: at,
      };
      await updateDelivery(tx, ended);
      out.push(ended);
    }
    return out;
  }

  /**
   * Cancels an active notice (NOTAM `C`); every addressee's copy shows it cancelled.
   *
   * @throws AppError rule_violated `cancel-active-only`
   */
  async cancel(actor: Actor, id: string, reason: string): Promise<NoticeDetail> {
    return this.#end(actor, id, 'cancelled', reason, 'cancel-active-only');
  }

  /**
   * Withdraws a notice: its content is taken back from every addressee (their copies keep the hash of
   * what they were sent, and the history); the notifier keeps it.
   *
   * @throws AppError rule_violated `withdrawn-once`
   */
  async withdraw(actor: Actor, id: string, reason: string): Promise<NoticeDetail> {
    return this.#end(actor, id, 'withdrawn', reason, 'withdrawn-once');
  }

  async #end(
    actor: Actor,
    id: string,
    state: 'cancelled' | 'withdrawn',
    reason: string,
    rule: string,
  ): Promise<NoticeDetail> {
    if (reason.trim() === '')
      throw invalid('a reason is required', [{ path: '/reason', reason: 'must not be empty' }]);
    const at = this.#now();
    let ended: Notice | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      const notice = await this.#owned(actor.principal, id, tx);
      if (state === 'cancelled') NoticeService.#requireActive(notice, rule, 'cancelled');
      else if (notice.state === 'withdrawn')
        throw ruleViolated(rule, `notice ${id} is withdrawn already`, '/id');
      ended = { ...notice, state, endReason: reason, updatedAt: at };
      await updateNotice(tx, ended);
      const copies = await this.#endCopies(tx, ended, state, actor, at);
      await this.#log(tx, ended, [
        NoticeService.#noticeStep(state, ended, actor, at, reason),
        ...copies.map((d) => NoticeService.#deliveryStep(state, d, actor, at, reason)),
      ]);
    });
    await this.#emit({ active: [], ended: [id] });
    const done = ended as unknown as Notice;
    await this.#announce(state, done, done.addressees);
    return this.#detailOf(done, actor.principal);
  }

  /**
   * Re-confirms an active notice (the obligation's `reconfirm_every`): its data still stands; the next
   * re-confirmation falls due a period later. Each addressee's copy records it.
   */
  async reconfirm(actor: Actor, id: string): Promise<NoticeDetail> {
    const probe = await this.#owned(actor.principal, id);
    const agreement = await this.#agreementOf(probe.agreementVersionId);
    const obligation = NoticeService.#obligation(agreement, probe.obligationId);
    const every =
      obligation.reconfirm_every === undefined ? undefined : parseDuration(obligation.reconfirm_every);
    if (every === undefined)
      throw ruleViolated('no-reconfirmation', `${obligation.id} asks for no re-confirmation`, '/id');
    const at = this.#now();
    let notice: Notice | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      const current = await this.#owned(actor.principal, id, tx);
      NoticeService.#requireActive(current, 'reconfirm-active-only', 're-confirmed');
      notice = {
        ...current,
        reconfirmedAt: at,
        reconfirmDue: new Date(Date.parse(at) + every).toISOString(),
        updatedAt: at,
      };
      await updateNotice(tx, notice);
      await this.#log(tx, notice, [NoticeService.#noticeStep('reconfirmed', notice, actor, at)]);
    });
    return this.#detailOf(notice as unknown as Notice, actor.principal);
  }

  /**
   * Reads a notice: the notifier everything; an addressee its own copy — and the first read by a
   * user of the addressee is its delivery, logged. Anyone else: not found.
   */
  async read(actor: Actor, id: string): Promise<NoticeDetail | AddresseeDetail> {
    const principal = actor.principal;
    const notice = await findNotice(this.deps.db, id);
    if (notice === undefined) throw hidden(id);
    if (isNotifierSide(principal, notice)) return this.#detailOf(notice, principal);
    const copy = (await deliveriesOf(this.deps.db, [id])).find(
      (d) => d.addressee === principal.organisationId,
    );
    if (copy === undefined) throw hidden(id);
    const [delivered] = await this.markDelivered(actor, [copy]);
    return this.#addresseeDetail(notice, delivered ?? copy, principal);
  }

  /**
   * Marks copies read by a user of their addressee as delivered (first read only), logged. Copies of
   * other organisations, and reads without a user (the public, the console), deliver nothing.
   */
  async markDelivered(actor: Actor, copies: readonly StoredDelivery[]): Promise<StoredDelivery[]> {
    const p = actor.principal;
    const pending = copies.filter(
      (d) => d.state === 'forwarded' && d.addressee === p.organisationId && p.userId !== null,
    );
    if (pending.length === 0) return [...copies];
    const at = this.#now();
    const updated = new Map<string, StoredDelivery>();
    await this.deps.db.transaction().execute(async (tx) => {
      for (const d of pending) {
        const [current] = await findDeliveries(tx, [d.id]);
        if (current === undefined || current.state !== 'forwarded') continue;
        const notice = await findNotice(tx, d.noticeId);
        if (notice === undefined) continue;
        const delivered: StoredDelivery = {
          ...current,
          state: 'delivered',
          deliveredAt: at,
          deliveredBy: p.userId ?? '',
          updatedAt: at,
        };
        await updateDelivery(tx, delivered);
        await this.#log(tx, notice, [NoticeService.#deliveryStep('delivered', delivered, actor, at)]);
        updated.set(d.id, delivered);
      }
    });
    if (updated.size > 0)
      await this.#emit({
        active: [],
        ended: [],
        delivered: [...new Set([...updated.values()].map((d) => d.noticeId))],
      });
    return copies.map((d) => updated.get(d.id) ?? d);
  }

  /**
   * An addressee answers its copy: acknowledge (received — never approval), approve or refuse (only
   * under a permission request), or object with a reason.
   *
   * @throws AppError not_found when the notice is not addressed to the caller; rule_violated
   *   `approval-needs-permission-request`, `objection-needs-reason`, `answered-once`, `notice-not-active`
   */
  async respond(actor: Actor, id: string, response: Response, reason?: string): Promise<AddresseeDetail> {
    const p = actor.principal;
    if (!p.permissions.has('notices:respond')) throw forbidden('needs the permission notices:respond');
    const notice = await findNotice(this.deps.db, id);
    const probe =
      notice === undefined
        ? undefined
        : (await deliveriesOf(this.deps.db, [id])).find((d) => d.addressee === p.organisationId);
    if (notice === undefined || probe === undefined || p.userId === null) throw hidden(id);
    const agreement = await this.#agreementOf(notice.agreementVersionId);
    const obligation = NoticeService.#obligation(agreement, notice.obligationId);
    if ((response === 'approve' || response === 'refuse') && obligation.kind !== 'permission_request')
      throw ruleViolated(
        'approval-needs-permission-request',
        `${obligation.id} is a notification: acknowledging it means it was received, never that it is approved`,
        '/response',
      );
    if ((response === 'object' || response === 'refuse') && (reason === undefined || reason.trim() === ''))
      throw ruleViolated(
        'objection-needs-reason',
        `${response === 'object' ? 'an objection' : 'a refusal'} states its reason`,
        '/reason',
      );
    const at = this.#now();
    let answered: StoredDelivery | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      const [current] = await findDeliveries(tx, [probe.id]);
      const live = await findNotice(tx, id);
      if (current === undefined || live === undefined) throw hidden(id);
      if (!isAwaitingResponse(current.state))
        throw ruleViolated('answered-once', `your copy of notice ${id} is ${current.state}`, '/response');
      if (live.state !== 'active')
        throw ruleViolated('notice-not-active', `notice ${id} is ${live.state}`, '/response');
      const steps = [];
      let d = current;
      if (d.state === 'forwarded') {
        d = { ...d, state: 'delivered', deliveredAt: at, deliveredBy: p.userId ?? '', updatedAt: at };
        steps.push(NoticeService.#deliveryStep('delivered', d, actor, at));
      }
      const state = (
        { acknowledge: 'acknowledged', approve: 'approved', refuse: 'refused', object: 'objected' } as const
      )[response];
      d = {
        ...d,
        state,
        respondedAt: at,
        respondedBy: p.userId ?? '',
        ...(reason !== undefined && reason.trim() !== '' ? { reason } : {}),
        updatedAt: at,
      };
      steps.push(NoticeService.#deliveryStep(state, d, actor, at, reason));
      await updateDelivery(tx, d);
      await this.#log(tx, live, steps);
      answered = d;
    });
    await this.#emit({ active: [], ended: [], delivered: [id] });
    const done = answered as unknown as StoredDelivery;
    await this.#announce('answered', notice, [notice.notifier], {
      addressee: done.addressee,
      answer: done.state,
    });
    return this.#addresseeDetail(notice, done, p);
  }

  /**
   * An addressee asks for fields it did not receive. A request for fields the agreement does not
   * require is flagged to the commission (permission creep); the notifier decides.
   */
  async request(actor: Actor, id: string, fields: string[], reason: string): Promise<StoredRequest> {
    const p = actor.principal;
    if (!p.permissions.has('notices:respond')) throw forbidden('needs the permission notices:respond');
    const notice = await findNotice(this.deps.db, id);
    const copy =
      notice === undefined
        ? undefined
        : (await deliveriesOf(this.deps.db, [id])).find((d) => d.addressee === p.organisationId);
    if (notice === undefined || copy === undefined || p.userId === null) throw hidden(id);
    const problems = [];
    if (fields.length === 0) problems.push({ path: '/fields', reason: 'name at least one field' });
    if (reason.trim() === '') problems.push({ path: '/reason', reason: 'must not be empty' });
    if (problems.length > 0) throw invalid('the request is incomplete', problems);
    const agreement = await this.#agreementOf(notice.agreementVersionId);
    const obligation = NoticeService.#obligation(agreement, notice.obligationId);
    const beyond = beyondAgreement(obligation, fields);
    const orgs = await this.#orgs();
    const at = this.#now();
    const request: StoredRequest = {
      id: crypto.randomUUID(),
      noticeId: id,
      deliveryId: copy.id,
      notifier: notice.notifier,
      requester: p.organisationId ?? '',
      requestedBy: p.userId,
      fields: [...new Set(fields)],
      beyond,
      reason,
      state: 'open',
      at,
    };
    await this.deps.db.transaction().execute(async (tx) => {
      await insertRequest(tx, request);
      await this.deps.ledger.record(tx, {
        kind: 'notice.fields-requested',
        recordKind: NOTICE_REQUEST_RECORD_KIND,
        recordId: request.id,
        marking: notice.marking,
        record: request,
      });
      if (beyond.length > 0 && this.deps.escalations !== undefined) {
        const commission = orgs.filter((o) => o.kind === 'commission').map((o) => o.id);
        await this.deps.escalations.raise(tx, actor, {
          sourceKind: 'disclosure-request',
          sourceId: request.id,
          organisations: [...new Set([notice.notifier, request.requester, ...commission])].sort(),
          reason: `${request.requester} asked for ${beyond.join(', ')} of a ${notice.kind} notice under ${obligation.id}, which the agreement does not require`,
        });
      }
    });
    return request;
  }

  /** The notifier answers a request: discloses the fields to that addressee (a new copy, logged) or declines. */
  async answerRequest(actor: Actor, requestId: string, disclose: boolean): Promise<StoredRequest> {
    const p = actor.principal;
    const found = await findRequest(this.deps.db, requestId);
    if (found === undefined || found.notifier !== p.organisationId) throw notFound(`request ${requestId}`);
    const notice = await this.#owned(p, found.noticeId);
    const agreement = await this.#agreementOf(notice.agreementVersionId);
    const obligation = NoticeService.#obligation(agreement, notice.obligationId);
    const orgs = await this.#orgs();
    const at = this.#now();
    let answered: StoredRequest | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      const request = await findRequest(tx, requestId);
      if (request === undefined) throw notFound(`request ${requestId}`);
      if (request.state !== 'open')
        throw ruleViolated('answered-once', `request ${requestId} is ${request.state}`, '/disclose');
      answered = {
        ...request,
        state: disclose ? 'disclosed' : 'declined',
        answeredAt: at,
        answeredBy: p.userId ?? '',
      };
      await updateRequest(tx, answered);
      await this.deps.ledger.record(tx, {
        kind: 'notice.request-answered',
        recordKind: NOTICE_REQUEST_RECORD_KIND,
        recordId: request.id,
        marking: notice.marking,
        record: answered,
      });
      if (!disclose) return;
      const [copy] = await findDeliveries(tx, [request.deliveryId]);
      if (copy === undefined || copy.view === null) return;
      const live = await findNotice(tx, notice.id);
      if (live === undefined) return;
      const disclosed = [...new Set([...copy.disclosed, ...request.fields])].sort();
      const org = orgs.find((o) => o.id === copy.addressee) ?? { id: copy.addressee, kind: null };
      const view = {
        ...viewFor(live, agreement, obligation, org, disclosed),
        geometry: copy.view.geometry,
        location: copy.view.location,
      } satisfies NoticeView;
      const next: StoredDelivery = { ...copy, disclosed, view, viewHash: viewHash(view), updatedAt: at };
      await updateDelivery(tx, next);
      await this.#log(tx, live, [
        NoticeService.#deliveryStep('disclosed', next, actor, at, request.fields.join(', ')),
      ]);
    });
    return answered as unknown as StoredRequest;
  }

  /**
   * The notices an organisation sees: those it notified (in full) and the copies addressed to it.
   * Listing copies delivers them (a user of the addressee has read them).
   */
  async list(
    actor: Actor,
    filter: NoticeFilter,
  ): Promise<{
    notices: (Notice & { stale: boolean; deliveries: Delivery[] })[];
    addressed: (Delivery & { noticeState: Notice['state'] })[];
    total: number;
  }> {
    const p = actor.principal;
    const org = p.organisationId;
    if (org === null || p.userId === null) return { notices: [], addressed: [], total: 0 };
    const own =
      filter.role === 'addressed'
        ? { notices: [], total: 0 }
        : await listOwnNotices(this.deps.db, org, filter);
    const copies =
      filter.role === 'mine'
        ? { deliveries: [], total: 0 }
        : await listAddressedDeliveries(this.deps.db, org, filter);
    const all = await deliveriesOf(
      this.deps.db,
      own.notices.map((n) => n.id),
    );
    const now = this.deps.now().getTime();
    const delivered = await this.markDelivered(actor, copies.deliveries);
    return {
      notices: own.notices.map((n) => ({
        ...n,
        stale: isStale(n, now),
        deliveries: all.filter((d) => d.noticeId === n.id).map(publicDelivery),
      })),
      addressed: delivered.map((d, i) => ({
        ...publicDelivery(d),
        noticeState: copies.deliveries[i]?.noticeState ?? 'active',
      })),
      total: own.total + copies.total,
    };
  }

  async #detailOf(notice: Notice, principal: Principal): Promise<NoticeDetail> {
    const fresh = (await findNotice(this.deps.db, notice.id)) ?? notice;
    return {
      role: 'notifier',
      notice: { ...fresh, stale: isStale(fresh, this.deps.now().getTime()) },
      deliveries: (await deliveriesOf(this.deps.db, [notice.id])).map(publicDelivery),
      events: await eventsOf(this.deps.db, [notice.id]),
      requests: await requestsOf(this.deps.db, notice.id, principal),
    };
  }

  async #addresseeDetail(
    notice: Notice,
    copy: StoredDelivery,
    principal: Principal,
  ): Promise<AddresseeDetail> {
    const fresh = (await findNotice(this.deps.db, notice.id)) ?? notice;
    return {
      role: 'addressee',
      notice: {
        id: fresh.id,
        state: fresh.state,
        ...(fresh.endReason !== undefined ? { endReason: fresh.endReason } : {}),
      },
      delivery: publicDelivery(copy),
      events: (await eventsOf(this.deps.db, [notice.id], principal.organisationId ?? '')).filter(
        (e) => e.addressee === principal.organisationId,
      ),
      requests: await requestsOf(this.deps.db, notice.id, principal),
    };
  }

  /**
   * Runs what falls due: copies not acknowledged by their deadline are marked overdue and escalated to
   * the commission; notices whose period ended expire. The server calls it periodically.
   */
  async sweep(now: Date = this.deps.now()): Promise<{ overdue: number; expired: number }> {
    const at = now.toISOString();
    const orgs = await this.#orgs();
    const commission = orgs.filter((o) => o.kind === 'commission').map((o) => o.id);
    let overdue = 0;
    for (const d of await overdueDeliveries(this.deps.db, at)) {
      await this.deps.db.transaction().execute(async (tx) => {
        const [current] = await findDeliveries(tx, [d.id]);
        const notice = await findNotice(tx, d.noticeId);
        if (current === undefined || notice === undefined || current.overdueAt !== undefined) return;
        if (!isAwaitingResponse(current.state) || notice.state !== 'active') return;
        const late: StoredDelivery = { ...current, overdueAt: at, updatedAt: at };
        await updateDelivery(tx, late);
        const step = current.state === 'forwarded' ? 'not delivered' : 'not acknowledged';
        await this.#log(tx, notice, [
          NoticeService.#deliveryStep('overdue', late, undefined, at, `${step} by ${current.dueAt ?? ''}`),
        ]);
        await this.deps.escalations?.raise(tx, SYSTEM, {
          sourceKind: 'notice-delivery',
          sourceId: current.id,
          organisations: [...new Set([notice.notifier, current.addressee, ...commission])].sort(),
          reason: `${current.addressee}'s copy of a ${notice.kind} notice (${notice.obligationId}) was ${step} by its deadline ${current.dueAt ?? ''}`,
        });
        overdue += 1;
      });
    }
    const ended: string[] = [];
    for (const n of await endedNotices(this.deps.db, at)) {
      await this.deps.db.transaction().execute(async (tx) => {
        const current = await findNotice(tx, n.id);
        if (current === undefined || current.state !== 'active') return;
        const expired: Notice = { ...current, state: 'expired', updatedAt: at };
        await updateNotice(tx, expired);
        await this.#log(tx, expired, [NoticeService.#noticeStep('expired', expired, undefined, at)]);
        ended.push(n.id);
      });
    }
    if (ended.length > 0) await this.#emit({ active: [], ended });
    return { overdue, expired: ended.length };
  }

  /**
   * The notices a report or incident touched (its classification's matches), with the delivery and
   * acknowledgement history the reader may see: all of it for the notifier, its own copy for an
   * addressee. Matches the reader may not see are left out without a trace.
   */
  async touched(actor: Actor, matches: readonly NotifiedMatch[]): Promise<TouchedNotice[]> {
    const p = actor.principal;
    const out: TouchedNotice[] = [];
    const seen = new Set<string>();
    for (const m of matches) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      const notice = await findNotice(this.deps.db, m.id);
      if (notice === undefined || p.userId === null) continue;
      const base = {
        noticeId: m.id,
        kind: m.kind,
        distanceM: m.distanceM,
        ...(m.severity !== undefined ? { severity: m.severity } : {}),
      };
      if (isNotifierSide(p, notice)) {
        out.push({
          ...base,
          role: 'notifier',
          notice,
          deliveries: (await deliveriesOf(this.deps.db, [m.id])).map(publicDelivery),
          events: await eventsOf(this.deps.db, [m.id]),
        });
        continue;
      }
      // The commission verifies strikes: it reads when each copy was forwarded, delivered and
      // answered (never what another addressee was sent), for notices it was itself sent.
      const copies = await deliveriesOf(this.deps.db, [m.id]);
      const own = copies.find((d) => d.addressee === p.organisationId);
      if (own === undefined || p.organisationKind !== 'commission' || !p.permissions.has('incidents:read'))
        continue;
      out.push({
        ...base,
        role: 'commission',
        deliveries: copies.map((d) =>
          d.id === own.id ? publicDelivery(d) : { ...publicDelivery(d), view: null },
        ),
        events: (await eventsOf(this.deps.db, [m.id])).map((e) =>
          e.addressee === p.organisationId ? e : { ...e, snapshot: null },
        ),
      });
    }
    return out;
  }

  /** Every step of a notice the principal may read, for the proof bundle. */
  async history(principal: Principal, id: string): Promise<{ notice: Notice; events: NoticeEvent[] }> {
    const notice = await findNotice(this.deps.db, id);
    if (notice === undefined) throw hidden(id);
    if (isNotifierSide(principal, notice)) return { notice, events: await eventsOf(this.deps.db, [id]) };
    const events = (await eventsOf(this.deps.db, [id], principal.organisationId ?? '')).filter(
      (e) => e.addressee !== undefined && e.addressee === principal.organisationId,
    );
    if (events.length === 0) throw hidden(id);
    return { notice, events };
  }
}

/** Notices are marked AMBER+STRICT (notifier and addressees only), CLEAR when the obligation makes them public. */
export function noticeMarking(obligation: NotificationObligation): Marking {
  return obligation.disclosure === 'public' ? 'CLEAR' : 'AMBER+STRICT';
}

/** Whether the principal's organisation notified the notice or conveys it (the obligation's `via`). */
export function isNotifierSide(principal: Principal, notice: Notice): boolean {
  if (notice.marking === 'CLEAR' && principal.permissions.has('notices:read')) return true;
  const org = principal.organisationId;
  return principal.userId !== null && org !== null && (notice.notifier === org || notice.via === org);
}

/** Past its re-confirmation date without being re-confirmed. */
export function isStale(notice: Notice, now: number): boolean {
  return (
    notice.state === 'active' && notice.reconfirmDue !== undefined && Date.parse(notice.reconfirmDue) < now
  );
}

/** A delivery without the internal list of disclosed fields. */
function publicDelivery(d: StoredDelivery): Delivery {
  const { disclosed: _disclosed, ...rest } = d;
  return rest;
}
