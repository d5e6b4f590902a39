/** All SQL of notices, their deliveries, steps, conflicts and disclosure requests. */
import { sql, type Selectable } from 'kysely';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import type { Executor } from '../db/database.js';
import type {
  NoticeConflictTable,
  NoticeDeliveryTable,
  NoticeEventTable,
  NoticeRequestTable,
  NoticeTable,
} from './deconfliction.tables.js';
import type {
  Delivery,
  DeliveryState,
  Notice,
  NoticeEvent,
  NoticeGeometry,
  NoticeKind,
  NoticeState,
  NoticeView,
} from './notice.model.js';

export const NOTICE_EVENT_RECORD_KIND = 'notice-event';
export const NOTICE_CONFLICT_RECORD_KIND = 'notice-conflict';
export const NOTICE_REQUEST_RECORD_KIND = 'notice-request';

const opt = <K extends string, V>(key: K, v: V | null | undefined) =>
  (v === null || v === undefined ? {} : { [key]: v }) as { [P in K]?: V };

function bboxOf(g: NoticeGeometry): [number, number, number, number] {
  const pts =
    g.type === 'Point' ? [g.coordinates] : g.type === 'LineString' ? g.coordinates : g.coordinates.flat();
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of pts) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  return [minLon, minLat, maxLon, maxLat];
}

export function rowToNotice(r: Selectable<NoticeTable>): Notice {
  return {
    id: r.id,
    seriesId: r.series_id,
    version: Number(r.version),
    ...opt('replaces', r.replaces),
    agreementVersionId: r.agreement_version_id,
    obligationId: r.obligation_id,
    kind: r.kind as NoticeKind,
    subject: r.subject,
    notifier: r.owner_organisation_id,
    ...opt('via', r.via_organisation_id),
    authorUserId: r.author_user_id,
    state: r.state as NoticeState,
    emergency: Number(r.emergency) === 1,
    late: Number(r.late) === 1,
    ...opt('lateReason', r.late_reason),
    submittedAt: r.submitted_at,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    ...opt('reconfirmDue', r.reconfirm_due),
    ...opt('reconfirmedAt', r.reconfirmed_at),
    geometry: JSON.parse(r.geometry) as NoticeGeometry,
    ...opt('precisionM', r.precision_m === null ? null : Number(r.precision_m)),
    ...opt('corridorM', r.corridor_m === null ? null : Number(r.corridor_m)),
    ...(r.altitude_min_m !== null && r.altitude_max_m !== null
      ? { altitude: { minM: Number(r.altitude_min_m), maxM: Number(r.altitude_max_m) } }
      : {}),
    windows: JSON.parse(r.windows) as Notice['windows'],
    details: JSON.parse(r.details) as Notice['details'],
    addressees: JSON.parse(r.addressees) as string[],
    marking: r.marking as Marking,
    updatedAt: r.updated_at,
    ...opt('endReason', r.end_reason),
  };
}

function noticeToRow(n: Notice): NoticeTable {
  const [minLon, minLat, maxLon, maxLat] = bboxOf(n.geometry);
  return {
    id: n.id,
    series_id: n.seriesId,
    version: n.version,
    replaces: n.replaces ?? null,
    agreement_version_id: n.agreementVersionId,
    obligation_id: n.obligationId,
    kind: n.kind,
    subject: n.subject,
    owner_organisation_id: n.notifier,
    via_organisation_id: n.via ?? null,
    author_user_id: n.authorUserId,
    state: n.state,
    emergency: n.emergency ? 1 : 0,
    late: n.late ? 1 : 0,
    late_reason: n.lateReason ?? null,
    submitted_at: n.submittedAt,
    starts_at: n.startsAt,
    ends_at: n.endsAt,
    reconfirm_due: n.reconfirmDue ?? null,
    reconfirmed_at: n.reconfirmedAt ?? null,
    geometry: JSON.stringify(n.geometry),
    precision_m: n.precisionM ?? null,
    corridor_m: n.corridorM ?? null,
    altitude_min_m: n.altitude?.minM ?? null,
    altitude_max_m: n.altitude?.maxM ?? null,
    windows: JSON.stringify(n.windows),
    details: JSON.stringify(n.details),
    addressees: JSON.stringify(n.addressees),
    marking: n.marking,
    min_lon: minLon,
    min_lat: minLat,
    max_lon: maxLon,
    max_lat: maxLat,
    updated_at: n.updatedAt,
    end_reason: n.endReason ?? null,
  };
}

export function rowToDelivery(r: Selectable<NoticeDeliveryTable>): Delivery & { disclosed: string[] } {
  return {
    id: r.id,
    noticeId: r.notice_id,
    addressee: r.addressee_organisation_id,
    state: r.state as DeliveryState,
    view: r.view === null ? null : (JSON.parse(r.view) as NoticeView),
    viewHash: r.view_hash,
    disclosed: JSON.parse(r.disclosed) as string[],
    forwardedAt: r.forwarded_at,
    ...opt('deliveredAt', r.delivered_at),
    ...opt('deliveredBy', r.delivered_by),
    ...opt('respondedAt', r.responded_at),
    ...opt('respondedBy', r.responded_by),
    ...opt('reason', r.reason),
    ...opt('dueAt', r.due_at),
    ...opt('overdueAt', r.overdue_at),
    updatedAt: r.updated_at,
  };
}

/** A delivery with the detail fields disclosed to it beyond its obligation. */
export type StoredDelivery = Delivery & { disclosed: string[] };

function deliveryToRow(d: StoredDelivery): NoticeDeliveryTable {
  return {
    id: d.id,
    notice_id: d.noticeId,
    addressee_organisation_id: d.addressee,
    state: d.state,
    view: d.view === null ? null : JSON.stringify(d.view),
    view_hash: d.viewHash,
    disclosed: JSON.stringify(d.disclosed),
    forwarded_at: d.forwardedAt,
    delivered_at: d.deliveredAt ?? null,
    delivered_by: d.deliveredBy ?? null,
    responded_at: d.respondedAt ?? null,
    responded_by: d.respondedBy ?? null,
    reason: d.reason ?? null,
    due_at: d.dueAt ?? null,
    overdue_at: d.overdueAt ?? null,
    updated_at: d.updatedAt,
  };
}

export function rowToEvent(r: Selectable<NoticeEventTable>): NoticeEvent {
  return {
    id: r.id,
    noticeId: r.notice_id,
    ...opt('deliveryId', r.delivery_id),
    ...opt('addressee', r.addressee_organisation_id),
    seq: Number(r.seq),
    kind: r.kind,
    at: r.at,
    ...opt('byUserId', r.by_user_id),
    ...opt('organisationId', r.organisation_id),
    ...opt('reason', r.reason),
    snapshot: JSON.parse(r.snapshot) as unknown,
  };
}

export async function insertNotice(db: Executor, n: Notice): Promise<void> {
  await db.insertInto('notices').values(noticeToRow(n)).execute();
}

export async function updateNotice(db: Executor, n: Notice): Promise<void> {
  const { id: _id, ...row } = noticeToRow(n);
  await db.updateTable('notices').set(row).where('id', '=', n.id).execute();
}

export async function findNotice(db: Executor, id: string): Promise<Notice | undefined> {
  const row = await db.selectFrom('notices').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : rowToNotice(row);
}

export async function findNotices(db: Executor, ids: readonly string[]): Promise<Notice[]> {
  const out: Notice[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('notices')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    out.push(...rows.map(rowToNotice));
  }
  return out;
}

/** Notices in force or still ahead (active), for the conflict index and the strike check. */
export async function activeNotices(db: Executor): Promise<Notice[]> {
  const rows = await db.selectFrom('notices').selectAll().where('state', '=', 'active').execute();
  return rows.map(rowToNotice);
}

export async function insertDeliveries(db: Executor, ds: readonly StoredDelivery[]): Promise<void> {
  if (ds.length === 0) return;
  await db.insertInto('notice_deliveries').values(ds.map(deliveryToRow)).execute();
}

export async function updateDelivery(db: Executor, d: StoredDelivery): Promise<void> {
  const { id: _id, ...row } = deliveryToRow(d);
  await db.updateTable('notice_deliveries').set(row).where('id', '=', d.id).execute();
}

export async function deliveriesOf(db: Executor, noticeIds: readonly string[]): Promise<StoredDelivery[]> {
  if (noticeIds.length === 0) return [];
  const out: StoredDelivery[] = [];
  for (let i = 0; i < noticeIds.length; i += 500) {
    const rows = await db
      .selectFrom('notice_deliveries')
      .selectAll()
      .where('notice_id', 'in', noticeIds.slice(i, i + 500))
      .orderBy('addressee_organisation_id')
      .execute();
    out.push(...rows.map(rowToDelivery));
  }
  return out;
}

export async function findDeliveries(db: Executor, ids: readonly string[]): Promise<StoredDelivery[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('notice_deliveries').selectAll().where('id', 'in', ids).execute();
  return rows.map(rowToDelivery);
}

/** Deliveries whose acknowledgement is due before `at` and not yet answered nor escalated. */
export async function overdueDeliveries(db: Executor, at: string): Promise<StoredDelivery[]> {
  const rows = await db
    .selectFrom('notice_deliveries')
    .selectAll()
    .where('state', 'in', ['forwarded', 'delivered'])
    .where('due_at', 'is not', null)
    .where('due_at', '<', at)
    .where('overdue_at', 'is', null)
    .execute();
  return rows.map(rowToDelivery);
}

/** Active notices whose period ended before `at`. */
export async function endedNotices(db: Executor, at: string): Promise<Notice[]> {
  const rows = await db
    .selectFrom('notices')
    .selectAll()
    .where('state', '=', 'active')
    .where('ends_at', '<', at)
    .execute();
  return rows.map(rowToNotice);
}

export async function insertEvents(
  db: Executor,
  events: readonly NoticeEvent[],
  owner: string,
): Promise<void> {
  if (events.length === 0) return;
  await db
    .insertInto('notice_events')
    .values(
      events.map((e) => ({
        id: e.id,
        notice_id: e.noticeId,
        delivery_id: e.deliveryId ?? null,
        addressee_organisation_id: e.addressee ?? null,
        owner_organisation_id: owner,
        seq: e.seq,
        kind: e.kind,
        at: e.at,
        by_user_id: e.byUserId ?? null,
        organisation_id: e.organisationId ?? null,
        reason: e.reason ?? null,
        snapshot: JSON.stringify(e.snapshot),
      })),
    )
    .execute();
}

/** The next step number of a notice's history. */
export async function nextSeq(db: Executor, noticeId: string): Promise<number> {
  const row = await db
    .selectFrom('notice_events')
    .select(sql<number>`coalesce(max(seq), 0)`.as('m'))
    .where('notice_id', '=', noticeId)
    .executeTakeFirst();
  return Number(row?.m ?? 0) + 1;
}

/** A notice's history as the organisation may read it: all of it for the notifier, its own copy's steps for an addressee. */
export async function eventsOf(
  db: Executor,
  noticeIds: readonly string[],
  org?: string,
): Promise<NoticeEvent[]> {
  if (noticeIds.length === 0) return [];
  let q = db.selectFrom('notice_events').selectAll().where('notice_id', 'in', noticeIds);
  if (org !== undefined)
    q = q.where((eb) =>
      eb.or([eb('owner_organisation_id', '=', org), eb('addressee_organisation_id', '=', org)]),
    );
  const rows = await q.orderBy('notice_id').orderBy('seq').execute();
  return rows.map(rowToEvent);
}

export async function findEvent(db: Executor, id: string): Promise<Selectable<NoticeEventTable> | undefined> {
  return db.selectFrom('notice_events').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NoticeFilter {
  /** `mine`: notices my organisation submitted; `addressed`: copies addressed to it; default both. */
  role?: 'mine' | 'addressed';
  state?: NoticeState[];
  kind?: NoticeKind;
  /** Copies awaiting my organisation's answer. */
  awaiting?: boolean;
  bbox?: [number, number, number, number];
  limit: number;
  offset?: number;
}

/** The notices an organisation submitted (or conveys), newest first. */
export async function listOwnNotices(
  db: Executor,
  org: string,
  filter: NoticeFilter,
): Promise<{ notices: Notice[]; total: number }> {
  let q = db
    .selectFrom('notices')
    .where((eb) => eb.or([eb('owner_organisation_id', '=', org), eb('via_organisation_id', '=', org)]));
  if (filter.state !== undefined) q = q.where('state', 'in', filter.state);
  if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
  if (filter.bbox !== undefined) {
    const [w, s, e, n] = filter.bbox;
    q = q
      .where('max_lon', '>=', w)
      .where('min_lon', '<=', e)
      .where('max_lat', '>=', s)
      .where('min_lat', '<=', n);
  }
  const total = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
  const rows = await q
    .selectAll()
    .orderBy('submitted_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return { notices: rows.map(rowToNotice), total: Number(total?.n ?? 0) };
}

/** The copies addressed to an organisation, with their notice's state, newest first. */
export async function listAddressedDeliveries(
  db: Executor,
  org: string,
  filter: NoticeFilter,
): Promise<{ deliveries: (StoredDelivery & { noticeState: NoticeState })[]; total: number }> {
  let q = db
    .selectFrom('notice_deliveries as d')
    .innerJoin('notices as n', 'n.id', 'd.notice_id')
    .where('d.addressee_organisation_id', '=', org);
  if (filter.state !== undefined) q = q.where('n.state', 'in', filter.state);
  if (filter.kind !== undefined) q = q.where('n.kind', '=', filter.kind);
  if (filter.awaiting === true) q = q.where('d.state', 'in', ['forwarded', 'delivered']);
  if (filter.bbox !== undefined) {
    // The bbox of the notice itself would tell an addressee of an area release more than its area:
    // filter on the view's geometry, after reading.
  }
  const total = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
  const rows = await q
    .selectAll('d')
    .select('n.state as notice_state')
    .orderBy('d.forwarded_at', 'desc')
    .orderBy('d.id')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return {
    deliveries: rows.map((r) => ({ ...rowToDelivery(r), noticeState: r.notice_state as NoticeState })),
    total: Number(total?.n ?? 0),
  };
}

// Conflicts.

export interface StoredConflict {
  id: string;
  noticeId: string;
  notifier: string;
  kind: string;
  otherNoticeId?: string;
  zoneId?: string;
  incidentId?: string;
  distanceM: number;
  lon: number;
  lat: number;
  windowFrom: string;
  windowTo: string;
  reason: string;
  detectedAt: string;
  state: 'open' | 'cleared';
  clearedAt?: string;
}

export function rowToConflict(r: Selectable<NoticeConflictTable>): StoredConflict {
  return {
    id: r.id,
    noticeId: r.notice_id,
    notifier: r.owner_organisation_id,
    kind: r.kind,
    ...opt('otherNoticeId', r.other_notice_id),
    ...opt('zoneId', r.zone_id),
    ...opt('incidentId', r.incident_id),
    distanceM: Number(r.distance_m),
    lon: Number(r.lon),
    lat: Number(r.lat),
    windowFrom: r.window_from,
    windowTo: r.window_to,
    reason: r.reason,
    detectedAt: r.detected_at,
    state: r.state as 'open' | 'cleared',
    ...opt('clearedAt', r.cleared_at),
  };
}

function conflictToRow(c: StoredConflict): NoticeConflictTable {
  return {
    id: c.id,
    notice_id: c.noticeId,
    owner_organisation_id: c.notifier,
    kind: c.kind,
    other_notice_id: c.otherNoticeId ?? null,
    zone_id: c.zoneId ?? null,
    incident_id: c.incidentId ?? null,
    distance_m: c.distanceM,
    lon: c.lon,
    lat: c.lat,
    window_from: c.windowFrom,
    window_to: c.windowTo,
    reason: c.reason,
    detected_at: c.detectedAt,
    state: c.state,
    cleared_at: c.clearedAt ?? null,
  };
}

export async function insertConflicts(db: Executor, cs: readonly StoredConflict[]): Promise<void> {
  for (let i = 0; i < cs.length; i += 200)
    await db
      .insertInto('notice_conflicts')
      .values(cs.slice(i, i + 200).map(conflictToRow))
      .execute();
}

export async function updateConflict(db: Executor, c: StoredConflict): Promise<void> {
  const { id: _id, ...row } = conflictToRow(c);
  await db.updateTable('notice_conflicts').set(row).where('id', '=', c.id).execute();
}

/** Open conflicts (all, or of some notices). */
export async function openConflicts(db: Executor, noticeIds?: readonly string[]): Promise<StoredConflict[]> {
  let q = db.selectFrom('notice_conflicts').selectAll().where('state', '=', 'open');
  if (noticeIds !== undefined) {
    if (noticeIds.length === 0) return [];
    q = q.where('notice_id', 'in', noticeIds);
  }
  return (await q.execute()).map(rowToConflict);
}

/** Conflicts the principal may read: its own notices', or all for the commission. */
export async function listConflicts(
  db: Executor,
  principal: Principal,
  filter: { state?: 'open' | 'cleared'; noticeId?: string; limit: number; offset?: number },
): Promise<{ conflicts: StoredConflict[]; total: number }> {
  let q = db.selectFrom('notice_conflicts');
  if (principal.organisationKind !== 'commission' || principal.userId === null)
    q = q.where('owner_organisation_id', '=', principal.organisationId ?? '');
  if (filter.state !== undefined) q = q.where('state', '=', filter.state);
  if (filter.noticeId !== undefined) q = q.where('notice_id', '=', filter.noticeId);
  const total = await q.select(sql<number>`count(*)`.as('n')).executeTakeFirst();
  const rows = await q
    .selectAll()
    .orderBy('detected_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset ?? 0)
    .execute();
  return { conflicts: rows.map(rowToConflict), total: Number(total?.n ?? 0) };
}

// Disclosure requests.

export interface StoredRequest {
  id: string;
  noticeId: string;
  deliveryId: string;
  notifier: string;
  requester: string;
  requestedBy: string;
  fields: string[];
  beyond: string[];
  reason: string;
  state: 'open' | 'disclosed' | 'declined';
  at: string;
  answeredAt?: string;
  answeredBy?: string;
}

export function rowToRequest(r: Selectable<NoticeRequestTable>): StoredRequest {
  return {
    id: r.id,
    noticeId: r.notice_id,
    deliveryId: r.delivery_id,
    notifier: r.owner_organisation_id,
    requester: r.requester_organisation_id,
    requestedBy: r.requested_by,
    fields: JSON.parse(r.fields) as string[],
    beyond: JSON.parse(r.beyond) as string[],
    reason: r.reason,
    state: r.state as StoredRequest['state'],
    at: r.at,
    ...opt('answeredAt', r.answered_at),
    ...opt('answeredBy', r.answered_by),
  };
}

function requestToRow(q: StoredRequest): NoticeRequestTable {
  return {
    id: q.id,
    notice_id: q.noticeId,
    delivery_id: q.deliveryId,
    owner_organisation_id: q.notifier,
    requester_organisation_id: q.requester,
    requested_by: q.requestedBy,
    fields: JSON.stringify(q.fields),
    beyond: JSON.stringify(q.beyond),
    reason: q.reason,
    state: q.state,
    at: q.at,
    answered_at: q.answeredAt ?? null,
    answered_by: q.answeredBy ?? null,
  };
}

export async function insertRequest(db: Executor, q: StoredRequest): Promise<void> {
  await db.insertInto('notice_requests').values(requestToRow(q)).execute();
}

export async function updateRequest(db: Executor, q: StoredRequest): Promise<void> {
  const { id: _id, ...row } = requestToRow(q);
  await db.updateTable('notice_requests').set(row).where('id', '=', q.id).execute();
}

export async function findRequest(db: Executor, id: string): Promise<StoredRequest | undefined> {
  const row = await db.selectFrom('notice_requests').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : rowToRequest(row);
}

/** Requests about a notice the organisation may read: the notifier's, the requester's own, all for the commission. */
export async function requestsOf(
  db: Executor,
  noticeId: string,
  principal: Principal,
): Promise<StoredRequest[]> {
  let q = db.selectFrom('notice_requests').selectAll().where('notice_id', '=', noticeId);
  if (principal.organisationKind !== 'commission') {
    const org = principal.organisationId ?? '';
    q = q.where((eb) =>
      eb.or([eb('owner_organisation_id', '=', org), eb('requester_organisation_id', '=', org)]),
    );
  }
  return (await q.orderBy('at').execute()).map(rowToRequest);
}

/** Requests beyond the agreement, for the commission's board. */
export async function requestsBeyondAgreement(db: Executor, limit: number): Promise<StoredRequest[]> {
  const rows = await db
    .selectFrom('notice_requests')
    .selectAll()
    .where('beyond', '!=', '[]')
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToRequest);
}
