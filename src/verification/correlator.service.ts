import crypto from 'node:crypto';
import type { Executor } from '../db/database.js';
import {
  CorrelationIndex,
  clusterPoints,
  type CorrelationPoint,
  type CorrelationThreshold,
} from './correlation.js';
import type { Incident } from './incident.model.js';
import { OPEN_STATUSES } from './incident.model.js';
import {
  CORRELATED_MARKINGS,
  addMembers,
  bumpGeneration,
  findIncidents,
  findMemberReports,
  followRevision,
  incidentsOfReports,
  insertIncidents,
  listOpenIncidentMembers,
  listOpenIncidentMembersWithin,
  listUncorrelatedReports,
  memberReportsOf,
  previousRevisionsOf,
  readGeneration,
  supersededMembersOf,
  updateIncident,
  type MemberReport,
  type UncorrelatedCursor,
} from './incident.repository.js';
import { MemberCache } from './member-cache.js';
import { VERIFICATION_MARKING, type VerificationContext } from './verification.context.js';

/** What one correlation run did. */
export interface CorrelationResult {
  /** Reports looked at (uncorrelated, groupable). */
  reports: number;
  /** New candidate incidents opened. */
  opened: number;
  /** Reports that joined an open incident. */
  joined: number;
  /** Revised reports that took their previous revision's place. */
  followed: number;
  ms: number;
  /** Bulk runs: the slices of uncorrelated reports read one after another. */
  slices?: number;
  /**
   * Bulk runs: the most reports clustered at once (a slice's pending reports and the open incidents'
   * members in its reach): what the run's memory grows with.
   */
  largestSlice?: number;
  /** Incremental runs: the incidents opened or regrouped, as committed (for announcements). */
  changed?: { kind: 'incident.opened' | 'incident.regrouped'; incident: Incident }[];
}

/** Reports of one agreement version and category correlate; the key says which. */
function keyOf(r: MemberReport): string {
  return `${r.agreementVersionId}|${r.category}`;
}

function pointOf(r: MemberReport): CorrelationPoint {
  return {
    id: r.id,
    key: keyOf(r),
    lon: r.lon,
    lat: r.lat,
    uncertaintyM: r.uncertaintyM,
    fromMs: Date.parse(r.observedFrom),
    toMs: Date.parse(r.observedTo),
  };
}

/** Whether the reports are these ids, in this order. */
function sameIds(reports: readonly MemberReport[], ids: readonly string[]): boolean {
  return reports.length === ids.length && reports.every((r, i) => r.id === ids[i]);
}

/** Reports per write transaction of a bulk run. */
const BULK_CHUNK = 2000;

/**
 * Uncorrelated reports a bulk run reads and clusters at once (with the open incidents' members in
 * their reach): about 10 MB of reports and engine arrays, against 250 MB for 60 k reports at once.
 */
export const BULK_SLICE_REPORTS = 10_000;

/** Reports per transaction of a catch-up (each placed incrementally, as live intakes are). */
const CATCH_UP_CHUNK = 500;

/**
 * Transactions one catch-up runs at most (10,000 reports): a large backlog (a restored database, an
 * import stopped before its grouping) is worked off sweep by sweep, so a starting server is not busy
 * with it for hours, nor holds every change of it in memory to announce.
 */
const CATCH_UP_MAX_CHUNKS = 20;

/**
 * Groups reports into candidate incidents by space-time proximity (thresholds per category from the
 * agreement). Incremental as reports arrive: a new report joins the open incident one of whose
 * reports it matches (the earliest opened, when several), or opens a new one. In bulk after an
 * import: the pending reports are clustered slice by slice in time order, each slice with the reports
 * of the open incidents in its reach. A revised report takes its previous revision's place. Only
 * open incidents (reported, under review) gain reports: a concluded incident is never changed behind
 * its analysts' backs.
 */
export class Correlator {
  #index: CorrelationIndex | undefined;
  #generation = -1;
  /** Report id → open incident id, for the reports in the index. */
  readonly #incidentOf = new Map<string, string>();
  readonly #thresholds = new Map<string, CorrelationThreshold>();
  /** The members of incidents grown lately, as current as the index (cleared with it). */
  readonly #members = new MemberCache();

  readonly #bulkSliceReports: number;

  /** `bulkSliceReports`: see {@link BULK_SLICE_REPORTS} (tests make it small). */
  constructor(
    private readonly ctx: VerificationContext,
    options: { bulkSliceReports?: number } = {},
  ) {
    const slice = options.bulkSliceReports ?? BULK_SLICE_REPORTS;
    if (!(Number.isInteger(slice) && slice >= 1))
      throw new RangeError(`bulkSliceReports must be a positive integer, got ${slice}`);
    this.#bulkSliceReports = slice;
  }

  #thresholdOf = (key: string): CorrelationThreshold =>
    this.#thresholds.get(key) ?? { distanceM: 0, windowMs: 0 };

  async #loadThresholds(reports: readonly MemberReport[]): Promise<void> {
    for (const r of reports) {
      const key = keyOf(r);
      if (this.#thresholds.has(key)) continue;
      const rules = await this.ctx.rules(r.agreementVersionId);
      this.#thresholds.set(key, rules.proximityOf(r.category));
    }
  }

  /** Rebuilds the index of open incidents' reports when another writer changed them. */
  async #freshIndex(tx: Executor, generation: number): Promise<CorrelationIndex> {
    if (this.#index !== undefined && generation === this.#generation) return this.#index;
    const members = await listOpenIncidentMembers(tx);
    await this.#loadThresholds(members.map((m) => m.report));
    const index = new CorrelationIndex(this.#thresholdOf);
    this.#incidentOf.clear();
    this.#members.clear();
    index.addAll(members.map((m) => pointOf(m.report)));
    for (const { incidentId, report } of members) this.#incidentOf.set(report.id, incidentId);
    this.#index = index;
    this.#generation = generation;
    return index;
  }

  /** Forgets the index (a failed transaction may have left it ahead of the database). */
  #invalidate(): void {
    this.#index = undefined;
    this.#generation = -1;
    this.#members.clear();
  }

  /**
   * Correlates these reports (just stored), or every pending one when no ids are given. One
   * transaction; a report already in an incident, superseded, or not groupable is skipped.
   */
  async correlate(reportIds?: readonly string[]): Promise<CorrelationResult> {
    if (reportIds === undefined) return this.correlateAll();
    const t0 = performance.now();
    const result: CorrelationResult = { reports: 0, opened: 0, joined: 0, followed: 0, ms: 0, changed: [] };
    await this.ctx.prepare();
    try {
      await this.ctx.db.transaction().execute(async (tx) => {
        // Taking the generation row first serialises correlators (PostgreSQL row lock; SQLite writes
        // are serial anyway), so the index is checked against a value no one else can move meanwhile.
        await bumpGeneration(tx);
        const index = await this.#freshIndex(tx, (await readGeneration(tx)) - 1);
        const pending = await this.#pending(tx, reportIds);
        result.reports = pending.length;
        const rest = await this.#followRevisions(tx, pending, result);
        await this.#loadThresholds(rest);
        for (const report of rest) await this.#place(tx, index, report, result);
        this.#generation = await readGeneration(tx);
      });
    } catch (err) {
      this.#invalidate();
      throw err;
    }
    result.ms = performance.now() - t0;
    return result;
  }

  /**
   * Correlates, incrementally and oldest first, the reports stored but not yet in an incident (up to
   * CATCH_UP_MAX_CHUNKS × CATCH_UP_CHUNK a run; the next sweep goes on): what a live intake's
   * correlation left pending because it never ran (the process stopped after the answer) or failed. Safe beside live correlation in this or another process: `correlate` re-checks
   * each report inside its serialised transaction, so none is placed twice.
   */
  async catchUp(): Promise<CorrelationResult> {
    const t0 = performance.now();
    const total: CorrelationResult = { reports: 0, opened: 0, joined: 0, followed: 0, ms: 0, changed: [] };
    for (let chunk = 0; chunk < CATCH_UP_MAX_CHUNKS; chunk += 1) {
      const pending = await listUncorrelatedReports(this.ctx.db, CATCH_UP_CHUNK);
      if (pending.length === 0) break;
      const done = await this.correlate(pending.map((r) => r.id));
      total.reports += done.reports;
      total.opened += done.opened;
      total.joined += done.joined;
      total.followed += done.followed;
      total.changed?.push(...(done.changed ?? []));
      // Fewer than listed were still pending: another correlator took them meanwhile; the next
      // round lists afresh. A short page was the last one.
      if (pending.length < CATCH_UP_CHUNK || done.reports === 0) break;
    }
    total.ms = performance.now() - t0;
    return total;
  }

  /** The groupable, current, not yet correlated reports among `ids`. */
  async #pending(tx: Executor, ids: readonly string[]): Promise<MemberReport[]> {
    const reports = await findMemberReports(tx, ids);
    const placed = await incidentsOfReports(
      tx,
      reports.map((r) => r.id),
    );
    return reports.filter(
      (r) => r.supersededBy === null && CORRELATED_MARKINGS.includes(r.marking) && !placed.has(r.id),
    );
  }

  /** Revisions take their predecessor's place; returns the reports still to correlate. */
  async #followRevisions(
    tx: Executor,
    reports: readonly MemberReport[],
    result: CorrelationResult,
  ): Promise<MemberReport[]> {
    const previous = await previousRevisionsOf(
      tx,
      reports.map((r) => r.id),
    );
    const rest: MemberReport[] = [];
    const touched = new Set<string>();
    for (const r of reports) {
      const old = previous.get(r.id);
      const incidentId = old === undefined ? undefined : await followRevision(tx, old, r.id);
      if (incidentId === undefined) {
        rest.push(r);
        continue;
      }
      result.followed += 1;
      touched.add(incidentId);
    }
    if (touched.size > 0) {
      const incidents = await findIncidents(tx, [...touched]);
      const members = await memberReportsOf(tx, [...touched]);
      for (const incident of incidents) {
        const derived = await this.ctx.derive(
          { ...incident, updatedAt: this.ctx.nowIso() },
          members.get(incident.id) ?? [],
        );
        await updateIncident(tx, derived);
        await this.ctx.logIncident(tx, 'incident.regrouped', derived);
        result.changed?.push({ kind: 'incident.regrouped', incident: derived });
      }
      this.#invalidate();
    }
    return rest;
  }

  /** Puts one report into the open incident it matches, or opens one. */
  async #place(
    tx: Executor,
    index: CorrelationIndex,
    report: MemberReport,
    result: CorrelationResult,
  ): Promise<void> {
    const point = pointOf(report);
    const candidates = [...new Set(index.matches(point).flatMap((id) => this.#incidentOf.get(id) ?? []))];
    const open = (await findIncidents(tx, candidates)).filter((i) => OPEN_STATUSES.includes(i.status));
    const now = this.ctx.nowIso();
    let incident: Incident;
    if (open.length > 0) {
      const target = open.sort(
        (a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id),
      )[0] as Incident;
      await addMembers(tx, target.id, [report.id], 'correlated', null, now);
      const members = await this.#membersAfterJoin(tx, target, report);
      incident = await this.ctx.derive({ ...target, updatedAt: now }, members);
      await updateIncident(tx, incident);
      await this.ctx.logIncident(tx, 'incident.regrouped', incident);
      result.changed?.push({ kind: 'incident.regrouped', incident });
      result.joined += 1;
    } else {
      incident = await this.#newIncident(report, now);
      await insertIncidents(tx, [incident]);
      await addMembers(tx, incident.id, [report.id], 'correlated', null, now);
      await this.ctx.logIncident(tx, 'incident.opened', incident);
      result.changed?.push({ kind: 'incident.opened', incident });
      result.opened += 1;
      this.#members.set(incident.id, [report]);
    }
    index.add(point);
    this.#incidentOf.set(report.id, incident.id);
  }

  /**
   * The members of `target` (as read before `report` joined it) now that `report` has joined, exactly
   * as a full read would give them (`memberReportsOf`: by report id), so the incident derived from
   * them is the full re-derivation. From the cache when it holds the incident's members: then only
   * the members a revision has superseded meanwhile are read (a report's one column that changes
   * after it is stored; the revision takes its place later, in its own correlation), not every
   * member's row and body again. Otherwise every member is read. Keeps the result.
   */
  async #membersAfterJoin(tx: Executor, target: Incident, report: MemberReport): Promise<MemberReport[]> {
    const cached = this.#members.get(target.id);
    let members: MemberReport[];
    if (cached !== undefined && sameIds(cached, target.reportIds)) {
      const superseded = await supersededMembersOf(tx, target.id);
      members = cached.map((m) => {
        const by = superseded.get(m.id) ?? null;
        return by === m.supersededBy ? m : { ...m, supersededBy: by };
      });
      const at = members.findIndex((m) => m.id > report.id);
      members.splice(at === -1 ? members.length : at, 0, report);
    } else {
      members = (await memberReportsOf(tx, [target.id])).get(target.id) ?? [];
    }
    this.#members.set(target.id, members);
    return members;
  }

  /** A new candidate incident around its first reports. */
  async #newIncident(
    first: MemberReport,
    now: string,
    members: readonly MemberReport[] = [first],
  ): Promise<Incident> {
    const rules = await this.ctx.rules(first.agreementVersionId);
    const skeleton: Incident = {
      id: crypto.randomUUID(),
      agreementVersionId: first.agreementVersionId,
      category: first.category,
      status: 'reported',
      severity: rules.severityOf(first.category),
      provisions: [],
      zones: [],
      lon: first.lon,
      lat: first.lat,
      radiusM: first.uncertaintyM,
      observedFrom: first.observedFrom,
      observedTo: first.observedTo,
      reportIds: [],
      corroboration: { level: 'none', independentGroups: 0, reports: 0, reasons: [] },
      concludedBy: [],
      openedAt: now,
      dueAt: new Date(Date.parse(now) + rules.deadlineMs).toISOString(),
      updatedAt: now,
      marking: VERIFICATION_MARKING,
      ownerOrganisationId: this.ctx.commission(),
      addressees: this.ctx.bodyAddressees(rules),
    };
    return this.ctx.derive(skeleton, members);
  }

  /**
   * Bulk: groups every pending report, run after an import. The reports are read in slices of
   * `bulkSliceReports`, oldest first by (observed_from, id); each slice is clustered with the members
   * of open incidents whose windows come within the slice's largest correlation window of its span
   * (so with the incidents the slices before it opened), and its groups are written in chunked
   * transactions (each with its log entries) before the next slice is read: memory is bounded by the
   * slice, not the backlog. A cluster that touches open incidents joins the oldest of them, as a live
   * report does; so a report that links two groups already written joins one of them rather than
   * merging them (docs/verification.md).
   */
  async correlateAll(): Promise<CorrelationResult> {
    const t0 = performance.now();
    const result: CorrelationResult = {
      reports: 0,
      opened: 0,
      joined: 0,
      followed: 0,
      ms: 0,
      slices: 0,
      largestSlice: 0,
    };
    this.#invalidate();
    await this.ctx.prepare();
    let after: UncorrelatedCursor | undefined;
    for (;;) {
      const slice = await listUncorrelatedReports(this.ctx.db, this.#bulkSliceReports, after);
      const last = slice.at(-1);
      if (last === undefined) break;
      after = { observedFrom: last.observedFrom, id: last.id };
      result.reports += slice.length;
      result.slices = (result.slices ?? 0) + 1;
      await this.#correlateSlice(slice, result);
      if (slice.length < this.#bulkSliceReports) break;
    }
    return { ...result, ms: performance.now() - t0 };
  }

  /** One slice of a bulk run: revisions followed, the rest clustered with the open incidents in reach and written. */
  async #correlateSlice(slice: readonly MemberReport[], result: CorrelationResult): Promise<void> {
    const pending = await this.ctx.db.transaction().execute((tx) => this.#followRevisions(tx, slice, result));
    if (pending.length === 0) return;
    await this.#loadThresholds(pending);
    let fromMs = Infinity;
    let toMs = -Infinity;
    let reachMs = 0;
    for (const r of pending) {
      fromMs = Math.min(fromMs, Date.parse(r.observedFrom));
      toMs = Math.max(toMs, Date.parse(r.observedTo));
      reachMs = Math.max(reachMs, this.#thresholdOf(keyOf(r)).windowMs);
    }
    const open = await listOpenIncidentMembersWithin(this.ctx.db, {
      from: storedInstant(fromMs - reachMs),
      to: storedInstant(toMs + reachMs),
    });
    const all = [...open.map((o) => o.report), ...pending];
    result.largestSlice = Math.max(result.largestSlice ?? 0, all.length);
    await this.#loadThresholds(all);
    const labels = clusterPoints(all.map(pointOf), this.#thresholdOf);
    // Per cluster: the open incidents in it and its new reports.
    const clusters = new Map<number, { incidents: Set<string>; fresh: MemberReport[] }>();
    all.forEach((r, i) => {
      const label = labels[i] ?? -1;
      const c = clusters.get(label) ?? { incidents: new Set<string>(), fresh: [] };
      const openIncident = i < open.length ? open[i]?.incidentId : undefined;
      if (openIncident !== undefined) c.incidents.add(openIncident);
      else c.fresh.push(r);
      clusters.set(label, c);
    });
    const work = [...clusters.values()].filter((c) => c.fresh.length > 0);
    const commission = this.ctx.commission();
    for (let i = 0; i < work.length; i += BULK_CHUNK) {
      await this.ctx.db.transaction().execute(async (tx) => {
        const now = this.ctx.nowIso();
        const opened: Incident[] = [];
        const memberships: { incidentId: string; reportIds: string[] }[] = [];
        const grown = new Set<string>();
        const chunk = work.slice(i, i + BULK_CHUNK);
        // The open incidents the chunk's clusters touch, read at once (not a round trip per cluster).
        const touched = new Map<string, Incident>();
        const ids = [...new Set(chunk.flatMap((c) => [...c.incidents]))];
        for (let j = 0; j < ids.length; j += 500)
          for (const incident of await findIncidents(tx, ids.slice(j, j + 500)))
            touched.set(incident.id, incident);
        for (const c of chunk) {
          if (c.incidents.size > 0) {
            const target = oldestOf([...c.incidents].flatMap((id) => touched.get(id) ?? []));
            if (target !== undefined) {
              memberships.push({ incidentId: target.id, reportIds: c.fresh.map((r) => r.id) });
              grown.add(target.id);
              result.joined += c.fresh.length;
              continue;
            }
          }
          const first = c.fresh[0] as MemberReport;
          const incident = await this.#newIncident(first, now, c.fresh);
          opened.push({ ...incident, ownerOrganisationId: commission });
          memberships.push({ incidentId: incident.id, reportIds: c.fresh.map((r) => r.id) });
          result.opened += 1;
        }
        await insertIncidents(tx, opened);
        for (const m of memberships) await addMembers(tx, m.incidentId, m.reportIds, 'correlated', null, now);
        await this.ctx.logIncidents(tx, 'incident.opened', opened);
        if (grown.size > 0) {
          const members = await memberReportsOf(tx, [...grown]);
          const changed: Incident[] = [];
          for (const incident of await findIncidents(tx, [...grown]))
            changed.push(
              await this.ctx.derive({ ...incident, updatedAt: now }, members.get(incident.id) ?? []),
            );
          for (const incident of changed) await updateIncident(tx, incident);
          await this.ctx.logIncidents(tx, 'incident.regrouped', changed);
        }
      });
    }
  }
}

/**
 * The incident a bulk cluster touching several joins: the earliest opened, as live correlation
 * chooses. Incidents opened in one bulk transaction share their opening instant, so ties go to the
 * earliest observed, then to the one holding the smallest report id: the choice depends on the
 * reports alone, never on the random incident ids.
 */
function oldestOf(incidents: readonly Incident[]): Incident | undefined {
  const smallestReport = (i: Incident) => i.reportIds.reduce((a, b) => (b < a ? b : a), '\uffff');
  return [...incidents].sort(
    (a, b) =>
      a.openedAt.localeCompare(b.openedAt) ||
      a.observedFrom.localeCompare(b.observedFrom) ||
      smallestReport(a).localeCompare(smallestReport(b)) ||
      a.id.localeCompare(b.id),
  )[0];
}

/** Earliest and latest instants stored as RFC 3339 text (years 0000–9999). */
const STORED_MIN_MS = Date.parse('0000-01-01T00:00:00.000Z');
const STORED_MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** An instant as stored (`toISOString`), clamped to the years that text compares correctly in. */
function storedInstant(ms: number): string {
  return new Date(Math.min(STORED_MAX_MS, Math.max(STORED_MIN_MS, ms))).toISOString();
}
