/**
 * Deconfliction: the client side of `src/deconfliction/notice.routes.ts` (notices, each addressee's
 * copy, answers and conflicts). Shapes are the server's own, through `src/wire.ts`.
 */
import type { FeatureCollection, Geometry } from 'geojson';
import type {
  Delivery,
  Notice,
  NoticeEvent,
  NoticeInput,
  NoticeRequest,
  NoticeResponse,
  NoticeState,
  NoticeConflict,
} from '../../../src/wire.js';
import { getJson } from './client.js';

export type {
  Delivery,
  DeliveryState,
  Notice,
  NoticeEvent,
  NoticeInput,
  NoticeKind,
  NoticeResponse,
  NoticeState,
  NoticeView,
  NotificationObligation,
  SiteFunction,
} from '../../../src/wire.js';
export {
  DELIVERY_STATES,
  NOTICE_KINDS,
  RESPONSES,
  SITE_FUNCTIONS,
  STRUCTURAL_FIELDS,
  isAwaitingResponse,
} from '../../../src/wire.js';

/** A conflict as the reader may see it (`otherNoticeId` only where the reader may know it). */
export type Conflict = NoticeConflict;

/** One of my notices in the list: with its copies and whether its re-confirmation is overdue. */
export type MyNotice = Notice & { stale: boolean; deliveries: Delivery[] };
/** A copy addressed to my organisation, with the state of the notice it is a copy of. */
export type AddressedCopy = Delivery & { noticeState: NoticeState };

export interface NoticeList {
  notices: MyNotice[];
  addressed: AddressedCopy[];
  total: number;
}

/** A notice as its notifier reads it (notice.service `NoticeDetail`): every copy and the whole history. */
export interface NotifierPage {
  role: 'notifier';
  notice: Notice & { stale: boolean };
  deliveries: Delivery[];
  events: NoticeEvent[];
  requests: NoticeRequest[];
  conflicts: Conflict[];
}

/** A notice as an addressee reads it (notice.service `AddresseeDetail`): its own copy and its history. */
export interface AddresseePage {
  role: 'addressee';
  notice: { id: string; state: NoticeState; endReason?: string };
  delivery: Delivery;
  events: NoticeEvent[];
  requests: NoticeRequest[];
  conflicts: Conflict[];
}

/** `GET /notices/{id}`: the notifier's whole notice, or the addressee's own copy. */
export type NoticePage = NotifierPage | AddresseePage;

/** What `POST /notices` answers. */
export type Submitted = NotifierPage;

const path = (id: string) => `/api/v1/notices/${encodeURIComponent(id)}`;

/** My notices and the copies addressed to me (listing delivers those copies: intended, and logged). */
export function listNotices(
  q: { role?: 'mine' | 'addressed'; awaiting?: boolean } = {},
): Promise<NoticeList> {
  const s = new URLSearchParams();
  if (q.role) s.set('role', q.role);
  if (q.awaiting !== undefined) s.set('awaiting', String(q.awaiting));
  s.set('limit', '500');
  return getJson(`/api/v1/notices?${s.toString()}`);
}

/** Feature properties of the notices' GeoJSON: `role` says whose view it is. */
export type NoticeFeatureProperties = Record<string, unknown> & {
  role: 'notifier' | 'addressee';
  id?: string;
  noticeId?: string;
  kind: string;
  subject: string;
  corridorM?: number;
  precisionM?: number;
};

/** The notices I may see as GeoJSON, for the map. */
export function noticeFeatures(): Promise<FeatureCollection<Geometry, NoticeFeatureProperties>> {
  return getJson('/api/v1/notices?format=geojson&limit=1000');
}

export function getNotice(id: string): Promise<NoticePage> {
  return getJson(path(id));
}

export function submitNotice(input: NoticeInput): Promise<Submitted> {
  return getJson('/api/v1/notices', { method: 'POST', body: input });
}

export function respondToNotice(id: string, response: NoticeResponse, reason?: string): Promise<unknown> {
  return getJson(`${path(id)}/respond`, {
    method: 'POST',
    body: reason !== undefined ? { response, reason } : { response },
  });
}

export function cancelNotice(id: string, reason: string): Promise<unknown> {
  return getJson(`${path(id)}/cancel`, { method: 'POST', body: { reason } });
}

export function withdrawNotice(id: string, reason: string): Promise<unknown> {
  return getJson(`${path(id)}/withdraw`, { method: 'POST', body: { reason } });
}

export function reconfirmNotice(id: string): Promise<unknown> {
  return getJson(`${path(id)}/reconfirm`, { method: 'POST' });
}

export function listConflicts(): Promise<{ conflicts: Conflict[]; total: number }> {
  return getJson('/api/v1/notices/conflicts?limit=500');
}
