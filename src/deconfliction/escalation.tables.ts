/** Timestamps are RFC 3339 UTC text, as everywhere. */
type Timestamp = string;

/**
 * Something escalated to the commission. The organisations involved are its `record_addressees`
 * (record kind `escalation`); one row per source, kind of source and reason.
 */
export interface EscalationTable {
  id: string;
  source_kind: string;
  source_id: string;
  reason: string;
  raised_at: Timestamp;
  /** The user who raised it, or `system` for the periodic sweeps. */
  raised_by: string;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  resolution: string | null;
}

/** The escalation tables, merged into the one `Database` interface. */
export interface EscalationTables {
  escalations: EscalationTable;
}
