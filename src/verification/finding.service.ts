import crypto from 'node:crypto';
import type { Actor } from '../access/audit.service.js';
import type { Principal } from '../access/policy.js';
import { invalid, notFound, ruleViolated } from '../core/errors.js';
import type { Executor } from '../db/database.js';
import { decide, votingSeatsOf, type DecisionRuleSpec } from './decision.js';
import {
  isConclusion,
  VOTES,
  type Finding,
  type Incident,
  type Vote,
  type VoteChoice,
} from './incident.model.js';
import { findIncident } from './incident.repository.js';
import {
  findFinding,
  insertFinding,
  insertVote,
  listFindingsOfIncident,
  listVisibleFindings,
  listVotes,
  updateFinding,
  type FindingFilter,
} from './finding.repository.js';
import {
  publicShape,
  requirePermission,
  VERIFICATION_MARKING,
  type VerificationContext,
} from './verification.context.js';
import type { VerificationRules } from './verification.settings.js';
import type { AsRead } from './redaction.js';

/** A separate opinion as the parties read it with a published finding: by organisation, not by name. */
export interface Opinion {
  organisationId: string;
  choice: VoteChoice;
  opinion: string;
}

/**
 * A finding as one reader may see it: without what the version that judged it says when the reader
 * may not read that version (see `asReadBy`, `disclosesFinding`).
 */
export type FindingView = AsRead<Finding>;

/** A finding with what the reader may see of it and of its votes. */
export interface FindingDetail {
  finding: FindingView;
  /** Every vote, for members of the body and the commission; absent for other readers. */
  votes?: Vote[];
  /** Separate opinions (dissent and concurrences with reasons), for every reader of the finding. */
  opinions: Opinion[];
}

function specOf(rules: VerificationRules): DecisionRuleSpec {
  const body = rules.body;
  if (body === undefined)
    throw ruleViolated(
      'no-verification-body',
      'the agreement names no verification body with a mandate to verify',
    );
  return {
    rule: body.decision_rule,
    quorum: body.quorum,
    seats: rules.seats,
    parties: rules.parties,
    ...(body.majority_threshold !== undefined ? { majorityThreshold: body.majority_threshold } : {}),
  };
}

/**
 * Findings: the verification body's decisions on concluded incidents under the agreement's decision
 * rule. Each vote is its own logged record; dissent is a separate opinion, never an edit. An adopted
 * finding is published to the parties (the body's reports_to) and, when marked for it, to the public.
 */
export class FindingService {
  readonly #decided: ((event: { findingId: string }) => Promise<void>)[] = [];

  constructor(private readonly ctx: VerificationContext) {}

  /**
   * Calls `listener` after a vote, a close or a publication that left the finding decided has
   * committed (the response ladder re-evaluates). A listener's failure is reported, not raised.
   */
  onDecided(listener: (event: { findingId: string }) => Promise<void>): void {
    this.#decided.push(listener);
  }

  async #notifyDecided(detail: FindingDetail): Promise<FindingDetail> {
    if (detail.finding.state === 'voting') return detail;
    for (const listener of this.#decided) {
      try {
        await listener({ findingId: detail.finding.id });
      } catch (err) {
        process.stderr.write(
          `after finding ${detail.finding.id}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
    }
    return detail;
  }

  /**
   * Findings the principal may see, as it may read them. A filter on the category (an agreement id)
   * matches only findings whose category the principal may see: an id of any other version answers
   * as an unknown one.
   */
  async list(
    principal: Principal,
    filter: Omit<FindingFilter, 'disclosedTo'>,
  ): Promise<{ findings: FindingView[]; total: number }> {
    requirePermission(principal, 'findings:read');
    const disclosure = await this.ctx.findingDisclosure(principal);
    const page = await listVisibleFindings(this.ctx.db, principal, {
      ...filter,
      ...(filter.category !== undefined
        ? {
            disclosedTo: {
              readable: [...disclosure.readable],
              sharedWithEveryone: [...disclosure.sharedWithEveryone],
            },
          }
        : {}),
    });
    return { findings: await this.ctx.findingsAsReadBy(principal, page.findings), total: page.total };
  }

  /** One finding with its votes (for the body and the commission) and separate opinions. */
  async get(principal: Principal, id: string): Promise<FindingDetail> {
    requirePermission(principal, 'findings:read');
    const finding = await findFinding(this.ctx.db, principal, id);
    if (finding === undefined) throw notFound(`finding ${id}`);
    const votes = await listVotes(this.ctx.db, id);
    if (finding.state === 'voting')
      finding.tally = decide(specOf(await this.ctx.rules(finding.agreementVersionId)), votes, false).tally;
    const opinions = votes.flatMap((v) =>
      v.opinion !== undefined
        ? [{ organisationId: v.organisationId, choice: v.choice, opinion: v.opinion }]
        : [],
    );
    const insider =
      principal.permissions.has('incidents:read') &&
      (await findIncident(this.ctx.db, principal, finding.incidentId)) !== undefined;
    const [view] = await this.ctx.findingsAsReadBy(principal, [insider ? finding : publicShape(finding)]);
    if (view === undefined) throw notFound(`finding ${id}`);
    return { finding: view, ...(insider ? { votes } : {}), opinions };
  }

  /** The findings on an incident the principal may see, as it may read them. */
  async ofIncident(principal: Principal, incidentId: string): Promise<FindingView[]> {
    return this.ctx.findingsAsReadBy(
      principal,
      await listFindingsOfIncident(this.ctx.db, principal, incidentId),
    );
  }

  /** Puts a concluded incident's conclusion to the body's vote. */
  async propose(
    actor: Actor,
    incidentId: string,
    request: { summary: string; public?: boolean },
  ): Promise<FindingDetail> {
    requirePermission(actor.principal, 'findings:propose');
    const summary = request.summary.trim();
    if (summary === '')
      throw invalid('a summary is required', [{ path: '/body/summary', reason: 'must not be empty' }]);
    const id = crypto.randomUUID();
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const incident = await findIncident(tx, actor.principal, incidentId);
      if (incident === undefined) throw notFound(`incident ${incidentId}`);
      if (!isConclusion(incident.status))
        throw ruleViolated(
          'finding-needs-conclusion',
          `incident ${incidentId} is ${incident.status.replace('_', ' ')}; the body decides on verified, inconclusive, not verified or refuted incidents`,
          '/params/id',
        );
      const open = (await listFindingsOfIncident(tx, undefined, incidentId)).find(
        (f) => f.state === 'voting' || f.state === 'adopted',
      );
      if (open !== undefined)
        throw ruleViolated(
          'one-finding-per-incident',
          `finding ${open.id} on this incident is ${open.state}`,
          '/params/id',
        );
      const rules = await this.ctx.rules(incident.agreementVersionId);
      const spec = specOf(rules);
      const finding = this.#compose(id, incident, rules, spec, summary, request.public === true, actor);
      await insertFinding(tx, finding);
      await this.ctx.logFinding(tx, 'finding.proposed', finding);
      await this.ctx.deps.audit.record(tx, actor, 'finding.propose', `finding:${id}`, 'allowed');
    });
    return this.get(actor.principal, id);
  }

  #compose(
    id: string,
    incident: Incident,
    rules: VerificationRules,
    spec: DecisionRuleSpec,
    summary: string,
    isPublic: boolean,
    actor: Actor,
  ): Finding {
    const a = incident.attribution;
    return {
      id,
      incidentId: incident.id,
      agreementVersionId: incident.agreementVersionId,
      bodyId: rules.body?.id ?? '',
      state: 'voting',
      outcome: incident.status as Finding['outcome'],
      category: incident.category,
      severity: incident.severity,
      ...(a !== undefined
        ? {
            attribution: {
              ...(a.party !== undefined ? { party: a.party } : {}),
              confidence: a.confidence,
              method: a.method,
            },
          }
        : {}),
      zones: incident.zones,
      ...(incident.side !== undefined ? { side: incident.side } : {}),
      ...(incident.sector !== undefined ? { sector: incident.sector } : {}),
      provisions: incident.provisions,
      observedFrom: incident.observedFrom,
      observedTo: incident.observedTo,
      lon: incident.lon,
      lat: incident.lat,
      summary,
      decisionRule: spec.rule,
      tally: { for: 0, against: 0, abstain: 0, seatsVoting: 0, quorum: spec.quorum },
      proposedBy: actor.principal.userId ?? 'console',
      proposedAt: this.ctx.nowIso(),
      public: isPublic,
      marking: VERIFICATION_MARKING,
      ownerOrganisationId: incident.ownerOrganisationId,
      addressees: this.ctx.bodyAddressees(rules),
    };
  }

  async #loadForBody(
    tx: Executor,
    actor: Actor,
    id: string,
  ): Promise<{ finding: Finding; spec: DecisionRuleSpec }> {
    const finding = await findFinding(tx, actor.principal, id);
    if (finding === undefined) throw notFound(`finding ${id}`);
    const spec = specOf(await this.ctx.rules(finding.agreementVersionId));
    return { finding, spec };
  }

  /**
   * One member's vote. Refused: from an organisation without a voting seat, a second vote by the
   * same member, more votes than the organisation's seats, and any vote after the decision. The
   * finding is decided as soon as no further vote can change the outcome.
   */
  async vote(
    actor: Actor,
    id: string,
    request: { choice: VoteChoice; opinion?: string },
  ): Promise<FindingDetail> {
    requirePermission(actor.principal, 'findings:vote');
    if (!(VOTES as readonly string[]).includes(request.choice))
      throw invalid('unknown vote', [{ path: '/body/choice', reason: `must be one of ${VOTES.join(', ')}` }]);
    const opinion = request.opinion?.trim();
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const { finding, spec } = await this.#loadForBody(tx, actor, id);
      if (finding.state !== 'voting')
        throw ruleViolated(
          'vote-after-decision',
          `finding ${id} was decided (${finding.state.replace('_', ' ')}) at ${finding.decidedAt ?? '?'}`,
          '/body/choice',
        );
      const org = actor.principal.organisationId ?? '';
      const seats = votingSeatsOf(spec, org);
      if (seats === 0)
        throw ruleViolated(
          'not-a-voting-member',
          `organisation ${org || '(none)'} holds no voting seat on body ${finding.bodyId}`,
          '/body/choice',
        );
      const votes = await listVotes(tx, id);
      if (votes.some((v) => v.userId === actor.principal.userId))
        throw ruleViolated(
          'one-vote-per-member',
          'you have voted on this finding; a vote is not changed, add nothing or ask for a new finding',
          '/body/choice',
        );
      if (votes.filter((v) => v.organisationId === org).length >= seats)
        throw ruleViolated(
          'seats-filled',
          `organisation ${org} has cast the votes of its ${seats} seat(s)`,
          '/body/choice',
        );
      const vote: Vote = {
        id: crypto.randomUUID(),
        findingId: id,
        userId: actor.principal.userId ?? 'console',
        username: actor.principal.username ?? 'console',
        organisationId: org,
        choice: request.choice,
        ...(opinion !== undefined && opinion !== '' ? { opinion } : {}),
        at: this.ctx.nowIso(),
      };
      await insertVote(tx, vote);
      await this.ctx.logVote(tx, finding, vote);
      await this.#settle(tx, finding, spec, [...votes, vote], false);
      await this.ctx.deps.audit.record(tx, actor, 'finding.vote', `finding:${id}`, 'allowed');
    });
    return this.#notifyDecided(await this.get(actor.principal, id));
  }

  /** Closes the vote: decided with the votes cast (no quorum is an outcome too). */
  async close(actor: Actor, id: string): Promise<FindingDetail> {
    requirePermission(actor.principal, 'findings:propose');
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const { finding, spec } = await this.#loadForBody(tx, actor, id);
      if (finding.state !== 'voting')
        throw ruleViolated(
          'vote-after-decision',
          `finding ${id} was decided (${finding.state.replace('_', ' ')})`,
          '/params/id',
        );
      await this.#settle(tx, finding, spec, await listVotes(tx, id), true);
      await this.ctx.deps.audit.record(tx, actor, 'finding.close', `finding:${id}`, 'allowed');
    });
    return this.#notifyDecided(await this.get(actor.principal, id));
  }

  async #settle(
    tx: Executor,
    finding: Finding,
    spec: DecisionRuleSpec,
    votes: readonly Vote[],
    final: boolean,
  ): Promise<void> {
    const { state, tally } = decide(spec, votes, final);
    const next: Finding = {
      ...finding,
      state,
      tally,
      ...(state !== 'voting' ? { decidedAt: this.ctx.nowIso() } : {}),
    };
    await updateFinding(tx, next);
    if (state !== 'voting') await this.ctx.logFinding(tx, 'finding.decided', next);
  }

  /**
   * Publishes an adopted finding to the parties (the body's reports_to) and, when it is marked
   * public, to everyone: its marking becomes CLEAR and the log carries it in full.
   */
  async publish(actor: Actor, id: string): Promise<FindingDetail> {
    requirePermission(actor.principal, 'findings:publish');
    await this.ctx.prepare();
    await this.ctx.db.transaction().execute(async (tx) => {
      const finding = await findFinding(tx, actor.principal, id);
      if (finding === undefined) throw notFound(`finding ${id}`);
      if (finding.state !== 'adopted')
        throw ruleViolated(
          'publish-needs-adoption',
          `finding ${id} is ${finding.state.replace('_', ' ')}; only an adopted finding is published`,
          '/params/id',
        );
      if (finding.publishedAt !== undefined)
        throw ruleViolated(
          'published-once',
          `finding ${id} was published at ${finding.publishedAt}`,
          '/params/id',
        );
      // Published to the public, the finding is logged in full: what a version not every organisation
      // may read says (a party's confidential draft judged its incident) may not go there.
      if (finding.public && !this.ctx.sharedWithEveryone(finding.agreementVersionId))
        throw ruleViolated(
          'public-finding-of-confidential-version',
          `finding ${id} was judged by an agreement version not every organisation may read; it is published to the parties only when proposed without public`,
          '/params/id',
        );
      const rules = await this.ctx.rules(finding.agreementVersionId);
      const addressees = this.ctx.existing([...finding.addressees, ...rules.publishTo]);
      const next: Finding = {
        ...finding,
        addressees,
        publishedAt: this.ctx.nowIso(),
        marking: finding.public ? 'CLEAR' : finding.marking,
      };
      await updateFinding(tx, next);
      await this.ctx.logFinding(tx, 'finding.published', next);
      await this.ctx.deps.audit.record(tx, actor, 'finding.publish', `finding:${id}`, 'allowed');
    });
    return this.#notifyDecided(await this.get(actor.principal, id));
  }
}
