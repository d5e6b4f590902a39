import crypto from 'node:crypto';
import type { Executor } from '../db/database.js';
import type { BulkLedgerWriter } from '../ledger/ledger.service.js';
import type { LoggedChange } from '../ledger/log-item.js';
import type { FieldProblem } from '../core/errors.js';
import {
  insertCustodyEvents,
  insertEvidence,
  type CustodyEvent,
  type Evidence,
} from './evidence.repository.js';
import { capGrade, gradeLabel, isCredibility, isReliability, type GradeCeiling } from './grading.js';
import type { PreparedReport } from './report.intake.js';
import { declaredEvidenceRecord, EVIDENCE_RECORD_KIND } from './evidence.model.js';
import { REPORT_RECORD_KIND, type Report } from './report.model.js';
import { findCurrentByExternalIds, insertReports, markSuperseded } from './report.repository.js';
import { findSourcesByIdsOrNames, insertSources, type ReportSource } from './source.repository.js';

export type WriteStatus = 'accepted' | 'unchanged' | 'revised';

export interface WriteOutcome {
  index: number;
  id: string;
  status: WriteStatus;
  warnings: string[];
  report?: Report;
}

export interface WriteContext {
  ledger: BulkLedgerWriter;
  now: () => Date;
  ceiling: GradeCeiling;
  actor: { userId: string | null; organisationId: string | null; requestId: string | null };
  /** Evidence whose bytes are already in the store (by SHA-256): recorded as uploaded. */
  storedEvidence: ReadonlySet<string>;
}

/** The id a source named in a report gets when it is registered on first sight. */
export function sourceIdFor(name: string): string {
  return `src-${crypto.createHash('sha256').update(name.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
}

/**
 * What the log records for a report: who, when, where, what, the grade, the classification's
 * outcome and the SHA-256 of the submitted content (which binds every other field). Confidential
 * reports log only a salted commitment to this record.
 */
export function logRecordOf(report: Report): Record<string, unknown> {
  const c = report.classification;
  return {
    id: report.id,
    revision: report.revision,
    ...(report.externalId !== undefined
      ? { external: `${report.externalSystem ?? ''}:${report.externalId}` }
      : {}),
    contentSha256: report.contentSha256,
    observed: [report.observed.from, report.observed.to, report.observed.precision],
    point: [
      report.location.lon,
      report.location.lat,
      report.location.uncertaintyM,
      report.location.precision,
    ],
    category: report.category,
    grade: `${report.grade.reliability}${report.grade.credibility}`,
    agreement: c.agreementVersionId,
    zones: c.zones.map((z) => z.band ?? z.id),
    ...(c.side !== undefined ? { side: c.side } : {}),
    possibleViolations: c.possibleViolations.map((v) => v.restriction ?? v.provision ?? v.rule),
    owner: report.ownerOrganisationId,
    marking: report.marking,
    createdAt: report.createdAt,
  };
}

/** A report's change for the log: accepted (a new report) or revised (a new revision of one). */
export function loggedChangeOf(report: Report, kind: 'report.accepted' | 'report.revised'): LoggedChange {
  return {
    kind,
    recordKind: REPORT_RECORD_KIND,
    recordId: report.id,
    marking: report.marking,
    record: logRecordOf(report),
  };
}

/**
 * Writes prepared reports in the caller's transaction: idempotency by external id (identical
 * re-submissions are unchanged, changed ones become a new revision), source registration, grade
 * ceilings, the log entries, the rows, and declared evidence. Returns problems instead of writing
 * when a batch contradicts itself (one external id with two contents) or names an unknown source.
 */
export async function writeReports(
  tx: Executor,
  prepared: readonly PreparedReport[],
  paths: ReadonlyMap<number, { path: string; line?: number }>,
  ctx: WriteContext,
): Promise<{ outcomes: WriteOutcome[]; problems: FieldProblem[] }> {
  const problems: FieldProblem[] = [];
  const outcomes: WriteOutcome[] = [];
  const at = (p: PreparedReport, field: string): FieldProblem => {
    const where = paths.get(p.index);
    return {
      path: `${where?.path ?? ''}${field}`,
      reason: '',
      ...(where?.line !== undefined ? { line: where.line } : {}),
    };
  };

  // Idempotency: the current revision of each external id, in the database and earlier in this batch.
  const bySystem = new Map<string, string[]>();
  for (const p of prepared) {
    const r = p.report;
    if (r.externalId !== undefined && r.externalSystem !== undefined)
      (bySystem.get(r.externalSystem) ?? bySystem.set(r.externalSystem, []).get(r.externalSystem))?.push(
        r.externalId,
      );
  }
  const existing = new Map<string, { id: string; revision: number; contentSha256: string }>();
  for (const [system, ids] of bySystem) {
    for (const [ext, row] of await findCurrentByExternalIds(tx, system, ids))
      existing.set(`${system}\u0000${ext}`, row);
  }
  const seen = new Map<string, PreparedReport>();
  const toWrite: { p: PreparedReport; supersedes?: { id: string; revision: number } }[] = [];
  for (const p of prepared) {
    const r = p.report;
    if (r.externalId === undefined || r.externalSystem === undefined) {
      toWrite.push({ p });
      continue;
    }
    const key = `${r.externalSystem}\u0000${r.externalId}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      if (earlier.report.contentSha256 === r.contentSha256) {
        outcomes.push({
          index: p.index,
          id: earlier.report.id,
          status: 'unchanged',
          warnings: ['repeats an earlier report of this batch'],
        });
      } else {
        problems.push({
          ...at(p, '/externalId'),
          reason: `external id "${r.externalId}" appears twice in this batch with different content`,
        });
      }
      continue;
    }
    seen.set(key, p);
    const row = existing.get(key);
    if (row === undefined) toWrite.push({ p });
    else if (row.contentSha256 === r.contentSha256)
      outcomes.push({ index: p.index, id: row.id, status: 'unchanged', warnings: [] });
    else toWrite.push({ p, supersedes: row });
  }

  // Sources: by id they must exist; by name they are registered on first sight.
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const { p } of toWrite) {
    if (p.sourceRequest?.id !== undefined) ids.add(p.sourceRequest.id);
    else if (p.sourceRequest?.name !== undefined) names.add(p.sourceRequest.name);
  }
  const known = await findSourcesByIdsOrNames(tx, [...ids], [...names]);
  const byId = new Map(known.map((s) => [s.id, s]));
  const byName = new Map(known.map((s) => [s.name, s]));
  const nowIso = ctx.now().toISOString();
  const fresh: ReportSource[] = [];
  for (const { p } of toWrite) {
    const req = p.sourceRequest;
    if (req?.id !== undefined && !byId.has(req.id)) {
      problems.push({ ...at(p, '/source/id'), reason: `unknown source "${req.id}"` });
    } else if (req?.id === undefined && req?.name !== undefined && !byName.has(req.name)) {
      const id = sourceIdFor(req.name);
      const claimed = isReliability(req.reliability) ? req.reliability : 'F';
      const source: ReportSource = {
        id,
        name: req.name,
        kind: p.report.reporter?.kind ?? 'other',
        reliability: capGrade({ reliability: claimed, credibility: 6 }, ctx.ceiling).reliability,
        independenceGroup: req.independenceGroup ?? id,
        ownerOrganisationId: p.report.ownerOrganisationId,
        createdAt: nowIso,
        updatedAt: nowIso,
      };
      byName.set(req.name, source);
      byId.set(id, source);
      fresh.push(source);
    }
  }
  if (problems.length > 0) return { outcomes: [], problems };
  if (fresh.length > 0) await insertSources(tx, fresh);

  // Grades: the submitter's claim, else the source's grade; never above the submitter's ceiling.
  const reports: Report[] = toWrite.map(({ p, supersedes }) => {
    const req = p.sourceRequest;
    const source =
      req?.id !== undefined ? byId.get(req.id) : req?.name !== undefined ? byName.get(req.name) : undefined;
    const reliability = isReliability(p.claimed.reliability)
      ? p.claimed.reliability
      : (source?.reliability ?? 'F');
    const credibility = isCredibility(p.claimed.credibility) ? p.claimed.credibility : 6;
    const capped = capGrade({ reliability, credibility }, ctx.ceiling);
    const r = p.report;
    return {
      ...r,
      ...(supersedes !== undefined ? { revision: supersedes.revision + 1 } : {}),
      ...(source !== undefined
        ? {
            source: {
              id: source.id,
              name: source.name,
              independenceGroup: req?.independenceGroup ?? source.independenceGroup,
            },
          }
        : {}),
      grade: {
        reliability: capped.reliability,
        credibility: capped.credibility,
        capped: capped.capped,
        ...(capped.capped ? { claimed: gradeLabel(reliability, credibility) } : {}),
      },
    };
  });
  const revisedIds = new Set(
    toWrite.flatMap(({ supersedes }, i) => (supersedes ? [reports[i]?.id ?? ''] : [])),
  );
  const accepted = reports.filter((r) => !revisedIds.has(r.id));
  const revised = reports.filter((r) => revisedIds.has(r.id));
  const seqOf = new Map<string, number>();
  for (const [kind, group] of [
    ['report.accepted', accepted],
    ['report.revised', revised],
  ] as const) {
    if (group.length === 0) continue;
    const seqs = await ctx.ledger.recordMany(
      tx,
      group.map((r) => loggedChangeOf(r, kind)),
    );
    group.forEach((r, i) => seqOf.set(r.id, seqs[i] ?? -1));
  }
  await insertReports(
    tx,
    reports.map((report) => ({ report, logSeq: seqOf.get(report.id) ?? null })),
  );
  const superseded = toWrite.flatMap(({ supersedes }, i) =>
    supersedes ? [{ id: supersedes.id, by: reports[i]?.id ?? '' }] : [],
  );
  if (superseded.length > 0) await markSuperseded(tx, superseded);
  await writeDeclaredEvidence(
    tx,
    toWrite.map(({ p }) => p),
    reports,
    ctx,
    nowIso,
  );
  toWrite.forEach(({ p, supersedes }, i) => {
    const report = reports[i];
    if (report !== undefined)
      outcomes.push({
        index: p.index,
        id: report.id,
        status: supersedes ? 'revised' : 'accepted',
        warnings: report.warnings,
        report,
      });
  });
  outcomes.sort((a, b) => a.index - b.index);
  return { outcomes, problems };
}

async function writeDeclaredEvidence(
  tx: Executor,
  prepared: readonly PreparedReport[],
  reports: readonly Report[],
  ctx: WriteContext,
  nowIso: string,
): Promise<void> {
  const items: Evidence[] = [];
  const events: CustodyEvent[] = [];
  const log: LoggedChange[] = [];
  prepared.forEach((p, i) => {
    const report = reports[i];
    if (report === undefined) return;
    for (const e of p.evidence) {
      const stored = ctx.storedEvidence.has(e.sha256);
      const evidence: Evidence = {
        id: crypto.randomUUID(),
        reportId: report.id,
        sha256: e.sha256,
        sizeBytes: e.bytes?.length ?? e.sizeBytes ?? null,
        mediaType: e.mediaType,
        originalFilename: e.filename,
        collector: e.collector,
        device: e.device ?? null,
        capturedAt: e.capturedAt,
        declaredAt: nowIso,
        storedAt: stored ? nowIso : null,
        derivedFrom: null,
        derivation: null,
        custodian: report.ownerOrganisationId,
        createdBy: ctx.actor.userId,
      };
      items.push(evidence);
      const base = {
        evidenceId: evidence.id,
        actorUserId: ctx.actor.userId,
        actorOrganisationId: ctx.actor.organisationId,
        requestId: ctx.actor.requestId,
        fromCustodian: null,
        note: null,
      };
      events.push({
        ...base,
        at: e.capturedAt,
        action: 'captured',
        toCustodian: e.collector,
        note: e.device ? `device: ${e.device}` : null,
      });
      events.push({ ...base, at: nowIso, action: 'declared', toCustodian: report.ownerOrganisationId });
      if (stored)
        events.push({ ...base, at: nowIso, action: 'uploaded', toCustodian: report.ownerOrganisationId });
      log.push({
        kind: 'evidence.declared',
        recordKind: EVIDENCE_RECORD_KIND,
        recordId: evidence.id,
        marking: report.marking,
        record: declaredEvidenceRecord(evidence),
      });
    }
  });
  if (items.length === 0) return;
  await insertEvidence(tx, items);
  await insertCustodyEvents(tx, events);
  await ctx.ledger.recordMany(tx, log);
}
