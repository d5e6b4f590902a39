/**
 * Minimal disclosure: what each addressee of a notice receives. The obligation's `required_fields`
 * (plus what the notifier chose to disclose on request) and nothing more; the location exactly, or
 * as an area of the obligation's radius that contains the site without being centred on it.
 */
import crypto from 'node:crypto';
import type { Agreement, NotificationObligation } from '../agreement/agreement.schema.js';
import { actsFor, type ActingOrganisation } from '../agreement/acting.js';
import { direct } from '../geo/geodesic.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import type { Notice, NoticeDetails, NoticeGeometry, NoticeView } from './notice.model.js';
import { STRUCTURAL_FIELDS } from './notice.input.js';

/** How an addressee receives the location under an obligation. */
export function releaseFor(
  agreement: Agreement,
  obligation: NotificationObligation,
  addressee: ActingOrganisation,
): { location: 'exact' } | { location: 'area'; radiusM: number } {
  for (const r of obligation.addressee_release ?? [])
    if (r.to.some((actor) => actsFor(agreement, addressee, actor)) && r.location === 'area')
      return { location: 'area', radiusM: r.area_radius_m ?? 1000 };
  return { location: 'exact' };
}

/**
 * A circle of `radiusM` that contains the point, its centre moved a random distance (up to half the
 * radius) in a random direction, so that the centre does not give the site away.
 */
export function areaAround(lon: number, lat: number, radiusM: number, random = Math.random): NoticeGeometry {
  const offset = direct(lat, lon, random() * 360, (random() * radiusM) / 2);
  const ring: [number, number][] = [];
  for (let i = 0; i < 32; i += 1) {
    const p = direct(offset.lat2, offset.lon2, (i * 360) / 32, radiusM);
    ring.push([round(p.lon2), round(p.lat2)]);
  }
  ring.push(ring[0] as [number, number]);
  return { type: 'Polygon', coordinates: [ring] };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The details an addressee receives: the required fields, and those disclosed to it on request. */
export function releasedDetails(
  details: NoticeDetails,
  obligation: NotificationObligation,
  disclosed: readonly string[] = [],
): NoticeDetails {
  const allowed = new Set([...(obligation.required_fields ?? []), ...disclosed]);
  const out: NoticeDetails = {};
  for (const [k, v] of Object.entries(details)) if (allowed.has(k)) out[k] = v;
  return out;
}

/** The view one addressee receives of a notice. */
export function viewFor(
  notice: Notice,
  agreement: Agreement,
  obligation: NotificationObligation,
  addressee: ActingOrganisation,
  disclosed: readonly string[] = [],
  random = Math.random,
): NoticeView {
  const release = releaseFor(agreement, obligation, addressee);
  const g = notice.geometry;
  const area = release.location === 'area' && g.type === 'Point';
  const geometry =
    release.location === 'area' && g.type === 'Point'
      ? areaAround(g.coordinates[0], g.coordinates[1], release.radiusM, random)
      : g;
  return {
    noticeId: notice.id,
    seriesId: notice.seriesId,
    version: notice.version,
    ...(notice.replaces !== undefined ? { replaces: notice.replaces } : {}),
    obligationId: notice.obligationId,
    obligationKind: obligation.kind,
    kind: notice.kind,
    subject: notice.subject,
    notifier: notice.notifier,
    emergency: notice.emergency,
    late: notice.late,
    submittedAt: notice.submittedAt,
    startsAt: notice.startsAt,
    endsAt: notice.endsAt,
    location: area ? 'area' : 'exact',
    geometry,
    // An area hides the precision with the point; a corridor is part of the route.
    ...(notice.precisionM !== undefined && !area ? { precisionM: notice.precisionM } : {}),
    ...(notice.corridorM !== undefined ? { corridorM: notice.corridorM } : {}),
    ...(notice.altitude !== undefined ? { altitude: notice.altitude } : {}),
    windows: notice.windows,
    details: releasedDetails(notice.details, obligation, disclosed),
  };
}

/** SHA-256 (hex) of a view's canonical JSON: what the log commits to for each addressee. */
export function viewHash(view: NoticeView): string {
  return crypto.createHash('sha256').update(canonicalBytes(view)).digest('hex');
}

/** The fields a request may ask for that the obligation does not require (flagged to the commission). */
export function beyondAgreement(obligation: NotificationObligation, fields: readonly string[]): string[] {
  const required = new Set([...(obligation.required_fields ?? []), ...STRUCTURAL_FIELDS]);
  return fields.filter((f) => !required.has(f));
}
