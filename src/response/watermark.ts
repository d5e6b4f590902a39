/**
 * How far the ladder has acted on the findings: the latest decision time acted on and the findings
 * decided at that very time (several may share it; one decided later may sort before them by id).
 */
export interface Watermark {
  at: string;
  ids: string[];
}

/** Whether the ladder has acted on a finding. */
export function processed(mark: Watermark, f: { id: string; decidedAt: string }): boolean {
  return f.decidedAt < mark.at || (f.decidedAt === mark.at && mark.ids.includes(f.id));
}

/** The watermark after acting on a finding. */
export function advance(mark: Watermark, f: { id: string; decidedAt: string }): Watermark {
  if (f.decidedAt > mark.at) return { at: f.decidedAt, ids: [f.id] };
  return { at: mark.at, ids: [...mark.ids, f.id] };
}
