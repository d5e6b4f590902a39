import type { Generated } from 'kysely';

/** Timestamps are RFC 3339 UTC text; booleans 0/1; JSON as text — one repository body for both engines. */
type Timestamp = string;

/** One observation report, classified on intake. `body` holds the full report as JSON. */
export interface ReportTable {
  id: string;
  revision: number;
  external_system: string | null;
  external_id: string | null;
  /** Set when a later revision (a changed re-import) replaced this one. */
  superseded_by: string | null;
  agreement_version_id: string;
  category: string;
  observed_from: Timestamp;
  observed_to: Timestamp;
  /** Length class of the observation window (`window-class.ts`), derived from the two above. */
  window_class: number;
  time_precision: string;
  lon: number;
  lat: number;
  uncertainty_m: number;
  geo_precision: number;
  source_id: string | null;
  independence_group: string;
  reliability: string;
  credibility: number;
  /** Sort key of the grade, best first, with F and 6 in the middle (see grading.ts). */
  grade_rank: number;
  /** JSON array of the zone and band ids containing the point. */
  zones: string;
  side: string | null;
  line_distance_km: number | null;
  /** 1 when the classification found possible violations. */
  flagged: number;
  body: string;
  content_sha256: string;
  /** Queue number of the report's log entry, for receipts. */
  log_seq: number | null;
  marking: string;
  owner_organisation_id: string;
  author_user_id: string | null;
  created_at: Timestamp;
  /** Salt of the record's commitment to the report's source and notified sites (`sealedSha256`); null before it existed. */
  seal_salt: Buffer | null;
}

/** Where reports come from: a monitoring team, a sensor, an outlet; graded A–F. */
export interface ReportSourceTable {
  id: string;
  name: string;
  kind: string;
  reliability: string;
  /** Sources in one group are not independent of each other (the same outlet, the same team). */
  independence_group: string;
  owner_organisation_id: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A file attached to a report: original or derived copy, content-addressed by SHA-256. */
export interface EvidenceTable {
  id: string;
  report_id: string;
  sha256: string;
  size_bytes: number | null;
  media_type: string;
  original_filename: string;
  collector: string;
  device: string | null;
  captured_at: Timestamp;
  declared_at: Timestamp;
  /** When the bytes arrived and matched the hash; null while only declared. */
  stored_at: Timestamp | null;
  derived_from: string | null;
  derivation: string | null;
  /** Who holds the evidentiary copy now (organisation id or a named custodian). */
  custodian: string;
  created_by: string | null;
}

/** Chain of custody: every capture, upload, access, hand-over and derivation of an evidence item. */
export interface EvidenceCustodyTable {
  id: Generated<number>;
  evidence_id: string;
  at: Timestamp;
  action: string;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  from_custodian: string | null;
  to_custodian: string | null;
  note: string | null;
  request_id: string | null;
}

/** A user's grading ceiling, overriding the default of their kind of organisation. */
export interface GradingCeilingTable {
  user_id: string;
  reliability: string;
  credibility: number;
  set_by: string | null;
  set_at: Timestamp;
}

/** The monitoring domain's tables, merged into the one `Database` interface. */
export interface MonitoringTables {
  reports: ReportTable;
  report_sources: ReportSourceTable;
  report_evidence: EvidenceTable;
  evidence_custody: EvidenceCustodyTable;
  grading_ceilings: GradingCeilingTable;
}
