import { gradeLabel, type Credibility, type Reliability } from '../monitoring/grading.js';
import { distanceM } from '../geo/geodesic.js';
import type { Corroboration, CorroborationLevel } from './incident.model.js';
import type { MemberReport } from './incident.repository.js';
import type { VerificationRules } from './verification.settings.js';

/**
 * How well the sources behind an incident corroborate it. Only independence groups count: two
 * reports from one outlet or one team are one source. A report graded credibility 1 ("confirmed by
 * other sources") counts as confirmation only when another independent group does confirm it.
 * Corroboration says whether the event happened; who did it is the attribution, kept apart.
 */
export function corroborationOf(reports: readonly MemberReport[]): Corroboration {
  const current = reports.filter((r) => r.supersededBy === null);
  const groups = new Map<string, MemberReport[]>();
  for (const r of current) {
    const group = groups.get(r.independenceGroup);
    if (group === undefined) groups.set(r.independenceGroup, [r]);
    else group.push(r);
  }
  const reasons: string[] = [];
  const n = groups.size;
  if (n === 0) return { level: 'none', independentGroups: 0, reports: 0, reasons: ['no current reports'] };
  const listed = [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, rs]) => `${g} (${rs.length})`)
    .join(', ');
  reasons.push(
    `${current.length} report${current.length === 1 ? '' : 's'} from ${n} independent source group${n === 1 ? '' : 's'}: ${listed}`,
  );
  const claimsConfirmed = current.filter((r) => r.credibility === 1);
  if (claimsConfirmed.length > 0 && n === 1)
    reasons.push(
      `credibility 1 (confirmed by other sources) is claimed by ${claimsConfirmed.length} report(s) but no independent group confirms it: counted as one source`,
    );
  const strong = [...groups.values()].filter((rs) =>
    rs.some((r) => (r.reliability === 'A' || r.reliability === 'B') && r.credibility <= 2),
  ).length;
  let level: CorroborationLevel = n === 1 ? 'single_source' : 'corroborated';
  if (n >= 3 && strong >= 2) level = 'well_corroborated';
  if (n >= 2)
    reasons.push(
      strong >= 2
        ? `${strong} groups include a source graded B2 or better`
        : `${strong} group${strong === 1 ? ' includes' : 's include'} a source graded B2 or better`,
    );
  const best = [...current].sort(
    (a, b) => a.reliability.localeCompare(b.reliability) || a.credibility - b.credibility,
  )[0];
  if (best !== undefined)
    reasons.push(
      `best grade ${gradeLabel(best.reliability as Reliability, best.credibility as Credibility)}`,
    );
  return { level, independentGroups: n, reports: current.length, reasons };
}

/** Where and when an incident happened, derived from its current reports. */
export interface IncidentExtent {
  lon: number;
  lat: number;
  radiusM: number;
  observedFrom: string;
  observedTo: string;
  zones: string[];
  side?: string;
  sector?: string;
  provisions: string[];
}

/**
 * The extent of a set of reports: the mean position (weighted by precision), a radius that covers
 * every report with its uncertainty, the union of windows and zones, the side most reports lie on,
 * the provisions the category and the classifications name.
 */
export function extentOf(
  reports: readonly MemberReport[],
  category: string,
  rules: VerificationRules,
): IncidentExtent {
  const current = reports.filter((r) => r.supersededBy === null);
  const use = current.length > 0 ? current : reports;
  let wSum = 0;
  let lon = 0;
  let lat = 0;
  for (const r of use) {
    const w = 1 / Math.max(r.uncertaintyM, 10) ** 2;
    wSum += w;
    lon += r.lon * w;
    lat += r.lat * w;
  }
  lon /= wSum || 1;
  lat /= wSum || 1;
  let radiusM = 0;
  for (const r of use) radiusM = Math.max(radiusM, distanceM(lon, lat, r.lon, r.lat) + r.uncertaintyM);
  const zones = [...new Set(use.flatMap((r) => r.zones))].sort();
  const sides = new Map<string, number>();
  for (const r of use) if (r.side !== null) sides.set(r.side, (sides.get(r.side) ?? 0) + 1);
  const side = [...sides].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
  const provisions = [
    ...new Set([...rules.provisionsOf(category), ...use.flatMap((r) => r.provisions)]),
  ].sort();
  const sector = rules.sectorAt(lon, lat);
  return {
    lon: Math.round(lon * 1e6) / 1e6,
    lat: Math.round(lat * 1e6) / 1e6,
    radiusM: Math.round(radiusM),
    observedFrom: use.map((r) => r.observedFrom).sort()[0] ?? '',
    observedTo:
      use
        .map((r) => r.observedTo)
        .sort()
        .at(-1) ?? '',
    zones,
    ...(side !== undefined ? { side } : {}),
    ...(sector !== undefined ? { sector } : {}),
    provisions,
  };
}
