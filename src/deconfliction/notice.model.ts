/**
 * Notices: what a party, guarantor, the commission or a humanitarian organisation notifies under
 * the agreement's notification obligations (a static site, a movement, a flight), and what each
 * addressee received of it. A pure module: the dashboard imports its lists through `src/wire.ts`.
 *
 * A notification is not a permission and not a guarantee: an addressee acknowledges that it
 * received a notice; only a notice under a `permission_request` obligation can be approved.
 */
import type { Marking } from '../access/marking.js';

export const NOTICE_KINDS = ['site', 'movement', 'flight'] as const;
/** A static site, a ground movement along a route, or a flight. */
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Functions of a notified site (humanitarian notification practice, plus the agreement's own). */
export const SITE_FUNCTIONS = [
  'hospital',
  'clinic',
  'school',
  'shelter',
  'warehouse',
  'distribution_point',
  'office',
  'monitors_base',
  'critical_infrastructure',
  'holding_area',
  'other',
] as const;
export type SiteFunction = (typeof SITE_FUNCTIONS)[number];

/**
 * A notice's life: active until replaced by a new version, cancelled (NOTAM-style), withdrawn by its
 * notifier (its content is taken back from the addressees) or expired.
 */
export const NOTICE_STATES = ['active', 'replaced', 'cancelled', 'withdrawn', 'expired'] as const;
export type NoticeState = (typeof NOTICE_STATES)[number];

/**
 * One addressee's copy: forwarded by Truceline, delivered when a user of the addressee first reads
 * it, then acknowledged (received), approved or refused (permission requests only) or objected
 * (with a reason). Superseded, cancelled and withdrawn follow the notice.
 */
export const DELIVERY_STATES = [
  'forwarded',
  'delivered',
  'acknowledged',
  'approved',
  'refused',
  'objected',
  'superseded',
  'cancelled',
  'withdrawn',
] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * The fields every addressee receives whatever the obligation lists: they are the notice's own
 * structure (position, route, windows), not free details. An obligation's other `required_fields`
 * are details the notifier must give.
 */
export const STRUCTURAL_FIELDS: readonly string[] = [
  'location',
  'precision_m',
  'route',
  'window',
  'altitude_band',
  'facility_type',
];

/** What an addressee may answer. `approve` and `refuse` only under a permission request. */
export const RESPONSES = ['acknowledge', 'approve', 'refuse', 'object'] as const;
export type Response = (typeof RESPONSES)[number];

export interface TimeWindow {
  from: string;
  to: string;
}

/** GeoJSON of a notice: a site is a Point, a route a LineString; an area release is a Polygon. */
export type NoticeGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: [number, number][][] };

/** Free fields of a notice beyond its geometry and windows (facility type, operator, vehicles…). */
export type NoticeDetails = Record<string, string | number | boolean | string[]>;

/** A notice as its notifier holds it: everything it submitted. */
export interface Notice {
  id: string;
  /** The first version's id: every replacement keeps it. */
  seriesId: string;
  version: number;
  replaces?: string;
  agreementVersionId: string;
  obligationId: string;
  kind: NoticeKind;
  subject: string;
  /** The notifying organisation (owner of the record). */
  notifier: string;
  /** The conduit organisation that forwards it (the obligation's `via`), when there is one here. */
  via?: string;
  authorUserId: string | null;
  state: NoticeState;
  emergency: boolean;
  /** Submitted with less than the obligation's lead time: flagged, never dropped. */
  late: boolean;
  lateReason?: string;
  submittedAt: string;
  /** When the notified activity or validity starts and ends (site: validity; movement/flight: windows). */
  startsAt: string;
  endsAt: string;
  /** When the notifier must re-confirm it (the obligation's `reconfirm_every`), if it must. */
  reconfirmDue?: string;
  reconfirmedAt?: string;
  geometry: NoticeGeometry;
  /** Site: the position's precision radius, metres. */
  precisionM?: number;
  /** Movement or flight: the corridor's full width, metres. */
  corridorM?: number;
  /** Flight: altitude band, metres above mean sea level. */
  altitude?: { minM: number; maxM: number };
  /** Movement: departure and arrival windows; flight: its window. */
  windows: { departure?: TimeWindow; arrival?: TimeWindow; window?: TimeWindow };
  /** Site function, name, operator, occupants, vehicles, markings, cargo, contact… */
  details: NoticeDetails;
  /** Organisations it is addressed to. */
  addressees: string[];
  marking: Marking;
  updatedAt: string;
  /** Why it was cancelled or withdrawn. */
  endReason?: string;
}

/**
 * What one addressee receives: the fields its obligation says it must, the location exactly or as an
 * area that contains it, never the other addressees. Its SHA-256 (`viewHash`) is in the log.
 */
export interface NoticeView {
  noticeId: string;
  seriesId: string;
  version: number;
  replaces?: string;
  obligationId: string;
  /** `notification` (received ≠ approved) or `permission_request`. */
  obligationKind: 'notification' | 'permission_request';
  kind: NoticeKind;
  subject: string;
  notifier: string;
  emergency: boolean;
  late: boolean;
  submittedAt: string;
  startsAt: string;
  endsAt: string;
  /** `exact`, or `area`: the geometry is a polygon that contains the site, not centred on it. */
  location: 'exact' | 'area';
  geometry: NoticeGeometry;
  precisionM?: number;
  corridorM?: number;
  altitude?: { minM: number; maxM: number };
  windows: Notice['windows'];
  details: NoticeDetails;
}

/** One addressee's copy of a notice version and where it stands. */
export interface Delivery {
  id: string;
  noticeId: string;
  addressee: string;
  state: DeliveryState;
  /** What was sent; null once the notifier withdrew it. */
  view: NoticeView | null;
  /** SHA-256 (hex) of the canonical JSON of the view as sent: stays when the view is withdrawn. */
  viewHash: string;
  forwardedAt: string;
  deliveredAt?: string;
  deliveredBy?: string;
  respondedAt?: string;
  respondedBy?: string;
  /** The objection's or refusal's reason. */
  reason?: string;
  /** By when it must be acknowledged (the obligation's `acknowledgement.within`), if it must. */
  dueAt?: string;
  /** When Truceline found it overdue and escalated it to the commission. */
  overdueAt?: string;
  updatedAt: string;
}

/** Every step of a notice and of each delivery, in order: the history a notifier proves with receipts. */
export interface NoticeEvent {
  id: string;
  noticeId: string;
  /** The delivery it concerns; absent for steps of the notice itself. */
  deliveryId?: string;
  /** The addressee of that delivery. */
  addressee?: string;
  seq: number;
  kind: string;
  at: string;
  byUserId?: string;
  organisationId?: string;
  reason?: string;
  /** The notice (notice steps) or the delivery (delivery steps) as it stood after the step. */
  snapshot: unknown;
}

/** Whether an addressee's copy is still open for an answer. */
export function isAwaitingResponse(state: DeliveryState): boolean {
  return state === 'forwarded' || state === 'delivered';
}
