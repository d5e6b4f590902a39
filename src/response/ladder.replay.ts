import type { CaseInaction, LadderCase } from './ladder.cases.js';
import type { ReplayResult } from './ladder.engine.js';

/** One difference between a stored case and the replay. */
export interface ReplayMismatch {
  caseId: string;
  /** What differs: `missing in replay`, `not stored`, `rung`, `status`, `outcome`, `findings`, `steps`, `inaction`, `decision`. */
  field: string;
  stored: string;
  replayed: string;
}

/** What `truceline ladder replay` prints: reproduced cases and every mismatch, named. */
export interface ReplayReport {
  from: string;
  to: string;
  reproduced: number;
  compared: number;
  mismatches: ReplayMismatch[];
}

const inPeriod = (c: LadderCase, from: Date, to: Date) =>
  Date.parse(c.openedAt) >= from.getTime() && Date.parse(c.openedAt) <= to.getTime();

const stepsOf = (c: LadderCase) => c.steps.map((s) => `${s.at} ${s.kind} ${s.rungId}`).join('; ');
const inactionsOf = (list: readonly CaseInaction[], id: string) =>
  list
    .filter((i) => i.caseId === id)
    .map((i) => `${i.rungId}:${i.actor}@${i.at}`)
    .sort()
    .join(', ');

/** Compares the stored cases opened in the period with the replayed ones, field by field. */
export function compareReplay(
  stored: readonly LadderCase[],
  storedInactions: readonly CaseInaction[],
  replay: ReplayResult,
  from: Date,
  to: Date,
): ReplayReport {
  const mismatches: ReplayMismatch[] = [];
  const replayed = new Map(replay.cases.map((c) => [c.id, c]));
  const storedIds = new Set(stored.map((c) => c.id));
  let compared = 0;
  let reproduced = 0;
  for (const s of stored.filter((c) => inPeriod(c, from, to))) {
    compared += 1;
    const r = replayed.get(s.id);
    const before = mismatches.length;
    if (r === undefined) {
      mismatches.push({
        caseId: s.id,
        field: 'missing in replay',
        stored: `${s.rungId} ${s.status}`,
        replayed: '',
      });
      continue;
    }
    const fields: [string, string, string][] = [
      ['rung', s.rungId, r.rungId],
      ['status', s.status, r.status],
      ['outcome', s.outcome ?? '', r.outcome ?? ''],
      ['deadline', s.deadline ?? '', r.deadline ?? ''],
      ['findings', [...s.findingIds].sort().join(', '), [...r.findingIds].sort().join(', ')],
      ['steps', stepsOf(s), stepsOf(r)],
      ['inaction', inactionsOf(storedInactions, s.id), inactionsOf(replay.inactions, s.id)],
    ];
    for (const [field, a, b] of fields)
      if (a !== b) mismatches.push({ caseId: s.id, field, stored: a, replayed: b });
    if (mismatches.length === before) reproduced += 1;
  }
  for (const r of replay.cases.filter((c) => inPeriod(c, from, to) && !storedIds.has(c.id)))
    mismatches.push({ caseId: r.id, field: 'not stored', stored: '', replayed: `${r.rungId} ${r.status}` });
  for (const d of replay.unplaced)
    mismatches.push({
      caseId: d.caseId,
      field: 'decision',
      stored: `${d.actor} ${d.option} at ${d.rungId} (${d.at})`,
      replayed: 'the replayed case was not at that rung, or closed',
    });
  return { from: from.toISOString(), to: to.toISOString(), reproduced, compared, mismatches };
}

/** The one-line summary, and a line per mismatch. */
export function formatReplay(report: ReplayReport): string {
  const lines = [
    report.mismatches.length === 0
      ? `reproduced ${report.reproduced} cases`
      : `reproduced ${report.reproduced} of ${report.compared} cases; ${report.mismatches.length} mismatch(es)`,
    ...report.mismatches.map(
      (m) => `case ${m.caseId}: ${m.field} differs: stored '${m.stored}', replayed '${m.replayed}'`,
    ),
  ];
  return lines.join('\n');
}
