import { compileCel, type CelFinding, type CelPredicate } from '../agreement/agreement.cel.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import { Severities, type Guarantee, type Rung, type Severity } from '../agreement/agreement.schema.rules.js';
import { parseDuration } from '../agreement/agreement.time.js';

/**
 * What the ladder reads of a finding (the stable shape of docs/verification.md): only adopted,
 * verified findings are breaches, and the time a finding counts from is when the body decided it.
 */
export interface LadderFinding {
  id: string;
  incidentId: string;
  agreementVersionId: string;
  bodyId: string;
  state: string;
  outcome: string;
  category: string;
  severity: Severity;
  /** The party the finding attributes the violation to. */
  party?: string;
  confidence?: string;
  sector?: string;
  side?: string;
  zones: string[];
  provisions: string[];
  observedFrom: string;
  decidedAt: string;
}

/** Whether the ladder acts on a finding: adopted by the body, and the violation verified. */
export function isBreach(f: Pick<LadderFinding, 'state' | 'outcome'>): boolean {
  return f.state === 'adopted' && f.outcome === 'verified';
}

/** The flat view a CEL expression reads. */
export function celView(f: LadderFinding): CelFinding {
  return {
    id: f.id,
    incident: f.incidentId,
    body: f.bodyId,
    outcome: f.outcome,
    category: f.category,
    severity: f.severity,
    attributed_to: f.party ?? '',
    party: f.party ?? '',
    confidence: f.confidence ?? '',
    sector: f.sector ?? '',
    side: f.side ?? '',
    zones: f.zones,
    provisions: f.provisions,
  };
}

const rank = (s: Severity): number => Severities.indexOf(s);

/** One rung, ready to evaluate. */
export interface CompiledRung {
  ladderId: string;
  index: number;
  rung: Rung;
  deadlineMs: number;
  /** How many qualifying findings in one sector within `windowMs` it takes (1: the finding itself). */
  count: number;
  windowMs: number | undefined;
  /** Whether one finding, on its own, qualifies (categories, severity, expression). */
  qualifies(f: LadderFinding): boolean;
}

/** A ladder of one agreement version, compiled. */
export interface CompiledLadder {
  id: string;
  rungs: CompiledRung[];
}

function compileRung(ladderId: string, rung: Rung, index: number): CompiledRung {
  const t = rung.trigger;
  let predicate: CelPredicate | undefined;
  if (t.expression !== undefined) {
    const compiled = compileCel(t.expression);
    // The agreement was validated on load; a failure here is a bug, not bad input.
    if (!compiled.ok) throw new Error(`rung ${rung.id}: ${compiled.reason}`);
    predicate = compiled.predicate;
  }
  const categories = t.categories === undefined ? undefined : new Set(t.categories);
  const min = t.min_severity === undefined ? -1 : rank(t.min_severity);
  return {
    ladderId,
    index,
    rung,
    deadlineMs: parseDuration(rung.deadline) ?? 0,
    count: t.count ?? 1,
    windowMs: t.window === undefined ? undefined : parseDuration(t.window),
    qualifies(f) {
      if (!isBreach(f)) return false;
      if (categories !== undefined && !categories.has(f.category)) return false;
      if (rank(f.severity) < min) return false;
      return predicate === undefined || predicate(celView(f));
    },
  };
}

/** Compiles every ladder of an agreement version. */
export function compileLadders(agreement: Agreement): CompiledLadder[] {
  return (agreement.escalation_ladders ?? []).map((l) => ({
    id: l.id,
    rungs: l.rungs.map((r, i) => compileRung(l.id, r, i)),
  }));
}

/** Sorted insertion position (first index whose value is > t, or >= t with `left`). */
function bound(list: readonly number[], t: number, left: boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid] as number;
    if (v < t || (!left && v === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts over time windows, kept incrementally: per counting rung and sector, the observation times of
 * the findings that qualify, sorted. Adding a finding is a binary insertion; asking whether a window
 * around it holds `count` of them is a few binary searches.
 */
export class WindowIndex {
  readonly #times = new Map<CompiledRung, Map<string, number[]>>();
  readonly #seen = new Set<string>();

  /** Records a finding under every counting rung it qualifies for (once per finding). */
  add(ladders: readonly CompiledLadder[], f: LadderFinding): void {
    if (this.#seen.has(f.id)) return;
    this.#seen.add(f.id);
    const t = Date.parse(f.observedFrom);
    for (const ladder of ladders)
      for (const rung of ladder.rungs) {
        if (rung.count <= 1 || !rung.qualifies(f)) continue;
        let sectors = this.#times.get(rung);
        if (sectors === undefined) this.#times.set(rung, (sectors = new Map<string, number[]>()));
        const key = f.sector ?? '';
        let list = sectors.get(key);
        if (list === undefined) sectors.set(key, (list = []));
        list.splice(bound(list, t, false), 0, t);
      }
  }

  get size(): number {
    return this.#seen.size;
  }

  /** The most qualifying findings of the finding's sector in one window that contains its time. */
  countAround(rung: CompiledRung, f: LadderFinding): number {
    const list = this.#times.get(rung)?.get(f.sector ?? '') ?? [];
    const w = rung.windowMs;
    if (w === undefined) return list.length;
    const t = Date.parse(f.observedFrom);
    let best = 0;
    // Every window [s, s + w] containing t that starts at a finding's time: s in [t - w, t].
    for (let i = bound(list, t - w, true); i < list.length && (list[i] as number) <= t; i += 1) {
      const s = list[i] as number;
      best = Math.max(best, bound(list, s + w, false) - i);
    }
    return best;
  }
}

/** The rungs (indexes) whose trigger a new finding fires, lowest first; the index must hold it already. */
export function firingRungs(ladder: CompiledLadder, index: WindowIndex, f: LadderFinding): number[] {
  const out: number[] = [];
  for (const rung of ladder.rungs) {
    if (!rung.qualifies(f)) continue;
    if (rung.count > 1 && index.countAround(rung, f) < rung.count) continue;
    out.push(rung.index);
  }
  return out;
}

/** One activation or void condition of a guarantee with the findings that meet it. */
export interface ConditionStatus {
  id: string;
  description: string;
  met: boolean;
  findingIds: string[];
}

/** A guarantee's state as the findings show it; Truceline records, it decides nothing. */
export interface GuaranteeStatus {
  id: string;
  name: string;
  beneficiary: string;
  guarantors: string[];
  /** `void` when a void (lapse) condition is met, else `activated` when an activation one is, else `dormant`. */
  state: 'dormant' | 'activated' | 'void';
  activation: ConditionStatus[];
  void: ConditionStatus[];
}

type Condition = Guarantee['activation'][number];

function conditionMet(c: Condition, f: LadderFinding): boolean {
  if (!isBreach(f)) return false;
  if (c.categories !== undefined && !c.categories.includes(f.category)) return false;
  if (c.attributed_to !== undefined && f.party !== c.attributed_to) return false;
  return c.requires_finding_by === undefined || f.bodyId === c.requires_finding_by;
}

/** Evaluates a guarantee's activation and void conditions over the findings, as the rungs are. */
export function guaranteeStatus(g: Guarantee, findings: readonly LadderFinding[]): GuaranteeStatus {
  const status = (c: Condition): ConditionStatus => {
    const ids = findings.filter((f) => conditionMet(c, f)).map((f) => f.id);
    return { id: c.id, description: c.description, met: ids.length > 0, findingIds: ids };
  };
  const activation = g.activation.map(status);
  const lapse = (g.void ?? []).map(status);
  return {
    id: g.id,
    name: g.name,
    beneficiary: g.beneficiary,
    guarantors: g.guarantors,
    state: lapse.some((c) => c.met) ? 'void' : activation.some((c) => c.met) ? 'activated' : 'dormant',
    activation,
    void: lapse,
  };
}
