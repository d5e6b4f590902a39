import type { Executor } from '../db/database.js';
import type { EvidenceTable } from './report.tables.js';

/** An evidence item: an original file or a derived copy, identified by its SHA-256. */
export interface Evidence {
  id: string;
  reportId: string;
  sha256: string;
  sizeBytes: number | null;
  mediaType: string;
  originalFilename: string;
  collector: string;
  device: string | null;
  capturedAt: string;
  declaredAt: string;
  storedAt: string | null;
  derivedFrom: string | null;
  derivation: string | null;
  custodian: string;
  createdBy: string | null;
}

/** One step in an evidence item's chain of custody. */
export interface CustodyEvent {
  id?: number;
  evidenceId: string;
  at: string;
  action: 'captured' | 'declared' | 'uploaded' | 'accessed' | 'handed_over' | 'derived' | 'verified';
  actorUserId: string | null;
  actorOrganisationId: string | null;
  fromCustodian: string | null;
  toCustodian: string | null;
  note: string | null;
  requestId: string | null;
}

/** The evidence item a stored row holds. */
export function toEvidence(r: EvidenceTable): Evidence {
  return {
    id: r.id,
    reportId: r.report_id,
    sha256: r.sha256,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    mediaType: r.media_type,
    originalFilename: r.original_filename,
    collector: r.collector,
    device: r.device,
    capturedAt: r.captured_at,
    declaredAt: r.declared_at,
    storedAt: r.stored_at,
    derivedFrom: r.derived_from,
    derivation: r.derivation,
    custodian: r.custodian,
    createdBy: r.created_by,
  };
}

export async function insertEvidence(db: Executor, items: Evidence[]): Promise<void> {
  if (items.length === 0) return;
  await db
    .insertInto('report_evidence')
    .values(
      items.map((e) => ({
        id: e.id,
        report_id: e.reportId,
        sha256: e.sha256,
        size_bytes: e.sizeBytes,
        media_type: e.mediaType,
        original_filename: e.originalFilename,
        collector: e.collector,
        device: e.device,
        captured_at: e.capturedAt,
        declared_at: e.declaredAt,
        stored_at: e.storedAt,
        derived_from: e.derivedFrom,
        derivation: e.derivation,
        custodian: e.custodian,
        created_by: e.createdBy,
      })),
    )
    .execute();
}

export async function insertCustodyEvents(db: Executor, events: CustodyEvent[]): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('evidence_custody')
    .values(
      events.map((e) => ({
        evidence_id: e.evidenceId,
        at: e.at,
        action: e.action,
        actor_user_id: e.actorUserId,
        actor_organisation_id: e.actorOrganisationId,
        from_custodian: e.fromCustodian,
        to_custodian: e.toCustodian,
        note: e.note,
        request_id: e.requestId,
      })),
    )
    .execute();
}

export async function findEvidence(db: Executor, id: string): Promise<Evidence | undefined> {
  const row = await db.selectFrom('report_evidence').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toEvidence(row);
}

export async function listEvidenceOfReport(db: Executor, reportId: string): Promise<Evidence[]> {
  const rows = await db
    .selectFrom('report_evidence')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('declared_at')
    .orderBy('id')
    .execute();
  return rows.map(toEvidence);
}

export async function markStored(db: Executor, id: string, sizeBytes: number, at: string): Promise<void> {
  await db
    .updateTable('report_evidence')
    .set({ stored_at: at, size_bytes: sizeBytes })
    .where('id', '=', id)
    .execute();
}

export async function setCustodian(db: Executor, id: string, custodian: string): Promise<void> {
  await db.updateTable('report_evidence').set({ custodian }).where('id', '=', id).execute();
}

export async function listCustody(db: Executor, evidenceId: string): Promise<CustodyEvent[]> {
  const rows = await db
    .selectFrom('evidence_custody')
    .selectAll()
    .where('evidence_id', '=', evidenceId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    evidenceId: r.evidence_id,
    at: r.at,
    action: r.action as CustodyEvent['action'],
    actorUserId: r.actor_user_id,
    actorOrganisationId: r.actor_organisation_id,
    fromCustodian: r.from_custodian,
    toCustodian: r.to_custodian,
    note: r.note,
    requestId: r.request_id,
  }));
}
