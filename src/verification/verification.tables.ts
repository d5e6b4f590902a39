/** Timestamps are RFC 3339 UTC text; booleans 0/1; JSON as text — one repository body for both engines. */
type Timestamp = string;

/** A candidate or verified incident: reports grouped as one event, and what analysts made of it. */
export interface IncidentTable {
  id: string;
  agreement_version_id: string;
  category: string;
  status: string;
  duplicate_of: string | null;
  severity: string;
  /** JSON arrays of provision ids and zone ids. */
  provisions: string;
  zones: string;
  side: string | null;
  sector: string | null;
  lon: number;
  lat: number;
  radius_m: number;
  observed_from: Timestamp;
  observed_to: Timestamp;
  /** JSON: level, independent groups, reasons. */
  corroboration: string;
  /** JSON attribution, or null until an analyst attributes. */
  attribution: string | null;
  /** JSON conclusion awaiting its second analyst, or null. */
  pending: string | null;
  /** JSON array of the user ids who concluded it. */
  concluded_by: string;
  opened_at: Timestamp;
  due_at: Timestamp;
  updated_at: Timestamp;
  marking: string;
  owner_organisation_id: string;
  /** Always null: incidents are the commission's, never one user's (kept for the marking filter). */
  author_user_id: string | null;
}

/** Which incident a report belongs to: at most one (the primary key). */
export interface IncidentReportTable {
  report_id: string;
  incident_id: string;
  /** 'correlated' (by the system) or 'analyst' (confirmed, split or merged by a named analyst). */
  how: string;
  added_by: string | null;
  added_at: Timestamp;
}

/** Every step of an incident's life: who, from which status to which, and why. */
export interface IncidentTransitionTable {
  id: string;
  incident_id: string;
  /** 1, 2, 3… per incident: the order of its steps (several may share a timestamp). */
  seq: number;
  from_status: string;
  to_status: string;
  step: string;
  by_user_id: string;
  organisation_id: string;
  reason: string;
  duplicate_of: string | null;
  at: Timestamp;
}

/** The verification body's decision on an incident; `body` holds the finding as JSON. */
export interface FindingTable {
  id: string;
  incident_id: string;
  agreement_version_id: string;
  state: string;
  outcome: string;
  category: string;
  severity: string;
  body: string;
  public: number;
  proposed_at: Timestamp;
  decided_at: Timestamp | null;
  published_at: Timestamp | null;
  marking: string;
  owner_organisation_id: string;
  author_user_id: string | null;
}

/** One member's vote on a finding, with a separate opinion if they dissent. */
export interface FindingVoteTable {
  id: string;
  finding_id: string;
  user_id: string;
  username: string;
  organisation_id: string;
  choice: string;
  opinion: string | null;
  at: Timestamp;
}

/** Counters the verification domain keeps: `generation` changes with every change of membership or status. */
export interface VerificationStateTable {
  key: string;
  value: number;
}

/** The verification domain's tables, merged into the one `Database` interface. */
export interface VerificationTables {
  incidents: IncidentTable;
  incident_reports: IncidentReportTable;
  incident_transitions: IncidentTransitionTable;
  findings: FindingTable;
  finding_votes: FindingVoteTable;
  verification_state: VerificationStateTable;
}
