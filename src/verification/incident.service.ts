import crypto from 'node:crypto';
import type { Actor } from '../access/audit.service.js';
import type { Principal } from '../access/policy.js';
import type { Severity } from '../agreement/agreement.schema.rules.js';
import { invalid, notFound, ruleViolated } from '../core/errors.js';
import type { Executor } from '../db/database.js';
import {
  ATTRIBUTION_CONFIDENCES,
  OPEN_STATUSES,
  TRANSITIONS,
  isConclusion,
  type Attribution,
  type AttributionConfidence,
  type Incident,
  type IncidentStatus,
  type Transition,
} from './incident.model.js';
import {
  findIncident,
  findIncidents,
  insertIncidents,
  insertTransition,
  listTransitions,
  listVisibleIncidents,
  memberReportsOf,
  moveMembers,
  updateIncident,
  type IncidentFilter,
  type MemberReport,
} from './incident.repository.js';
import { requirePermission, type VerificationContext } from './verification.context.js';
import { atLeast } from './verification.settings.js';

/** A request to move an incident to another status. */
export interface TransitionRequest {
  to: IncidentStatus;
  reason: string;
  /** For `duplicate`: the incident this one repeats. */
  duplicateOf?: string;
}

/** An analyst's attribution of an incident. */
export interface AttributionRequest {
  party?: string;
  confidence: AttributionConfidence;
  method: string;
  evidence?: string[];
}

/** An incident with its history, as its page shows it. */
export interface IncidentDetail {
  incident: Incident;
  transitions: Transition[];
  /** The statuses this reader may move the incident to now (the page shows only these buttons). */
  allowed: IncidentStatus[];
}

function requireReason(reason: string): string {
  const text = reason.trim();
  if (text === '')
    throw invalid('a reason is required', [{ path: '/body/reason', reason: 'must not be empty' }]);
  return text;
}

/**
 * The review of incidents: their queue, the allowed transitions (each by a named analyst with a
 * reason), the four-eyes rules, attribution and assessment, and analysts' splits and merges.
 * docs/verification.md states every rule a refusal names.
 */
export class IncidentService {
  constructor(private readonly ctx: VerificationContext) {}

  /**
   * The queue: incidents the principal may see, filtered, by deadline. A filter on an agreement id (category, sector, zone) matches only
   * incidents under a version the principal may read: an id from any other answers as an unknown one.
   */
  async list(
    principal: Principal,
    filter: IncidentFilter,
  ): Promise<{ incidents: Incident[]; total: number }> {
    requirePermission(principal, 'incidents:read');
    if (filter.category !== undefined || filter.sector !== undefined || filter.zone !== undefined) {
      const readable = await this.ctx.deps.agreements.listVersions(principal);
      filter = { ...filter, judgedBy: readable.map((v) => v.id) };
    }
    return listVisibleIncidents(this.ctx.db, principal, filter);
  }

  /** One incident with its transitions; 404 when the principal may not see it. */
  async get(principal: Principal, id: string): Promise<IncidentDetail> {
    requirePermission(principal, 'incidents:read');
    const incident = await findIncident(this.ctx.db, principal, id);
    if (incident === undefined) throw notFound(`incident ${id}`);
    return {
      incident,
      transitions: await listTransitions(this.ctx.db, id),
      allowed: await this.#allowed(principal, incident),
    };
  }

  /** What `transition` would accept from this principal now (the same rules, asked in advance). */
  async #allowed(principal: Principal, incident: Incident): Promise<IncidentStatus[]> {
    if (!principal.permissions.has('incidents:verify')) return [];
    const finding = await this.#findingState(this.ctx.db, incident.id);
    if (finding !== undefined) return [];
    const rules = await this.ctx.rules(incident.agreementVersionId);
    const members = (await memberReportsOf(this.ctx.db, [incident.id])).get(incident.id) ?? [];
    const reporter =
      rules.separateReporter &&
      members.some((r) => r.authorUserId !== null && r.authorUserId === principal.userId);
    const pending = incident.pending;
    if (pending !== undefined) {
      const mayConfirm =
        !reporter &&
        pending.by !== principal.userId &&
        pending.organisationId !== (principal.organisationId ?? '');
      return mayConfirm ? [pending.status, 'under_review'] : ['under_review'];
    }
    return TRANSITIONS[incident.status].filter((to) => !(isConclusion(to) && reporter));
  }

  /**
   * The next item for this analyst: the open incident due first that they may act on (not one they
   * reported, nor one whose conclusion awaits a second analyst when they proposed it).
   */
  async next(principal: Principal): Promise<Incident | undefined> {
    requirePermission(principal, 'incidents:verify');
    for (let offset = 0; ; offset += 50) {
      const { incidents } = await listVisibleIncidents(this.ctx.db, principal, {
        status: ['reported', 'under_review'],
        sort: 'due',
        limit: 50,
        offset,
      });
      if (incidents.length === 0) return undefined;
      const members = await memberReportsOf(
        this.ctx.db,
        incidents.map((i) => i.id),
      );
      const workable = incidents.find(
        (i) =>
          i.pending?.by !== principal.userId &&
          !(members.get(i.id) ?? []).some(
            (r) => r.authorUserId !== null && r.authorUserId === principal.userId,
          ),
      );
      if (workable !== undefined) return workable;
    }
  }

  /** Loads an incident the actor may act on (404 otherwise) inside the transaction. */
  async #load(tx: Executor, actor: Actor, id: string): Promise<Incident> {
    requirePermission(actor.principal, 'incidents:verify');
    const incident = await findIncident(tx, actor.principal, id);
    if (incident === undefined) throw notFound(`incident ${id}`);
    return incident;
  }

  #transition(
    incident: Incident,
    actor: Actor,
    to: IncidentStatus,
    step: Transition['step'],
    reason: string,
    duplicateOf?: string,
  ): Transition {
    return {
      id: crypto.randomUUID(),
      incidentId: incident.id,
      from: incident.status,
      to,
      step,
      by: actor.principal.userId ?? 'console',
      organisationId: actor.principal.organisationId ?? '',
      reason,
      at: this.ctx.nowIso(),
      ...(duplicateOf !== undefined ? { duplicateOf } : {}),
    };
  }

  /**
   * Moves an incident to another status, enforcing the allowed transitions and the four-eyes rules:
   * the verifier is not a reporter of the incident; from the agreement's severity threshold up, a
   * conclusion needs a second analyst of another organisation (the first proposes, the second
   * confirms the same conclusion). Moving a pending incident back to under_review withdraws the proposal.
   */
  async transition(actor: Actor, id: string, request: TransitionRequest): Promise<IncidentDetail> {
    const reason = requireReason(request.reason);
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const incident = await this.#load(tx, actor, id);
      const { to } = request;
      const userId = actor.principal.userId ?? 'console';
      if (incident.pending !== undefined && to === 'under_review') {
        const t = this.#transition(incident, actor, incident.pending.status, 'withdrawn', reason);
        const { pending: _p, ...rest } = incident;
        await this.#apply(tx, actor, { ...rest, updatedAt: t.at }, t);
        return;
      }
      if (!TRANSITIONS[incident.status].includes(to))
        throw ruleViolated(
          'transition-not-allowed',
          `an incident ${incident.status.replace('_', ' ')} cannot become ${to.replace('_', ' ')} (allowed: ${TRANSITIONS[incident.status].join(', ') || 'none'})`,
          '/body/to',
        );
      if (to === 'duplicate') return this.#markDuplicate(tx, actor, incident, request.duplicateOf, reason);
      if (request.duplicateOf !== undefined)
        throw invalid('duplicateOf goes only with to=duplicate', [
          { path: '/body/duplicateOf', reason: 'only with to=duplicate' },
        ]);
      const finding = await this.#findingState(tx, incident.id);
      if (finding === 'voting')
        throw ruleViolated(
          'finding-in-vote',
          'the verification body is voting on a finding on this incident',
          '/body/to',
        );
      if (finding === 'adopted')
        throw ruleViolated(
          'finding-adopted',
          'the verification body has adopted a finding on this incident; it can no longer change status',
          '/body/to',
        );
      if (!isConclusion(to)) {
        const t = this.#transition(incident, actor, to, 'applied', reason);
        await this.#apply(tx, actor, { ...incident, status: to, concludedBy: [], updatedAt: t.at }, t);
        return;
      }
      const rules = await this.ctx.rules(incident.agreementVersionId);
      const members = (await memberReportsOf(tx, [incident.id])).get(incident.id) ?? [];
      if (rules.separateReporter && members.some((r) => r.authorUserId === userId))
        throw ruleViolated(
          'four-eyes-reporter',
          'the verifier must not be a reporter of the incident',
          '/body/to',
        );
      // The category's severity in the agreement is the floor: an analyst who lowers the assessed
      // severity must not thereby lift the two-organisation rule from their own conclusion.
      const floor = rules.severityOf(incident.category);
      const severity = atLeast(incident.severity, floor) ? incident.severity : floor;
      const twoNeeded =
        rules.twoOrganisationsFrom !== undefined && atLeast(severity, rules.twoOrganisationsFrom);
      const pending = incident.pending;
      if (!twoNeeded) {
        const t = this.#transition(incident, actor, to, 'applied', reason);
        await this.#apply(tx, actor, { ...incident, status: to, concludedBy: [userId], updatedAt: t.at }, t);
        return;
      }
      if (pending === undefined) {
        const t = this.#transition(incident, actor, to, 'proposed', reason);
        const proposal = {
          status: to,
          by: userId,
          organisationId: actor.principal.organisationId ?? '',
          reason,
          at: t.at,
        };
        await this.#apply(tx, actor, { ...incident, pending: proposal, updatedAt: t.at }, t);
        return;
      }
      if (pending.by === userId)
        throw ruleViolated(
          'four-eyes-second-analyst',
          'a second analyst must confirm this conclusion; you proposed it',
          '/body/to',
        );
      if (pending.organisationId === (actor.principal.organisationId ?? ''))
        throw ruleViolated(
          'four-eyes-two-organisations',
          `a ${severity} incident is concluded by two analysts of different organisations; the proposal came from your organisation`,
          '/body/to',
        );
      if (pending.status !== to)
        throw ruleViolated(
          'four-eyes-same-conclusion',
          `the pending proposal is ${pending.status.replace('_', ' ')}; confirm it, or move the incident back to under_review to withdraw it`,
          '/body/to',
        );
      const t = this.#transition(incident, actor, to, 'confirmed', reason);
      const { pending: _p, ...rest } = incident;
      await this.#apply(
        tx,
        actor,
        { ...rest, status: to, concludedBy: [pending.by, userId], updatedAt: t.at },
        t,
      );
    });
    const [changed] = await findIncidents(this.ctx.db, [id]);
    if (changed !== undefined) await this.ctx.announce([{ kind: 'incident.transition', incident: changed }]);
    return this.get(actor.principal, id);
  }

  /** The state of the finding that binds the incident: adopted, else one in vote, else none. */
  async #findingState(tx: Executor, incidentId: string): Promise<'adopted' | 'voting' | undefined> {
    const rows = await tx
      .selectFrom('findings')
      .select('state')
      .where('incident_id', '=', incidentId)
      .where('state', 'in', ['adopted', 'voting'])
      .execute();
    if (rows.some((r) => r.state === 'adopted')) return 'adopted';
    return rows.length > 0 ? 'voting' : undefined;
  }

  async #markDuplicate(
    tx: Executor,
    actor: Actor,
    incident: Incident,
    of: string | undefined,
    reason: string,
  ): Promise<void> {
    if (of === undefined)
      throw invalid('to=duplicate needs duplicateOf', [
        { path: '/body/duplicateOf', reason: 'is required with to=duplicate' },
      ]);
    if (of === incident.id)
      throw ruleViolated('duplicate-of-itself', 'an incident cannot duplicate itself', '/body/duplicateOf');
    const original = await findIncident(tx, actor.principal, of);
    if (original === undefined) throw notFound(`incident ${of}`);
    if (original.status === 'duplicate')
      throw ruleViolated(
        'duplicate-of-duplicate',
        `incident ${of} is itself a duplicate; point at ${original.duplicateOf ?? 'its original'}`,
        '/body/duplicateOf',
      );
    if (original.agreementVersionId !== incident.agreementVersionId)
      throw ruleViolated(
        'same-agreement-version',
        'both incidents must be judged under the same agreement version',
        '/body/duplicateOf',
      );
    const t = this.#transition(incident, actor, 'duplicate', 'applied', reason, of);
    const { pending: _p, ...rest } = incident;
    await this.#apply(tx, actor, { ...rest, status: 'duplicate', duplicateOf: of, updatedAt: t.at }, t);
  }

  /** Writes the incident and its transition, logs both, records the action. */
  async #apply(tx: Executor, actor: Actor, incident: Incident, t: Transition): Promise<void> {
    const next: Incident =
      t.to === 'duplicate' ? incident : (({ duplicateOf: _d, ...rest }) => rest)(incident);
    await updateIncident(tx, next);
    await this.ctx.logTransition(tx, next, t, await insertTransition(tx, t));
    await this.ctx.logIncident(tx, 'incident.status-changed', next);
    await this.ctx.deps.audit.record(tx, actor, `incident.${t.step}`, `incident:${incident.id}`, 'allowed');
  }

  /** Records who is held responsible, how sure, by which method, on what evidence. */
  async attribute(actor: Actor, id: string, request: AttributionRequest): Promise<IncidentDetail> {
    if (!(ATTRIBUTION_CONFIDENCES as readonly string[]).includes(request.confidence))
      throw invalid('unknown confidence', [
        { path: '/body/confidence', reason: `must be one of ${ATTRIBUTION_CONFIDENCES.join(', ')}` },
      ]);
    const method = request.method.trim();
    if (method === '')
      throw invalid('a method is required', [{ path: '/body/method', reason: 'must not be empty' }]);
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const incident = await this.#load(tx, actor, id);
      await this.#requireNoFinding(tx, incident);
      const rules = await this.ctx.rules(incident.agreementVersionId);
      if (request.party !== undefined && !rules.parties.includes(request.party))
        throw invalid(`${request.party} is not a party to the agreement`, [
          { path: '/body/party', reason: `must be one of ${rules.parties.join(', ')}` },
        ]);
      if (request.party === undefined && request.confidence !== 'unknown')
        throw invalid('a confidence other than unknown needs a party', [
          { path: '/body/party', reason: 'is required unless confidence is unknown' },
        ]);
      if (request.party !== undefined && request.confidence === 'unknown')
        throw invalid('confidence unknown names no party', [
          { path: '/body/party', reason: 'must be absent when confidence is unknown' },
        ]);
      const evidence = [...new Set(request.evidence ?? [])].sort();
      const attribution: Attribution = {
        ...(request.party !== undefined ? { party: request.party } : {}),
        confidence: request.confidence,
        method,
        evidence,
        by: actor.principal.userId ?? 'console',
        at: this.ctx.nowIso(),
      };
      const next = { ...incident, attribution, updatedAt: attribution.at };
      await updateIncident(tx, next);
      await this.ctx.logIncident(tx, 'incident.attributed', next);
      await this.ctx.deps.audit.record(tx, actor, 'incident.attribute', `incident:${id}`, 'allowed');
    });
    return this.get(actor.principal, id);
  }

  /** Sets the severity (from the agreement's scale) and the provisions violated. */
  async assess(
    actor: Actor,
    id: string,
    request: { severity?: Severity; provisions?: string[] },
  ): Promise<IncidentDetail> {
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const incident = await this.#load(tx, actor, id);
      await this.#requireNoFinding(tx, incident);
      if (incident.pending !== undefined)
        throw ruleViolated(
          'pending-conclusion',
          'a conclusion awaits its second analyst; withdraw it before reassessing',
          '/body',
        );
      const known = (await this.ctx.rules(incident.agreementVersionId)).provisions;
      const unknown = (request.provisions ?? []).filter((p) => !known.has(p));
      if (unknown.length > 0)
        throw invalid(`unknown provision ${unknown.join(', ')}`, [
          {
            path: '/body/provisions',
            reason: `not in agreement version ${incident.agreementVersionId}: ${unknown.join(', ')}`,
          },
        ]);
      const next: Incident = {
        ...incident,
        ...(request.severity !== undefined ? { severity: request.severity } : {}),
        ...(request.provisions !== undefined ? { provisions: [...new Set(request.provisions)].sort() } : {}),
        updatedAt: this.ctx.nowIso(),
      };
      await updateIncident(tx, next);
      await this.ctx.logIncident(tx, 'incident.assessed', next);
      await this.ctx.deps.audit.record(tx, actor, 'incident.assess', `incident:${id}`, 'allowed');
    });
    return this.get(actor.principal, id);
  }

  /** Takes reports out of an open incident into a new one (never leaving the first empty). */
  async split(
    actor: Actor,
    id: string,
    request: { reportIds: string[]; reason: string },
  ): Promise<{ from: Incident; to: Incident }> {
    const reason = requireReason(request.reason);
    const ids = [...new Set(request.reportIds)];
    if (ids.length === 0)
      throw invalid('name the reports to split off', [
        { path: '/body/reportIds', reason: 'must not be empty' },
      ]);
    const newId = crypto.randomUUID();
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const incident = await this.#load(tx, actor, id);
      this.#requireOpen(incident, 'split');
      const members = (await memberReportsOf(tx, [id])).get(id) ?? [];
      const foreign = ids.filter((r) => !members.some((m) => m.id === r));
      if (foreign.length > 0)
        throw ruleViolated(
          'report-not-in-incident',
          `report ${foreign.join(', ')} is not in incident ${id}`,
          '/body/reportIds',
        );
      const staying = members.filter((m) => !ids.includes(m.id));
      if (staying.length === 0)
        throw ruleViolated(
          'split-leaves-empty',
          'a split must leave at least one report in the incident',
          '/body/reportIds',
        );
      const leaving = members.filter((m) => ids.includes(m.id));
      const now = this.ctx.nowIso();
      const rules = await this.ctx.rules(incident.agreementVersionId);
      const fresh = await this.ctx.derive(
        {
          ...incident,
          id: newId,
          status: 'reported',
          concludedBy: [],
          openedAt: now,
          dueAt: new Date(Date.parse(now) + rules.deadlineMs).toISOString(),
          updatedAt: now,
        },
        leaving,
      );
      const { pending: _p, attribution: _a, duplicateOf: _d, ...clean } = fresh;
      await insertIncidents(tx, [clean]);
      await moveMembers(tx, ids, newId, actor.principal.userId ?? 'console', now);
      const remaining = await this.ctx.derive({ ...incident, updatedAt: now }, staying);
      await updateIncident(tx, remaining);
      await this.ctx.logIncident(tx, 'incident.opened', clean);
      await this.ctx.logIncident(tx, 'incident.regrouped', remaining);
      const t = this.#transition(clean, actor, 'reported', 'applied', `split from ${id}: ${reason}`);
      await this.ctx.logTransition(tx, clean, t, await insertTransition(tx, t));
      await this.ctx.deps.audit.record(tx, actor, 'incident.split', `incident:${id}`, 'allowed');
    });
    const [from, to] = await Promise.all([this.get(actor.principal, id), this.get(actor.principal, newId)]);
    return { from: from.incident, to: to.incident };
  }

  /**
   * Moves every report of the other open incidents into this one; they become duplicates of it.
   * All must be open and judged under the same agreement version.
   */
  async merge(
    actor: Actor,
    id: string,
    request: { incidentIds: string[]; reason: string },
  ): Promise<IncidentDetail> {
    const reason = requireReason(request.reason);
    const others = [...new Set(request.incidentIds)];
    if (others.length === 0)
      throw invalid('name the incidents to merge in', [
        { path: '/body/incidentIds', reason: 'must not be empty' },
      ]);
    if (others.includes(id))
      throw ruleViolated(
        'merge-into-itself',
        'an incident cannot be merged into itself',
        '/body/incidentIds',
      );
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const target = await this.#load(tx, actor, id);
      this.#requireOpen(target, 'merge');
      const sources: Incident[] = [];
      for (const other of others) {
        const source = await this.#load(tx, actor, other);
        this.#requireOpen(source, 'merge');
        if (source.agreementVersionId !== target.agreementVersionId)
          throw ruleViolated(
            'same-agreement-version',
            `incident ${other} is judged under agreement version ${source.agreementVersionId}, incident ${id} under ${target.agreementVersionId}: they cannot merge`,
            '/body/incidentIds',
          );
        sources.push(source);
      }
      const members = await memberReportsOf(tx, [id, ...others]);
      const moving: MemberReport[] = others.flatMap((o) => members.get(o) ?? []);
      const now = this.ctx.nowIso();
      await moveMembers(
        tx,
        moving.map((r) => r.id),
        id,
        actor.principal.userId ?? 'console',
        now,
      );
      const merged = await this.ctx.derive({ ...target, updatedAt: now }, [
        ...(members.get(id) ?? []),
        ...moving,
      ]);
      await updateIncident(tx, merged);
      await this.ctx.logIncident(tx, 'incident.regrouped', merged);
      for (const source of sources) {
        const emptied: Incident = {
          ...source,
          reportIds: [],
          corroboration: { level: 'none', independentGroups: 0, reports: 0, reasons: [`merged into ${id}`] },
        };
        const t = this.#transition(source, actor, 'duplicate', 'applied', `merged into ${id}: ${reason}`, id);
        const { pending: _p, ...rest } = emptied;
        await this.#apply(
          tx,
          actor,
          { ...rest, reportIds: [], status: 'duplicate', duplicateOf: id, updatedAt: now },
          t,
        );
      }
      await this.ctx.deps.audit.record(tx, actor, 'incident.merge', `incident:${id}`, 'allowed');
    });
    return this.get(actor.principal, id);
  }

  #requireOpen(incident: Incident, what: string): void {
    if (!OPEN_STATUSES.includes(incident.status))
      throw ruleViolated(
        'incident-not-open',
        `incident ${incident.id} is ${incident.status.replace('_', ' ')}; only reported or under-review incidents can ${what}`,
        '/params/id',
      );
    if (incident.pending !== undefined)
      throw ruleViolated(
        'pending-conclusion',
        `a conclusion of incident ${incident.id} awaits its second analyst; withdraw it before regrouping its reports`,
        '/params/id',
      );
  }

  /** What the body decides on stays as it was put: no attribution or assessment once a finding is in vote or adopted. */
  async #requireNoFinding(tx: Executor, incident: Incident): Promise<void> {
    const finding = await this.#findingState(tx, incident.id);
    if (finding === 'voting')
      throw ruleViolated(
        'finding-in-vote',
        'the verification body is voting on a finding on this incident',
        '/params/id',
      );
    if (finding === 'adopted')
      throw ruleViolated(
        'finding-adopted',
        'the verification body has adopted a finding on this incident; it is no longer changed',
        '/params/id',
      );
  }

  /** Incidents by id for the system (findings read their incident). */
  findForSystem(ids: readonly string[]): Promise<Incident[]> {
    return findIncidents(this.ctx.db, ids);
  }
}
