import type { Marking } from '../access/marking.js';

/** What a pledge provides, in the manner of the public support trackers' categories. */
export const PLEDGE_CATEGORIES = [
  'weapons',
  'ammunition',
  'air_defence',
  'intelligence',
  'logistics',
  'training',
  'financing',
  'humanitarian',
  'sanctions',
  'diplomatic',
  'other',
] as const;
/** One pledge category. */
export type PledgeCategory = (typeof PLEDGE_CATEGORIES)[number];

/**
 * Markings a pledge may carry: CLEAR (public trackers publish pledges), GREEN, AMBER (kept among the
 * guarantee's guarantors and the commission), AMBER+STRICT (among the guarantors only). RED names
 * users, which a guarantor's pledge never is addressed to.
 */
export const PLEDGE_MARKINGS = [
  'CLEAR',
  'GREEN',
  'AMBER',
  'AMBER+STRICT',
] as const satisfies readonly Marking[];

/** Ratification progress a step's actor or the commission records. */
export const RATIFICATION_RECORD_STATUSES = ['scheduled', 'held', 'passed', 'failed'] as const;
/** One recorded ratification status. */
export type RatificationRecordStatus = (typeof RATIFICATION_RECORD_STATUSES)[number];

/** Markings a ratification record may carry (legislative votes are usually public). */
export const RATIFICATION_MARKINGS = ['CLEAR', 'GREEN', 'AMBER'] as const satisfies readonly Marking[];

/** A guarantor's pledge, as it stands after its amendments. */
export interface Pledge {
  id: string;
  guaranteeId: string;
  agreementVersionId: string;
  guarantor: string;
  category: PledgeCategory;
  /** What is pledged: a weapons system, a programme, a fund. */
  item: string;
  quantity: number;
  unit: string;
  responseId?: string;
  provision?: string;
  pledgedOn: string;
  revision: number;
  recordedAt: string;
  /** The user who recorded it (kept for the audit trail; never in the log or the API). */
  recordedBy: string;
  marking: Marking;
  ownerOrganisationId: string;
  addressees: string[];
}

/** A change of a pledge's quantity, with its reason. */
export interface Amendment {
  id: string;
  pledgeId: string;
  revision: number;
  fromQuantity: number;
  toQuantity: number;
  reason: string;
  amendedOn: string;
  recordedAt: string;
  recordedBy: string;
}

/** A delivery against a pledge. */
export interface Delivery {
  id: string;
  pledgeId: string;
  quantity: number;
  deliveredOn: string;
  note?: string;
  evidenceSha256?: string;
  recordedAt: string;
  recordedBy: string;
}

/** One recorded step of a guarantee's ratification. */
export interface RatificationRecord {
  id: string;
  guaranteeId: string;
  agreementVersionId: string;
  stepId: string;
  /** 1, 2, 3… per step: the order of its records. */
  seq: number;
  status: RatificationRecordStatus;
  on: string;
  votesFor?: number;
  votesAgainst?: number;
  note?: string;
  recordedAt: string;
  recordedBy: string;
  marking: Marking;
  ownerOrganisationId: string;
}

/** The record kinds commitments are logged and addressed under. */
export const PLEDGE_RECORD_KIND = 'commitment-pledge';
export const AMENDMENT_RECORD_KIND = 'commitment-amendment';
export const DELIVERY_RECORD_KIND = 'commitment-delivery';
export const RATIFICATION_RECORD_KIND = 'ratification-record';

/** What the log commits to for a pledge: its state after the change (no user ids). */
export function pledgeRecord(p: Pledge): unknown {
  return {
    id: p.id,
    guaranteeId: p.guaranteeId,
    agreementVersionId: p.agreementVersionId,
    guarantor: p.guarantor,
    category: p.category,
    item: p.item,
    quantity: p.quantity,
    unit: p.unit,
    responseId: p.responseId ?? null,
    provision: p.provision ?? null,
    pledgedOn: p.pledgedOn,
    revision: p.revision,
    recordedAt: p.recordedAt,
    marking: p.marking,
    owner: p.ownerOrganisationId,
    addressees: p.addressees,
  };
}

/** What the log commits to for an amendment. */
export function amendmentRecord(a: Amendment): unknown {
  return {
    id: a.id,
    pledgeId: a.pledgeId,
    revision: a.revision,
    fromQuantity: a.fromQuantity,
    toQuantity: a.toQuantity,
    reason: a.reason,
    amendedOn: a.amendedOn,
    recordedAt: a.recordedAt,
  };
}

/** What the log commits to for a delivery. */
export function deliveryRecord(d: Delivery): unknown {
  return {
    id: d.id,
    pledgeId: d.pledgeId,
    quantity: d.quantity,
    deliveredOn: d.deliveredOn,
    note: d.note ?? null,
    evidenceSha256: d.evidenceSha256 ?? null,
    recordedAt: d.recordedAt,
  };
}

/** What the log commits to for a ratification record. */
export function ratificationRecord(r: RatificationRecord): unknown {
  return {
    id: r.id,
    guaranteeId: r.guaranteeId,
    agreementVersionId: r.agreementVersionId,
    stepId: r.stepId,
    seq: r.seq,
    status: r.status,
    on: r.on,
    votesFor: r.votesFor ?? null,
    votesAgainst: r.votesAgainst ?? null,
    note: r.note ?? null,
    recordedAt: r.recordedAt,
    marking: r.marking,
    owner: r.ownerOrganisationId,
  };
}
