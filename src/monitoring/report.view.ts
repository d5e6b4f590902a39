import type { Principal } from '../access/policy.js';
import type { Classification, Grade, Report, ReportSourceRef } from './report.model.js';
import type { MapReportRecord } from './report.repository.js';
import type { ReportInput } from './report.schemas.js';

/**
 * A report as one principal may read it (docs/access-control.md, "What a report shows to whom"):
 * the classification only when the principal may read the agreement version it was judged by, the
 * source's identity only for the report's owner (as it submitted it) and the commission's source
 * managers.
 */
export interface ReportView extends Omit<Report, 'classification' | 'source' | 'category'> {
  classification: ClassificationView;
  /**
   * The agreement's category id. A category mapped from ACLED or SMM codes is the taxonomy of the
   * version the report was judged by speaking: absent where the classification is redacted (a
   * category the submitter gave itself is part of what it filed, and stays).
   */
  category?: string;
  /** The source: in full for the commission's source managers; the owner's own fields for the owner. */
  source?: Partial<ReportSourceRef>;
}

/**
 * A classification, or what is left of it for a principal who may not read the agreement version
 * it was judged by: `redacted`, no version, no zones, lines, side or possible violations.
 */
export type ClassificationView =
  | Classification
  | (Omit<Classification, 'agreementVersionId' | 'side' | 'lineDistanceKm'> & {
      agreementVersionId: null;
      redacted: true;
    });

/** Who reads: the principal, and the agreement versions they may read. */
export interface ReportReader {
  principal: Principal;
  agreementVersions: ReadonlySet<string>;
}

/** Whether the principal is one of the commission's source managers (its analysts and admins). */
export function managesSources(principal: Principal): boolean {
  return (
    principal.userId !== null &&
    principal.organisationKind === 'commission' &&
    principal.permissions.has('sources:manage')
  );
}

/** The one place a report is shaped for a principal: every API read, list and GeoJSON page passes here. */
export function reportFor(report: Report & { logSeq?: number | null }, reader: ReportReader): ReportView {
  const { logSeq: _l, source, submitted, ...rest } = report;
  const { principal } = reader;
  const full = managesSources(principal);
  const owner = principal.organisationId !== null && principal.organisationId === report.ownerOrganisationId;
  const { category, ...unclassified } = rest;
  const readable = reader.agreementVersions.has(report.classification.agreementVersionId);
  const view: ReportView = {
    ...unclassified,
    ...(readable || submitted.category === category ? { category } : {}),
    submitted: full || owner ? submitted : withoutSource(submitted),
    grade: full ? report.grade : gradeFor(report, owner),
    classification: readable
      ? withNotifiedFor(report.classification, principal)
      : redacted(withNotifiedFor(report.classification, principal)),
  };
  if (!readable) view.warnings = [];
  if (full && source !== undefined) view.source = source;
  else if (owner && submitted.source !== undefined) {
    // As the owner submitted it: never the registered name behind an id, nor the commission's group.
    const { id, name, independenceGroup } = submitted.source;
    const own = {
      ...(id !== undefined ? { id } : {}),
      ...(name !== undefined ? { name } : {}),
      ...(independenceGroup !== undefined ? { independenceGroup } : {}),
    };
    if (Object.keys(own).length > 0) view.source = own;
  }
  return view;
}

/**
 * What the map draws of a report (`GET /api/v1/reports?view=map`): the projection of the reader's
 * {@link ReportView} onto id, category, observed window, position, grade, the ids of the zones and
 * bands containing the point, and whether a restriction may have been violated. Redacted as
 * {@link reportFor} redacts: where the reader may not read the version the report was judged by, no
 * zones, not flagged, and the category only when the submitter gave it itself.
 */
export interface MapReportView {
  id: string;
  category?: string;
  observed: { from: string; to: string };
  location: { lon: number; lat: number; uncertaintyM: number };
  grade: Pick<Grade, 'reliability' | 'credibility'>;
  /** Ids of the zones and bands containing the point: each zone hit's band (or zone) and its zone. */
  zones: string[];
  /** A possible violation of a restriction (not only of the category's provisions). */
  flagged: boolean;
  /** Present when the classification is redacted for the reader (no zones, not flagged, as in the full report). */
  redacted?: true;
}

/** A map row shaped for its reader, field by field as {@link reportFor} shapes the full report. */
export function mapReportFor(record: MapReportRecord, reader: ReportReader): MapReportView {
  const readable = reader.agreementVersions.has(record.agreementVersionId);
  const { category, observed, location, grade } = record;
  return {
    id: record.id,
    ...(readable || record.submittedCategory === category ? { category } : {}),
    observed,
    location,
    grade,
    zones: readable ? record.zones : [],
    flagged: readable && record.flagged,
    ...(readable ? {} : { redacted: true as const }),
  };
}

/**
 * The report's grade for everyone who reads it; the grade claimed before capping only for the
 * owner, and only when the reliability was its own claim (else it is the commission's grade of the
 * source).
 */
function gradeFor(report: Report, owner: boolean): Grade {
  const { claimed, ...grade } = report.grade;
  const ownClaim = report.submitted.source?.reliability !== undefined;
  return owner && ownClaim && claimed !== undefined ? { ...grade, claimed } : grade;
}

/**
 * The notified sites, movements and flights a report touches, as far as the reader may know of them:
 * its own notices, and — for the commission — notices addressed to it. Anyone else learns nothing of
 * a notice from a report (not even that there is one nearby).
 */
function withNotifiedFor(c: Classification, principal: Principal): Classification {
  if (c.notified.length === 0) return c;
  const org = principal.organisationId;
  const notified =
    principal.userId === null || org === null
      ? []
      : c.notified.filter(
          (m) =>
            m.notifier === org ||
            (principal.organisationKind === 'commission' && (m.addressees ?? []).includes(org)),
        );
  return notified.length === c.notified.length ? c : { ...c, notified };
}

function withoutSource(submitted: ReportInput): ReportInput {
  const { source: _s, ...rest } = submitted;
  return rest;
}

function redacted(c: Classification): ClassificationView {
  return {
    agreementVersionId: null,
    redacted: true,
    evaluatedAt: c.evaluatedAt,
    zones: [],
    lines: [],
    ...(c.nearestPlace !== undefined ? { nearestPlace: c.nearestPlace } : {}),
    possibleViolations: [],
    notified: c.notified,
  };
}
