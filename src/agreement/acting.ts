import type { OrganisationKind } from '../access/policy.js';
import type { Agreement } from './agreement.schema.js';

/** An organisation as far as acting for the agreement's actors is concerned. */
export interface ActingOrganisation {
  id: string;
  kind: OrganisationKind | null;
}

/**
 * Whether an organisation acts for an agreement actor (a party, guarantor, humanitarian organisation
 * or verification body named in notification obligations, rungs and guarantees).
 *
 * Organisations take their actor's id (UA, RU, US, EUC, OCHA). A verification body (MVC, JC) is a
 * forum, not an organisation: the commission's organisations keep its record and act for it.
 */
export function actsFor(agreement: Agreement, org: ActingOrganisation, actorId: string): boolean {
  if (org.id === actorId) return true;
  return org.kind === 'commission' && agreement.verification_bodies.some((b) => b.id === actorId);
}

/** The agreement actors an organisation acts for, in the agreement's order. */
export function actorsOf(agreement: Agreement, org: ActingOrganisation): string[] {
  const ids = [
    ...agreement.parties,
    ...(agreement.guarantors ?? []),
    ...(agreement.humanitarian_organisations ?? []),
    ...agreement.verification_bodies,
    ...(agreement.other_actors ?? []),
  ].map((a) => a.id);
  return ids.filter((id) => actsFor(agreement, org, id));
}
