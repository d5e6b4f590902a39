import type { OrganisationKind } from '../access/policy.js';

/**
 * Admiralty grading (STANAG 2511): source reliability A–F and information credibility 1–6, two
 * independent axes. F and 6 mean "cannot be judged": they are unknown, not bad, so they never sort
 * as the worst grade and a ceiling never changes them.
 */
export const RELIABILITIES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** Admiralty source reliability, A (completely reliable) to E; F: cannot be judged. */
export type Reliability = (typeof RELIABILITIES)[number];
/** Admiralty information credibility, 1 (confirmed by other sources) to 5; 6: cannot be judged. */
export const CREDIBILITIES = [1, 2, 3, 4, 5, 6] as const;
/** One credibility grade. */
export type Credibility = (typeof CREDIBILITIES)[number];

export function isReliability(value: unknown): value is Reliability {
  return typeof value === 'string' && (RELIABILITIES as readonly string[]).includes(value);
}

export function isCredibility(value: unknown): value is Credibility {
  return typeof value === 'number' && (CREDIBILITIES as readonly number[]).includes(value);
}

/**
 * Sort position of a grade, best first. The unjudged grades sit between the middle grade and the
 * doubtful ones (C < F < D, 3 < 6 < 4): an unknown is neither trusted nor discarded.
 */
const RELIABILITY_RANK: Record<Reliability, number> = { A: 0, B: 2, C: 4, F: 5, D: 6, E: 8 };
const CREDIBILITY_RANK: Record<Credibility, number> = { 1: 0, 2: 2, 3: 4, 6: 5, 4: 6, 5: 8 };

/** One integer that orders grades reliability first, then credibility; lower is better. */
export function gradeRank(reliability: Reliability, credibility: Credibility): number {
  return RELIABILITY_RANK[reliability] * 16 + CREDIBILITY_RANK[credibility];
}

/** Compares two grades for sorting, best first. */
export function compareGrades(
  a: { reliability: Reliability; credibility: Credibility },
  b: { reliability: Reliability; credibility: Credibility },
): number {
  return gradeRank(a.reliability, a.credibility) - gradeRank(b.reliability, b.credibility);
}

/** The best grade a user's submissions may carry. */
export interface GradeCeiling {
  reliability: Exclude<Reliability, 'F'>;
  credibility: Exclude<Credibility, 6>;
}

/**
 * Ceilings by kind of organisation, used when a user has no ceiling of their own: the commission's
 * verifiers may grade anything; a party's own submissions can never outrank them.
 */
export const DEFAULT_CEILINGS: Record<OrganisationKind, GradeCeiling> = {
  commission: { reliability: 'A', credibility: 1 },
  guarantor: { reliability: 'B', credibility: 2 },
  humanitarian: { reliability: 'B', credibility: 2 },
  party: { reliability: 'C', credibility: 3 },
  public: { reliability: 'D', credibility: 4 },
};

/** A judged grade better than the ceiling is lowered to it; unjudged grades (F, 6) stay as they are. */
export function capGrade(
  given: { reliability: Reliability; credibility: Credibility },
  ceiling: GradeCeiling,
): { reliability: Reliability; credibility: Credibility; capped: boolean } {
  let { reliability, credibility } = given;
  let capped = false;
  if (reliability !== 'F' && RELIABILITY_RANK[reliability] < RELIABILITY_RANK[ceiling.reliability]) {
    reliability = ceiling.reliability;
    capped = true;
  }
  if (credibility !== 6 && CREDIBILITY_RANK[credibility] < CREDIBILITY_RANK[ceiling.credibility]) {
    credibility = ceiling.credibility;
    capped = true;
  }
  return { reliability, credibility, capped };
}

/** "B2" style label. */
export function gradeLabel(reliability: Reliability, credibility: Credibility): string {
  return `${reliability}${credibility}`;
}

/** Parses "B2" into its two axes, or undefined. */
export function parseGradeLabel(text: string): GradeCeiling | undefined {
  const m = /^([A-E])([1-5])$/.exec(text.trim().toUpperCase());
  if (m === null) return undefined;
  return {
    reliability: m[1] as GradeCeiling['reliability'],
    credibility: Number(m[2]) as GradeCeiling['credibility'],
  };
}

/**
 * How many independent sources stand behind a set of reports: reports whose sources share an
 * independence group (the same outlet, the same monitoring team) count once.
 */
export function independentSourceCount(reports: readonly { independenceGroup: string }[]): number {
  return new Set(reports.map((r) => r.independenceGroup)).size;
}
