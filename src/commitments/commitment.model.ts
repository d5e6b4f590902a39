import type { Marking } from '../access/marking.js';
import { userPseudonym } from '../access/pseudonym.js';

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

/** `recordedBy` of a change made from the console (no user). */
export const CONSOLE_RECORDER = 'console';

/**
 * Who recorded a change, as the log may name them: never a user id, but the pseudonym
 * hex(SHA-256(s ‖ recordId)), `s` the salt of the user's `user.created` entry
 * (src/access/pseudonym.ts). It links no two records and tells nothing without the
 * user's salt, and the audit, which reads the salts, recomputes it. `null` for the console;
 * `"unattributable"` for a user with no such salt (an account an old release logged in full).
 *
 * @param userSalts salts of `user.created` entries by user id (`findUserSalts`)
 */
export function recorderPseudonym(
  recordedBy: string,
  recordId: string,
  userSalts: ReadonlyMap<string, Buffer>,
): string | null {
  return userPseudonym(recordedBy === CONSOLE_RECORDER ? null : recordedBy, recordId, userSalts);
}

/**
 * A record as releases before `recordedBy` was logged wrote it: the audit accepts it as a second
 * candidate (an entry with `recordedBy` matches only the record with it).
 */
export function withoutRecorder<T extends { recordedBy: string | null }>(record: T): Omit<T, 'recordedBy'> {
  const { recordedBy: _recordedBy, ...rest } = record;
  return rest;
}

/** What the log commits to for a pledge: its state after the change, who recorded it by pseudonym. */
export function pledgeRecord(p: Pledge, userSalts: ReadonlyMap<string, Buffer>) {
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
    recordedBy: recorderPseudonym(p.recordedBy, p.id, userSalts),
  };
}

/** What the log commits to for an amendment. */
export function amendmentRecord(a: Amendment, userSalts: ReadonlyMap<string, Buffer>) {
  return {
    id: a.id,
    pledgeId: a.pledgeId,
    revision: a.revision,
    fromQuantity: a.fromQuantity,
    toQuantity: a.toQuantity,
    reason: a.reason,
    amendedOn: a.amendedOn,
    recordedAt: a.recordedAt,
    recordedBy: recorderPseudonym(a.recordedBy, a.id, userSalts),
  };
}

/** What the log commits to for a delivery. */
export function deliveryRecord(d: Delivery, userSalts: ReadonlyMap<string, Buffer>) {
  return {
    id: d.id,
    pledgeId: d.pledgeId,
    quantity: d.quantity,
    deliveredOn: d.deliveredOn,
    note: d.note ?? null,
    evidenceSha256: d.evidenceSha256 ?? null,
    recordedAt: d.recordedAt,
    recordedBy: recorderPseudonym(d.recordedBy, d.id, userSalts),
  };
}

/** What the log commits to for a ratification record. */
export function ratificationRecord(r: RatificationRecord, userSalts: ReadonlyMap<string, Buffer>) {
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
    recordedBy: recorderPseudonym(r.recordedBy, r.id, userSalts),
  };
}
