import type { Agreement } from '../agreement/agreement.schema.js';
import {
  applyFinding,
  applyOutcome,
  applyTimeout,
  outcomeOf,
  type CaseChange,
  type CaseDecision,
  type CaseInaction,
  type LadderCase,
} from './ladder.cases.js';
import {
  compileLadders,
  firingRungs,
  isBreach,
  WindowIndex,
  type CompiledLadder,
  type LadderFinding,
} from './ladder.triggers.js';

/**
 * The ladder engine: deterministic and pure (no clock, no storage). It keeps the compiled ladders and
 * the window counts of each agreement version; callers hand it the live cases and get the changes.
 */
export class LadderEngine {
  readonly #ladders = new Map<string, CompiledLadder[]>();
  readonly #index = new Map<string, WindowIndex>();

  constructor(private readonly agreementOf: (versionId: string) => Agreement | undefined) {}

  /** The compiled ladders of a version (none for an unknown version). */
  ladders(versionId: string): CompiledLadder[] {
    let ladders = this.#ladders.get(versionId);
    if (ladders === undefined) {
      const agreement = this.agreementOf(versionId);
      ladders = agreement === undefined ? [] : compileLadders(agreement);
      this.#ladders.set(versionId, ladders);
    }
    return ladders;
  }

  ladder(versionId: string, ladderId: string): CompiledLadder | undefined {
    return this.ladders(versionId).find((l) => l.id === ladderId);
  }

  agreement(versionId: string): Agreement | undefined {
    return this.agreementOf(versionId);
  }

  /** Adds a finding to the window counts without acting on it (findings already acted on). */
  remember(f: LadderFinding): void {
    if (!isBreach(f)) return;
    let index = this.#index.get(f.agreementVersionId);
    if (index === undefined) this.#index.set(f.agreementVersionId, (index = new WindowIndex()));
    index.add(this.ladders(f.agreementVersionId), f);
  }

  /** Findings on record in the window counts. */
  get size(): number {
    let n = 0;
    for (const index of this.#index.values()) n += index.size;
    return n;
  }

  /**
   * A newly decided finding: evaluates every rung of every ladder of its version and returns what it
   * changes, given the live (open or held) cases. Nothing fires without a breach.
   */
  onFinding(f: LadderFinding, live: readonly LadderCase[]): CaseChange[] {
    if (!isBreach(f)) return [];
    this.remember(f);
    const index = this.#index.get(f.agreementVersionId) as WindowIndex;
    const out: CaseChange[] = [];
    for (const ladder of this.ladders(f.agreementVersionId)) {
      const fired = firingRungs(ladder, index, f);
      const mine = live.find(
        (c) => c.ladderId === ladder.id && c.party === (f.party ?? null) && c.status !== 'closed',
      );
      const change = applyFinding(ladder, fired, mine, f);
      if (change !== undefined) out.push(change);
    }
    return out;
  }

  /**
   * Applies every deadline that passed by `until`, earliest first (an escalation's new deadline may
   * pass too). Returns the changes in order; `cases` is not modified.
   */
  timeouts(cases: readonly LadderCase[], decisions: readonly CaseDecision[], until: Date): CaseChange[] {
    const current = new Map(cases.map((c) => [c.id, c]));
    const out: CaseChange[] = [];
    for (;;) {
      const due = [...current.values()]
        .filter(
          (c) => c.status === 'open' && c.deadline !== null && Date.parse(c.deadline) <= until.getTime(),
        )
        .sort(
          (a, b) => (a.deadline as string).localeCompare(b.deadline as string) || a.id.localeCompare(b.id),
        )[0];
      if (due === undefined) return out;
      const ladder = this.ladder(due.agreementVersionId, due.ladderId);
      if (ladder === undefined) return out;
      const change = applyTimeout(ladder, due, decisions);
      current.set(due.id, change.case);
      out.push(change);
    }
  }

  /** After a decision: the rung's rule, if the decisions now settle it. */
  afterDecision(c: LadderCase, decisions: readonly CaseDecision[], at: string): CaseChange | undefined {
    const agreement = this.agreementOf(c.agreementVersionId);
    const ladder = this.ladder(c.agreementVersionId, c.ladderId);
    if (agreement === undefined || ladder === undefined) return undefined;
    const outcome = outcomeOf(
      c,
      decisions,
      agreement.parties.map((p) => p.id),
    );
    if (outcome === undefined) return undefined;
    return applyOutcome(ladder, c, outcome, at, `decided at ${c.rungId} under ${c.decisionRule}: ${outcome}`);
  }
}

/** What a replay produced, to compare with the stored cases. */
export interface ReplayResult {
  cases: LadderCase[];
  inactions: CaseInaction[];
  /** Stored decisions the replayed cases could not take (no such case, another rung, closed). */
  unplaced: CaseDecision[];
}

/**
 * Runs the ladder from the first finding on record to `to`: findings in the order the body decided
 * them, decisions at their times, deadlines as they pass (a deadline at the same instant as a finding
 * or a decision comes first, as in the service).
 */
export function replayLadder(
  engine: LadderEngine,
  findings: readonly LadderFinding[],
  decisions: readonly CaseDecision[],
  to: Date,
): ReplayResult {
  const cases = new Map<string, LadderCase>();
  const inactions: CaseInaction[] = [];
  const applied: CaseDecision[] = [];
  const unplaced: CaseDecision[] = [];
  const take = (changes: readonly CaseChange[]) => {
    for (const ch of changes) {
      cases.set(ch.case.id, ch.case);
      inactions.push(...ch.inactions);
    }
  };
  const live = () => [...cases.values()].filter((c) => c.status !== 'closed');
  type Event = { at: string; order: number; finding?: LadderFinding; decision?: CaseDecision };
  const all: Event[] = [
    ...findings.filter((f) => isBreach(f)).map((f): Event => ({ at: f.decidedAt, order: 0, finding: f })),
    ...decisions.map((d): Event => ({ at: d.at, order: 1, decision: d })),
  ];
  const idOf = (e: Event): string => e.finding?.id ?? e.decision?.id ?? '';
  const events = all
    .filter((e) => Date.parse(e.at) <= to.getTime())
    .sort((a, b) => a.at.localeCompare(b.at) || a.order - b.order || idOf(a).localeCompare(idOf(b)));
  for (const e of events) {
    take(engine.timeouts(live(), applied, new Date(e.at)));
    if (e.finding !== undefined) take(engine.onFinding(e.finding, live()));
    const d = e.decision;
    if (d === undefined) continue;
    const c = cases.get(d.caseId);
    if (c === undefined || c.status === 'closed' || c.rungId !== d.rungId) {
      unplaced.push(d);
      continue;
    }
    applied.push(d);
    const change = engine.afterDecision(c, applied, d.at);
    if (change !== undefined) take([change]);
  }
  take(engine.timeouts(live(), applied, to));
  return { cases: [...cases.values()], inactions, unplaced };
}
