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
