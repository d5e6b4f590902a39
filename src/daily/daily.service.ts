import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Principal } from '../access/policy.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import { invalid, isNotFound } from '../core/errors.js';
import type { Language } from '../core/language.js';
import { NO_PLACE_NAMES, type PlaceNames } from '../monitoring/place-names.js';
import type { Database } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import { gazetteerFor, type Gazetteer } from '../monitoring/gazetteer.js';
import { reportFor, type ReportReader, type ReportView } from '../monitoring/report.view.js';
import type { FindingView } from '../verification/finding.service.js';
import type { Incident } from '../verification/incident.model.js';
import { asReadBy } from '../verification/redaction.js';
import { verificationRules } from '../verification/verification.settings.js';
import {
  countRows,
  dayMap,
  dayOf,
  isObstruction,
  NO_SECTOR,
  obstructionListing,
  shiftDay,
  taxonomyOf,
  UNCATEGORISED,
  weaponsViolation,
  type Taxonomy,
} from './daily.build.js';
import {
  EDITION_PUBLISHED,
  EDITION_RECORD_KIND,
  MEDIA_TYPES,
  editionRecord,
  type DailyFormat,
  type DailyReport,
  type Edition,
  type ListedReport,
  type MapPoint,
  type NotableIncident,
} from './daily.model.js';
import { renderHtml } from './daily.html.js';
import { renderPdf } from './daily.pdf.js';
import { withPlaceNames } from './daily.places.js';
import { dailyText } from './daily.text.js';
import { findEditions, insertEdition, reportsStartingBetween, setEditionLogSeq } from './daily.repository.js';

/** What the daily report reads and writes, injected. */
export interface DailyDeps {
  db: Kysely<Database>;
  ledger: LedgerWriter & { indexOfQueued(seq: number): Promise<number | null> };
  now: () => Date;
  agreements: {
    /** The newest version the principal may read (not found: none). */
    get(principal: Principal): Promise<{ info: { id: string }; agreement: Agreement }>;
    versionById(id: string): Promise<{ agreement: Agreement } | undefined>;
  };
  /** How a principal reads reports (`reportFor` shapes each one with it). */
  reports: { readerOf(principal: Principal): Promise<ReportReader> };
  incidents: {
    list(
      principal: Principal,
      filter: { status: ['verified']; from: string; to: string; limit: number },
    ): Promise<{ incidents: Incident[] }>;
  };
  findings: {
    list(
      principal: Principal,
      filter: { state: 'adopted'; limit: number },
    ): Promise<{ findings: FindingView[] }>;
  };
  /** Places' names in the editions' languages (the GeoNames name where there is none). */
  placeNames: PlaceNames;
}

/** A rendered edition: its bytes, media type and the edition as recorded. */
export interface RenderedEdition {
  bytes: Buffer;
  mediaType: string;
  edition: Edition;
  /** False when the same bytes had been recorded before (nothing new was logged). */
  logged: boolean;
}

/** Where a checked file stands: its hash and, when recorded, the edition and its log entry. */
export interface EditionCheck {
  sha256: string;
  edition?: Edition & { logIndex: number | null };
}

/** The box shown when the day has no point to show (the agreement's region, else Ukraine's). */
const DEFAULT_BOX: [number, number, number, number] = [22, 44, 41, 53];
const MAX_INCIDENTS = 50;
const MAX_LISTED = 50;

/** Checks a `YYYY-MM-DD` date: a real UTC day, not after today. */
export function checkReportDate(date: string, now: Date): string {
  const ok =
    /^\d{4}-\d{2}-\d{2}$/.test(date) &&
    !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) &&
    dayOf(`${date}T00:00:00Z`) === date;
  if (!ok) throw invalid(`date ${date}: not a day`, [{ path: 'date', reason: 'must be a date YYYY-MM-DD' }]);
  if (date > now.toISOString().slice(0, 10))
    throw invalid(`date ${date}: in the future`, [{ path: 'date', reason: 'must not be after today (UTC)' }]);
  return date;
}

/** Whether the principal reads the public edition (nobody signed in, no organisation's view). */
export function isPublicReader(principal: Principal): boolean {
  return principal.userId === null && principal.organisationId === null;
}

/**
 * The daily report: what one reader may see of a UTC day, modelled on the OSCE SMM's daily reports,
 * rendered as JSON, HTML or PDF; each rendered edition is recorded once by its SHA-256 and logged.
 */
export class DailyReportService {
  constructor(private readonly deps: DailyDeps) {}

  now(): Date {
    return this.deps.now();
  }

  /** The report of `date` for the principal (visibility through `reportFor` and the SQL filter). */
  async build(principal: Principal, date: string): Promise<DailyReport> {
    checkReportDate(date, this.deps.now());
    const from = `${shiftDay(date, -7)}T00:00:00.000Z`;
    const end = `${shiftDay(date, 1)}T00:00:00.000Z`;
    const dayStart = `${date}T00:00:00.000Z`;
    const reader = await this.deps.reports.readerOf(principal);
    const visible = (await reportsStartingBetween(this.deps.db, principal, from, end)).map((r) =>
      reportFor(r, reader),
    );
    const all = await reportsStartingBetween(this.deps.db, undefined, dayStart, end);
    const readable = await this.#agreementOf(principal);
    const rules =
      readable !== undefined
        ? verificationRules(readable.info.id, readable.agreement)
        : { sectorAt: () => undefined, sectors: [] };
    const tax = taxonomyOf(readable?.agreement, rules);
    const gazetteer = await gazetteerFor(undefined);

    const keyed = visible.map((v) => ({ view: v, day: dayOf(v.observed.from) }));
    const today = keyed.filter((k) => k.day === date).map((k) => k.view);
    const yesterday = shiftDay(date, -1);
    const categoryOf = (v: ReportView) => v.category ?? UNCATEGORISED;
    const sectorOf = (v: ReportView) =>
      readable === undefined ? NO_SECTOR : (tax.sectorAt(v.location.lon, v.location.lat) ?? NO_SECTOR);
    const previous = keyed.filter((k) => k.day !== date);
    const fom = keyed.filter((k) => isObstruction(k.view, tax));
    const weapons = keyed
      .map((k) => ({ day: k.day, listed: weaponsViolation(k.view, tax) }))
      .filter((k): k is { day: string; listed: ListedReport } => k.listed !== undefined);
    const { basis, incidents } = await this.#incidents(
      principal,
      date,
      tax,
      gazetteer,
      reader.agreementVersions,
    );
    const points: MapPoint[] = [
      ...today.map((v) => ({
        lon: v.location.lon,
        lat: v.location.lat,
        kind: 'report' as const,
        category: categoryOf(v),
      })),
      ...incidents.map((i) => ({ lon: i.lon, lat: i.lat, kind: 'incident' as const, category: i.category })),
    ];
    const region = readable?.agreement.region?.bbox as [number, number, number, number] | undefined;
    return {
      date,
      edition: isPublicReader(principal) ? 'public' : 'restricted',
      audience: isPublicReader(principal) ? 'public' : (principal.organisationId ?? 'public'),
      agreementVersionId: readable?.info.id ?? null,
      totals: {
        day: today.length,
        previousDay: previous.filter((k) => k.day === yesterday).length,
        previousWeek: previous.length,
        previousWeekMean: Math.round((previous.length / 7) * 10) / 10,
      },
      byCategory: countRows(
        date,
        keyed.map((k) => ({ day: k.day, key: categoryOf(k.view) })),
        (id) => tax.categoryName(id),
        (readable?.agreement.report_taxonomy ?? []).map((c) => c.id),
      ),
      bySector: countRows(
        date,
        keyed.map((k) => ({ day: k.day, key: sectorOf(k.view) })),
        (id) => tax.sectorName(id),
        tax.sectors.map((s) => s.id),
      ),
      incidentBasis: basis,
      incidents,
      freedomOfMovement: {
        basis:
          "The agreement's report taxonomy has no type of its own for restrictions of the monitors' freedom of movement: reports in its obstruction categories are counted.",
        categories: tax.categoriesOf('obstruction'),
        count: fom.filter((k) => k.day === date).length,
        previousDay: fom.filter((k) => k.day === yesterday).length,
        reports: fom
          .filter((k) => k.day === date)
          .slice(0, MAX_LISTED)
          .map((k) => obstructionListing(k.view, tax)),
      },
      weaponsInZones: {
        basis:
          'Reports of weapons or equipment that their classification placed inside a zone whose restrictions they break (withdrawal bands, security zones).',
        count: weapons.filter((k) => k.day === date).length,
        previousDay: weapons.filter((k) => k.day === yesterday).length,
        reports: weapons
          .filter((k) => k.day === date)
          .slice(0, MAX_LISTED)
          .map((k) => k.listed),
      },
      map: dayMap(points, region ?? DEFAULT_BOX, (box) =>
        gazetteer
          .within(box)
          .slice(0, 8)
          .map((p) => ({ geonameId: p.geonameId, name: p.name, lon: p.lon, lat: p.lat })),
      ),
      omitted: { reports: Math.max(0, all.length - today.length) },
    };
  }

  async #agreementOf(principal: Principal) {
    try {
      return await this.deps.agreements.get(principal);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /**
   * The day's verified incidents for readers of the incident queue; adopted findings of verified
   * incidents (as far as the reader may see them: the public, those published to it) for others.
   */
  async #incidents(
    principal: Principal,
    date: string,
    tax: Taxonomy,
    gazetteer: Gazetteer,
    readable: ReadonlySet<string>,
  ): Promise<{ basis: 'incidents' | 'findings'; incidents: NotableIncident[] }> {
    const place = (lon: number, lat: number): Pick<NotableIncident, 'place' | 'nearest'> => {
      const near = gazetteer.nearest(lon, lat);
      if (near === undefined) return { place: `${lat.toFixed(3)}, ${lon.toFixed(3)}` };
      return {
        place: near.text,
        nearest: {
          geonameId: near.geonameId,
          name: near.name,
          distanceKm: near.distanceKm,
          bearingDeg: near.bearingDeg,
        },
      };
    };
    const from = `${date}T00:00:00.000Z`;
    const to = `${shiftDay(date, 1)}T00:00:00.000Z`;
    const inDay = (t: string) => dayOf(t) === date;
    if (principal.permissions.has('incidents:read')) {
      const { incidents } = await this.deps.incidents.list(principal, {
        status: ['verified'],
        from,
        to,
        limit: 10_000,
      });
      return {
        basis: 'incidents',
        incidents: incidents
          // An incident judged by a version the reader may not read names no category (`asReadBy`).
          .map((i) => asReadBy(i, readable.has(i.agreementVersionId)))
          .filter((i) => inDay(i.observedFrom))
          .sort(bySeverityThenTime)
          .slice(0, MAX_INCIDENTS)
          .map((i) => ({
            id: i.id,
            kind: 'incident',
            category: i.category,
            categoryName: tax.categoryName(i.category),
            severity: i.severity,
            observedFrom: i.observedFrom,
            lon: i.lon,
            lat: i.lat,
            ...place(i.lon, i.lat),
            ...(i.attribution?.party !== undefined ? { attributedTo: i.attribution.party } : {}),
            note: `${i.corroboration.level.replace(/_/g, ' ')}; ${i.reportIds.length} ${i.reportIds.length === 1 ? 'report' : 'reports'}`,
            corroboration: i.corroboration.level,
            reportCount: i.reportIds.length,
          })),
      };
    }
    if (!principal.permissions.has('findings:read')) return { basis: 'findings', incidents: [] };
    const { findings } = await this.deps.findings.list(principal, { state: 'adopted', limit: 10_000 });
    return {
      basis: 'findings',
      incidents: findings
        .filter((f) => f.outcome === 'verified' && inDay(f.observedFrom))
        .sort(bySeverityThenTime)
        .slice(0, MAX_INCIDENTS)
        .map((f) => ({
          id: f.id,
          kind: 'finding',
          category: f.category,
          categoryName: tax.categoryName(f.category),
          severity: f.severity,
          observedFrom: f.observedFrom,
          lon: f.lon,
          lat: f.lat,
          ...place(f.lon, f.lat),
          ...(f.attribution?.party !== undefined ? { attributedTo: f.attribution.party } : {}),
          note: f.summary,
        })),
    };
  }

  /**
   * Renders the principal's edition of `date` and records it: stored by its SHA-256 and logged as
   * `daily-report.published` in the same transaction, unless the same bytes were recorded before or
   * the day has nothing on record. HTML and PDF are written in `lang`; JSON is data, the same in
   * every language (its edition records no language).
   */
  async render(
    principal: Principal,
    date: string,
    format: DailyFormat,
    lang: Language = 'en',
  ): Promise<RenderedEdition> {
    const report = await this.build(principal, date);
    const bytes = await renderAs(report, format, lang, this.deps.placeNames);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const publicEdition = report.edition === 'public';
    const edition: Edition = {
      sha256,
      date,
      format,
      edition: report.edition,
      audience: report.audience,
      lang: format === 'json' ? null : lang,
      byteLength: bytes.length,
      generatedAt: this.deps.now().toISOString(),
      logSeq: null,
      marking: publicEdition ? 'CLEAR' : 'AMBER',
      ownerOrganisationId: principal.organisationId ?? 'public',
      authorUserId: publicEdition ? null : principal.userId,
    };
    // A day with nothing on record (no report of any marking, no incident) is rendered but not
    // recorded: otherwise anyone, signed in or not, could add an entry to the log for every past day.
    const empty = report.totals.day + report.omitted.reports + report.incidents.length === 0;
    if (empty) return { bytes, mediaType: MEDIA_TYPES[format], edition, logged: false };
    const logged = await this.deps.db.transaction().execute(async (tx) => {
      if (!(await insertEdition(tx, edition))) return false;
      const seq = await this.deps.ledger.record(tx, {
        kind: EDITION_PUBLISHED,
        recordKind: EDITION_RECORD_KIND,
        recordId: sha256,
        marking: edition.marking,
        record: editionRecord(edition),
      });
      await setEditionLogSeq(tx, sha256, seq);
      return true;
    });
    const stored = (await findEditions(this.deps.db, [sha256]))[0] ?? edition;
    return { bytes, mediaType: MEDIA_TYPES[format], edition: stored, logged };
  }

  /** Checks a document against the record: its SHA-256, and the edition logged with it if any. */
  async verify(bytes: Uint8Array): Promise<EditionCheck> {
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const found = (await findEditions(this.deps.db, [sha256]))[0];
    if (found === undefined) return { sha256 };
    const logIndex = found.logSeq === null ? null : await this.deps.ledger.indexOfQueued(found.logSeq);
    return { sha256, edition: { ...found, logIndex } };
  }
}

const SEVERITY_RANK: Record<string, number> = { grave: 0, serious: 1, minor: 2 };

function bySeverityThenTime(
  a: { severity: string; observedFrom: string; id: string },
  b: { severity: string; observedFrom: string; id: string },
): number {
  return (
    (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3) ||
    (a.observedFrom < b.observedFrom ? -1 : a.observedFrom > b.observedFrom ? 1 : 0) ||
    (a.id < b.id ? -1 : 1)
  );
}

/**
 * The bytes of a report in one format (same report, language and names: same bytes). JSON is the
 * data as built; HTML and PDF are written in `lang`, their places named by `names`.
 */
export async function renderAs(
  report: DailyReport,
  format: DailyFormat,
  lang: Language = 'en',
  names: PlaceNames = NO_PLACE_NAMES,
): Promise<Buffer> {
  const text = dailyText(lang);
  switch (format) {
    case 'json':
      return Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8');
    case 'html':
      return Buffer.from(renderHtml(withPlaceNames(report, text, names), text), 'utf8');
    case 'pdf':
      return renderPdf(withPlaceNames(report, text, names), text);
  }
}
