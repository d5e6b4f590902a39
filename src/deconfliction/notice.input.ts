/**
 * Checking a submitted notice against its obligation and turning it into a stored notice: geometry,
 * windows, lead time, validity, required fields and addressees. Every problem is collected and
 * reported at once, each with its field; nothing is written when there is one.
 */
import type { Agreement, NotificationObligation } from '../agreement/agreement.schema.js';
import { parseDuration } from '../agreement/agreement.time.js';
import { actsFor, type ActingOrganisation } from '../agreement/acting.js';
import { invalid, type FieldProblem } from '../core/errors.js';
import {
  STRUCTURAL_FIELDS,
  type NoticeDetails,
  type NoticeGeometry,
  type NoticeKind,
  type SiteFunction,
  type TimeWindow,
} from './notice.model.js';

/** A notice as submitted (API body, CLI file, one GeoJSON feature). */
export interface NoticeInput {
  obligation: string;
  subject: string;
  kind: NoticeKind;
  /** Submitted under the emergency lead time. */
  emergency?: boolean;
  /** Organisations to address; default: every organisation acting for the obligation's `to`. */
  addressees?: string[];
  site?: { lon: number; lat: number; precisionM: number; function: SiteFunction; name?: string };
  route?: { coordinates: [number, number][]; corridorM: number };
  departure?: TimeWindow;
  arrival?: TimeWindow;
  window?: TimeWindow;
  altitude?: { minM: number; maxM: number };
  validFrom?: string;
  validUntil?: string;
  details?: NoticeDetails;
}

/** What a valid input becomes (the service adds ids, state and marking). */
export interface PreparedNotice {
  obligation: NotificationObligation;
  kind: NoticeKind;
  subject: string;
  emergency: boolean;
  late: boolean;
  lateReason?: string;
  startsAt: string;
  endsAt: string;
  reconfirmDue?: string;
  geometry: NoticeGeometry;
  precisionM?: number;
  corridorM?: number;
  altitude?: { minM: number; maxM: number };
  windows: { departure?: TimeWindow; arrival?: TimeWindow; window?: TimeWindow };
  details: NoticeDetails;
  addressees: string[];
  via?: string;
}

/** The most vertices a route may have. */
export const MAX_ROUTE_POINTS = 5000;
const MAX_WIDTH_M = 50_000;

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 10) / 10} h`;

function instant(value: string | undefined, path: string, problems: FieldProblem[]): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(ms)) {
    problems.push({ path, reason: `'${value}' is not an RFC 3339 date-time (e.g. 2026-12-05T08:00:00Z)` });
    return undefined;
  }
  return ms;
}

function windowOf(
  w: TimeWindow | undefined,
  path: string,
  problems: FieldProblem[],
): { from: number; to: number } | undefined {
  if (w === undefined) return undefined;
  const from = instant(w.from, `${path}/from`, problems);
  const to = instant(w.to, `${path}/to`, problems);
  if (from === undefined || to === undefined) return undefined;
  if (to <= from) {
    problems.push({ path: `${path}/to`, reason: `the window ends (${w.to}) before it starts (${w.from})` });
    return undefined;
  }
  return { from, to };
}

function checkPosition(lon: number, lat: number, path: string, problems: FieldProblem[]): boolean {
  if (!Number.isFinite(lon) || lon < -180 || lon > 180) {
    problems.push({ path, reason: `longitude ${lon} is outside -180…180` });
    return false;
  }
  if (!Number.isFinite(lat) || lat < -90 || lat > 90) {
    problems.push({ path, reason: `latitude ${lat} is outside -90…90` });
    return false;
  }
  return true;
}

function checkRoute(route: NonNullable<NoticeInput['route']>, problems: FieldProblem[]): boolean {
  const coords = route.coordinates;
  if (coords.length < 2) {
    problems.push({ path: '/route/coordinates', reason: 'a route needs at least two points' });
    return false;
  }
  if (coords.length > MAX_ROUTE_POINTS) {
    problems.push({
      path: '/route/coordinates',
      reason: `a route has at most ${MAX_ROUTE_POINTS} points; this one has ${coords.length}`,
    });
    return false;
  }
  let ok = true;
  coords.forEach((c, i) => {
    if (!Array.isArray(c) || c.length < 2 || typeof c[0] !== 'number' || typeof c[1] !== 'number') {
      problems.push({ path: `/route/coordinates/${i}`, reason: 'a point is [longitude, latitude]' });
      ok = false;
      return;
    }
    if (!checkPosition(c[0], c[1], `/route/coordinates/${i}`, problems)) ok = false;
  });
  if (!ok) return false;
  for (let i = 1; i < coords.length; i += 1) {
    const a = coords[i - 1] as [number, number];
    const b = coords[i] as [number, number];
    if (Math.abs(b[0] - a[0]) > 180) {
      problems.push({
        path: `/route/coordinates/${i}`,
        reason: `the leg from point ${i - 1} to ${i} wraps the antimeridian; split the route at 180°`,
      });
      return false;
    }
  }
  if (!(route.corridorM > 0 && route.corridorM <= MAX_WIDTH_M))
    problems.push({ path: '/route/corridorM', reason: `the corridor width must be in 1…${MAX_WIDTH_M} m` });
  return true;
}

/** Whether a required field of the obligation is present in the input. */
function hasField(input: NoticeInput, field: string): boolean {
  switch (field) {
    // A route locates a movement; its corridor is its precision.
    case 'location':
      return input.site !== undefined || input.route !== undefined;
    case 'precision_m':
      return input.site?.precisionM !== undefined || input.route?.corridorM !== undefined;
    case 'route':
      return input.route !== undefined;
    case 'window':
      return input.window !== undefined || (input.departure !== undefined && input.arrival !== undefined);
    case 'altitude_band':
      return input.altitude !== undefined;
    case 'facility_type':
      return input.site?.function !== undefined || input.details?.facility_type !== undefined;
    default: {
      const v = input.details?.[field];
      return v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
    }
  }
}

// The fields every addressee receives whatever the obligation lists (declared in the pure model,
// where the dashboard's form reads them too).
export { STRUCTURAL_FIELDS } from './notice.model.js';

export interface PrepareContext {
  agreement: Agreement;
  notifier: ActingOrganisation;
  organisations: readonly ActingOrganisation[];
  now: number;
}

/**
 * Checks a notice against its obligation and the agreement. With `replacing`, the new version keeps
 * the series and its addressees default to the replaced one's.
 *
 * @throws AppError validation_failed listing every problem (path and reason)
 */
export function prepareNotice(input: NoticeInput, ctx: PrepareContext): PreparedNotice {
  const problems: FieldProblem[] = [];
  const obligations = ctx.agreement.notification_obligations ?? [];
  const obligation = obligations.find((o) => o.id === input.obligation);
  if (obligation === undefined) {
    throw invalid(`unknown notification obligation '${input.obligation}'`, [
      {
        path: '/obligation',
        reason: `not an obligation of the agreement in force; known: ${obligations.map((o) => o.id).join(', ') || 'none'}`,
      },
    ]);
  }
  if (!obligation.from.some((actor) => actsFor(ctx.agreement, ctx.notifier, actor)))
    problems.push({
      path: '/obligation',
      reason: `organisation ${ctx.notifier.id} does not notify under ${obligation.id} (from: ${obligation.from.join(', ')})`,
    });
  if (!obligation.subjects.includes(input.subject))
    problems.push({
      path: '/subject',
      reason: `'${input.subject}' is not a subject of ${obligation.id} (${obligation.subjects.join(', ')})`,
    });

  // Geometry and windows by kind.
  let geometry: NoticeGeometry | undefined;
  let window: { from: number; to: number } | undefined;
  const windows: PreparedNotice['windows'] = {};
  if (input.kind === 'site') {
    if (input.site === undefined) problems.push({ path: '/site', reason: 'a site notice needs site' });
    else if (checkPosition(input.site.lon, input.site.lat, '/site', problems)) {
      geometry = { type: 'Point', coordinates: [input.site.lon, input.site.lat] };
      if (!(input.site.precisionM > 0 && input.site.precisionM <= MAX_WIDTH_M))
        problems.push({ path: '/site/precisionM', reason: `precision must be in 1…${MAX_WIDTH_M} m` });
    }
    if (input.route !== undefined) problems.push({ path: '/route', reason: 'a site has no route' });
    const from = instant(input.validFrom, '/validFrom', problems) ?? ctx.now;
    const validity = obligation.validity === undefined ? undefined : parseDuration(obligation.validity);
    const until =
      instant(input.validUntil, '/validUntil', problems) ??
      (validity !== undefined ? from + validity : undefined);
    if (until === undefined)
      problems.push({ path: '/validUntil', reason: `${obligation.id} sets no validity: give validUntil` });
    else if (until <= from)
      problems.push({ path: '/validUntil', reason: 'the notice expires before it is valid' });
    else if (validity !== undefined && until - from > validity)
      problems.push({
        path: '/validUntil',
        reason: `${obligation.id} notices are valid for at most ${obligation.validity}; re-confirm or notify again`,
      });
    if (until !== undefined && until > from) window = { from, to: until };
  } else {
    if (input.site !== undefined)
      problems.push({ path: '/site', reason: `a ${input.kind} has a route, not a site` });
    if (input.route === undefined)
      problems.push({ path: '/route', reason: `a ${input.kind} notice needs route` });
    else if (checkRoute(input.route, problems))
      geometry = {
        type: 'LineString',
        coordinates: input.route.coordinates.map((c) => [c[0], c[1]] as [number, number]),
      };
    if (input.kind === 'movement') {
      const dep = windowOf(input.departure, '/departure', problems);
      const arr = windowOf(input.arrival, '/arrival', problems);
      if (input.departure === undefined)
        problems.push({ path: '/departure', reason: 'a movement needs its departure window' });
      if (input.arrival === undefined)
        problems.push({ path: '/arrival', reason: 'a movement needs its arrival window' });
      if (dep !== undefined && arr !== undefined) {
        if (arr.to <= dep.from)
          problems.push({
            path: '/arrival/to',
            reason: 'the arrival window ends before the departure window starts',
          });
        else window = { from: dep.from, to: arr.to };
      }
      if (input.departure) windows.departure = input.departure;
      if (input.arrival) windows.arrival = input.arrival;
      if (input.altitude !== undefined)
        problems.push({ path: '/altitude', reason: 'a ground movement has no altitude band' });
    } else {
      window = windowOf(input.window, '/window', problems);
      if (input.window === undefined) problems.push({ path: '/window', reason: 'a flight needs its window' });
      else windows.window = input.window;
      if (input.altitude === undefined)
        problems.push({ path: '/altitude', reason: 'a flight needs its altitude band' });
      else if (!(input.altitude.maxM > input.altitude.minM))
        problems.push({ path: '/altitude/maxM', reason: 'the band’s top must be above its bottom' });
    }
    const validity = obligation.validity === undefined ? undefined : parseDuration(obligation.validity);
    if (window !== undefined && validity !== undefined && window.to - window.from > validity)
      problems.push({
        path: input.kind === 'movement' ? '/arrival/to' : '/window/to',
        reason: `${obligation.id} notices cover at most ${obligation.validity}; notify the rest separately`,
      });
  }

  for (const field of obligation.required_fields ?? [])
    if (!hasField(input, field))
      problems.push({
        path: STRUCTURAL_FIELDS.includes(field) ? `/${field}` : `/details/${field}`,
        reason: `${obligation.id} requires ${field}`,
      });

  // Lead time: from submission to the start of the notified activity.
  let late = false;
  let lateReason: string | undefined;
  const lead = parseDuration(obligation.lead_time) ?? 0;
  const emergencyLead =
    obligation.emergency_lead_time === undefined ? undefined : parseDuration(obligation.emergency_lead_time);
  if (window !== undefined) {
    const notice = window.from - ctx.now;
    if (notice < lead) {
      if (input.emergency !== true) {
        problems.push({
          path:
            input.kind === 'site'
              ? '/validFrom'
              : input.kind === 'movement'
                ? '/departure/from'
                : '/window/from',
          reason: `${obligation.id} needs ${obligation.lead_time} notice; this gives ${hours(Math.max(0, notice))}. Mark it emergency to notify late${emergencyLead !== undefined ? ` (emergency lead time ${obligation.emergency_lead_time})` : ''}`,
        });
      } else if (emergencyLead === undefined || notice < emergencyLead) {
        late = true;
        lateReason =
          emergencyLead === undefined
            ? `emergency notice ${hours(Math.max(0, notice))} ahead; ${obligation.id} needs ${obligation.lead_time} and sets no emergency lead time`
            : `emergency notice ${hours(Math.max(0, notice))} ahead; the emergency lead time is ${obligation.emergency_lead_time}`;
      }
    }
    if (window.to <= ctx.now)
      problems.push({
        path:
          input.kind === 'site' ? '/validUntil' : input.kind === 'movement' ? '/arrival/to' : '/window/to',
        reason: 'the notified period is already over',
      });
  }

  // Addressees: organisations acting for the obligation's `to`.
  const entitled = ctx.organisations.filter(
    (o) => o.id !== ctx.notifier.id && obligation.to.some((actor) => actsFor(ctx.agreement, o, actor)),
  );
  let addressees: string[];
  if (input.addressees === undefined) addressees = entitled.map((o) => o.id);
  else {
    addressees = [];
    input.addressees.forEach((id, i) => {
      if (!ctx.organisations.some((o) => o.id === id))
        problems.push({ path: `/addressees/${i}`, reason: `unknown organisation '${id}'` });
      else if (!entitled.some((o) => o.id === id))
        problems.push({
          path: `/addressees/${i}`,
          reason: `${id} is not an addressee of ${obligation.id} (to: ${obligation.to.join(', ')})`,
        });
      else if (!addressees.includes(id)) addressees.push(id);
    });
  }
  if (addressees.length === 0 && problems.length === 0)
    problems.push({
      path: '/addressees',
      reason: `no organisation here acts for ${obligation.to.join(', ')}`,
    });
  const viaOrg =
    obligation.via === undefined
      ? undefined
      : ctx.organisations.find(
          (o) => o.id !== ctx.notifier.id && actsFor(ctx.agreement, o, obligation.via ?? ''),
        );

  if (problems.length > 0 || geometry === undefined || window === undefined)
    throw invalid(`the notice breaks ${problems.length} rule(s) of ${obligation.id}`, problems);

  const every =
    obligation.reconfirm_every === undefined ? undefined : parseDuration(obligation.reconfirm_every);
  const details: NoticeDetails = { ...(input.details ?? {}) };
  if (input.site !== undefined) {
    details.facility_type = input.site.function;
    if (input.site.name !== undefined) details.name = input.site.name;
  }
  return {
    obligation,
    kind: input.kind,
    subject: input.subject,
    emergency: input.emergency === true,
    late,
    ...(lateReason !== undefined ? { lateReason } : {}),
    startsAt: new Date(window.from).toISOString(),
    endsAt: new Date(window.to).toISOString(),
    ...(every !== undefined ? { reconfirmDue: new Date(ctx.now + every).toISOString() } : {}),
    geometry,
    ...(input.site !== undefined ? { precisionM: input.site.precisionM } : {}),
    ...(input.route !== undefined ? { corridorM: input.route.corridorM } : {}),
    ...(input.altitude !== undefined ? { altitude: input.altitude } : {}),
    windows,
    details,
    addressees: addressees.sort(),
    ...(viaOrg !== undefined ? { via: viaOrg.id } : {}),
  };
}
