/** Timestamps are RFC 3339 UTC text; booleans 0/1; JSON as text — one repository body for both engines. */
type Timestamp = string;

/** One version of a notice, as its notifier submitted it (the full content: the notifier's record). */
export interface NoticeTable {
  id: string;
  series_id: string;
  version: number;
  replaces: string | null;
  agreement_version_id: string;
  obligation_id: string;
  kind: string;
  subject: string;
  /** The notifier (owner). */
  owner_organisation_id: string;
  via_organisation_id: string | null;
  author_user_id: string | null;
  state: string;
  emergency: number;
  late: number;
  late_reason: string | null;
  submitted_at: Timestamp;
  starts_at: Timestamp;
  ends_at: Timestamp;
  reconfirm_due: Timestamp | null;
  reconfirmed_at: Timestamp | null;
  /** GeoJSON geometry. */
  geometry: string;
  precision_m: number | null;
  corridor_m: number | null;
  altitude_min_m: number | null;
  altitude_max_m: number | null;
  /** JSON: departure, arrival, window. */
  windows: string;
  /** JSON: facility type, operator, vehicles, markings… */
  details: string;
  /** JSON array of addressee organisation ids. */
  addressees: string;
  marking: string;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  updated_at: Timestamp;
  end_reason: string | null;
}

/** One addressee's copy of a notice version: what it was sent and where it stands. */
export interface NoticeDeliveryTable {
  id: string;
  notice_id: string;
  addressee_organisation_id: string;
  state: string;
  /** JSON NoticeView; null once withdrawn. */
  view: string | null;
  view_hash: string;
  /** JSON array of detail fields disclosed on request beyond the obligation's. */
  disclosed: string;
  forwarded_at: Timestamp;
  delivered_at: Timestamp | null;
  delivered_by: string | null;
  responded_at: Timestamp | null;
  responded_by: string | null;
  reason: string | null;
  due_at: Timestamp | null;
  overdue_at: Timestamp | null;
  updated_at: Timestamp;
}

/** Every step of a notice and its deliveries; each row is one log record (`notice-event`). */
export interface NoticeEventTable {
  id: string;
  notice_id: string;
  delivery_id: string | null;
  /** The delivery's addressee (who may read this step besides the notifier). */
  addressee_organisation_id: string | null;
  /** The notice's notifier. */
  owner_organisation_id: string;
  seq: number;
  kind: string;
  at: Timestamp;
  by_user_id: string | null;
  organisation_id: string | null;
  reason: string | null;
  /** JSON: the notice or the delivery as it stood after the step. */
  snapshot: string;
}

/** A conflict found between a notice and a zone, another notice or an incident. */
export interface NoticeConflictTable {
  id: string;
  notice_id: string;
  /** The notice's notifier: who is told, with the commission. */
  owner_organisation_id: string;
  kind: string;
  other_notice_id: string | null;
  zone_id: string | null;
  incident_id: string | null;
  distance_m: number;
  lon: number;
  lat: number;
  window_from: Timestamp;
  window_to: Timestamp;
  reason: string;
  detected_at: Timestamp;
  state: string;
  cleared_at: Timestamp | null;
}

/** An addressee's request for more than it received; flagged to the commission beyond the agreement. */
export interface NoticeRequestTable {
  id: string;
  notice_id: string;
  delivery_id: string;
  owner_organisation_id: string;
  requester_organisation_id: string;
  requested_by: string;
  /** JSON array of field names. */
  fields: string;
  /** JSON array of the fields the agreement does not require. */
  beyond: string;
  reason: string;
  state: string;
  at: Timestamp;
  answered_at: Timestamp | null;
  answered_by: string | null;
}

/** The deconfliction domain's tables, merged into the one `Database` interface. */
export interface DeconflictionTables {
  notices: NoticeTable;
  notice_deliveries: NoticeDeliveryTable;
  notice_events: NoticeEventTable;
  notice_conflicts: NoticeConflictTable;
  notice_requests: NoticeRequestTable;
}
