import type { Kysely } from 'kysely';
import type { Actor, AuditTrail } from '../access/audit.service.js';
import type { Marking } from '../access/marking.js';
import type { OrganisationKind, Principal } from '../access/policy.js';
import { GenerationCache, accessGenerationOf } from '../access/generation-cache.js';
import type { Database } from '../db/database.js';
import type { GroupCommit } from '../db/group-commit.js';
import type { BulkLedgerWriter } from '../ledger/ledger.service.js';
import { AppError, forbidden, invalid, notFound, type FieldProblem } from '../core/errors.js';
import { NO_DECONFLICTION, type AgreementSource, type DeconflictionLookup } from './classify.js';
import { AgreementTimeline } from './timeline.js';
import type { EvidenceStore } from './evidence.store.js';
import { DEFAULT_CEILINGS, parseGradeLabel, type GradeCeiling, type Reliability } from './grading.js';
import type { PositionPolicy } from './position.js';
import { prepareReports, type IntakeItem, type PreparedReport, type Submitter } from './report.intake.js';
import type { Report } from './report.model.js';
import { StoredNotifier, type StoredEvent } from './stored-notifier.js';
import {
  findVisibleReport,
  countVisibleReportsByCell,
  listVisibleMapReports,
  listVisibleReports,
  prepareForBulkWrites,
  refreshBulkStatistics,
  BULK_ANALYZE_FIRST_ROWS,
  type ReportCell,
  type ReportFilter,
} from './report.repository.js';
import {
  BULK_INDEX_THRESHOLD,
  deferredIndexPlan,
  type BulkIndexThreshold,
  type DeferredIndexPlan,
} from './report.bulk-indexes.js';
import { requireMayCreateReports } from './report.permission.js';
import { managesSources, mapReportFor, type MapReportView, type ReportReader } from './report.view.js';
import { writeReports, type WriteContext, type WriteOutcome } from './report.writer.js';
import {
  findCeiling,
  listSources,
  updateSourceGrade,
  upsertCeiling,
  type ReportSource,
} from './source.repository.js';
import type { BusEvent } from '../notifications/event-bus.js';
import { reportAnnouncement } from './report.events.js';

/** Deployment settings of the monitoring domain. */
export interface MonitoringSettings {
  /** Far outside the agreement's area: reject the report, or accept it with a warning. */
  outsideRegion: 'reject' | 'warn';
  regionMarginKm: number;
  evidenceMaxBytes: number;
  /** Marking of reports that name none. */
  defaultMarking: Marking;
  /** Reports per transaction chunk of a bulk intake. */
  chunkSize: number;
  /** When a bulk intake on SQLite builds its indexes after the load (default `BULK_INDEX_THRESHOLD`). */
  bulkIndexThreshold?: BulkIndexThreshold;
}

/** Reads the settings from the environment (TRUCELINE_OUTSIDE_REGION, …); throws naming a bad one. */
export function monitoringSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MonitoringSettings {
  const outside = env.TRUCELINE_OUTSIDE_REGION ?? 'reject';
  if (outside !== 'reject' && outside !== 'warn')
    throw new Error(`TRUCELINE_OUTSIDE_REGION=${outside}: must be reject or warn`);
  const num = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw}: must be a non-negative number`);
    return n;
  };
  return {
    outsideRegion: outside,
    regionMarginKm: num('TRUCELINE_REGION_MARGIN_KM', 50),
    evidenceMaxBytes: num('TRUCELINE_EVIDENCE_MAX_BYTES', 256 * 1024 * 1024),
    defaultMarking: 'AMBER',
    chunkSize: 2000,
    bulkIndexThreshold: {
      minRows: num('TRUCELINE_BULK_INDEX_MIN_ROWS', BULK_INDEX_THRESHOLD.minRows),
      perStoredRow: num('TRUCELINE_BULK_INDEX_PER_STORED_ROW', BULK_INDEX_THRESHOLD.perStoredRow),
    },
  };
}

/** What an intake did: counts by outcome, per-report outcomes and problems, and where the time went. */
export interface IntakeResult {
  accepted: number;
  unchanged: number;
  revised: number;
  rejected: number;
  reports: {
    index: number;
    id: string;
    status: WriteOutcome['status'];
    warnings: string[];
    /** The version the report was judged by (its warnings may name it); not in API answers. */
    agreementVersionId?: string;
  }[];
  problems: FieldProblem[];
  dryRun: boolean;
  /** The indexes a large bulk intake dropped for its load and built again before the commit (SQLite). */
  indexesBuiltAfterLoad?: string[];
  /** Reports as stored (only for small intakes, for the API response). */
  stored?: Report[];
  /**
   * Where the time went: validating and classifying, writing (rows and log entries), the commit, and
   * what follows it (announcing the reports and verification's grouping of them into incidents).
   */
  timings: {
    prepareMs: number;
    writeMs: number;
    /** Building, before the commit, the indexes a large bulk intake dropped for its load (SQLite). */
    indexMs: number;
    commitMs: number;
    afterCommitMs: number;
  };
}

export interface IngestOptions {
  /** Apply the valid reports and report the bad ones; default: all or nothing. */
  applyGood?: boolean;
  /** Validate, classify and write in a transaction that is always rolled back. */
  dryRun?: boolean;
  externalSystem?: string;
  marking?: Marking;
  /** The organisation that owns the reports (console imports; API callers own what they submit). */
  ownerOrganisationId?: string;
  keepReports?: boolean;
  /** A long bulk intake (imports, the demo): the database is tuned for it first. */
  bulk?: boolean;
  /**
   * How many items the whole bulk intake holds, or an estimate from the `seen` so far (a file's size
   * over its bytes per row), asked after each chunk: a large one builds its indexes after the load
   * (`report.bulk-indexes.ts`).
   */
  expectedItems?: (seen: number) => number | undefined;
  /** List every report's outcome in the result (default true; bulk imports keep only counts and problems). */
  listOutcomes?: boolean;
  onChunk?: (done: number, result: IntakeResult) => void;
  /**
   * Share the transaction with other intakes arriving about now (live API submissions): one commit
   * for the group, each intake still all or nothing on its own (see `GroupCommit`).
   */
  grouped?: boolean;
  /** The submitter as a reader, when the caller has it already (saves reading it again). */
  reader?: ReportReader;
}

/** How long a token holder's context is kept between its requests (any access change retires it sooner). */
const CONTEXT_TTL_MS = 10_000;

/** Thrown inside the intake transaction to roll it back while keeping the result. */
class Rollback extends Error {
  constructor(readonly result: IntakeResult) {
    super('rolled back');
  }
}

/** What one intake settles before its transaction: who submits, under which ceiling and position policy. */
interface Intake {
  submitter: Submitter;
  ceiling: GradeCeiling;
  policy: PositionPolicy;
  /** Who the written records (evidence, custody) name. */
  writer: WriteContext['actor'];
  options: IngestOptions;
  /** Bulk intakes: reports written when the table's statistics are next refreshed (doubling). */
  analyzeAt: number;
  /** Bulk intakes on SQLite: the indexes dropped for the load and built again before the commit. */
  indexes?: DeferredIndexPlan;
}

function emptyResult(options: IngestOptions): IntakeResult {
  return {
    accepted: 0,
    unchanged: 0,
    revised: 0,
    rejected: 0,
    reports: [],
    problems: [],
    dryRun: options.dryRun === true,
    timings: { prepareMs: 0, writeMs: 0, indexMs: 0, commitMs: 0, afterCommitMs: 0 },
    ...(options.keepReports === true ? { stored: [] } : {}),
  };
}

/**
 * Throws Rollback (keeping the result) when the intake must leave nothing behind: a dry run, or any
 * problem without `applyGood` (then nothing counts as applied).
 */
function rollBackUnlessApplied(result: IntakeResult, options: IngestOptions): void {
  if (result.problems.length > 0 && options.applyGood !== true) {
    result.accepted = 0;
    result.revised = 0;
    result.unchanged = 0;
    result.reports = [];
    delete result.stored;
    throw new Rollback(result);
  }
  if (options.dryRun === true) throw new Rollback(result);
}

export interface MonitoringDeps {
  db: Kysely<Database>;
  ledger: BulkLedgerWriter;
  audit: AuditTrail;
  agreements: AgreementSource;
  organisations: { list(): Promise<{ id: string; kind: OrganisationKind }[]> };
  evidenceStore: EvidenceStore;
  settings: MonitoringSettings;
  now: () => Date;
  deconfliction?: DeconflictionLookup;
  /** Announces stored reports (small intakes: API submissions) to the event stream and webhooks. */
  publish?: (event: BusEvent) => Promise<void>;
  /** Where grouped intakes (`IngestOptions.grouped`) are committed; without it each has its own transaction. */
  groupCommit?: GroupCommit;
}

/**
 * Observation reports: intake (single, batch, bulk import) with validation, classification against
 * the agreement in force, idempotency by external id and the log entry in the same transaction; and
 * marked, filtered reads.
 */
export class ReportService {
  readonly timeline: AgreementTimeline;
  readonly #stored = new StoredNotifier();
  /**
   * A token holder's context between its requests, valid at the access generation its request
   * checked (see `GenerationCache`): the versions it may read, its ceiling, the organisations.
   */
  readonly #readable = new GenerationCache<ReadonlySet<string>>(CONTEXT_TTL_MS);
  readonly #ceilings = new GenerationCache<GradeCeiling>(CONTEXT_TTL_MS);
  readonly #organisations = new GenerationCache<{ id: string; kind: OrganisationKind }[]>(CONTEXT_TTL_MS);

  /** Looks `key` up in `cache` at the principal's checked generation, else builds and keeps it. */
  async #cached<V>(
    cache: GenerationCache<V>,
    principal: Principal,
    key: string,
    build: () => Promise<V>,
  ): Promise<V> {
    const generation = accessGenerationOf(principal);
    if (generation === undefined) return build();
    const now = this.deps.now().getTime();
    const hit = cache.get(key, generation, now);
    if (hit !== undefined) return hit;
    const value = await build();
    // Only while nothing moved meanwhile is `value` known to be of that generation: the principal's
    // generation was read before it, and a later change only retires it sooner.
    cache.set(key, generation, now, value);
    return value;
  }

  constructor(private readonly deps: MonitoringDeps) {
    this.timeline = new AgreementTimeline(deps.agreements, deps.deconfliction ?? NO_DECONFLICTION);
  }

  get settings(): MonitoringSettings {
    return this.deps.settings;
  }

  /**
   * Calls `listener` after every intake that stored reports has committed (intakes finishing together
   * in one call: see `StoredNotifier`); live submissions (`grouped`) do not wait for it (see
   * `settled`). A listener's failure is reported on stderr and does not undo the intake: what it
   * missed stays pending for its next run.
   */
  onStored(listener: (event: StoredEvent) => Promise<void>): void {
    this.#stored.add(listener);
  }

  async #notifyStored(result: IntakeResult, options: IngestOptions): Promise<void> {
    if (result.dryRun || result.accepted + result.revised === 0) return;
    await this.#announce(result);
    const notified = this.#stored.notify({
      reportIds: result.reports.filter((r) => r.status !== 'unchanged').map((r) => r.id),
      bulk: options.bulk === true || options.listOutcomes === false,
    });
    // Live submissions answer before the listeners run (correlation is the system's follow-on work,
    // not part of what the submitter is told): `settled()` waits for it, and a report whose
    // correlation never ran (the process stopped, the call failed) is caught up later (see
    // docs/monitoring.md, "Third round").
    if (options.grouped !== true) await notified;
  }

  /**
   * Resolves once the listeners (`onStored`) have been called for every intake so far, including
   * the live submissions that answered without waiting for them. Before closing the database, and in
   * tests that read what correlation made of a submission.
   */
  settled(): Promise<void> {
    return this.#stored.settled();
  }

  /** Announces each report an intake stored (those it kept: see `keepReports`), after the commit. */
  async #announce(result: IntakeResult): Promise<void> {
    const publish = this.deps.publish;
    if (publish === undefined || result.stored === undefined) return;
    const statusOf = new Map(result.reports.map((r) => [r.id, r.status]));
    for (const report of result.stored) {
      const status = statusOf.get(report.id);
      if (status !== 'accepted' && status !== 'revised') continue;
      try {
        await publish(
          reportAnnouncement(status === 'accepted' ? 'report.submitted' : 'report.revised', report),
        );
      } catch (err) {
        process.stderr.write(
          `announcing report ${report.id}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
      }
    }
  }

  /** The time by the service's (injected) clock: what intake judges and stamps reports by. */
  now(): Date {
    return this.deps.now();
  }

  /** The grade ceiling of a principal: their own, else their kind of organisation's. */
  async ceilingOf(principal: Principal): Promise<GradeCeiling> {
    return this.#cached(
      this.#ceilings,
      principal,
      `${principal.userId}|${principal.organisationKind}`,
      async () => {
        const own = principal.userId !== null ? await findCeiling(this.deps.db, principal.userId) : undefined;
        return own ?? DEFAULT_CEILINGS[principal.organisationKind ?? 'public'];
      },
    );
  }

  async #submitter(actor: Actor, options: IngestOptions): Promise<Submitter> {
    const principal = actor.principal;
    const orgs = await this.#cached(this.#organisations, principal, 'all', () =>
      this.deps.organisations.list(),
    );
    const owner =
      principal.organisationId ??
      options.ownerOrganisationId ??
      orgs.find((o) => o.kind === 'commission')?.id;
    if (owner === undefined)
      throw new AppError('conflict', 'no organisation to own the reports: initialise first');
    if (options.ownerOrganisationId !== undefined && !orgs.some((o) => o.id === options.ownerOrganisationId))
      throw invalid(`unknown organisation ${options.ownerOrganisationId}`);
    return {
      organisationId: principal.organisationId ?? options.ownerOrganisationId ?? owner,
      userId: principal.userId,
      defaultMarking: options.marking ?? this.deps.settings.defaultMarking,
      externalSystem: options.externalSystem ?? principal.organisationId ?? owner,
      knownOrganisations: new Set(orgs.map((o) => o.id)),
      readableVersions: (options.reader ?? (await this.readerOf(principal))).agreementVersions,
    };
  }

  /**
   * Takes in reports, chunk by chunk, in one transaction: all or nothing by default, or only the
   * valid ones with `applyGood`. Every problem names its item and field (and line for files).
   * The one door of every intake (API, file import, demo), so the permission is checked here.
   */
  async ingest(
    actor: Actor,
    chunks: AsyncIterable<IntakeItem[]> | Iterable<IntakeItem[]>,
    options: IngestOptions = {},
  ): Promise<IntakeResult> {
    requireMayCreateReports(actor.principal);
    const intake = await this.#openIntake(actor, options);
    const result = emptyResult(options);
    let committing = 0;
    const write = async (tx: Kysely<Database>): Promise<IntakeResult> => {
      let offset = 0;
      for await (const chunk of chunks) {
        await this.#takeInChunk(tx, chunk, offset, intake, result);
        offset += chunk.length;
        options.onChunk?.(offset, result);
      }
      rollBackUnlessApplied(result, options);
      const indexing = performance.now();
      const rebuilt = (await intake.indexes?.rebuild(tx)) ?? [];
      if (rebuilt.length > 0) result.indexesBuiltAfterLoad = rebuilt;
      result.timings.indexMs += performance.now() - indexing;
      await this.#recordSubmission(tx, actor, result);
      committing = performance.now();
      return result;
    };
    const group = options.grouped === true ? this.deps.groupCommit : undefined;
    let stored: IntakeResult;
    try {
      stored = await (group !== undefined ? group.run(write) : this.deps.db.transaction().execute(write));
    } catch (err) {
      if (err instanceof Rollback) return err.result;
      throw err;
    }
    const committed = performance.now();
    stored.timings.commitMs += committed - committing;
    await this.#notifyStored(stored, options);
    stored.timings.afterCommitMs += performance.now() - committed;
    return stored;
  }

  /** Everything an intake needs before its transaction takes the (SQLite) connection. */
  async #openIntake(actor: Actor, options: IngestOptions): Promise<Intake> {
    const submitter = await this.#submitter(actor, options);
    const ceiling = await this.ceilingOf(actor.principal);
    await this.timeline.refresh();
    if (options.bulk === true) await prepareForBulkWrites(this.deps.db);
    const s = this.deps.settings;
    const { userId, organisationId } = actor.principal;
    return {
      submitter,
      ceiling,
      policy: { outsideRegion: s.outsideRegion, regionMarginKm: s.regionMarginKm },
      writer: { userId, organisationId, requestId: actor.requestId },
      options,
      analyzeAt: BULK_ANALYZE_FIRST_ROWS,
      ...(options.bulk === true ? { indexes: deferredIndexPlan(this.deps.db, s.bulkIndexThreshold) } : {}),
    };
  }

  /** Validates and classifies one chunk, then writes its valid reports when this intake still may. */
  async #takeInChunk(
    tx: Kysely<Database>,
    chunk: readonly IntakeItem[],
    offset: number,
    intake: Intake,
    result: IntakeResult,
  ): Promise<void> {
    const t0 = performance.now();
    const { good, paths } = this.#prepareChunk(chunk, offset, intake, result);
    const t1 = performance.now();
    result.timings.prepareMs += t1 - t0;
    const writing = intake.options.applyGood === true || result.problems.length === 0;
    if (writing && good.length > 0) await this.#writeChunk(tx, good, paths, intake, result);
    const written = result.accepted + result.revised;
    if (intake.options.bulk === true && written >= intake.analyzeAt) {
      await refreshBulkStatistics(tx);
      intake.analyzeAt = written * 2;
    }
    const seen = offset + chunk.length;
    const expected = intake.options.expectedItems?.(seen);
    await intake.indexes?.afterWrite(tx, {
      written,
      seen,
      ...(expected !== undefined ? { expected } : {}),
    });
    result.timings.writeMs += performance.now() - t1;
  }

  /** The chunk's valid reports (indexed across the whole intake); the bad ones are counted and their problems kept. */
  #prepareChunk(
    chunk: readonly IntakeItem[],
    offset: number,
    intake: Intake,
    result: IntakeResult,
  ): { good: PreparedReport[]; paths: Map<number, { path: string; line?: number }> } {
    const outcomes = prepareReports(chunk, intake.submitter, this.timeline, {
      policy: intake.policy,
      now: this.deps.now().getTime(),
      evidenceMaxBytes: this.deps.settings.evidenceMaxBytes,
      defaultTimeZone: 'UTC',
    });
    const good: PreparedReport[] = [];
    const paths = new Map<number, { path: string; line?: number }>();
    outcomes.forEach((o, i) => {
      const item = chunk[i];
      if (o.ok) {
        good.push({ ...o.prepared, index: offset + i });
        paths.set(offset + i, {
          path: item?.path ?? '',
          ...(item?.line !== undefined ? { line: item.line } : {}),
        });
      } else {
        result.rejected += 1;
        result.problems.push(...o.problems);
      }
    });
    return { good, paths };
  }

  /** Stores inline evidence bytes, writes the reports (rows, log entries, evidence) and counts the outcomes. */
  async #writeChunk(
    tx: Kysely<Database>,
    good: readonly PreparedReport[],
    paths: ReadonlyMap<number, { path: string; line?: number }>,
    intake: Intake,
    result: IntakeResult,
  ): Promise<void> {
    const storedEvidence =
      intake.options.dryRun === true ? new Set<string>() : await this.#storeEvidenceBytes(good);
    const written = await writeReports(tx, good, paths, {
      ledger: this.deps.ledger,
      now: this.deps.now,
      ceiling: intake.ceiling,
      actor: intake.writer,
      storedEvidence,
      agreementMarking: (id) => this.timeline.markingOf(id),
    });
    if (written.problems.length > 0) {
      result.problems.push(...written.problems);
      result.rejected += written.problems.length;
    }
    const listed = intake.options.listOutcomes !== false;
    for (const w of written.outcomes) {
      result[w.status] += 1;
      const version = w.report?.classification.agreementVersionId;
      if (listed)
        result.reports.push({
          index: w.index,
          id: w.id,
          status: w.status,
          warnings: w.warnings,
          ...(version !== undefined ? { agreementVersionId: version } : {}),
        });
      if (result.stored !== undefined && w.report !== undefined) result.stored.push(w.report);
    }
  }

  /**
   * Puts evidence that came inline into the content-addressed store (before the transaction commits:
   * a failed intake leaves unreferenced, harmless objects). Returns the hashes now stored.
   */
  async #storeEvidenceBytes(good: readonly PreparedReport[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (const p of good)
      for (const e of p.evidence)
        if (e.bytes !== undefined)
          stored.add(
            (await this.deps.evidenceStore.put(e.bytes, this.deps.settings.evidenceMaxBytes)).sha256,
          );
    return stored;
  }

  /** The audit record of an intake that wrote something. */
  async #recordSubmission(tx: Kysely<Database>, actor: Actor, result: IntakeResult): Promise<void> {
    const written = result.accepted + result.revised;
    if (written === 0) return;
    await this.deps.audit.record(
      tx,
      actor,
      'report.submit',
      `reports:${written}`,
      'allowed',
      `${result.accepted} accepted, ${result.revised} revised`,
    );
  }

  /**
   * API intake: one report or a batch; throws 422 listing every problem when nothing was applied.
   * `schemaChecked`: the caller (the route's body schema) has checked the items against
   * ReportInputSchema already, so the intake does not check them twice. `reader`: the submitter as a
   * reader (`readerOf`), when the caller has it already. Submissions arriving together share a
   * transaction (see `GroupCommit`); each still succeeds or fails on its own.
   */
  async submit(
    actor: Actor,
    items: unknown[],
    pathOf: (i: number) => string,
    applyGood: boolean,
    { schemaChecked = false, reader }: { schemaChecked?: boolean; reader?: ReportReader } = {},
  ): Promise<IntakeResult> {
    const chunk = items.map((input, i) => ({ input, path: pathOf(i), schemaChecked }));
    const result = await this.ingest(actor, [chunk], {
      applyGood,
      keepReports: items.length <= 100,
      grouped: true,
      ...(reader !== undefined ? { reader } : {}),
    });
    const applied = result.accepted + result.revised + result.unchanged;
    if (result.problems.length > 0 && applied === 0) {
      throw invalid(
        `${result.rejected} of ${items.length} report${items.length === 1 ? ' was' : 's were'} rejected; nothing was applied: ${result.problems
          .slice(0, 3)
          .map((p) => `${p.path} ${p.reason}`)
          .join('; ')}${result.problems.length > 3 ? '; …' : ''}`,
        result.problems,
      );
    }
    return result;
  }

  /** Who reads reports: the principal and the agreement versions it may read (see `reportFor`). */
  async readerOf(principal: Principal): Promise<ReportReader> {
    const key = `${principal.userId}|${principal.organisationId}|${principal.organisationKind}`;
    const agreementVersions = await this.#cached(this.#readable, principal, key, async () => {
      const versions = await this.deps.agreements.listVersions(principal);
      return new Set(versions.map((v) => v.id));
    });
    return { principal, agreementVersions };
  }

  /**
   * Reports the principal may see. Filtering by source is filtering by the source's identity, so
   * only the commission's source managers filter every report by it; others only their own.
   * Filtering by what a classification says (zone, category, flagged) matches only reports judged
   * by a version the principal may read: an id from any other version answers as an unknown one.
   */
  async list(principal: Principal, filter: ReportFilter) {
    return listVisibleReports(this.deps.db, principal, await this.#filterFor(principal, filter));
  }

  /**
   * The same reports as {@link list}, in the same order and pages, each as the few fields the map
   * draws (`mapReportFor` shapes them for the reader): no report body is read or rebuilt.
   */
  async listForMap(
    principal: Principal,
    filter: ReportFilter,
  ): Promise<{
    reports: MapReportView[];
    last?: { key: string | number; id: string };
  }> {
    const reader = await this.readerOf(principal);
    const page = await listVisibleMapReports(
      this.deps.db,
      principal,
      await this.#filterFor(principal, filter),
      [...reader.agreementVersions],
    );
    return { ...page, reports: page.reports.map((r) => mapReportFor(r, reader)) };
  }

  /**
   * How many of the reports {@link list} would list fall in each cell of a grid of `cell` degrees:
   * the map's density where a window holds more than one page. Counts only what the principal may
   * see, filtered as the list is.
   */
  async densityForMap(principal: Principal, filter: ReportFilter, cell: number): Promise<ReportCell[]> {
    return countVisibleReportsByCell(this.deps.db, principal, await this.#filterFor(principal, filter), cell);
  }

  /** The filter as the principal may apply it (see {@link list}). */
  async #filterFor(principal: Principal, filter: ReportFilter): Promise<ReportFilter> {
    if (filter.sourceId !== undefined && !managesSources(principal))
      filter = { ...filter, ownerOrganisationId: principal.organisationId ?? '' };
    if (filter.zone !== undefined || filter.category !== undefined || filter.flagged !== undefined)
      filter = { ...filter, judgedBy: [...(await this.readerOf(principal)).agreementVersions] };
    return filter;
  }

  async get(principal: Principal, id: string): Promise<Report & { logSeq: number | null }> {
    const report = await findVisibleReport(this.deps.db, principal, id);
    if (!report) throw notFound(`report ${id}`);
    return report;
  }

  /** The log entry of a stored report revision (null while the sequencer has not integrated it). */
  async logIndexOf(report: { logSeq: number | null }): Promise<number | null> {
    return report.logSeq === null ? null : this.deps.ledger.indexOfQueued(report.logSeq);
  }

  listSources(): Promise<ReportSource[]> {
    return listSources(this.deps.db);
  }

  /** Grades a source; only the commission grades (a party cannot raise its own outlets). */
  async gradeSource(
    actor: Actor,
    id: string,
    patch: { reliability?: Reliability; independenceGroup?: string; kind?: string },
  ): Promise<void> {
    if (
      actor.principal.organisationKind !== 'commission' ||
      !actor.principal.permissions.has('sources:manage')
    )
      throw forbidden('only the commission grades sources');
    await this.deps.db.transaction().execute(async (tx) => {
      const n = await updateSourceGrade(tx, id, patch, this.deps.now().toISOString());
      if (n === 0) throw notFound(`source ${id}`);
      // Which sources the commission grades, and how, is the commission's own: never in the public log.
      await this.deps.ledger.record(tx, {
        kind: 'source.graded',
        recordKind: 'source',
        recordId: id,
        marking: 'AMBER',
        record: { id, ...patch },
      });
      await this.deps.audit.record(tx, actor, 'source.grade', `source:${id}`, 'allowed');
    });
  }

  /** Sets a user's grading ceiling ("C3"); admins of the commission only. */
  async setCeiling(actor: Actor, userId: string, label: string): Promise<GradeCeiling> {
    const ceiling = parseGradeLabel(label);
    if (ceiling === undefined)
      throw invalid(`ceiling "${label}": must be a grade A1–E5 such as C3`, [
        { path: '/body/ceiling', reason: 'must be A1–E5' },
      ]);
    if (actor.principal.organisationKind !== 'commission' || !actor.principal.roles.includes('admin'))
      throw forbidden('only commission administrators set grading ceilings');
    await this.deps.db.transaction().execute(async (tx) => {
      await upsertCeiling(tx, userId, ceiling, actor.principal.userId, this.deps.now().toISOString());
      await this.deps.ledger.record(tx, {
        kind: 'grading.ceiling-set',
        recordKind: 'user',
        recordId: userId,
        marking: 'AMBER',
        record: { userId, ceiling: label.toUpperCase() },
      });
      await this.deps.audit.record(tx, actor, 'grading.ceiling', `user:${userId}`, 'allowed');
    });
    return ceiling;
  }
}
