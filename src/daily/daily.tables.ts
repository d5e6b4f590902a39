/** Timestamps are RFC 3339 UTC text, dates YYYY-MM-DD. */
type Timestamp = string;

/**
 * One rendered edition of a daily report, as logged: the SHA-256 of its bytes is its id, so the same
 * bytes are recorded once and a file can be checked against the record by hashing it.
 */
export interface DailyReportEditionTable {
  /** SHA-256 of the rendered document, hex. */
  id: string;
  /** The UTC day reported on, YYYY-MM-DD. */
  report_date: string;
  /** `json`, `html` or `pdf`. */
  format: string;
  /** `public`, or `restricted` (a signed-in reader's edition). */
  edition: string;
  /** Whose view: `public`, or the reader's organisation id. */
  audience: string;
  /** `en` or `uk` for HTML and PDF; null for JSON and for editions recorded before editions had one (English). */
  lang: string | null;
  byte_length: number;
  generated_at: Timestamp;
  /** Queue sequence of its log entry. */
  log_seq: number | null;
  /** CLEAR for a public edition; AMBER (its reader's organisation and the commission) otherwise. */
  marking: string;
  owner_organisation_id: string;
  author_user_id: string | null;
}

/** The daily report domain's tables. */
export interface DailyTables {
  daily_report_editions: DailyReportEditionTable;
}
