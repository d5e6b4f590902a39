/** Timestamps are RFC 3339 UTC text, dates YYYY-MM-DD; quantities are numbers on both engines. */
type Timestamp = string;

/** A guarantor's pledge under the guarantee's response menu or a support provision. */
export interface CommitmentPledgeTable {
  id: string;
  guarantee_id: string;
  agreement_version_id: string;
  /** The agreement actor (guarantor) the pledge is made for. */
  guarantor: string;
  category: string;
  item: string;
  /** The pledged quantity now (after amendments). */
  quantity: number;
  /** `pieces`, `rounds`, a currency code (`EUR`, `USD`)… */
  unit: string;
  response_id: string | null;
  provision: string | null;
  pledged_on: string;
  /** 1 when recorded, +1 per amendment. */
  revision: number;
  recorded_at: Timestamp;
  recorded_by: string;
  marking: string;
  owner_organisation_id: string;
  /** Always null: pledges are an organisation's, kept for the marking filter. */
  author_user_id: string | null;
}

/** A change of a pledge's quantity, with its reason: the history a pledge keeps. */
export interface CommitmentAmendmentTable {
  id: string;
  pledge_id: string;
  /** The pledge's revision this amendment made. */
  revision: number;
  from_quantity: number;
  to_quantity: number;
  reason: string;
  amended_on: string;
  recorded_at: Timestamp;
  recorded_by: string;
}

/** A delivery against a pledge. */
export interface CommitmentDeliveryTable {
  id: string;
  pledge_id: string;
  quantity: number;
  delivered_on: string;
  note: string | null;
  evidence_sha256: string | null;
  recorded_at: Timestamp;
  recorded_by: string;
}

/** One recorded step of a guarantee's ratification (scheduled, held, passed, failed). */
export interface RatificationRecordTable {
  id: string;
  guarantee_id: string;
  agreement_version_id: string;
  step_id: string;
  /** 1, 2, 3… per step: the order of its records (several may share a date). */
  seq: number;
  status: string;
  on_date: string;
  votes_for: number | null;
  votes_against: number | null;
  note: string | null;
  recorded_at: Timestamp;
  recorded_by: string;
  marking: string;
  owner_organisation_id: string;
  author_user_id: string | null;
}

export interface CommitmentTables {
  commitment_pledges: CommitmentPledgeTable;
  commitment_amendments: CommitmentAmendmentTable;
  commitment_deliveries: CommitmentDeliveryTable;
  ratification_records: RatificationRecordTable;
}
