/** Timestamps are RFC 3339 UTC text; JSON as text — one repository body for both engines. */
type Timestamp = string;

/** A case on an escalation ladder; `body` holds the case as JSON (actors, findings, steps, evidence). */
export interface CaseTable {
  id: string;
  ladder_id: string;
  agreement_version_id: string;
  /** The party the findings attribute the violations to; null for unattributed ones. */
  party: string | null;
  rung_id: string;
  status: string;
  deadline: Timestamp | null;
  body: string;
  opened_at: Timestamp;
  updated_at: Timestamp;
  marking: string;
  owner_organisation_id: string;
  /** Always null: cases are the commission's record (kept for the marking filter). */
  author_user_id: string | null;
}

/** One actor's decision on a case at a rung. */
export interface CaseDecisionTable {
  id: string;
  case_id: string;
  rung_id: string;
  actor: string;
  organisation_id: string;
  user_id: string;
  option: string;
  reason: string;
  at: Timestamp;
}

/** An actor that let its rung's deadline pass without deciding. */
export interface CaseInactionTable {
  id: string;
  case_id: string;
  rung_id: string;
  actor: string;
  deadline: Timestamp;
  at: Timestamp;
}

/** The ladder's progress: `findings` is the last finding acted on (`decidedAt|id`). */
export interface ResponseStateTable {
  key: string;
  value: string;
}

/** The response domain's tables, merged into the one `Database` interface. */
export interface ResponseTables {
  cases: CaseTable;
  case_decisions: CaseDecisionTable;
  case_inactions: CaseInactionTable;
  response_state: ResponseStateTable;
}
