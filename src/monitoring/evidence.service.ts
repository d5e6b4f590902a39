import crypto from 'node:crypto';
import { findUserSalts } from '../access/pseudonym.js';
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type { Actor, AuditTrail } from '../access/audit.service.js';
import type { Database, Executor } from '../db/database.js';
import type { LedgerWriter } from '../ledger/ledger.service.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../core/errors.js';
import {
  accessedEvidenceRecord,
  declaredEvidenceRecord,
  derivedEvidenceRecord,
  EVIDENCE_RECORD_KIND,
  evidenceRecordedBy,
  handedOverRecord,
  storedEvidenceRecord,
} from './evidence.model.js';
import {
  findEvidence,
  insertCustodyEvents,
  insertEvidence,
  listCustody,
  listEvidenceOfReport,
  markStored,
  setCustodian,
  type CustodyEvent,
  type Evidence,
} from './evidence.repository.js';
import { EvidenceHashMismatchError, EvidenceTooLargeError, type EvidenceStore } from './evidence.store.js';
import type { Report } from './report.model.js';
import { requireMayCreateReports } from './report.permission.js';
import { findVisibleReport } from './report.repository.js';

/**
 * Evidence files and their chain of custody (Berkeley Protocol): hashed at capture, stored by hash,
 * originals never changed, derived copies as separate records, and every upload, access and
 * hand-over recorded in the custody trail and the log.
 */
export class EvidenceService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly store: EvidenceStore,
    private readonly ledger: LedgerWriter,
    private readonly audit: AuditTrail,
    private readonly now: () => Date,
    private readonly maxBytes: number,
  ) {}

  async #report(actor: Actor, reportId: string): Promise<Report> {
    const report = await findVisibleReport(this.db, actor.principal, reportId);
    if (!report) throw notFound(`report ${reportId}`);
    return report;
  }

  /**
   * Evidence and its report, when the actor may see the report. Evidence of a report the actor may not
   * see answers exactly as evidence that does not exist, so its id reveals nothing (not even its report).
   */
  async #evidence(actor: Actor, evidenceId: string): Promise<{ evidence: Evidence; report: Report }> {
    const evidence = await findEvidence(this.db, evidenceId);
    const report = evidence && (await findVisibleReport(this.db, actor.principal, evidence.reportId));
    if (!evidence || !report) throw notFound(`evidence ${evidenceId}`);
    return { evidence, report };
  }

  #mayWrite(actor: Actor, report: Report): void {
    const p = actor.principal;
    requireMayCreateReports(p);
    if (p.organisationKind !== 'commission' && p.organisationId !== report.ownerOrganisationId)
      throw forbidden('only the reporting organisation and the commission add evidence to a report');
  }

  async #log(
    tx: Executor,
    kind: string,
    report: Report,
    evidenceId: string,
    record: Record<string, unknown>,
  ): Promise<void> {
    await this.ledger.record(tx, {
      kind,
      recordKind: EVIDENCE_RECORD_KIND,
      recordId: evidenceId,
      marking: report.marking,
      record,
    });
  }

  #event(
    actor: Actor,
    evidenceId: string,
    action: CustodyEvent['action'],
    extra: Partial<CustodyEvent> = {},
  ): CustodyEvent {
    return {
      evidenceId,
      at: this.now().toISOString(),
      action,
      actorUserId: actor.principal.userId,
      actorOrganisationId: actor.principal.organisationId,
      fromCustodian: null,
      toCustodian: null,
      note: null,
      requestId: actor.requestId,
      ...extra,
    };
  }

  /**
   * Evidence items of a report the actor may see. Who declared each (a user id) only for the report's
   * own organisation and the commission: anyone else — the public, for a CLEAR report — gets null,
   * so a user's id is not published, nor their activity linkable across reports.
   */
  async list(actor: Actor, reportId: string): Promise<Evidence[]> {
    const report = await this.#report(actor, reportId);
    const items = await listEvidenceOfReport(this.db, reportId);
    return namesUsersTo(actor, report) ? items : items.map((e) => ({ ...e, createdBy: null }));
  }

  /** Declares more evidence for a report after intake (bytes inline, or uploaded later by hash). */
  async declare(
    actor: Actor,
    reportId: string,
    input: {
      sha256: string;
      filename: string;
      mediaType: string;
      capturedAt: string;
      collector: string;
      device?: string;
      contentBase64?: string;
    },
  ): Promise<Evidence> {
    const report = await this.#report(actor, reportId);
    this.#mayWrite(actor, report);
    const sha256 = input.sha256.toLowerCase();
    if (Date.parse(input.capturedAt) > this.now().getTime() + 10 * 60_000)
      throw invalid('capturedAt is in the future', [
        { path: '/body/capturedAt', reason: 'is in the future' },
      ]);
    let stored: { sha256: string; sizeBytes: number } | undefined;
    if (input.contentBase64 !== undefined) {
      const bytes = Buffer.from(input.contentBase64, 'base64');
      if (bytes.length > this.maxBytes)
        throw new AppError(
          'payload_too_large',
          `the file is ${bytes.length} bytes, over the limit of ${this.maxBytes}`,
        );
      const actual = crypto.createHash('sha256').update(bytes).digest('hex');
      if (actual !== sha256)
        throw invalid('the file does not match the hash declared at capture; nothing was kept', [
          { path: '/body/sha256', reason: `declared ${sha256}, the content hashes to ${actual}` },
        ]);
      stored = await this.#put(bytes);
    }
    const at = this.now().toISOString();
    const evidence: Evidence = {
      id: crypto.randomUUID(),
      reportId,
      sha256,
      sizeBytes: stored?.sizeBytes ?? null,
      mediaType: input.mediaType,
      originalFilename: input.filename,
      collector: input.collector,
      device: input.device ?? null,
      capturedAt: input.capturedAt,
      declaredAt: at,
      storedAt: stored ? at : null,
      derivedFrom: null,
      derivation: null,
      custodian: report.ownerOrganisationId,
      createdBy: actor.principal.userId,
    };
    await this.db.transaction().execute(async (tx) => {
      await insertEvidence(tx, [evidence]);
      await insertCustodyEvents(tx, [
        this.#event(actor, evidence.id, 'captured', { at: input.capturedAt, toCustodian: input.collector }),
        this.#event(actor, evidence.id, 'declared', { toCustodian: evidence.custodian }),
        ...(stored ? [this.#event(actor, evidence.id, 'uploaded', { toCustodian: evidence.custodian })] : []),
      ]);
      const salts = await findUserSalts(tx, [evidence.createdBy]);
      await this.#log(
        tx,
        'evidence.declared',
        report,
        evidence.id,
        declaredEvidenceRecord(evidence, evidenceRecordedBy(evidence, salts)),
      );
      await this.audit.record(tx, actor, 'evidence.declare', `evidence:${evidence.id}`, 'allowed');
    });
    return evidence;
  }

  /**
   * Uploads the bytes of declared evidence. They must hash to the SHA-256 declared at capture; a
   * mismatch or an oversized file keeps nothing.
   */
  async upload(
    actor: Actor,
    reportId: string,
    sha256: string,
    content: Readable | Buffer,
  ): Promise<Evidence> {
    const report = await this.#report(actor, reportId);
    this.#mayWrite(actor, report);
    const declared = (await listEvidenceOfReport(this.db, reportId)).find(
      (e) => e.sha256 === sha256.toLowerCase() && e.derivedFrom === null,
    );
    if (!declared) throw notFound(`evidence ${sha256} declared on report ${reportId}`);
    if (declared.storedAt !== null)
      throw conflict(`evidence ${sha256} is already stored; originals are immutable`);
    const put = await this.#put(content, declared.sha256);
    const storedAt = this.now().toISOString();
    await this.db.transaction().execute(async (tx) => {
      await markStored(tx, declared.id, put.sizeBytes, storedAt);
      await insertCustodyEvents(tx, [
        this.#event(actor, declared.id, 'uploaded', { toCustodian: declared.custodian }),
      ]);
      await this.#log(
        tx,
        'evidence.stored',
        report,
        declared.id,
        storedEvidenceRecord({ ...declared, sha256: put.sha256, sizeBytes: put.sizeBytes, storedAt }),
      );
      await this.audit.record(tx, actor, 'evidence.upload', `evidence:${declared.id}`, 'allowed');
    });
    return { ...declared, storedAt, sizeBytes: put.sizeBytes };
  }

  /** Stores bytes, or refuses them (too large, or not hashing to `expectedSha256`) keeping nothing. */
  async #put(
    content: Readable | Buffer,
    expectedSha256?: string,
  ): Promise<{ sha256: string; sizeBytes: number }> {
    try {
      return await this.store.put(content, this.maxBytes, expectedSha256);
    } catch (err) {
      if (err instanceof EvidenceTooLargeError) throw new AppError('payload_too_large', err.message);
      if (err instanceof EvidenceHashMismatchError)
        throw invalid('the uploaded file does not match the hash declared at capture; nothing was kept', [
          { path: '/body', reason: `declared ${err.expected}, the upload hashes to ${err.actual}` },
        ]);
      throw err;
    }
  }

  /** The stored bytes; the access is recorded in the custody trail before anything is sent. */
  async open(actor: Actor, evidenceId: string): Promise<{ evidence: Evidence; stream: Readable }> {
    const { evidence, report } = await this.#evidence(actor, evidenceId);
    if (evidence.storedAt === null)
      throw notFound(`the file of evidence ${evidenceId} (declared, not uploaded yet)`);
    const stream = await this.store.open(evidence.sha256);
    if (!stream) throw new AppError('internal', `evidence ${evidenceId} is missing from the store`);
    await this.db.transaction().execute(async (tx) => {
      await insertCustodyEvents(tx, [this.#event(actor, evidenceId, 'accessed')]);
      const { userId, organisationId } = actor.principal;
      const salts = await findUserSalts(tx, [userId]);
      await this.#log(
        tx,
        'evidence.accessed',
        report,
        evidenceId,
        accessedEvidenceRecord(evidenceId, userId, organisationId, salts),
      );
    });
    return { evidence, stream };
  }

  /** Hands the evidentiary copy over to another custodian. */
  async handOver(actor: Actor, evidenceId: string, to: string, note?: string): Promise<Evidence> {
    const { evidence, report } = await this.#evidence(actor, evidenceId);
    this.#mayWrite(actor, report);
    await this.db.transaction().execute(async (tx) => {
      await setCustodian(tx, evidenceId, to);
      await insertCustodyEvents(tx, [
        this.#event(actor, evidenceId, 'handed_over', {
          fromCustodian: evidence.custodian,
          toCustodian: to,
          note: note ?? null,
        }),
      ]);
      await this.#log(
        tx,
        'evidence.handed-over',
        report,
        evidenceId,
        handedOverRecord(evidenceId, evidence.custodian, to),
      );
      await this.audit.record(tx, actor, 'evidence.hand-over', `evidence:${evidenceId}`, 'allowed');
    });
    return { ...evidence, custodian: to };
  }

  /** Records a derived copy (redacted, transcoded, cropped …) as a new item; the original stays as it is. */
  async derive(
    actor: Actor,
    evidenceId: string,
    input: { content: Buffer; filename: string; mediaType: string; derivation: string },
  ): Promise<Evidence> {
    const { evidence: original, report } = await this.#evidence(actor, evidenceId);
    this.#mayWrite(actor, report);
    const put = await this.#put(input.content);
    const at = this.now().toISOString();
    const derived: Evidence = {
      ...original,
      id: crypto.randomUUID(),
      sha256: put.sha256,
      sizeBytes: put.sizeBytes,
      mediaType: input.mediaType,
      originalFilename: input.filename,
      declaredAt: at,
      storedAt: at,
      derivedFrom: original.id,
      derivation: input.derivation,
      createdBy: actor.principal.userId,
    };
    await this.db.transaction().execute(async (tx) => {
      await insertEvidence(tx, [derived]);
      await insertCustodyEvents(tx, [
        this.#event(actor, original.id, 'derived', {
          note: `derived copy ${derived.id}: ${input.derivation}`,
        }),
        this.#event(actor, derived.id, 'derived', {
          note: `from ${original.id}: ${input.derivation}`,
          toCustodian: derived.custodian,
        }),
      ]);
      const salts = await findUserSalts(tx, [derived.createdBy]);
      await this.#log(
        tx,
        'evidence.derived',
        report,
        derived.id,
        derivedEvidenceRecord(derived, evidenceRecordedBy(derived, salts)),
      );
      await this.audit.record(tx, actor, 'evidence.derive', `evidence:${derived.id}`, 'allowed');
    });
    return derived;
  }

  /** The custody trail, oldest first; who acted (a user id) as `list` shows who declared. */
  async custody(actor: Actor, evidenceId: string): Promise<CustodyEvent[]> {
    const { report } = await this.#evidence(actor, evidenceId);
    const events = await listCustody(this.db, evidenceId);
    return namesUsersTo(actor, report) ? events : events.map((e) => ({ ...e, actorUserId: null }));
  }
}

/** Whether the actor may learn which users handled a report's evidence: its organisation, the commission. */
function namesUsersTo(actor: Actor, report: Report): boolean {
  const p = actor.principal;
  if (p.userId === null && p.organisationId === null) return false;
  return p.organisationKind === 'commission' || p.organisationId === report.ownerOrganisationId;
}
