import type { Agreement } from '../agreement/agreement.schema.js';
import type { VerificationBody } from '../agreement/agreement.schema.actors.js';
import type { Severity } from '../agreement/agreement.schema.rules.js';
import { parseDuration } from '../agreement/agreement.time.js';
import { PreparedPolygon } from '../geo/pip.js';

/** Defaults for an agreement that says nothing (docs/verification.md). */
export const DEFAULT_CORRELATION = { distanceM: 2_000, windowMs: 6 * 3_600_000 } as const;
export const DEFAULT_DEADLINE_MS = 48 * 3_600_000;
export const SEVERITY_ORDER: readonly Severity[] = ['minor', 'serious', 'grave'];

/** The space-time threshold two reports of one category must meet to be grouped. */
export interface Proximity {
  distanceM: number;
  windowMs: number;
}

/** A voting seat holder of the verification body. */
export interface BodySeat {
  actor: string;
  seats: number;
  role: 'chair' | 'member' | 'observer';
}

/** The verification rules of one agreement version, with every default filled in. */
export interface VerificationRules {
  agreementVersionId: string;
  /** The body deciding findings; undefined when the agreement has none with a mandate to verify. */
  body: VerificationBody | undefined;
  seats: BodySeat[];
  /** The organisations that receive published findings (the body's reports_to, else every party). */
  publishTo: string[];
  parties: string[];
  proximityOf(category: string): Proximity;
  deadlineMs: number;
  separateReporter: boolean;
  /** From this severity up, two analysts of different organisations conclude; undefined: never. */
  twoOrganisationsFrom: Severity | undefined;
  severityOf(category: string): Severity;
  provisionsOf(category: string): string[];
  /** Every provision of the agreement: what an assessment may name. */
  provisionIds: string[];
  sectorAt(lon: number, lat: number): string | undefined;
  sectors: { id: string; name: string }[];
}

/** Whether `severity` is at or above `threshold`. */
export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_ORDER.indexOf(severity) >= SEVERITY_ORDER.indexOf(threshold);
}

/** Reads the verification rules from a loaded agreement, filling defaults. */
export function verificationRules(agreementVersionId: string, agreement: Agreement): VerificationRules {
  const spec = agreement.verification;
  const body =
    agreement.verification_bodies.find((b) => b.id === spec?.body) ??
    agreement.verification_bodies.find((b) => b.mandate.verify);
  const byCategory = new Map<string, Proximity>();
  const defaults: Proximity =
    spec?.correlation !== undefined
      ? {
          distanceM: spec.correlation.distance_km * 1000,
          windowMs: parseDuration(spec.correlation.window) ?? DEFAULT_CORRELATION.windowMs,
        }
      : { ...DEFAULT_CORRELATION };
  for (const c of spec?.correlation?.categories ?? []) {
    byCategory.set(c.category, {
      distanceM: c.distance_km * 1000,
      windowMs: parseDuration(c.window) ?? defaults.windowMs,
    });
  }
  const categories = new Map(agreement.report_taxonomy.map((c) => [c.id, c]));
  const sectors = (spec?.sectors ?? []).map((s) => ({
    id: s.id,
    name: s.name,
    polygon: new PreparedPolygon([s.polygon.coordinates as [number, number][][]]),
  }));
  const parties = agreement.parties.map((p) => p.id);
  const deadline = spec?.deadline ?? body?.on_request_within ?? undefined;
  return {
    agreementVersionId,
    body,
    seats: (body?.composition ?? []).map((m) => ({
      actor: m.actor,
      seats: m.seats,
      role: m.role ?? 'member',
    })),
    publishTo: body?.reports_to ?? parties,
    parties,
    proximityOf: (category) => byCategory.get(category) ?? defaults,
    deadlineMs: (deadline !== undefined ? parseDuration(deadline) : undefined) ?? DEFAULT_DEADLINE_MS,
    separateReporter: spec?.four_eyes?.separate_reporter ?? true,
    twoOrganisationsFrom: spec?.four_eyes === undefined ? 'serious' : spec.four_eyes.two_organisations_from,
    severityOf: (category) => categories.get(category)?.severity ?? 'minor',
    provisionsOf: (category) => categories.get(category)?.provisions ?? [],
    provisionIds: agreement.provisions.map((p) => p.id),
    sectorAt: (lon, lat) => sectors.find((s) => s.polygon.contains(lon, lat))?.id,
    sectors: sectors.map(({ id, name }) => ({ id, name })),
  };
}
