/**
 * Commitments: the client side of `src/commitments/commitments.routes.ts` (the pledged-vs-delivered
 * summary and the guarantee's ratification). Shapes through `src/wire.ts`.
 */
import type { CommitmentSummaryView, RatificationView } from '../../../src/wire.js';
import { getJson } from './client.js';

export type CommitmentSummary = CommitmentSummaryView;
export type SummaryRow = CommitmentSummary['byGuarantorAndCategory'][number];
export type TimelinePoint = CommitmentSummary['timeline'][number];
export type Ratification = RatificationView;

/** Pledged vs delivered by guarantor and category, and month by month, as the reader may see them. */
export function getCommitmentSummary(q: { guarantee?: string } = {}): Promise<CommitmentSummary> {
  const s = new URLSearchParams();
  if (q.guarantee) s.set('guarantee', q.guarantee);
  return getJson(`/api/v1/commitments/summary?${s.toString()}`);
}

export function getRatification(guaranteeId: string): Promise<Ratification> {
  return getJson(`/api/v1/guarantees/${encodeURIComponent(guaranteeId)}/ratification`);
}
