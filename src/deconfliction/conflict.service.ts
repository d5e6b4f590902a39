/**
 * Keeps the conflict index of the agreement in force current with the active notices and recent
 * incidents, stores the conflicts it finds (each notifier is told of its notice's, the commission of
 * all), and answers monitoring's "which notices does this report touch" for the strike check.
 */
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Principal } from '../access/policy.js';
import type { Agreement, Severity } from '../agreement/agreement.schema.js';
import { parseDuration } from '../agreement/agreement.time.js';
import type { Database, Executor } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import type { DeconflictionLookup } from '../monitoring/classify.js';
import type { NotifiedMatch } from '../monitoring/report.model.js';
import {
  ConflictIndex,
  restrictedAreas,
  type Conflict,
  type ConflictSettings,
  type NoticeShape,
} from './conflicts.js';
import type { Notice } from './notice.model.js';
import {
  NOTICE_CONFLICT_RECORD_KIND,
  activeNotices,
  deliveriesOf,
  insertConflicts,
  listConflicts,
  openConflicts,
  updateConflict,
  type StoredConflict,
} from './notice.repository.js';
import type { NoticeChange } from './notice.service.js';

/** The platform defaults where the agreement's `deconfliction` section is silent. */
export const DEFAULT_SETTINGS = {
  separationM: 1000,
  incidentRadiusM: 2000,
  incidentWindowMs: 24 * 3_600_000,
  strikeRadiusM: 500,
} as const;

/** The agreement's conflict settings with the defaults filled in. */
export function settingsOf(agreement: Agreement): ConflictSettings & { strikeRadiusM: number } {
  const d = agreement.deconfliction ?? {};
  return {
    separationM: d.separation_m ?? DEFAULT_SETTINGS.separationM,
    incidentRadiusM: d.incident_radius_m ?? DEFAULT_SETTINGS.incidentRadiusM,
    incidentWindowMs:
      (d.incident_window === undefined ? undefined : parseDuration(d.incident_window)) ??
      DEFAULT_SETTINGS.incidentWindowMs,
    strikeRadiusM: d.strike_radius_m ?? DEFAULT_SETTINGS.strikeRadiusM,
  };
}

/** How often the periodic re-check rebuilds the index from the database (other servers' notices). */
const RELOAD_EVERY_MS = 10 * 60_000;

/** A notice as the engine sees it. */
export function shapeOf(n: Notice): NoticeShape {
  const g = n.geometry;
  const coords: [number, number][] =
    g.type === 'Point' ? [g.coordinates] : g.type === 'LineString' ? g.coordinates : (g.coordinates[0] ?? []);
  return {
    id: n.id,
    notifier: n.notifier,
    kind: n.kind,
    coords,
    widthM: n.kind === 'site' ? (n.precisionM ?? 0) : (n.corridorM ?? 0),
    from: Date.parse(n.startsAt),
    to: Date.parse(n.endsAt),
    ...(n.altitude !== undefined ? { altitude: n.altitude } : {}),
  };
}

/** What the service keeps of each active notice beyond its shape. */
interface Held {
  notifier: string;
  addressees: string[];
  severity?: Severity;
  /** At least one addressee has read it. */
  delivered: boolean;
}

export interface ConflictDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  agreements: {
    versionInForceAt(at: Date): Promise<{ info: { id: string }; agreement: Agreement } | undefined>;
  };
  now: () => Date;
}

/** A conflict as a reader sees it: the other notice's id only for the commission. */
export type ConflictView = Omit<StoredConflict, 'otherNoticeId'> & { otherNoticeId?: string };

const key = (c: {
  noticeId: string;
  kind: string;
  otherNoticeId?: string;
  zoneId?: string;
  incidentId?: string;
}) => `${c.noticeId}|${c.kind}|${c.otherNoticeId ?? ''}|${c.zoneId ?? ''}|${c.incidentId ?? ''}`;

export class ConflictService implements DeconflictionLookup {
  #index: ConflictIndex | undefined;
  #versionId: string | undefined;
  #settings = settingsOf({} as Agreement);
  readonly #held = new Map<string, Held>();
  #loading: Promise<void> | undefined;

  constructor(private readonly deps: ConflictDeps) {}

  /** Builds the index from the agreement in force, the active notices and recent incidents. */
  async load(): Promise<void> {
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    const now = this.deps.now();
    const version = await this.deps.agreements.versionInForceAt(now);
    if (version === undefined) {
      this.#index = undefined;
      this.#versionId = undefined;
      return;
    }
    const settings = settingsOf(version.agreement);
    const index = new ConflictIndex(settings, restrictedAreas(version.agreement));
    const notices = await activeNotices(this.deps.db);
    const copies = await deliveriesOf(
      this.deps.db,
      notices.map((n) => n.id),
    );
    this.#held.clear();
    for (const n of notices) {
      index.upsert(shapeOf(n));
      this.#held.set(n.id, {
        notifier: n.notifier,
        addressees: n.addressees,
        ...severityOf(version.agreement, n),
        delivered: copies.some((d) => d.noticeId === n.id && d.deliveredAt !== undefined),
      });
    }
    for (const i of await this.#recentIncidents(now, settings.incidentWindowMs)) index.addIncident(i);
    this.#index = index;
    this.#versionId = version.info.id;
    this.#settings = settings;
    this.#agreement = version.agreement;
    this.#loadedAt = now.getTime();
  }

  #loadedAt: number | undefined;

  #agreement: Agreement | undefined;

  async #ready(): Promise<ConflictIndex | undefined> {
    const now = this.deps.now();
    const version = await this.deps.agreements.versionInForceAt(now);
    if (this.#index === undefined || version?.info.id !== this.#versionId) await this.load();
    return this.#index;
  }

  async #recentIncidents(now: Date, windowMs: number) {
    const since = new Date(now.getTime() - windowMs - 7 * 24 * 3_600_000).toISOString();
    const rows = await this.deps.db
      .selectFrom('incidents')
      .select(['id', 'lon', 'lat', 'observed_from'])
      .where('status', 'in', ['reported', 'under_review', 'verified'])
      .where('observed_to', '>=', since)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      lon: Number(r.lon),
      lat: Number(r.lat),
      at: Date.parse(r.observed_from),
    }));
  }

  /** Follows the notices: indexes the new, drops the ended, stores the new notices' conflicts. */
  async onNoticeChange(change: NoticeChange): Promise<void> {
    const index = await this.#ready();
    if (index === undefined) return;
    for (const id of change.ended) {
      index.remove(id);
      this.#held.delete(id);
    }
    const shapes = new Map(change.active.map((n) => [n.id, shapeOf(n)]));
    for (const n of change.active) {
      // The same object to upsert and check: the index keeps what check computes for it.
      index.upsert(shapes.get(n.id) ?? shapeOf(n));
      const held = this.#held.get(n.id);
      this.#held.set(n.id, {
        notifier: n.notifier,
        addressees: n.addressees,
        ...(this.#agreement !== undefined ? severityOf(this.#agreement, n) : {}),
        delivered: held?.delivered ?? false,
      });
    }
    for (const id of change.delivered ?? []) {
      const held = this.#held.get(id);
      if (held !== undefined) held.delivered = true;
    }
    const found = change.active.flatMap((n) => index.check(shapes.get(n.id) ?? shapeOf(n)));
    await this.#store(found, change.ended);
  }

  /**
   * Re-checks every active notice against the zones, each other and the incidents of the last
   * window (after new incidents, and periodically); stores new conflicts, clears those gone.
   */
  async recheck(): Promise<{ open: number; added: number; cleared: number }> {
    // Rebuilt from the database now and then (other servers' notices); otherwise kept and fed the new incidents.
    if (this.#loadedAt === undefined || this.deps.now().getTime() - this.#loadedAt > RELOAD_EVERY_MS)
      await this.load();
    const index = await this.#ready();
    if (index === undefined) return { open: 0, added: 0, cleared: 0 };
    const now = this.deps.now().getTime();
    for (const i of await this.#recentIncidents(this.deps.now(), this.#settings.incidentWindowMs))
      index.addIncident(i);
    index.pruneIncidents(now - this.#settings.incidentWindowMs - 7 * 24 * 3_600_000);
    const found = index.recheckAll(now);
    return this.#store(found, [], true);
  }

  /** Stores conflicts not yet open (both sides of a pair), and clears open ones no longer found. */
  async #store(found: Conflict[], ended: readonly string[], full = false) {
    const at = this.deps.now().toISOString();
    const both: Conflict[] = [];
    for (const c of found) {
      both.push(c);
      if (c.otherNoticeId !== undefined)
        both.push({ ...c, noticeId: c.otherNoticeId, otherNoticeId: c.noticeId });
    }
    let added = 0;
    let cleared = 0;
    await this.deps.db.transaction().execute(async (tx) => {
      const open = await openConflicts(tx);
      const openKeys = new Map(open.map((c) => [key(c), c]));
      const foundKeys = new Set(both.map(key));
      const fresh: StoredConflict[] = [];
      for (const c of both) {
        const k = key(c);
        if (openKeys.has(k) || fresh.some((f) => key(f) === k)) continue;
        const notifier = this.#held.get(c.noticeId)?.notifier;
        if (notifier === undefined) continue;
        fresh.push({
          id: crypto.randomUUID(),
          noticeId: c.noticeId,
          notifier,
          kind: c.kind,
          ...(c.otherNoticeId !== undefined ? { otherNoticeId: c.otherNoticeId } : {}),
          ...(c.zoneId !== undefined ? { zoneId: c.zoneId } : {}),
          ...(c.incidentId !== undefined ? { incidentId: c.incidentId } : {}),
          distanceM: Math.round(c.distanceM),
          lon: c.at[0],
          lat: c.at[1],
          windowFrom: new Date(c.window.from).toISOString(),
          windowTo: new Date(c.window.to).toISOString(),
          reason: c.reason,
          detectedAt: at,
          state: 'open',
        });
      }
      await insertConflicts(tx, fresh);
      await this.#log(tx, 'notice.conflict-detected', fresh);
      added = fresh.length;
      const gone = open.filter(
        (c) =>
          ended.includes(c.noticeId) ||
          ended.includes(c.otherNoticeId ?? '') ||
          (full && !foundKeys.has(key(c))),
      );
      const clearedRows = gone.map((c) => ({ ...c, state: 'cleared' as const, clearedAt: at }));
      for (const c of clearedRows) await updateConflict(tx, c);
      await this.#log(tx, 'notice.conflict-cleared', clearedRows);
      cleared = clearedRows.length;
    });
    return { open: (await openConflicts(this.deps.db)).length, added, cleared };
  }

  async #log(tx: Executor, kind: string, conflicts: readonly StoredConflict[]) {
    await this.deps.ledger.recordMany(
      tx,
      conflicts.map((c) => ({
        kind,
        recordKind: NOTICE_CONFLICT_RECORD_KIND,
        recordId: c.id,
        marking: 'AMBER' as const,
        record: conflictRecord(c),
      })),
    );
  }

  /** Conflicts the principal may read: its notices', all for the commission; the other notice named only for the commission. */
  async list(
    principal: Principal,
    filter: { state?: 'open' | 'cleared'; noticeId?: string; limit: number; offset?: number },
  ): Promise<{ conflicts: ConflictView[]; total: number }> {
    if (principal.userId === null || principal.organisationId === null) return { conflicts: [], total: 0 };
    const page = await listConflicts(this.deps.db, principal, filter);
    return { conflicts: page.conflicts.map((c) => conflictFor(principal, c)), total: page.total };
  }

  /**
   * For monitoring's classification (synchronous, from the index in memory): the active notices a
   * report's point and uncertainty touch, with whom to show them to and the severity the agreement
   * gives a strike on them once delivered.
   */
  notifiedNear(q: { lon: number; lat: number; radiusM: number; from: string; to: string }): NotifiedMatch[] {
    const index = this.#index;
    if (index === undefined) return [];
    const radiusM = q.radiusM + this.#settings.strikeRadiusM;
    return index.near({ ...q, radiusM }).flatMap((m) => {
      const held = this.#held.get(m.id);
      if (held === undefined) return [];
      return [
        {
          kind: m.kind,
          id: m.id,
          distanceM: Math.round(m.distanceM),
          notifier: held.notifier,
          addressees: held.addressees,
          delivered: held.delivered,
          ...(held.severity !== undefined ? { severity: held.severity } : {}),
        },
      ];
    });
  }
}

/** The severity a strike on the notice carries (its obligation's `strike_severity`). */
function severityOf(agreement: Agreement, n: Notice): { severity?: Severity } {
  const s = agreement.notification_obligations?.find((o) => o.id === n.obligationId)?.strike_severity;
  return s === undefined ? {} : { severity: s };
}

/** The record a conflict's log entries commit to. */
export function conflictRecord(c: StoredConflict): StoredConflict {
  return c;
}

/** A conflict shaped for a reader: another party's notice is not named to a notifier. */
export function conflictFor(principal: Principal, c: StoredConflict): ConflictView {
  if (principal.organisationKind === 'commission') return c;
  const { otherNoticeId: _o, ...rest } = c;
  return rest;
}
