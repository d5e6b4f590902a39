import crypto from 'node:crypto';
import { findUserSalts } from '../access/pseudonym.js';
import type { Executor } from '../db/database.js';
import type { BulkLedgerWriter } from '../ledger/ledger.service.js';
import { recordCommitment, type LoggedChange } from '../ledger/log-item.js';
import type { FieldProblem } from '../core/errors.js';
import { markingRank, type Marking } from '../access/marking.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import {
  insertCustodyEvents,
  insertEvidence,
  type CustodyEvent,
  type Evidence,
} from './evidence.repository.js';
import { capGrade, gradeLabel, isCredibility, isReliability, type GradeCeiling } from './grading.js';
import type { PreparedReport } from './report.intake.js';
import { declaredEvidenceRecord, EVIDENCE_RECORD_KIND, evidenceRecordedBy } from './evidence.model.js';
import { REPORT_RECORD_KIND, type Classification, type Report } from './report.model.js';
import {
  findCurrentByExternalIds,
  findExistingUserIds,
  insertReports,
  markSuperseded,
} from './report.repository.js';
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
  /** The marking of an agreement version (what a classification against it reveals). */
  agreementMarking: (versionId: string) => Marking | undefined;
}

/** The id a source named in a report gets when it is registered on first sight. */
export function sourceIdFor(name: string): string {
  return `src-${crypto.createHash('sha256').update(name.trim().toLowerCase()).digest('hex').slice(0, 16)}`;
}

/**
 * What the log records for a report: who, when, where, what, the grade, the classification's
 * outcome and the SHA-256 of the submitted content (which binds every other field). Confidential
 * reports log only a salted commitment to this record. The classification's outcome (the agreement
 * version, zones, side, possible violations) names parts of the agreement version the report was
 * judged by, so it is in the record only when that version is CLEAR: a CLEAR report judged by a
 * GREEN text or a party's AMBER+STRICT draft is logged in full without it, and without a category
 * that version's taxonomy mapped from ACLED or SMM codes (a category the submitter gave is its own
 * text; a report logged as a commitment keeps its category, which the commitment binds). Such a
 * report's classification is logged apart, by {@link classificationChangeOf}.
 *
 * When the version is CLEAR the record also binds the whole classification the report keeps, by
 * `classificationSha256` (see {@link boundClassification}); records logged before that field existed
 * lack it (`legacy`: the shape the audit still accepts for them).
 *
 * With `seal` (the report's own salt, kept in its row), the record also commits to what only some of
 * its readers may know, by `sealed` (see {@link sealedSha256}); records logged before that field
 * existed lack it.
 */
export function logRecordOf(
  report: Report,
  agreementMarking: Marking | undefined,
  shape: 'current' | 'legacy' = 'current',
  seal?: Uint8Array,
): Record<string, unknown> {
  const c = report.classification;
  return {
    id: report.id,
    revision: report.revision,
    // A system without an id is logged too (it is stored, and read back, as the report's).
    ...(report.externalId !== undefined || report.externalSystem !== undefined
      ? { external: `${report.externalSystem ?? ''}:${report.externalId ?? ''}` }
      : {}),
    contentSha256: report.contentSha256,
    observed: [report.observed.from, report.observed.to, report.observed.precision],
    point: [
      report.location.lon,
      report.location.lat,
      report.location.uncertaintyM,
      report.location.precision,
    ],
    ...(agreementMarking === 'CLEAR' ||
    report.marking !== 'CLEAR' ||
    report.submitted.category === report.category
      ? { category: report.category }
      : {}),
    grade: `${report.grade.reliability}${report.grade.credibility}`,
    ...(agreementMarking === 'CLEAR'
      ? {
          agreement: c.agreementVersionId,
          zones: c.zones.map((z) => z.band ?? z.id),
          ...(c.side !== undefined ? { side: c.side } : {}),
          possibleViolations: c.possibleViolations.map((v) => v.restriction ?? v.provision ?? v.rule),
          ...(shape === 'current' ? { classificationSha256: classificationSha256(report) } : {}),
        }
      : {}),
    owner: report.ownerOrganisationId,
    marking: report.marking,
    createdAt: report.createdAt,
    ...(seal !== undefined ? { sealed: sealedSha256(seal, report) } : {}),
  };
}

/**
 * What a report keeps that only some of its readers may know, or that the log never shows: its
 * registered source (id, name and independence group: the commission's source managers only), the
 * notified sites, movements and flights it touches (their notifier and addressed commission only),
 * and the user who filed it (no user id reaches the log).
 */
export function sealedFacts(report: Report): {
  source: Report['source'] | null;
  notified: unknown[];
  author: string | null;
} {
  return {
    source: report.source ?? null,
    notified: report.classification.notified,
    author: report.authorUserId,
  };
}

/**
 * The commitment a report's record makes to its {@link sealedFacts}: SHA-256(salt ‖ canonical JSON).
 * Every report has one (with or without a source or a notice), each with its own 32-byte salt kept in
 * its row (`seal_salt`) and disclosed by no API: a hash without a salt could be tested against
 * guesses ("no source", "none near"), and a shared salt would link the reports of one source. The
 * database audit, which reads the row, recomputes it; so an edit of the source, its group or the
 * notified matches is found although the public log shows none of them.
 */
export function sealedSha256(salt: Uint8Array, report: Report): string {
  return recordCommitment(salt, sealedFacts(report));
}

/** A fresh salt for {@link sealedSha256}. */
export function newSealSalt(): Buffer {
  return crypto.randomBytes(32);
}

/**
 * The part of a report's classification the log binds: all of it but the notified sites, movements
 * and flights it touches. Those are shown to their notifier and the commission they were addressed
 * to only, and whoever may read the report and its agreement version gets the classification's record
 * (or could test a hash of it against "none"): a reader would learn that a notified site is near.
 */
export function boundClassification(report: Report): Omit<Classification, 'notified'> {
  const { notified: _notified, ...bound } = report.classification;
  return bound;
}

/** SHA-256 (hex) of the canonical JSON of {@link boundClassification}. */
export function classificationSha256(report: Report): string {
  return crypto
    .createHash('sha256')
    .update(canonicalBytes(boundClassification(report)))
    .digest('hex');
}

/** The kind under which a classification logged apart from its report is kept (its id: the report's). */
export const CLASSIFICATION_RECORD_KIND = 'report-classification';

/**
 * The marking of a report's classification logged apart: what it reveals is the report (where, when,
 * what) and the agreement version's zones and rules, so the stricter of the two. Who gets its salt is
 * decided by its binding: whoever may read both.
 */
export function classificationMarking(
  reportMarking: Marking,
  agreementMarking: Marking | undefined,
): Marking {
  const version = agreementMarking ?? 'RED';
  return markingRank(version) > markingRank(reportMarking) ? version : reportMarking;
}

/**
 * The record of `report.classified`: the report, its category (which the version's taxonomy may have
 * mapped from ACLED or SMM codes, and then a CLEAR report's record leaves out) and its classification
 * as {@link boundClassification}.
 */
export function classificationRecordOf(report: Report): Record<string, unknown> {
  return { reportId: report.id, category: report.category, classification: boundClassification(report) };
}

/**
 * The change that logs a report's classification apart, when the report's own record cannot carry it
 * (its agreement version is not CLEAR); undefined when it does.
 */
export function classificationChangeOf(
  report: Report,
  agreementMarking: Marking | undefined,
): LoggedChange | undefined {
  if (agreementMarking === 'CLEAR') return undefined;
  return {
    kind: 'report.classified',
    recordKind: CLASSIFICATION_RECORD_KIND,
    recordId: report.id,
    marking: classificationMarking(report.marking, agreementMarking),
    record: classificationRecordOf(report),
  };
}

/** A report's change for the log: accepted (a new report) or revised (a new revision of one). */
export function loggedChangeOf(
  report: Report,
  kind: 'report.accepted' | 'report.revised',
  agreementMarking: Marking | undefined,
  seal: Uint8Array,
): LoggedChange {
  return {
    kind,
    recordKind: REPORT_RECORD_KIND,
    recordId: report.id,
    marking: report.marking,
    record: logRecordOf(report, agreementMarking, 'current', seal),
  };
}

/** A report to write: new, or a new revision superseding the current one of its external id. */
interface PendingWrite {
  p: PreparedReport;
  supersedes?: { id: string; revision: number };
}

/** The current revision of an external id, as stored. */
type CurrentRevision = { id: string; revision: number; contentSha256: string };

/** Registered sources by id and by name, including those registered by this write. */
interface KnownSources {
  byId: Map<string, ReportSource>;
  byName: Map<string, ReportSource>;
}

/** A problem of one prepared report, located by its item's path (and line, for files). */
type ProblemAt = (p: PreparedReport, field: string, reason: string) => FieldProblem;

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
  const problemAt = locatingProblems(paths);
  const current = await currentRevisions(tx, prepared);
  const { pending, unchanged, problems } = sortOutRepeats(prepared, current, problemAt);
  const nowIso = ctx.now().toISOString();
  const sources = await findNamedSources(tx, pending);
  const fresh = registerOnFirstSight(pending, sources, ctx.ceiling, nowIso, problemAt, problems);
  await checkAddressedUsers(tx, pending, problemAt, problems);
  if (problems.length > 0) return { outcomes: [], problems };
  if (fresh.length > 0) await insertSources(tx, fresh);
  const reports = pending.map((w) => gradedReport(w, sources, ctx.ceiling));
  const seals = new Map(reports.map((r) => [r.id, newSealSalt()]));
  const logSeqs = await logReports(tx, ctx, pending, reports, seals);
  await storeReports(tx, pending, reports, logSeqs, seals);
  await writeDeclaredEvidence(tx, pending, reports, ctx, nowIso);
  return { outcomes: outcomesOf(unchanged, pending, reports), problems };
}

function locatingProblems(paths: ReadonlyMap<number, { path: string; line?: number }>): ProblemAt {
  return (p, field, reason) => {
    const where = paths.get(p.index);
    return {
      path: `${where?.path ?? ''}${field}`,
      reason,
      ...(where?.line !== undefined ? { line: where.line } : {}),
    };
  };
}

/**
 * An external id belongs to the organisation that filed it: the same system and id from another
 * organisation is another report, never a revision of this one (and its existence is not revealed).
 */
function externalKey(owner: string, system: string, id: string): string {
  return `${owner}\u0000${system}\u0000${id}`;
}

/** The stored current revision of every external id the reports name, by external key. */
async function currentRevisions(
  tx: Executor,
  prepared: readonly PreparedReport[],
): Promise<Map<string, CurrentRevision>> {
  const byOwnerAndSystem = new Map<string, { owner: string; system: string; ids: string[] }>();
  for (const { report: r } of prepared) {
    if (r.externalId === undefined || r.externalSystem === undefined) continue;
    const group = `${r.ownerOrganisationId}\u0000${r.externalSystem}`;
    const found = byOwnerAndSystem.get(group);
    if (found === undefined)
      byOwnerAndSystem.set(group, {
        owner: r.ownerOrganisationId,
        system: r.externalSystem,
        ids: [r.externalId],
      });
    else found.ids.push(r.externalId);
  }
  const current = new Map<string, CurrentRevision>();
  for (const { owner, system, ids } of byOwnerAndSystem.values()) {
    for (const [ext, row] of await findCurrentByExternalIds(tx, owner, system, ids))
      current.set(externalKey(owner, system, ext), row);
  }
  return current;
}

/**
 * Idempotency: a report identical to the current revision of its external id (stored, or earlier in
 * this batch) is unchanged; a changed one supersedes the stored revision; one id twice in a batch
 * with different content is a problem.
 */
function sortOutRepeats(
  prepared: readonly PreparedReport[],
  current: ReadonlyMap<string, CurrentRevision>,
  problemAt: ProblemAt,
): { pending: PendingWrite[]; unchanged: WriteOutcome[]; problems: FieldProblem[] } {
  const pending: PendingWrite[] = [];
  const unchanged: WriteOutcome[] = [];
  const problems: FieldProblem[] = [];
  const seen = new Map<string, PreparedReport>();
  for (const p of prepared) {
    const r = p.report;
    if (r.externalId === undefined || r.externalSystem === undefined) {
      pending.push({ p });
      continue;
    }
    const key = externalKey(r.ownerOrganisationId, r.externalSystem, r.externalId);
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, p);
      const row = current.get(key);
      if (row === undefined) pending.push({ p });
      else if (row.contentSha256 === r.contentSha256)
        unchanged.push({ index: p.index, id: row.id, status: 'unchanged', warnings: [] });
      else pending.push({ p, supersedes: row });
    } else if (earlier.report.contentSha256 === r.contentSha256) {
      const warnings = ['repeats an earlier report of this batch'];
      unchanged.push({ index: p.index, id: earlier.report.id, status: 'unchanged', warnings });
    } else {
      const reason = `external id "${r.externalId}" appears twice in this batch with different content`;
      problems.push(problemAt(p, '/externalId', reason));
    }
  }
  return { pending, unchanged, problems };
}

/** Users a report is addressed to must exist (organisations are checked at intake, users need the database). */
async function checkAddressedUsers(
  tx: Executor,
  pending: readonly PendingWrite[],
  problemAt: ProblemAt,
  problems: FieldProblem[],
): Promise<void> {
  const named = new Set(pending.flatMap(({ p }) => p.report.addressees.users));
  if (named.size === 0) return;
  const known = await findExistingUserIds(tx, [...named]);
  for (const { p } of pending)
    p.report.addressees.users.forEach((user, i) => {
      if (!known.has(user)) problems.push(problemAt(p, `/addressees/users/${i}`, `unknown user "${user}"`));
    });
}

/** The registered sources the reports name, by id or by name. */
async function findNamedSources(tx: Executor, pending: readonly PendingWrite[]): Promise<KnownSources> {
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const { p } of pending) {
    if (p.sourceRequest?.id !== undefined) ids.add(p.sourceRequest.id);
    else if (p.sourceRequest?.name !== undefined) {
      names.add(p.sourceRequest.name);
      // A name differing only in case or surrounding space names the same source (one id).
      ids.add(sourceIdFor(p.sourceRequest.name));
    }
  }
  const known = await findSourcesByIdsOrNames(tx, [...ids], [...names]);
  return { byId: new Map(known.map((s) => [s.id, s])), byName: new Map(known.map((s) => [s.name, s])) };
}

/**
 * Sources named by id must exist; sources named by name are registered on first sight, graded as
 * claimed (F when not) but never above the submitter's ceiling. Returns the sources to insert,
 * already added to `sources`; unknown ids are added to `problems`.
 */
function registerOnFirstSight(
  pending: readonly PendingWrite[],
  sources: KnownSources,
  ceiling: GradeCeiling,
  nowIso: string,
  problemAt: ProblemAt,
  problems: FieldProblem[],
): ReportSource[] {
  const fresh: ReportSource[] = [];
  for (const { p } of pending) {
    const req = p.sourceRequest;
    if (req?.id !== undefined) {
      if (!sources.byId.has(req.id)) problems.push(problemAt(p, '/source/id', `unknown source "${req.id}"`));
      continue;
    }
    if (req?.name === undefined || sources.byName.has(req.name)) continue;
    const id = sourceIdFor(req.name);
    const same = sources.byId.get(id);
    if (same !== undefined) {
      sources.byName.set(req.name, same);
      continue;
    }
    const claimed = isReliability(req.reliability) ? req.reliability : 'F';
    const source: ReportSource = {
      id,
      name: req.name,
      kind: p.report.reporter?.kind ?? 'other',
      reliability: capGrade({ reliability: claimed, credibility: 6 }, ceiling).reliability,
      independenceGroup: req.independenceGroup ?? id,
      ownerOrganisationId: p.report.ownerOrganisationId,
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    sources.byName.set(req.name, source);
    sources.byId.set(id, source);
    fresh.push(source);
  }
  return fresh;
}

/** The report as stored: its source, its revision, and its grade (the submitter's claim, else the source's grade; never above the ceiling). */
function gradedReport({ p, supersedes }: PendingWrite, sources: KnownSources, ceiling: GradeCeiling): Report {
  const req = p.sourceRequest;
  const source =
    req?.id !== undefined
      ? sources.byId.get(req.id)
      : req?.name !== undefined
        ? sources.byName.get(req.name)
        : undefined;
  const reliability = isReliability(p.claimed.reliability)
    ? p.claimed.reliability
    : (source?.reliability ?? 'F');
  const credibility = isCredibility(p.claimed.credibility) ? p.claimed.credibility : 6;
  const capped = capGrade({ reliability, credibility }, ceiling);
  return {
    ...p.report,
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
}

/**
 * Appends `report.accepted` / `report.revised` entries, each followed by the report's
 * `report.classified` when its classification is logged apart; returns each report's queue number
 * (of its accepted / revised entry) by id.
 */
async function logReports(
  tx: Executor,
  ctx: WriteContext,
  pending: readonly PendingWrite[],
  reports: readonly Report[],
  seals: ReadonlyMap<string, Buffer>,
): Promise<Map<string, number>> {
  const accepted: Report[] = [];
  const revised: Report[] = [];
  reports.forEach((r, i) => (pending[i]?.supersedes === undefined ? accepted : revised).push(r));
  const logSeqs = new Map<string, number>();
  for (const [kind, group] of [
    ['report.accepted', accepted],
    ['report.revised', revised],
  ] as const) {
    if (group.length === 0) continue;
    const changes: LoggedChange[] = [];
    const at: number[] = [];
    for (const r of group) {
      const marking = ctx.agreementMarking(r.classification.agreementVersionId);
      at.push(changes.length);
      changes.push(loggedChangeOf(r, kind, marking, sealOf(seals, r.id)));
      const classified = classificationChangeOf(r, marking);
      if (classified !== undefined) changes.push(classified);
    }
    const seqs = await ctx.ledger.recordMany(tx, changes);
    group.forEach((r, i) => logSeqs.set(r.id, seqs[at[i] ?? -1] ?? -1));
  }
  return logSeqs;
}

/** The seal salt drawn for a report of this write (its record and its row must get the same one). */
function sealOf(seals: ReadonlyMap<string, Buffer>, id: string): Buffer {
  const salt = seals.get(id);
  if (salt === undefined) throw new Error(`report ${id} has no seal salt`);
  return salt;
}

/** Inserts the rows, and marks the revisions they supersede. */
async function storeReports(
  tx: Executor,
  pending: readonly PendingWrite[],
  reports: readonly Report[],
  logSeqs: ReadonlyMap<string, number>,
  seals: ReadonlyMap<string, Buffer>,
): Promise<void> {
  await insertReports(
    tx,
    reports.map((report) => ({
      report,
      logSeq: logSeqs.get(report.id) ?? null,
      sealSalt: sealOf(seals, report.id),
    })),
  );
  const superseded = pending.flatMap(({ supersedes }, i) =>
    supersedes ? [{ id: supersedes.id, by: reports[i]?.id ?? '' }] : [],
  );
  if (superseded.length > 0) await markSuperseded(tx, superseded);
}

/** Every report's outcome, unchanged ones included, in the order they were submitted. */
function outcomesOf(
  unchanged: WriteOutcome[],
  pending: readonly PendingWrite[],
  reports: readonly Report[],
): WriteOutcome[] {
  const outcomes = unchanged;
  pending.forEach(({ p, supersedes }, i) => {
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
  return outcomes.sort((a, b) => a.index - b.index);
}

/** Evidence declared with the reports: the records, their custody (captured, declared, uploaded) and the log. */
async function writeDeclaredEvidence(
  tx: Executor,
  pending: readonly PendingWrite[],
  reports: readonly Report[],
  ctx: WriteContext,
  nowIso: string,
): Promise<void> {
  const items: Evidence[] = [];
  const events: CustodyEvent[] = [];
  const log: LoggedChange[] = [];
  const declaring = pending.some(({ p }) => p.evidence.length > 0);
  const salts = declaring ? await findUserSalts(tx, [ctx.actor.userId]) : new Map<string, Buffer>();
  pending.forEach(({ p }, i) => {
    const report = reports[i];
    if (report === undefined) return;
    for (const declared of p.evidence) {
      const evidence = evidenceRecord(declared, report, ctx, nowIso);
      items.push(evidence);
      events.push(...custodyOnIntake(evidence, declared, report, ctx.actor));
      log.push({
        kind: 'evidence.declared',
        recordKind: EVIDENCE_RECORD_KIND,
        recordId: evidence.id,
        marking: report.marking,
        record: declaredEvidenceRecord(evidence, evidenceRecordedBy(evidence, salts)),
      });
    }
  });
  if (items.length === 0) return;
  await insertEvidence(tx, items);
  await insertCustodyEvents(tx, events);
  await ctx.ledger.recordMany(tx, log);
}

type DeclaredEvidence = PreparedReport['evidence'][number];

function evidenceRecord(e: DeclaredEvidence, report: Report, ctx: WriteContext, nowIso: string): Evidence {
  return {
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
    storedAt: ctx.storedEvidence.has(e.sha256) ? nowIso : null,
    derivedFrom: null,
    derivation: null,
    custodian: report.ownerOrganisationId,
    createdBy: ctx.actor.userId,
  };
}

/** Captured by the collector, declared to the reporting organisation, and uploaded when the bytes came along. */
function custodyOnIntake(
  evidence: Evidence,
  e: DeclaredEvidence,
  report: Report,
  actor: WriteContext['actor'],
): CustodyEvent[] {
  const base = {
    evidenceId: evidence.id,
    actorUserId: actor.userId,
    actorOrganisationId: actor.organisationId,
    requestId: actor.requestId,
    fromCustodian: null,
    note: null,
  };
  const owner = report.ownerOrganisationId;
  const events: CustodyEvent[] = [
    {
      ...base,
      at: e.capturedAt,
      action: 'captured',
      toCustodian: e.collector,
      note: e.device ? `device: ${e.device}` : null,
    },
    { ...base, at: evidence.declaredAt, action: 'declared', toCustodian: owner },
  ];
  if (evidence.storedAt !== null)
    events.push({ ...base, at: evidence.storedAt, action: 'uploaded', toCustodian: owner });
  return events;
}
