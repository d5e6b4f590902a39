import type { Delivery, Pledge } from './commitment.model.js';

/** Pledged against delivered for one group (one unit: pieces and euros are never added together). */
export interface SummaryRow {
  guarantor?: string;
  category?: string;
  unit: string;
  pledges: number;
  pledged: number;
  delivered: number;
  remaining: number;
  /** delivered / pledged, 0..1. */
  deliveredShare: number;
}

/** One month of the timeline, per unit: what was pledged and delivered in it and up to it. */
export interface TimelinePoint {
  month: string;
  unit: string;
  pledged: number;
  delivered: number;
  cumulativePledged: number;
  cumulativeDelivered: number;
}

/** Pledged vs delivered in the manner of the public support trackers. */
export interface CommitmentSummary {
  asOf: string;
  byGuarantorAndCategory: SummaryRow[];
  byCategory: SummaryRow[];
  byGuarantor: SummaryRow[];
  timeline: TimelinePoint[];
}

const round = (n: number) => Math.round(n * 1e6) / 1e6;

function group(
  pledges: readonly Pledge[],
  delivered: ReadonlyMap<string, number>,
  keyOf: (p: Pledge) => { guarantor?: string; category?: string },
): SummaryRow[] {
  const rows = new Map<string, SummaryRow>();
  for (const p of pledges) {
    const key = keyOf(p);
    const id = JSON.stringify([key.guarantor ?? null, key.category ?? null, p.unit]);
    let row = rows.get(id);
    if (row === undefined) {
      row = { ...key, unit: p.unit, pledges: 0, pledged: 0, delivered: 0, remaining: 0, deliveredShare: 0 };
      rows.set(id, row);
    }
    row.pledges += 1;
    row.pledged += p.quantity;
    row.delivered += delivered.get(p.id) ?? 0;
  }
  return [...rows.values()]
    .map((r) => ({
      ...r,
      pledged: round(r.pledged),
      delivered: round(r.delivered),
      remaining: round(Math.max(0, r.pledged - r.delivered)),
      deliveredShare: r.pledged > 0 ? round(r.delivered / r.pledged) : 0,
    }))
    .sort(
      (a, b) =>
        (a.guarantor ?? '').localeCompare(b.guarantor ?? '') ||
        (a.category ?? '').localeCompare(b.category ?? '') ||
        a.unit.localeCompare(b.unit),
    );
}

/**
 * Sums pledges (at their current, amended quantity, dated by when they were pledged) and deliveries
 * per guarantor and category, per category, per guarantor, and month by month — always per unit.
 */
export function summarise(
  pledges: readonly Pledge[],
  deliveries: readonly Delivery[],
  now: Date,
): CommitmentSummary {
  const delivered = new Map<string, number>();
  for (const d of deliveries) delivered.set(d.pledgeId, (delivered.get(d.pledgeId) ?? 0) + d.quantity);
  const unitOf = new Map(pledges.map((p) => [p.id, p.unit]));
  const months = new Map<string, { month: string; unit: string; pledged: number; delivered: number }>();
  const point = (month: string, unit: string) => {
    const id = `${unit}\u0000${month}`;
    let p = months.get(id);
    if (p === undefined) months.set(id, (p = { month, unit, pledged: 0, delivered: 0 }));
    return p;
  };
  for (const p of pledges) point(p.pledgedOn.slice(0, 7), p.unit).pledged += p.quantity;
  for (const d of deliveries) {
    const unit = unitOf.get(d.pledgeId);
    if (unit !== undefined) point(d.deliveredOn.slice(0, 7), unit).delivered += d.quantity;
  }
  const timeline: TimelinePoint[] = [];
  const totals = new Map<string, { pledged: number; delivered: number }>();
  for (const p of [...months.values()].sort(
    (a, b) => a.unit.localeCompare(b.unit) || a.month.localeCompare(b.month),
  )) {
    const t = totals.get(p.unit) ?? { pledged: 0, delivered: 0 };
    t.pledged += p.pledged;
    t.delivered += p.delivered;
    totals.set(p.unit, t);
    timeline.push({
      month: p.month,
      unit: p.unit,
      pledged: round(p.pledged),
      delivered: round(p.delivered),
      cumulativePledged: round(t.pledged),
      cumulativeDelivered: round(t.delivered),
    });
  }
  return {
    asOf: now.toISOString(),
    byGuarantorAndCategory: group(pledges, delivered, (p) => ({
      guarantor: p.guarantor,
      category: p.category,
    })),
    byCategory: group(pledges, delivered, (p) => ({ category: p.category })),
    byGuarantor: group(pledges, delivered, (p) => ({ guarantor: p.guarantor })),
    timeline,
  };
}
