import crypto from 'node:crypto';
import type { Agreement } from '../agreement/agreement.schema.js';
import type { DecisionRule } from '../agreement/agreement.schema.actors.js';
import { decide, type DecisionRuleSpec } from '../verification/decision.js';
import type { Vote } from '../verification/incident.model.js';
import type { CompiledLadder, CompiledRung, LadderFinding } from './ladder.triggers.js';

/**
 * The ladder's case rules, pure: the service applies them to stored cases, the replay to cases it
 * builds from the stored findings and decisions. Same inputs, same cases, same ids.
 */

export const CASE_STATUSES = ['open', 'held', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** One step of a case's life. */
export interface CaseStep {
  at: string;
  kind: CaseEventKind;
  rungId: string;
  reason: string;
}

export type CaseEventKind =
  'case.opened' | 'case.escalated' | 'case.evidence-added' | 'case.held' | 'case.closed';

/** A case on a ladder: the breaches by one party (or unattributed ones) and where the ladder stands. */
export interface LadderCase {
  id: string;
  ladderId: string;
  agreementVersionId: string;
  /** The party the findings attribute the violations to; null for unattributed ones. */
  party: string | null;
  rungId: string;
  rungIndex: number;
  status: CaseStatus;
  /** What was decided or applied last: `escalate`, `hold`, `close`, `respond:<id>`, `responded`. */
  outcome: string | null;
  /** Deadline of the current rung; null once held or closed. */
  deadline: string | null;
  actors: string[];
  decisionRule: DecisionRule;
  findingIds: string[];
  openedAt: string;
  rungSince: string;
  updatedAt: string;
  steps: CaseStep[];
}

/** One actor's decision on a case at a rung. */
export interface CaseDecision {
  id: string;
  caseId: string;
  rungId: string;
  /** The agreement actor the decision is for (US, EUC, JC…). */
  actor: string;
  organisationId: string;
  userId: string;
  option: string;
  reason: string;
  at: string;
}

/** An actor that did not decide on its rung before the deadline. */
export interface CaseInaction {
  id: string;
  caseId: string;
  rungId: string;
  actor: string;
  deadline: string;
  at: string;
}

/** What a rule changed: the case after it, the event, and any inaction recorded. */
export interface CaseChange {
  kind: CaseEventKind;
  case: LadderCase;
  inactions: CaseInaction[];
}

/** A stable uuid-shaped id from its parts (cases and inactions replay to the same ids). */
export function stableId(...parts: string[]): string {
  const h = crypto.createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const iso = (ms: number) => new Date(ms).toISOString();

function enterRung(
  c: LadderCase,
  rung: CompiledRung,
  at: string,
  kind: CaseEventKind,
  reason: string,
): LadderCase {
  return {
    ...c,
    rungId: rung.rung.id,
    rungIndex: rung.index,
    status: 'open',
    deadline: iso(Date.parse(at) + rung.deadlineMs),
    actors: [...rung.rung.actors],
    decisionRule: rung.rung.decision_rule,
    rungSince: at,
    updatedAt: at,
    steps: [...c.steps, { at, kind, rungId: rung.rung.id, reason }],
  };
}

/**
 * A breach that fires rungs: opens a case at the highest rung fired, moves the party's live case up
 * to it, or adds the finding to the live case's evidence.
 */
export function applyFinding(
  ladder: CompiledLadder,
  fired: readonly number[],
  live: LadderCase | undefined,
  f: LadderFinding,
): CaseChange | undefined {
  const top = fired.length === 0 ? undefined : ladder.rungs[Math.max(...fired)];
  if (top === undefined) return undefined;
  const at = f.decidedAt;
  const why = `finding ${f.id} (${f.severity} ${f.category}${f.party !== undefined ? `, ${f.party}` : ''}) fires ${top.rung.id}`;
  if (live === undefined) {
    const opened: LadderCase = {
      // From the ladder, the party and the time, not the finding: findings the body decided in the
      // same instant open the same case whichever the ladder reads first.
      id: stableId('case', ladder.id, f.party ?? '', at),
      ladderId: ladder.id,
      agreementVersionId: f.agreementVersionId,
      party: f.party ?? null,
      rungId: top.rung.id,
      rungIndex: top.index,
      status: 'open',
      outcome: null,
      deadline: null,
      actors: [],
      decisionRule: top.rung.decision_rule,
      findingIds: [f.id],
      openedAt: at,
      rungSince: at,
      updatedAt: at,
      steps: [],
    };
    return { kind: 'case.opened', case: enterRung(opened, top, at, 'case.opened', why), inactions: [] };
  }
  // The live case is handed over (callers load it afresh or replace it with the result): its lists
  // grow in place, so a case that gathers thousands of findings costs no copies.
  live.findingIds.push(f.id);
  const withFinding = { ...live };
  if (top.index > live.rungIndex)
    return {
      kind: 'case.escalated',
      case: enterRung(withFinding, top, at, 'case.escalated', why),
      inactions: [],
    };
  return {
    kind: 'case.evidence-added',
    case: {
      ...withFinding,
      updatedAt: at,
      steps: pushed(live.steps, {
        at,
        kind: 'case.evidence-added',
        rungId: live.rungId,
        reason: `finding ${f.id} added`,
      }),
    },
    inactions: [],
  };
}

function pushed<T>(list: T[], item: T): T[] {
  list.push(item);
  return list;
}

/** The responses of the agreement's guarantees offered at a rung. */
export function responsesAt(agreement: Agreement, rungId: string): string[] {
  return (agreement.guarantees ?? []).flatMap((g) =>
    g.responses.filter((r) => r.rung === rungId).map((r) => `respond:${r.id}`),
  );
}

/** Where escalating from a rung goes: its on_timeout `to`, else the next rung; undefined at the top. */
export function escalationTarget(ladder: CompiledLadder, rung: CompiledRung): CompiledRung | undefined {
  const to = rung.rung.on_timeout.to;
  if (to !== undefined) return ladder.rungs.find((r) => r.rung.id === to);
  return ladder.rungs[rung.index + 1];
}

/** The options an actor may choose at a rung. */
export function optionsAt(agreement: Agreement, ladder: CompiledLadder, rung: CompiledRung): string[] {
  return [
    ...(escalationTarget(ladder, rung) !== undefined ? ['escalate'] : []),
    'hold',
    'close',
    ...responsesAt(agreement, rung.rung.id),
  ];
}

/**
 * Applies the rung's decision rule to the decisions recorded at it (verification's `decide`, one seat
 * per actor, each option put to the vote in turn). `each_guarantor`: every actor decides for itself,
 * so once each has chosen a response the case is `responded`.
 */
export function outcomeOf(
  c: LadderCase,
  decisions: readonly CaseDecision[],
  parties: readonly string[],
): string | undefined {
  const mine = decisions.filter((d) => d.caseId === c.id && d.rungId === c.rungId);
  const byActor = new Map<string, CaseDecision>();
  for (const d of mine) if (!byActor.has(d.actor)) byActor.set(d.actor, d);
  const allIn = c.actors.every((a) => byActor.has(a));
  if (
    c.decisionRule === 'each_guarantor' &&
    allIn &&
    [...byActor.values()].every((d) => d.option.startsWith('respond:'))
  ) {
    const options = new Set([...byActor.values()].map((d) => d.option));
    return options.size === 1 ? [...options][0] : 'responded';
  }
  const spec: DecisionRuleSpec = {
    rule: c.decisionRule,
    quorum: c.decisionRule === 'majority' ? Math.floor(c.actors.length / 2) + 1 : c.actors.length,
    seats: c.actors.map((actor) => ({ actor, seats: 1, role: 'member' as const })),
    // each_guarantor needs every seat that is not a party's: the rung's actors are the guarantors.
    parties: parties.filter((p) => !c.actors.includes(p)),
  };
  const chosen = [...new Set([...byActor.values()].map((d) => d.option))].sort();
  for (const option of chosen) {
    const votes: Vote[] = [...byActor.values()].map((d) => ({
      id: d.id,
      findingId: c.id,
      userId: d.userId,
      username: d.userId,
      organisationId: d.actor,
      choice: d.option === option ? 'for' : 'against',
      at: d.at,
    }));
    if (decide(spec, votes, allIn).state === 'adopted') return option;
  }
  return undefined;
}

/** Applies a decided outcome: escalate, hold, close or a response (which closes the case). */
export function applyOutcome(
  ladder: CompiledLadder,
  c: LadderCase,
  outcome: string,
  at: string,
  reason: string,
): CaseChange {
  const rung = ladder.rungs[c.rungIndex];
  const target = rung === undefined ? undefined : escalationTarget(ladder, rung);
  if (outcome === 'escalate' && target !== undefined)
    return {
      kind: 'case.escalated',
      case: { ...enterRung(c, target, at, 'case.escalated', reason), outcome },
      inactions: [],
    };
  if (outcome === 'escalate') outcome = 'hold'; // the top rung: nowhere to go, the case stays there
  const kind: CaseEventKind = outcome === 'hold' ? 'case.held' : 'case.closed';
  return {
    kind,
    case: {
      ...c,
      status: outcome === 'hold' ? 'held' : 'closed',
      outcome,
      deadline: null,
      updatedAt: at,
      steps: [...c.steps, { at, kind, rungId: c.rungId, reason }],
    },
    inactions: [],
  };
}

/**
 * The deadline passed: every actor of the rung that did not decide is recorded as inaction (when the
 * rung records failure to act), then the rung's on_timeout applies, at the deadline's time.
 */
export function applyTimeout(
  ladder: CompiledLadder,
  c: LadderCase,
  decisions: readonly CaseDecision[],
): CaseChange {
  const rung = ladder.rungs[c.rungIndex];
  const at = c.deadline ?? c.updatedAt;
  if (rung === undefined) throw new Error(`case ${c.id}: rung ${c.rungId} is not on ladder ${ladder.id}`);
  const decided = new Set(
    decisions.filter((d) => d.caseId === c.id && d.rungId === c.rungId).map((d) => d.actor),
  );
  const inactions: CaseInaction[] =
    rung.rung.record_failure_to_act === true
      ? c.actors
          .filter((a) => !decided.has(a))
          .map((actor) => ({
            id: stableId('inaction', c.id, c.rungId, c.rungSince, actor),
            caseId: c.id,
            rungId: c.rungId,
            actor,
            deadline: at,
            at,
          }))
      : [];
  const t = rung.rung.on_timeout;
  const missed = inactions.length > 0 ? `; no decision from ${inactions.map((i) => i.actor).join(', ')}` : '';
  const change = applyOutcome(
    ladder,
    c,
    t.action === 'escalate' ? 'escalate' : t.action,
    at,
    `deadline of ${c.rungId} passed (on_timeout: ${t.action}${t.to !== undefined ? ` to ${t.to}` : ''})${missed}`,
  );
  return { ...change, inactions };
}
