import type { Evidence } from './evidence.repository.js';

/** The record kind of an evidence item (log commitments, salts). */
export const EVIDENCE_RECORD_KIND = 'evidence';

/**
 * The `evidence.declared` log record: one shape whether the evidence came with a report (intake,
 * import) or was declared on its own later. The bytes are referenced by their SHA-256, never logged.
 */
export function declaredEvidenceRecord(evidence: Evidence) {
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

/** `evidence.stored`: the bytes of declared evidence arrived and hash as declared. */
export function storedEvidenceRecord(evidence: Pick<Evidence, 'id' | 'reportId' | 'sha256' | 'sizeBytes'>) {
  return {
    evidenceId: evidence.id,
    reportId: evidence.reportId,
    sha256: evidence.sha256,
    sizeBytes: evidence.sizeBytes,
  };
}

/** `evidence.handed-over`: the evidentiary copy went from one custodian to another. */
export function handedOverRecord(evidenceId: string, from: string | null, to: string) {
  return { evidenceId, from, to };
}

/** `evidence.derived`: a derived copy (redacted, transcoded …) recorded as a new item. */
export function derivedEvidenceRecord(
  derived: Pick<Evidence, 'id' | 'derivedFrom' | 'sha256' | 'derivation'>,
) {
  return {
    evidenceId: derived.id,
    from: derived.derivedFrom,
    sha256: derived.sha256,
    derivation: derived.derivation,
  };
}
