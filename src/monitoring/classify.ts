import { deriveAgreement, type DerivedAgreement, type DerivedZone } from '../agreement/agreement.derive.js';
import type {
  Agreement,
  EquipmentCategory,
  ReportCategory,
  Restriction,
} from '../agreement/agreement.schema.js';
import { instantOf, localParts } from '../agreement/agreement.time.js';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import type { Gazetteer } from './gazetteer.js';
import type {
  Classification,
  Counts,
  Equipment,
  LineSummary,
  NotifiedMatch,
  PossibleViolation,
  ZoneHitSummary,
} from './report.model.js';

/** What the classifier needs from the agreement domain (AgreementService satisfies it). */
export interface AgreementSource {
  versionInForceAt(at: Date): Promise<
    | {
        info: { id: string; entryIntoForce: string | null; marking: Marking };
        agreement: Agreement;
        /** Derived zones and index, when the source has them already. */
        derived?: DerivedAgreement;
        /** True when no version was in force then and this one is not yet in force. */
        provisional?: boolean;
      }
    | undefined
  >;
  /**
   * The versions a principal may read (marking, owner): a report's classification against any other
   * version is redacted for that principal (`reportFor`).
   */
  listVersions(principal: Principal): Promise<readonly { id: string }[]>;
  /**
   * A value that changes whenever an answer of `versionInForceAt` may (it reads the versions that may
   * judge, and nothing else): the timeline re-reads itself only then. Optional: without it the
   * timeline is re-read on every refresh.
   */
  judgingState?(): Promise<string>;
}

/**
 * Extension point for deconfliction (a later issue): notified sites, movements and flights a report
 * touches. Until that domain lands, NO_DECONFLICTION answers that nothing is touched.
 */
export interface DeconflictionLookup {
  notifiedNear(q: { lon: number; lat: number; radiusM: number; from: string; to: string }): NotifiedMatch[];
}
export const NO_DECONFLICTION: DeconflictionLookup = { notifiedNear: () => [] };

/** Activities a report category group can amount to, as restrictions name them. */
const ACTIVITIES_BY_GROUP: Record<string, readonly string[]> = {
  ceasefire_violation: ['fire', 'offensive_operations'],
  weapons_in_zone: ['deployment', 'entry'],
  force_movement: ['deployment', 'entry', 'offensive_operations', 'exercise'],
  mines: ['new_minefields'],
  airspace: ['flight', 'reconnaissance_forward'],
};

/** One agreement version prepared for classifying many reports. */
export class VersionContext {
  readonly derived: DerivedAgreement;
  readonly categories: ReadonlyMap<string, ReportCategory>;
  readonly #zones: ReadonlyMap<string, DerivedZone>;
  readonly #restrictions: {
    r: Restriction;
    from: number | 'pending' | undefined;
    waivers: { id: string; scope: string; from?: number; until?: number }[];
  }[];
  readonly #provisionTitles: ReadonlyMap<string, string>;
  readonly #lineNames: ReadonlyMap<string, string>;
  readonly #contactLines: ReadonlySet<string>;
  readonly #offsets = new Map<number, number>();
  readonly #zoneIndexById: ReadonlyMap<string, number>;

  constructor(
    readonly versionId: string,
    readonly agreement: Agreement,
    /** Entry into force (ms); undefined while it hangs on an undated anchor. */
    readonly entryIntoForce: number | undefined,
    /** The version was not in force at the time asked (no version was): results are provisional. */
    readonly provisional: boolean,
    readonly gazetteer: Gazetteer,
    private readonly deconfliction: DeconflictionLookup = NO_DECONFLICTION,
    derived?: DerivedAgreement,
  ) {
    this.derived = derived ?? deriveAgreement(agreement, { display: false });
    this.categories = new Map(agreement.report_taxonomy.map((c) => [c.id, c]));
    this.#zones = new Map(this.derived.zones.map((z) => [z.id, z]));
    this.#zoneIndexById = new Map(this.derived.zones.map((z, i) => [z.id, i]));
    this.#provisionTitles = new Map(agreement.provisions.map((p) => [p.id, p.title]));
    this.#lineNames = new Map(agreement.reference_geometries.map((g) => [g.id, g.name]));
    this.#contactLines = new Set(
      agreement.reference_geometries
        .filter((g) => g.kind === 'contact_line' || g.kind === 'demarcation_line')
        .map((g) => g.id),
    );
    const time = this.derived.time;
    this.#restrictions = agreement.restrictions.map((r) => ({
      r,
      from: r.effective_from === undefined ? undefined : (instantOf(r.effective_from, time) ?? 'pending'),
      waivers: (r.waivers ?? []).map((w) => ({
        id: w.id,
        scope: w.scope,
        from: instantOf(w.from, time),
        until: instantOf(w.until, time, 'end'),
      })),
    }));
  }

  /** Local weekday and minute of day in the agreement's time zone (UTC offset cached per quarter hour). */
  #localClock(ms: number): { weekday: string; minute: number } {
    const bucket = Math.floor(ms / 900_000);
    let offset = this.#offsets.get(bucket);
    if (offset === undefined) {
      const p = localParts(bucket * 900_000, this.derived.time.timeZone);
      offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - bucket * 900_000;
      if (this.#offsets.size > 100_000) this.#offsets.clear();
      this.#offsets.set(bucket, offset);
    }
    const local = ms + offset;
    const days = Math.floor(local / 86_400_000);
    // 1970-01-01 was a Thursday.
    return {
      weekday: WEEK[(days + 3) % 7] ?? 'mon',
      minute: Math.floor((local - days * 86_400_000) / 60_000),
    };
  }

  /** Whether a zone applies at an instant: its start, end and weekly schedule. */
  #isActive(zoneIndex: number, ms: number): boolean {
    const zone = this.derived.zones[zoneIndex];
    if (zone === undefined) return false;
    const a = zone.activity;
    if (a.from === 'pending' || (a.from !== undefined && ms < a.from)) return false;
    if (a.until !== undefined && ms > a.until) return false;
    if (a.schedule.length === 0) return true;
    const { weekday, minute: m } = this.#localClock(ms);
    return a.schedule.some((s) =>
      s.fromMinute < s.toMinute
        ? s.days.includes(weekday) && m >= s.fromMinute && m < s.toMinute
        : (s.days.includes(weekday) && m >= s.fromMinute) ||
          (s.days.includes(previousDay(weekday)) && m < s.toMinute),
    );
  }

  /** Ids of zones and bands whose geometry contains the point, ignoring time (for engine comparisons). */
  zonesAt(lon: number, lat: number): string[] {
    return this.derived.index.classifyPoint(lon, lat).zones;
  }

  /** Everything Truceline derives for one report on intake. */
  classify(q: {
    lon: number;
    lat: number;
    uncertaintyM: number;
    at: number;
    from: string;
    to: string;
    category: string;
    equipment?: Equipment;
    counts?: Counts;
  }): Classification {
    const point = this.derived.index.classifyPoint(q.lon, q.lat);
    const hitIds = point.zones.filter((id) => this.#isActive(this.#zoneIndexById.get(id) ?? -1, q.at));
    const zones: ZoneHitSummary[] = hitIds.map((id) => {
      const z = this.#zones.get(id);
      return {
        id,
        name: z?.name ?? id,
        kind: z?.kind ?? 'zone',
        ...(z?.parentId !== undefined ? { band: id, id: z.parentId } : {}),
      };
    });
    const lines: LineSummary[] = point.lines.map((m) => ({
      id: m.lineId,
      name: this.#lineNames.get(m.lineId) ?? m.lineId,
      distanceKm: Math.round(m.distanceKm * 1000) / 1000,
      side: m.side,
      ...(m.party !== undefined ? { party: m.party } : {}),
    }));
    const contact = point.lines
      .filter((m) => this.#contactLines.has(m.lineId))
      .sort((a, b) => a.distanceKm - b.distanceKm)[0];
    const nearestPlace = this.gazetteer.nearest(q.lon, q.lat);
    const possibleViolations = this.#possibleViolations(new Set(hitIds), q, contact?.party);
    return {
      agreementVersionId: this.versionId,
      evaluatedAt: new Date(q.at).toISOString(),
      zones,
      lines,
      ...(contact?.party !== undefined ? { side: contact.party } : {}),
      ...(contact !== undefined ? { lineDistanceKm: Math.round(contact.distanceKm * 1000) / 1000 } : {}),
      ...(nearestPlace !== undefined ? { nearestPlace } : {}),
      possibleViolations,
      notified: this.deconfliction.notifiedNear({
        lon: q.lon,
        lat: q.lat,
        radiusM: q.uncertaintyM,
        from: q.from,
        to: q.to,
      }),
    };
  }

  #possibleViolations(
    hits: ReadonlySet<string>,
    q: { at: number; category: string; equipment?: Equipment; counts?: Counts },
    sideParty: string | undefined,
  ): PossibleViolation[] {
    const out: PossibleViolation[] = [];
    const category = this.categories.get(q.category);
    const activities = ACTIVITIES_BY_GROUP[category?.group ?? ''] ?? [];
    const side = sideParty !== undefined ? ` on the ${sideParty} side` : '';
    for (const { r, from, waivers } of this.#restrictions) {
      if (!hits.has(r.zone)) continue;
      if (from === 'pending' || (from !== undefined && q.at < from)) continue;
      const byEquipment = r.category !== undefined && q.equipment?.category === r.category;
      const byActivity = r.activity !== undefined && activities.includes(r.activity);
      if (!byEquipment && !byActivity) continue;
      const zoneName = this.#zones.get(r.zone)?.name ?? r.zone;
      const what = byEquipment
        ? (this.agreement.equipment_categories?.find((c) => c.id === r.category)?.name ?? r.category ?? '')
        : `${category?.name ?? q.category} (${r.activity ?? ''})`;
      let reason: string;
      switch (r.rule) {
        case 'prohibited':
          reason = `${what} is prohibited in ${zoneName}${side}`;
          break;
        case 'max_count': {
          const n = q.counts?.items;
          if (n === undefined || r.max === undefined || n <= r.max) continue;
          reason = `${n} × ${what} in ${zoneName}${side}; at most ${r.max} allowed`;
          break;
        }
        case 'max_personnel': {
          const n = q.counts?.personnel;
          if (n === undefined || r.max === undefined || n <= r.max) continue;
          reason = `${n} personnel in ${zoneName}${side}; at most ${r.max} allowed`;
          break;
        }
        case 'authorisation_required':
          reason = `${what} in ${zoneName}${side} needs authorisation${r.authorised_by ? ` by ${r.authorised_by}` : ''}`;
          break;
      }
      const waiver = waivers.find(
        (w) => (w.from === undefined || q.at >= w.from) && (w.until === undefined || q.at <= w.until),
      );
      if (waiver !== undefined) reason += `, unless covered by waiver ${waiver.id} (${waiver.scope})`;
      out.push({
        restriction: r.id,
        zone: r.zone,
        rule: r.rule,
        reason,
        ...(r.provision !== undefined ? { provision: r.provision } : {}),
      });
    }
    const cited = new Set(out.map((v) => v.provision));
    for (const p of category?.provisions ?? []) {
      if (cited.has(p)) continue;
      out.push({
        provision: p,
        rule: 'category',
        reason: `${category?.name ?? q.category} falls under ${p} (${this.#provisionTitles.get(p) ?? p})`,
      });
    }
    return out;
  }

  /**
   * The agreement's category for a report: given, or mapped from ACLED or SMM codes. With `hints`
   * (only for a submitter who may read this version), an unknown id suggests a near one.
   */
  resolveCategory(
    input: {
      category?: string;
      acled?: { eventType: string; subEventType?: string };
      smm?: string;
    },
    { hints }: { hints: boolean } = { hints: true },
  ): ReportCategory | string {
    if (input.category !== undefined) {
      const c = this.categories.get(input.category);
      if (c !== undefined) return c;
      const hint = hints ? suggestion(input.category, this.categories.keys()) : '';
      return `unknown category "${input.category}" in ${this.versionId}${hint}`;
    }
    if (input.acled !== undefined) {
      const { eventType, subEventType } = input.acled;
      const taxonomy = this.agreement.report_taxonomy;
      const exact = taxonomy.find((c) =>
        c.acled?.some((m) => m.event_type === eventType && m.sub_event_type === subEventType),
      );
      const byType = taxonomy.find((c) =>
        c.acled?.some((m) => m.event_type === eventType && m.sub_event_type === undefined),
      );
      const found = exact ?? byType;
      if (found !== undefined) return found;
      return `no category of ${this.versionId} covers ACLED "${eventType}${subEventType !== undefined ? `: ${subEventType}` : ''}"`;
    }
    if (input.smm !== undefined) {
      const found = this.agreement.report_taxonomy.find((c) =>
        (c.smm as readonly string[] | undefined)?.includes(input.smm ?? ''),
      );
      return found ?? `no category of ${this.versionId} covers the SMM category "${input.smm}"`;
    }
    return 'is required: give category, acled or smm';
  }

  /**
   * The agreement's equipment category: given, or matched from the system name or calibre. With
   * `hints` (only for a submitter who may read this version), an unknown id suggests a near one.
   */
  resolveEquipment(
    input: Equipment,
    { hints }: { hints: boolean } = { hints: true },
  ): { equipment: Equipment; problem?: string; warning?: string } {
    const cats = this.agreement.equipment_categories ?? [];
    if (input.category !== undefined) {
      if (cats.some((c) => c.id === input.category)) return { equipment: input };
      const hint = hints
        ? suggestion(
            input.category,
            cats.map((c) => c.id),
          )
        : '';
      return { equipment: input, problem: `unknown equipment category "${input.category}"${hint}` };
    }
    const bySystem =
      input.system === undefined ? [] : cats.filter((c) => matchesSystem(c, input.system ?? ''));
    const byCalibre =
      input.calibreMm === undefined
        ? []
        : cats.filter(
            (c) =>
              c.calibre_mm !== undefined &&
              (c.calibre_mm.min ?? 0) <= (input.calibreMm ?? 0) &&
              (input.calibreMm ?? 0) <= (c.calibre_mm.max ?? Infinity),
          );
    const matches = bySystem.length > 0 ? bySystem : byCalibre;
    if (matches.length === 1 && matches[0] !== undefined)
      return { equipment: { ...input, category: matches[0].id } };
    if (matches.length > 1)
      return {
        equipment: input,
        warning: `equipment matches ${matches.map((c) => c.id).join(' and ')}; give equipment.category`,
      };
    return { equipment: input };
  }
}

function matchesSystem(c: EquipmentCategory, system: string): boolean {
  const s = system.toLowerCase();
  return (c.systems ?? []).some((name) => s.includes(name.toLowerCase()) || name.toLowerCase().includes(s));
}

function suggestion(name: string, candidates: Iterable<string>): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= 3 ? ` (did you mean "${best}"?)` : '';
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

const WEEK = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
function previousDay(day: string): string {
  return WEEK[(WEEK.indexOf(day) + 6) % 7] ?? day;
}
