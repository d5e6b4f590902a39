/**
 * What an incident or a finding shows a reader who may not read the agreement version that judged
 * it (a party's confidential draft, say): nothing that version says. One rule for both records, so
 * every path that returns one (lists, details, maps, findings inside an incident, daily reports,
 * overviews, quiet days) withholds the same fields.
 */

/** The category a record shows a reader who may not read the version that judged it. */
export const UNDISCLOSED_CATEGORY = '_undisclosed';

/** What an incident or finding holds of the agreement version that judged it. */
export interface Judged {
  agreementVersionId: string;
  category: string;
  zones: string[];
  provisions: string[];
  side?: string;
  sector?: string;
}

/** A judged record as one reader may see it: in full, or without its version's ids (`redacted`). */
export type AsRead<T extends Judged> = Omit<T, 'agreementVersionId'> & {
  agreementVersionId: string | null;
  redacted?: true;
};

/**
 * The record as a reader sees it: in full when it may read the judging version; else without the
 * version's id, category (`_undisclosed`), zones, provisions, side and sector, marked `redacted`.
 */
export function asReadBy<T extends Judged>(record: T, mayReadVersion: boolean): AsRead<T> {
  if (mayReadVersion) return record;
  const { side: _side, sector: _sector, ...rest } = record;
  return {
    ...rest,
    agreementVersionId: null,
    category: UNDISCLOSED_CATEGORY,
    zones: [],
    provisions: [],
    redacted: true,
  };
}

/**
 * The versions whose findings a reader sees in full: those it may read, and, for a finding the body
 * published to the public (CLEAR), those every organisation may read (GREEN or CLEAR): publishing it
 * disclosed what it says, and the public log holds it in full.
 */
export interface FindingDisclosure {
  readable: ReadonlySet<string>;
  sharedWithEveryone: ReadonlySet<string>;
}

/** Whether a reader with this disclosure may see what a finding says of the version that judged it. */
export function disclosesFinding(
  f: { agreementVersionId: string; marking: string },
  disclosure: FindingDisclosure,
): boolean {
  return (
    disclosure.readable.has(f.agreementVersionId) ||
    (f.marking === 'CLEAR' && disclosure.sharedWithEveryone.has(f.agreementVersionId))
  );
}
