import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor, AuditTrail } from '../access/audit.service.js';
import type { Marking } from '../access/marking.js';
import type { OrganisationKind, Permission, Principal } from '../access/policy.js';
import { actsFor } from '../agreement/acting.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import { AppError, forbidden, invalid, notFound, ruleViolated } from '../core/errors.js';
import type { Database, Executor } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import {
  CASE_RECORD_KIND,
  evidencePackage,
  findCase,
  insertCase,
  insertDecision,
  insertInaction,
  listDecidedFindings,
  listDecisions,
  listInactions,
  listLiveCases,
  listVisibleCases,
  readWatermark,
  updateCase,
  writeWatermark,
  type Case,
  type CaseFilter,
} from './case.repository.js';
import {
  optionsAt,
  type CaseChange,
  type CaseDecision,
  type CaseInaction,
  type LadderCase,
} from './ladder.cases.js';
import { LadderEngine } from './ladder.engine.js';
import type { LadderFinding } from './ladder.triggers.js';
import { advance, processed, type Watermark } from './watermark.js';

/** What the response services need, injected. */
export interface ResponseDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  audit: AuditTrail;
  agreements: {
    versionIds(): Promise<string[]>;
    versionById(
      id: string,
    ): Promise<{ info: { id: string; marking: Marking }; agreement: Agreement } | undefined>;
  };
  organisations: { list(): Promise<{ id: string; kind: OrganisationKind }[]> };
  now: () => Date;
}

/** Cases are the commission's record, addressed to the rung's actors and the parties concerned. */
export const CASE_MARKING: Marking = 'AMBER';

/** What a listener hears after a case event commits (webhooks and the event stream are built on it). */
/** How long before a deadline the actors are warned (`case.deadline-approaching`). */
export const DEADLINE_WARNING_MS = 12 * 3_600_000;

export interface CaseEvent {
  kind: CaseChange['kind'] | 'case.decision' | 'case.inaction' | 'case.deadline-approaching';
  caseId: string;
  marking: Marking;
  /** Organisations that may read the case (besides the commission). */
  addressees: string[];
  summary: string;
  at: string;
}

/** A case with its decisions, inactions and the options open to its rung's actors. */
export interface CaseDetail {
  case: Case;
  decisions: CaseDecision[];
  inactions: CaseInaction[];
  /** What the rung's actors may decide, while the case is not closed. */
  options: string[];
}

/** The record a case's log entries commit to: its whole state. */
export function caseRecord(c: Case): unknown {
  return { ...c };
}

function requirePermission(principal: Principal, permission: Permission): void {
  if (!principal.permissions.has(permission)) throw forbidden(`needs the permission ${permission}`);
}

/**
 * Cases on the escalation ladders: opened and moved by the ladder engine from adopted, verified
 * findings; decided by the rung's actors under its rule; timed out by `sweep`. Truceline records and
 * recommends; it decides nothing. Every change is logged in its transaction.
 */
export class CaseService {
  readonly #agreements = new Map<string, Agreement>();
  readonly #findings = new Map<string, LadderFinding>();
  readonly #listeners: ((event: CaseEvent) => void | Promise<void>)[] = [];
  /** Deadlines already warned of (case id | deadline), in this process. */
  readonly #warned = new Set<string>();
  #organisations: { id: string; kind: OrganisationKind }[] = [];
  #engine: LadderEngine | undefined;
  /** The findings this process's engine has counted (another process may have acted on more). */
  #seen: Watermark = { at: '', ids: [] };
  #running: Promise<unknown> = Promise.resolve();

  constructor(readonly deps: ResponseDeps) {}

  /**
   * Calls `listener` after every case event commits (opened, escalated, evidence added, held, closed,
   * responded, each decision and each inaction). A listener's failure is reported, not raised.
   */
  onCaseEvent(listener: (event: CaseEvent) => void | Promise<void>): void {
    this.#listeners.push(listener);
  }

  /** The agreement of a version (loaded by `prepare`). */
  agreementOf(versionId: string): Agreement | undefined {
    return this.#agreements.get(versionId);
  }

  /** Reads agreements and organisations before a transaction (SQLite has one connection). */
  async prepare(): Promise<void> {
    this.#organisations = await this.deps.organisations.list();
    for (const id of await this.deps.agreements.versionIds()) {
      if (this.#agreements.has(id)) continue;
      const v = await this.deps.agreements.versionById(id);
      if (v !== undefined) this.#agreements.set(id, v.agreement);
    }
  }

  /** One operation at a time: the engine's window counts follow the order of the stored changes. */
  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#running.then(work, work);
    this.#running = next.catch(() => undefined);
    return next;
  }

  async #engineReady(): Promise<LadderEngine> {
    if (this.#engine !== undefined) return this.#engine;
    const engine = new LadderEngine((id) => this.#agreements.get(id));
    const mark = await readWatermark(this.deps.db);
    for (const f of await listDecidedFindings(this.deps.db)) {
      if (!processed(mark, f)) continue;
      this.#findings.set(f.id, f);
      engine.remember(f);
      this.#seen = advance(this.#seen, f);
    }
    this.#engine = engine;
    return engine;
  }

  /**
   * Acts on the findings decided since the last run, in the order the body decided them, applying
   * the deadlines that passed before each. The FindingService hook calls it after every decision.
   */
  evaluate(): Promise<number> {
    return this.#serial(() => this.#evaluate());
  }

  async #evaluate(): Promise<number> {
    await this.prepare();
    const engine = await this.#engineReady();
    const fresh = await listDecidedFindings(this.deps.db, this.#seen);
    let changed = 0;
    for (const f of fresh) {
      this.#findings.set(f.id, f);
      const events: CaseEvent[] = [];
      await this.deps.db.transaction().execute(async (tx) => {
        // Another process (the CLI, a second server) may have acted on it: then only count it.
        let mark = await readWatermark(tx);
        if (processed(mark, f)) {
          engine.remember(f);
          return;
        }
        const live = await listLiveCases(tx);
        const decisions = await listDecisions(
          tx,
          live.map((c) => c.id),
        );
        const changes = engine.timeouts(live, decisions, new Date(f.decidedAt));
        const after = new Map<string, LadderCase>(live.map((c) => [c.id, c]));
        for (const ch of changes) after.set(ch.case.id, ch.case);
        changes.push(
          ...engine.onFinding(
            f,
            [...after.values()].filter((c) => c.status !== 'closed'),
          ),
        );
        for (const ch of changes) events.push(...(await this.#persist(tx, ch)));
        mark = advance(mark, f);
        await writeWatermark(tx, mark);
        changed += changes.length;
      });
      this.#seen = advance(this.#seen, f);
      await this.#emit(events);
    }
    return changed;
  }

  /**
   * Applies every deadline that passed by `now` (the server calls it periodically; tests with a
   * TestClock): the rung's on_timeout, and inaction for each actor that did not decide.
   */
  sweep(now: Date): Promise<number> {
    return this.#serial(async () => {
      const fromFindings = await this.#evaluate();
      return fromFindings + (await this.#sweep(now));
    });
  }

  async #sweep(now: Date): Promise<number> {
    const engine = await this.#engineReady();
    const events: CaseEvent[] = [];
    let changed = 0;
    await this.deps.db.transaction().execute(async (tx) => {
      const live = await listLiveCases(tx);
      const decisions = await listDecisions(
        tx,
        live.map((c) => c.id),
      );
      const changes = engine.timeouts(live, decisions, now);
      for (const ch of changes) events.push(...(await this.#persist(tx, ch)));
      changed = changes.length;
      // A warning before a deadline falls due, once per case and deadline: a notification for the
      // actors (webhooks, the event stream), not a change of the record.
      const moved = new Set(changes.map((ch) => ch.case.id));
      for (const c of live) {
        if (c.deadline === null) continue;
        const left = Date.parse(c.deadline) - now.getTime();
        const key = `${c.id}|${c.deadline}`;
        if (moved.has(c.id) || left <= 0 || left > DEADLINE_WARNING_MS || this.#warned.has(key)) continue;
        this.#warned.add(key);
        events.push({
          kind: 'case.deadline-approaching',
          caseId: c.id,
          marking: c.marking,
          addressees: c.addressees,
          summary: `the deadline at ${c.rungId} falls due at ${c.deadline}: ${c.actors.join(', ')} to decide`,
          at: now.toISOString(),
        });
      }
    });
    await this.#emit(events);
    return changed;
  }

  /** The organisations that read a case besides the commission. */
  #addressees(c: LadderCase, agreement: Agreement | undefined): string[] {
    const known = new Set(this.#organisations.map((o) => o.id));
    const rungs = new Set([c.rungId, ...c.steps.map((s) => s.rungId)]);
    const ladder = agreement?.escalation_ladders?.find((l) => l.id === c.ladderId);
    const actors = (ladder?.rungs ?? []).filter((r) => rungs.has(r.id)).flatMap((r) => r.actors);
    const orgs = this.#organisations
      .filter((o) => agreement !== undefined && actors.some((a) => actsFor(agreement, o, a)))
      .map((o) => o.id);
    const beneficiaries = (agreement?.guarantees ?? []).map((g) => g.beneficiary);
    return [...new Set([...orgs, ...(c.party !== null ? [c.party] : []), ...beneficiaries])]
      .filter((id) => known.has(id))
      .sort();
  }

  #commission(): string {
    const c = this.#organisations
      .filter((o) => o.kind === 'commission')
      .sort((a, b) => a.id.localeCompare(b.id))[0];
    if (c === undefined) throw new AppError('conflict', 'no commission organisation: initialise first');
    return c.id;
  }

  /** Stores a change and logs it; returns the events to announce once it commits. */
  async #persist(tx: Executor, ch: CaseChange): Promise<CaseEvent[]> {
    const before = await findCase(tx, undefined, ch.case.id);
    const agreement = this.#agreements.get(ch.case.agreementVersionId);
    const evidence =
      before !== undefined && before.findingIds.length === ch.case.findingIds.length
        ? before.evidence
        : await evidencePackage(
            tx,
            ch.case.findingIds.flatMap((id) => this.#findings.get(id) ?? []),
          );
    const c: Case = {
      ...ch.case,
      evidence,
      marking: CASE_MARKING,
      ownerOrganisationId: before?.ownerOrganisationId ?? this.#commission(),
      addressees: this.#addressees(ch.case, agreement),
    };
    if (before === undefined) await insertCase(tx, c);
    else await updateCase(tx, c);
    await this.deps.ledger.record(tx, {
      kind: ch.kind,
      recordKind: CASE_RECORD_KIND,
      recordId: c.id,
      marking: c.marking,
      record: caseRecord(c),
    });
    const step = c.steps[c.steps.length - 1];
    const events: CaseEvent[] = [
      {
        kind: ch.kind,
        caseId: c.id,
        marking: c.marking,
        addressees: c.addressees,
        summary: `${ch.kind} on ${c.ladderId} at ${c.rungId}: ${step?.reason ?? ''}`,
        at: c.updatedAt,
      },
    ];
    for (const i of ch.inactions) {
      await insertInaction(tx, i);
      await this.deps.ledger.record(tx, {
        kind: 'case.inaction',
        recordKind: 'case-inaction',
        recordId: i.id,
        marking: c.marking,
        record: i,
      });
      events.push({
        kind: 'case.inaction',
        caseId: c.id,
        marking: c.marking,
        addressees: c.addressees,
        summary: `${i.actor} did not decide at ${i.rungId} by ${i.deadline}`,
        at: i.at,
      });
    }
    return events;
  }

  async #emit(events: readonly CaseEvent[]): Promise<void> {
    for (const e of events)
      for (const listener of this.#listeners) {
        try {
          await listener(e);
        } catch (err) {
          process.stderr.write(`after ${e.kind}: ${err instanceof Error ? err.message : String(err)}\n`);
        }
      }
  }

  /** Cases the principal may see. */
  list(principal: Principal, filter: CaseFilter): Promise<{ cases: Case[]; total: number }> {
    requirePermission(principal, 'cases:read');
    return listVisibleCases(this.deps.db, principal, filter);
  }

  /** One case with its decisions, inactions and open options; 404 for those who may not see it. */
  async get(principal: Principal, id: string): Promise<CaseDetail> {
    requirePermission(principal, 'cases:read');
    await this.prepare();
    const c = await findCase(this.deps.db, principal, id);
    if (c === undefined) throw notFound(`case ${id}`);
    return this.#detail(this.deps.db, c);
  }

  async #detail(db: Executor, c: Case): Promise<CaseDetail> {
    const engine = await this.#engineReady();
    const agreement = this.#agreements.get(c.agreementVersionId);
    const ladder = engine.ladder(c.agreementVersionId, c.ladderId);
    const rung = ladder?.rungs[c.rungIndex];
    return {
      case: c,
      decisions: await listDecisions(db, [c.id]),
      inactions: await listInactions(db, [c.id]),
      options:
        c.status === 'closed' || agreement === undefined || ladder === undefined || rung === undefined
          ? []
          : optionsAt(agreement, ladder, rung),
    };
  }

  /**
   * One actor's decision at the case's current rung. Refused (409): from an organisation that acts
   * for none of the rung's actors, on a closed case, a second time for the same actor, or when the
   * case has moved to another rung than the one named. Deadlines that passed apply first.
   */
  decide(
    actor: Actor,
    id: string,
    request: { option: string; reason: string; rung?: string; actor?: string },
  ): Promise<CaseDetail> {
    requirePermission(actor.principal, 'cases:decide');
    const reason = request.reason.trim();
    const problems = [
      ...(request.option.trim() === '' ? [{ path: '/body/option', reason: 'must not be empty' }] : []),
      ...(reason === '' ? [{ path: '/body/reason', reason: 'must not be empty' }] : []),
    ];
    if (problems.length > 0) return Promise.reject(invalid('the decision is incomplete', problems));
    return this.#serial(async () => {
      const now = this.deps.now();
      await this.#evaluate();
      await this.#sweep(now);
      const events: CaseEvent[] = [];
      let result: CaseDetail | undefined;
      await this.deps.db.transaction().execute(async (tx) => {
        const c = await findCase(tx, actor.principal, id);
        if (c === undefined) throw notFound(`case ${id}`);
        if (c.status === 'closed')
          throw ruleViolated(
            'case-closed',
            `case ${id} was closed at ${c.updatedAt} (${c.outcome ?? ''})`,
            '/params/id',
          );
        if (request.rung !== undefined && request.rung !== c.rungId)
          throw ruleViolated(
            'rung-moved',
            `case ${id} is at ${c.rungId} now, not ${request.rung}`,
            '/body/rung',
          );
        const agreement = this.#agreements.get(c.agreementVersionId);
        const org = this.#organisations.find((o) => o.id === actor.principal.organisationId);
        const mine =
          agreement === undefined || org === undefined
            ? []
            : c.actors.filter((a) => actsFor(agreement, org, a));
        const who = request.actor ?? mine[0];
        if (who === undefined || !mine.includes(who))
          throw ruleViolated(
            'not-an-actor',
            `organisation ${actor.principal.organisationId ?? '(none)'} does not act for ${request.actor ?? c.actors.join(' or ')} at ${c.rungId}`,
            '/body/option',
          );
        const decisions = await listDecisions(tx, [c.id]);
        if (decisions.some((d) => d.rungId === c.rungId && d.actor === who))
          throw ruleViolated('decided-once', `${who} has decided at ${c.rungId} already`, '/body/option');
        const detail = await this.#detail(tx, c);
        if (!detail.options.includes(request.option))
          throw invalid(`'${request.option}' is not an option at ${c.rungId}`, [
            { path: '/body/option', reason: `must be one of ${detail.options.join(', ')}` },
          ]);
        const decision: CaseDecision = {
          id: crypto.randomUUID(),
          caseId: c.id,
          rungId: c.rungId,
          actor: who,
          organisationId: org?.id ?? '',
          userId: actor.principal.userId ?? 'console',
          option: request.option,
          reason,
          at: now.toISOString(),
        };
        await insertDecision(tx, decision);
        await this.deps.ledger.record(tx, {
          kind: 'case.decision',
          recordKind: 'case-decision',
          recordId: decision.id,
          marking: c.marking,
          record: decision,
        });
        events.push({
          kind: 'case.decision',
          caseId: c.id,
          marking: c.marking,
          addressees: c.addressees,
          summary: `${who} decided ${decision.option} at ${c.rungId}`,
          at: decision.at,
        });
        const engine = await this.#engineReady();
        const change = engine.afterDecision(c, [...decisions, decision], decision.at);
        if (change !== undefined) events.push(...(await this.#persist(tx, change)));
        await this.deps.audit.record(tx, actor, 'case.decide', `case:${id}`, 'allowed');
        const now2 = await findCase(tx, undefined, id);
        result = await this.#detail(tx, now2 ?? c);
      });
      await this.#emit(events);
      if (result === undefined) throw new AppError('conflict', `case ${id} vanished`);
      return result;
    });
  }

  /** Every decided finding, for the guarantee's status and the replay. */
  async findings(): Promise<LadderFinding[]> {
    return listDecidedFindings(this.deps.db);
  }
}
