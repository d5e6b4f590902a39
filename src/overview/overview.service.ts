import type { Kysely } from 'kysely';
import type { Principal } from '../access/policy.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import { localParts } from '../agreement/agreement.time.js';
import type { Database } from '../db/database.js';
import { deliveriesOf, listAddressedDeliveries, listOwnNotices } from '../deconfliction/notice.repository.js';
import type { LogReader } from '../ledger/log-reader.service.js';
import { parseNote } from '../ledger/note.js';
import type { WitnessRegistry } from '../ledger/witness-registry.service.js';
import type { CaseService } from '../response/case.service.js';
import type { Incident } from '../verification/incident.model.js';
import type { VerificationServices } from '../verification/verification.js';
import { asReadBy } from '../verification/redaction.js';
import { verificationRules } from '../verification/verification.settings.js';
import {
  ALL,
  addDays,
  daysFrom,
  FLAGGED,
  meanOf,
  MIN_CELL,
  NO_SECTOR,
  Tallies,
  UNDISCLOSED,
} from './overview.model.js';
import { listCountedReports } from './overview.repository.js';
import type { Overview } from './overview.schemas.js';

/** What the overview reads: each domain's own reading functions, which apply its access rules. */
export interface OverviewDeps {
  db: Kysely<Database>;
  agreements: {
    listVersions(principal: Principal): Promise<{ id: string }[]>;
    get(
      principal: Principal,
      id?: string,
    ): Promise<{ info: { id: string; entryIntoForce: string | null }; agreement: Agreement }>;
  };
  verification: VerificationServices;
  cases: Pick<CaseService, 'list'>;
  reader: Pick<LogReader, 'checkpoint' | 'origin'>;
  witnesses: Pick<WitnessRegistry, 'list'>;
  now: () => Date;
  /** The minimum cell size (default MIN_CELL). */
  minCell?: number;
}

const OPEN_ITEMS = 10;
const NO_LIMIT = 1_000_000;

function localDay(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/**
 * The landing screen's figures, shaped by who asks (the anonymous public included): today's counts
 * against yesterday and the week, the per-day series, the open items the reader may act on, quiet
 * days and the log's health. Records the reader may not see are counted only in bands (see
 * overview.model.ts); names from an agreement version the reader may not read are never shown.
 */
export class OverviewService {
  constructor(private readonly deps: OverviewDeps) {}

  async overview(principal: Principal, days: 30 | 90): Promise<Overview> {
    const now = this.deps.now();
    const k = this.deps.minCell ?? MIN_CELL;
    const loaded = await this.#agreement(principal);
    const tz = loaded?.agreement.time_zone ?? 'UTC';
    const today = localDay(now.getTime(), tz);
    const first = addDays(today, -(days - 1));
    const window = daysFrom(first, today);
    const readable = new Set((await this.deps.agreements.listVersions(principal)).map((v) => v.id));
    const rules = loaded !== undefined ? verificationRules(loaded.info.id, loaded.agreement) : undefined;

    // A day's margin on either side of the window covers any time zone; the local day decides after.
    const reports = await listCountedReports(
      this.deps.db,
      principal,
      new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000).toISOString(),
      now.toISOString(),
    );
    const byCategory = new Tallies();
    const bySector = new Tallies();
    const byDay = new Tallies();
    for (const r of reports) {
      const day = localDay(Date.parse(r.observedFrom), tz);
      if (day < first || day > today) continue;
      // What a classification says (category, flag) is the reader's only under a version it may read.
      const judged = readable.has(r.agreementVersionId);
      const seen = r.visible && judged;
      byDay.at(day, ALL).add(r.visible);
      if (r.flagged) byDay.at(day, FLAGGED).add(seen);
      byCategory.at(day, judged ? r.category : UNDISCLOSED).add(r.visible);
      bySector.at(day, rules?.sectorAt(r.lon, r.lat) ?? NO_SECTOR).add(r.visible);
    }

    const yesterday = addDays(today, -1);
    const week = daysFrom(addDays(today, -7), addDays(today, -1));
    const row = (t: Tallies, id: string, name: string) => ({
      id,
      name,
      today: t.publish(today, id, k),
      yesterday: t.publish(yesterday, id, k),
      mean7: meanOf(week.map((d) => t.publish(d, id, k))),
    });
    const taxonomy = loaded?.agreement.report_taxonomy ?? [];
    const seenCategories = new Set(
      reports.map((r) => (readable.has(r.agreementVersionId) ? r.category : UNDISCLOSED)),
    );
    const categories = [
      ...taxonomy.map((c) => ({ id: c.id, name: c.name })),
      ...[...seenCategories]
        .filter((id) => id !== UNDISCLOSED && !taxonomy.some((c) => c.id === id))
        .sort()
        .map((id) => ({ id, name: id })),
      ...(seenCategories.has(UNDISCLOSED)
        ? [{ id: UNDISCLOSED, name: 'Under an agreement version you may not read' }]
        : []),
    ];
    const sectors = [
      ...(rules?.sectors ?? []),
      {
        id: NO_SECTOR,
        name: rules !== undefined && rules.sectors.length > 0 ? 'Outside every sector' : 'All',
      },
    ];

    const violations = await this.#violations(principal, first, now, readable);
    const perDay = new Map<string, number>();
    for (const v of violations.marks) {
      const day = localDay(Date.parse(v.observedFrom), tz);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }

    return {
      asOf: now.toISOString(),
      day: today,
      timeZone: tz,
      days,
      minCell: k,
      agreementVersionId: loaded?.info.id ?? null,
      counts: {
        total: row(byDay, ALL, 'All reports'),
        categories: categories.map((c) => row(byCategory, c.id, c.name)),
        sectors: sectors.map((s) => row(bySector, s.id, s.name)),
      },
      violationBasis: violations.basis,
      series: window.map((day) => ({
        day,
        reports: byDay.publish(day, ALL, k),
        flagged: byDay.publish(day, FLAGGED, k),
        violations: perDay.get(day) ?? 0,
      })),
      openItems: {
        unverified: await this.#unverified(principal),
        overdueVerifications: await this.#overdue(principal, now),
        cases: await this.#cases(principal),
        overdueAcknowledgements: await this.#acknowledgements(principal, now),
      },
      quietDays: await this.#quietDays(principal, violations.marks, window, tz, now),
      log: await this.#log(now),
    };
  }

  async #agreement(principal: Principal) {
    try {
      return await this.deps.agreements.get(principal);
    } catch {
      // No version loaded, or none the reader may read: the overview still answers, without names.
      return undefined;
    }
  }

  /** Verified violations the reader may see: incidents for those who read them, else adopted findings. */
  async #violations(
    principal: Principal,
    first: string,
    now: Date,
    readable: ReadonlySet<string>,
  ): Promise<{
    basis: 'incidents' | 'findings';
    marks: { observedFrom: string; zones: readonly string[]; sector?: string }[];
  }> {
    const from = new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000).toISOString();
    if (principal.permissions.has('incidents:read')) {
      const { incidents } = await this.deps.verification.incidents.list(principal, {
        status: ['verified'],
        from,
        to: now.toISOString(),
        limit: NO_LIMIT,
      });
      // A violation judged by a version the reader may not read counts for the whole area only.
      return {
        basis: 'incidents',
        marks: incidents.map((i) => asReadBy(i, readable.has(i.agreementVersionId))),
      };
    }
    const { findings } = await this.deps.verification.findings.list(principal, {
      state: 'adopted',
      limit: NO_LIMIT,
    });
    return {
      basis: 'findings',
      marks: findings.filter(
        (f) => f.outcome === 'verified' && f.observedFrom >= from && f.observedFrom <= now.toISOString(),
      ),
    };
  }

  async #unverified(principal: Principal): Promise<Overview['openItems']['unverified']> {
    if (!principal.permissions.has('incidents:read')) return null;
    const { incidents } = await this.deps.verification.incidents.list(principal, {
      status: ['reported', 'under_review'],
      sort: 'due',
      limit: NO_LIMIT,
    });
    return {
      incidents: incidents.length,
      reports: incidents.reduce((n, i) => n + i.reportIds.length, 0),
      items: incidents.slice(0, OPEN_ITEMS).map(incidentItem),
    };
  }

  async #overdue(principal: Principal, now: Date): Promise<Overview['openItems']['overdueVerifications']> {
    if (!principal.permissions.has('incidents:read')) return null;
    const { incidents, total } = await this.deps.verification.incidents.list(principal, {
      overdueAt: now.toISOString(),
      sort: 'due',
      limit: OPEN_ITEMS,
    });
    return { incidents: total, items: incidents.map(incidentItem) };
  }

  async #cases(principal: Principal): Promise<Overview['openItems']['cases']> {
    if (!principal.permissions.has('cases:read')) return { total: 0, items: [] };
    const { cases, total } = await this.deps.cases.list(principal, { status: 'open', limit: NO_LIMIT });
    const byDeadline = [...cases].sort((a, b) =>
      (a.deadline ?? '\uffff').localeCompare(b.deadline ?? '\uffff'),
    );
    return {
      total,
      items: byDeadline.slice(0, OPEN_ITEMS).map((c) => ({
        id: c.id,
        ladderId: c.ladderId,
        party: c.party,
        rungId: c.rungId,
        deadline: c.deadline,
        openedAt: c.openedAt,
      })),
    };
  }

  /**
   * Copies past their acknowledgement deadline, unanswered: those addressed to the reader's
   * organisation, and those of its own notices its addressees have not answered. Read through the
   * notice repository's organisation-scoped queries, not `NoticeService.list`: listing copies there
   * marks them delivered, which a glance at the overview must not do.
   */
  async #acknowledgements(
    principal: Principal,
    now: Date,
  ): Promise<Overview['openItems']['overdueAcknowledgements']> {
    const org = principal.organisationId;
    if (org === null || principal.userId === null || !principal.permissions.has('notices:read')) return null;
    const at = now.toISOString();
    const late = (d: { state: string; dueAt?: string }) =>
      (d.state === 'forwarded' || d.state === 'delivered') && d.dueAt !== undefined && d.dueAt < at;
    const toUs = (
      await listAddressedDeliveries(this.deps.db, org, { awaiting: true, limit: NO_LIMIT })
    ).deliveries
      .filter(late)
      .map((d) => ({
        noticeId: d.noticeId,
        addressee: d.addressee,
        dueAt: d.dueAt ?? '',
        direction: 'to-us' as const,
      }));
    const own = await listOwnNotices(this.deps.db, org, { state: ['active'], limit: NO_LIMIT });
    const fromUs = (
      await deliveriesOf(
        this.deps.db,
        own.notices.map((n) => n.id),
      )
    )
      .filter(late)
      .map((d) => ({
        noticeId: d.noticeId,
        addressee: d.addressee,
        dueAt: d.dueAt ?? '',
        direction: 'from-us' as const,
      }));
    const all = [...toUs, ...fromUs].sort((a, b) => a.dueAt.localeCompare(b.dueAt));
    return { total: all.length, items: all.slice(0, OPEN_ITEMS) };
  }

  async #quietDays(
    principal: Principal,
    marks: readonly { observedFrom: string; zones: readonly string[]; sector?: string }[],
    window: readonly string[],
    tz: string,
    now: Date,
  ): Promise<Overview['quietDays']> {
    let quiet;
    try {
      quiet = await this.deps.verification.quietDays(principal, { asOf: now });
    } catch {
      return null;
    }
    const first = window[0] ?? '';
    const violationDays = new Map<string, Set<string>>();
    const note = (key: string, day: string) => {
      let set = violationDays.get(key);
      if (set === undefined) violationDays.set(key, (set = new Set()));
      set.add(day);
    };
    for (const m of marks) {
      const day = localDay(Date.parse(m.observedFrom), tz);
      if (day < first) continue;
      note('whole:all', day);
      for (const z of m.zones) note(`zone:${z}`, day);
      if (m.sector !== undefined) note(`sector:${m.sector}`, day);
    }
    return {
      basis: quiet.basis,
      since: quiet.since,
      areas: quiet.areas.map((a) => ({
        ...a,
        quietInWindow: window.length - (violationDays.get(`${a.kind}:${a.id}`)?.size ?? 0),
      })),
    };
  }

  async #log(now: Date): Promise<Overview['log']> {
    const checkpoint = await this.deps.reader.checkpoint();
    const witnesses = (await this.deps.witnesses.list()).length;
    if (checkpoint === undefined)
      return { size: 0, checkpointAt: null, checkpointAgeSeconds: null, cosigners: 0, witnesses };
    const origin = this.deps.reader.origin;
    const cosigners = new Set(
      parseNote(checkpoint.note)
        .signatures.filter((s) => s.name !== origin)
        .map((s) => s.name),
    ).size;
    return {
      size: checkpoint.size,
      checkpointAt: checkpoint.createdAt,
      checkpointAgeSeconds: Math.max(
        0,
        Math.round((now.getTime() - Date.parse(checkpoint.createdAt)) / 1000),
      ),
      cosigners,
      witnesses,
    };
  }
}

function incidentItem(i: Incident) {
  return {
    id: i.id,
    category: i.category,
    status: i.status,
    reports: i.reportIds.length,
    openedAt: i.openedAt,
    dueAt: i.dueAt,
  };
}
