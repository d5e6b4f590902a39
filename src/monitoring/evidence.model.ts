import { userPseudonym } from '../access/pseudonym.js';
import type { Evidence } from './evidence.repository.js';

/** The record kind of an evidence item (log commitments, salts). */
export const EVIDENCE_RECORD_KIND = 'evidence';

/** Who created an evidence item, as {@link userPseudonym}: the `recordedBy` of its records. */
export function evidenceRecordedBy(
  evidence: Pick<Evidence, 'id' | 'createdBy'>,
  userSalts: ReadonlyMap<string, Buffer>,
): string | null {
  return userPseudonym(evidence.createdBy, evidence.id, userSalts);
}

/**
 * What every new evidence record states about the item beyond its kind's own fields: its file's name
 * and device (CLEAR in full for a CLEAR report: the anonymous public already reads both from
 * `GET /reports/{id}/evidence`, and a report's marking never changes), when it was declared and
 * stored, its custodian then, and its creator's pseudonym. `declaredAt` is what the shapes of
 * releases before it lack.
 */
function provenance(evidence: Evidence, recordedBy: string | null) {
  return {
    filename: evidence.originalFilename,
    device: evidence.device,
    declaredAt: evidence.declaredAt,
    storedAt: evidence.storedAt,
    custodian: evidence.custodian,
    recordedBy,
  };
}

/** `evidence.declared` as releases before provenance logged it (the audit still accepts it). */
export function legacyDeclaredEvidenceRecord(evidence: Evidence) {
  return {
    evidenceId: evidence.id,
    reportId: evidence.reportId,
    sha256: evidence.sha256,
    sizeBytes: evidence.sizeBytes,
    mediaType: evidence.mediaType,
    capturedAt: evidence.capturedAt,
    collector: evidence.collector,
    stored: evidence.storedAt !== null,
  };
}

/**
 * The `evidence.declared` log record: one shape whether the evidence came with a report (intake,
 * import) or was declared on its own later. The bytes are referenced by their SHA-256, never logged;
 * `custodian` is the one it was declared to (a later hand-over logs the next).
 *
 * @param recordedBy {@link evidenceRecordedBy}
 */
export function declaredEvidenceRecord(evidence: Evidence, recordedBy: string | null) {
  return { ...legacyDeclaredEvidenceRecord(evidence), ...provenance(evidence, recordedBy) };
}

/** `evidence.stored` as releases before provenance logged it. */
export function legacyStoredEvidenceRecord(
  evidence: Pick<Evidence, 'id' | 'reportId' | 'sha256' | 'sizeBytes'>,
) {
  return {
    evidenceId: evidence.id,
    reportId: evidence.reportId,
    sha256: evidence.sha256,
    sizeBytes: evidence.sizeBytes,
  };
}

/** `evidence.stored`: the bytes of declared evidence arrived at `storedAt` and hash as declared. */
export function storedEvidenceRecord(
  evidence: Pick<Evidence, 'id' | 'reportId' | 'sha256' | 'sizeBytes' | 'storedAt'>,
) {
  return { ...legacyStoredEvidenceRecord(evidence), storedAt: evidence.storedAt };
}

/**
 * `evidence.accessed`: the file was downloaded, by whom ({@link userPseudonym}: never a user id in
 * the log) of which organisation. It changes no row, so no row is bound to it.
 */
export function accessedEvidenceRecord(
  evidenceId: string,
  userId: string | null,
  organisationId: string | null,
  userSalts: ReadonlyMap<string, Buffer>,
) {
  return { evidenceId, by: userPseudonym(userId, evidenceId, userSalts), org: organisationId };
}

/** `evidence.handed-over`: the evidentiary copy went from one custodian to another. */
export function handedOverRecord(evidenceId: string, from: string | null, to: string) {
  return { evidenceId, from, to };
}

/** `evidence.derived` as releases before provenance logged it. */
export function legacyDerivedEvidenceRecord(
  derived: Pick<Evidence, 'id' | 'derivedFrom' | 'sha256' | 'derivation'>,
) {
  return {
    evidenceId: derived.id,
    from: derived.derivedFrom,
    sha256: derived.sha256,
    derivation: derived.derivation,
  };
}

/**
 * `evidence.derived`: a derived copy (redacted, transcoded …) recorded as a new item, with all it
 * states of itself (its size, type and what it kept of its original: report, capture, collector).
 */
export function derivedEvidenceRecord(derived: Evidence, recordedBy: string | null) {
  return {
    ...legacyDerivedEvidenceRecord(derived),
    reportId: derived.reportId,
    sizeBytes: derived.sizeBytes,
    mediaType: derived.mediaType,
    capturedAt: derived.capturedAt,
    collector: derived.collector,
    ...provenance(derived, recordedBy),
  };
}
