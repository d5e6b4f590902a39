import type { DecisionRule } from '../agreement/agreement.schema.actors.js';
import type { FindingState, Vote } from './incident.model.js';
import type { BodySeat } from './verification.settings.js';

/** The count of a finding's votes, as the finding records it. */
export interface Tally {
  for: number;
  against: number;
  abstain: number;
  /** Seats that have voted (each organisation's votes count up to its seats). */
  seatsVoting: number;
  quorum: number;
}

/** The rule a body decides by, with its seats and quorum (from the agreement). */
export interface DecisionRuleSpec {
  rule: DecisionRule;
  quorum: number;
  seats: readonly BodySeat[];
  /** The agreement's parties: the parties_and_neutrals rule needs one seat of each, and a neutral. */
  parties: readonly string[];
  majorityThreshold?: number;
}

/** Seats an organisation holds with a vote (observers hold none). */
export function votingSeatsOf(spec: DecisionRuleSpec, organisationId: string): number {
  return spec.seats
    .filter((s) => s.actor === organisationId && s.role !== 'observer')
    .reduce((n, s) => n + s.seats, 0);
}

/** Votes that count: per organisation, its earliest votes up to its seats. */
function countedVotes(spec: DecisionRuleSpec, votes: readonly Vote[]): Vote[] {
  const used = new Map<string, number>();
  const out: Vote[] = [];
  for (const v of votes) {
    const n = used.get(v.organisationId) ?? 0;
    if (n >= votingSeatsOf(spec, v.organisationId)) continue;
    used.set(v.organisationId, n + 1);
    out.push(v);
  }
  return out;
}

/**
 * Applies the decision rule to the votes cast. `final` (the vote was closed, or every seat has voted)
 * decides with what there is; otherwise a result is returned only once no further vote can change it.
 */
export function decide(
  spec: DecisionRuleSpec,
  votes: readonly Vote[],
  final: boolean,
): { state: FindingState; tally: Tally } {
  const counted = countedVotes(spec, votes);
  const tally: Tally = {
    for: counted.filter((v) => v.choice === 'for').length,
    against: counted.filter((v) => v.choice === 'against').length,
    abstain: counted.filter((v) => v.choice === 'abstain').length,
    seatsVoting: counted.length,
    quorum: spec.quorum,
  };
  const totalSeats = spec.seats.filter((s) => s.role !== 'observer').reduce((n, s) => n + s.seats, 0);
  const remaining = totalSeats - counted.length;
  const allIn = remaining === 0 || final;
  const quorumMet = (seatsVoting: number): boolean => {
    if (seatsVoting < spec.quorum) return false;
    if (spec.rule !== 'parties_and_neutrals') return true;
    const orgs = new Set(counted.map((v) => v.organisationId));
    const partiesIn = spec.parties.filter((p) => votingSeatsOf(spec, p) > 0).every((p) => orgs.has(p));
    const neutralIn = [...orgs].some((o) => !spec.parties.includes(o));
    return partiesIn && neutralIn;
  };
  const decided = (state: FindingState) => ({ state, tally });
  const voting = { state: 'voting' as const, tally };
  // Whether `yes` passes given the votes so far and, if not final, the seats still to vote.
  const outcome = (
    pass: (f: number, a: number, cast: number) => boolean,
  ): { state: FindingState; tally: Tally } => {
    if (allIn) {
      if (!quorumMet(counted.length)) return decided('no_quorum');
      return decided(pass(tally.for, tally.against, counted.length) ? 'adopted' : 'rejected');
    }
    // Not final: decide early only when every way the remaining seats could vote gives one result.
    const best = pass(tally.for + remaining, tally.against, counted.length + remaining);
    const worst = pass(tally.for, tally.against + remaining, counted.length + remaining);
    if (best === worst && quorumMet(counted.length)) return decided(best ? 'adopted' : 'rejected');
    return voting;
  };
  switch (spec.rule) {
    case 'majority':
    case 'parties_and_neutrals':
      return outcome((f, a) => f > a);
    case 'qualified_majority': {
      const threshold = spec.majorityThreshold ?? 2 / 3;
      return outcome((f, a) => f + a > 0 && f / (f + a) >= threshold);
    }
    case 'consensus':
      // Consensus: no objection among those voting; abstentions do not block.
      return outcome((f, a) => a === 0 && f > 0);
    case 'unanimity':
      return outcome((f, _a, cast) => f === totalSeats && cast === totalSeats);
    case 'any_member':
      return outcome((f) => f > 0);
    case 'each_guarantor':
    case 'chair': {
      const required =
        spec.rule === 'chair'
          ? spec.seats.filter((s) => s.role === 'chair').map((s) => s.actor)
          : spec.seats
              .filter((s) => s.role !== 'observer' && !spec.parties.includes(s.actor))
              .map((s) => s.actor);
      const said = (org: string, choice: Vote['choice']) =>
        counted.some((v) => v.organisationId === org && v.choice === choice);
      // Without the quorum the body has not decided, whichever way the required members voted.
      if (required.some((org) => said(org, 'against')))
        return quorumMet(counted.length) ? decided('rejected') : allIn ? decided('no_quorum') : voting;
      if (required.every((org) => said(org, 'for')))
        return quorumMet(counted.length) ? decided('adopted') : allIn ? decided('no_quorum') : voting;
      return allIn ? decided(quorumMet(counted.length) ? 'rejected' : 'no_quorum') : voting;
    }
  }
}
