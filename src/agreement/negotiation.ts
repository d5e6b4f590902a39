import type { Agreement, Position, Provision } from './agreement.schema.js';
import type { TimeContext } from './agreement.time.js';
import { instantOf, resolveAnchors } from './agreement.time.js';

/** A provision not yet agreed by every party. */
export interface OpenHurdle {
  provisionId: string;
  title: string;
  topic: string | undefined;
  /** Each party's position (missing positions count as open). */
  positions: Record<string, Position>;
  disputedBy: string[];
  openBy: string[];
  notes: Record<string, string>;
}

export interface DeadlineStatus {
  id: string;
  text: string;
  /** The instant the deadline falls at (end of day for dates), ISO 8601; undefined if unresolved. */
  due: string | undefined;
  /** Days left until `due`, rounded up (negative when overdue); undefined if unresolved. */
  daysLeft: number | undefined;
  overdue: boolean;
  provisions: string[];
  guarantee: string | undefined;
}

export interface GuaranteeStatus {
  guaranteeId: string;
  name: string;
  legalForm: string;
  ratification: string;
  pendingSteps: {
    id: string;
    actor: string;
    body: string;
    kind: string;
    status: string;
    due: string | undefined;
  }[];
}

/** Where the agreement stands: provisions agreed, disputed and open per party, deadlines, the guarantee. */
export interface NegotiationStatus {
  asOf: string;
  /** Provisions (not retired) counted. */
  total: number;
  agreed: number;
  /** Share of provisions every party agrees on, 0..1. */
  consensusShare: number;
  openHurdles: OpenHurdle[];
  /** For each party, the provisions it disputes. */
  disputedByParty: Record<string, string[]>;
  /** For each party, the provisions on which its position is open. */
  openByParty: Record<string, string[]>;
  deadlines: DeadlineStatus[];
  guarantees: GuaranteeStatus[];
}

/**
 * Where the negotiation stands: the share of provisions all parties agree on, the open hurdles
 * and each party's disputed provisions, the deadlines (e.g. "by the end of the year") with the
 * days left at `now`, and each guarantee's legal form and ratification steps still pending.
 */
export function negotiationStatus(agreement: Agreement, now: Date): NegotiationStatus {
  const parties = agreement.parties.map((p) => p.id);
  const provisions = agreement.provisions.filter((p) => p.retired !== true);
  const positionsOf = (p: Provision): Record<string, Position> =>
    Object.fromEntries(parties.map((party) => [party, p.positions[party] ?? 'open']));
  const disputedByParty: Record<string, string[]> = Object.fromEntries(parties.map((p) => [p, []]));
  const openByParty: Record<string, string[]> = Object.fromEntries(parties.map((p) => [p, []]));
  const openHurdles: OpenHurdle[] = [];
  let agreed = 0;
  for (const p of provisions) {
    const positions = positionsOf(p);
    const disputedBy = parties.filter((party) => positions[party] === 'disputed');
    const openBy = parties.filter((party) => positions[party] === 'open');
    disputedBy.forEach((party) => disputedByParty[party]?.push(p.id));
    openBy.forEach((party) => openByParty[party]?.push(p.id));
    if (disputedBy.length === 0 && openBy.length === 0) {
      agreed++;
      continue;
    }
    openHurdles.push({
      provisionId: p.id,
      title: p.title,
      topic: p.topic,
      positions,
      disputedBy,
      openBy,
      notes: { ...(p.position_notes ?? {}) },
    });
  }
  // Disputed provisions first: they are the harder hurdles.
  openHurdles.sort((a, b) => b.disputedBy.length - a.disputedBy.length);
  const time: TimeContext = {
    timeZone: agreement.time_zone,
    anchors: resolveAnchors(agreement.anchors, agreement.time_zone),
  };
  return {
    asOf: now.toISOString(),
    total: provisions.length,
    agreed,
    consensusShare: provisions.length === 0 ? 0 : agreed / provisions.length,
    openHurdles,
    disputedByParty,
    openByParty,
    deadlines: (agreement.negotiation?.deadlines ?? []).map((d) => deadlineStatus(d, time, now)),
    guarantees: (agreement.guarantees ?? []).map((g) => ({
      guaranteeId: g.id,
      name: g.name,
      legalForm: g.legal_form,
      ratification: g.ratification.status,
      pendingSteps: (g.ratification.steps ?? [])
        .filter((s) => s.status !== 'done')
        .map((s) => ({
          id: s.id,
          actor: s.actor,
          body: s.body,
          kind: s.kind,
          status: s.status,
          due: isoOf(instantOf(s.due, time, 'end')),
        })),
    })),
  };
}

function deadlineStatus(
  d: NonNullable<NonNullable<Agreement['negotiation']>['deadlines']>[number],
  time: TimeContext,
  now: Date,
): DeadlineStatus {
  const due = instantOf(d.due, time, 'end');
  const daysLeft = due === undefined ? undefined : Math.ceil((due - now.getTime()) / 86_400_000);
  return {
    id: d.id,
    text: d.text,
    due: isoOf(due),
    daysLeft,
    overdue: due !== undefined && now.getTime() > due,
    provisions: d.provisions ?? [],
    guarantee: d.guarantee,
  };
}

function isoOf(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
