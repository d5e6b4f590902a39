import type { Principal } from './policy.js';

/**
 * TLP 2.0 markings, from least to most restricted. How Truceline reads them:
 * - CLEAR: anyone, the public included.
 * - GREEN: every signed-in member of the agreement's community (any organisation except the public).
 * - AMBER: the owning organisation, the addressee organisations, and the commission that keeps the record.
 * - AMBER+STRICT: the owning organisation and the addressee organisations only.
 * - RED: the author and the addressee users only, by name.
 */
export const MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
/** One TLP 2.0 marking. */
export type Marking = (typeof MARKINGS)[number];

/**
 * The marking of user and token records in the log: who works for an organisation, under which
 * name and with which roles, is known to that organisation and the commission only (staff in the
 * field are exposed by a public list), so the public log holds a commitment to them.
 */
export const ACCOUNT_RECORD_MARKING: Marking = 'AMBER';

/** Whether a string is one of the TLP 2.0 markings Truceline uses. */
export function isMarking(value: string): value is Marking {
  return (MARKINGS as readonly string[]).includes(value);
}

/** Who may see a record: its marking, owner and addressees. */
export interface Visibility {
  marking: Marking;
  ownerOrganisationId: string;
  authorUserId: string | null;
  addresseeOrganisationIds: readonly string[];
  addresseeUserIds: readonly string[];
}

export function markingRank(marking: Marking): number {
  return MARKINGS.indexOf(marking);
}

/** Whether the principal may see a record with this visibility. */
export function canSee(principal: Principal, record: Visibility): boolean {
  const org = principal.organisationId;
  switch (record.marking) {
    case 'CLEAR':
      return true;
    case 'GREEN':
      return principal.userId !== null && principal.organisationKind !== 'public';
    case 'AMBER':
      if (principal.userId !== null && principal.organisationKind === 'commission') return true;
      return (
        org !== null && (org === record.ownerOrganisationId || record.addresseeOrganisationIds.includes(org))
      );
    case 'AMBER+STRICT':
      return (
        org !== null && (org === record.ownerOrganisationId || record.addresseeOrganisationIds.includes(org))
      );
    case 'RED':
      return (
        principal.userId !== null &&
        (principal.userId === record.authorUserId || record.addresseeUserIds.includes(principal.userId))
      );
  }
}

/** Raised when a marking change would lower it without an explicit, recorded declassification. */
export class MarkingLoweredError extends Error {
  override name = 'MarkingLoweredError';
}

/**
 * Checks a marking change: raising is always allowed; lowering only as an explicit declassification
 * with a reason, which the caller must record.
 */
export function checkMarkingChange(from: Marking, to: Marking, declassification?: { reason: string }): void {
  if (markingRank(to) >= markingRank(from)) return;
  if (declassification === undefined || declassification.reason.trim() === '') {
    throw new MarkingLoweredError(
      `marking ${from} cannot be lowered to ${to} without an explicit declassification and a reason`,
    );
  }
}
