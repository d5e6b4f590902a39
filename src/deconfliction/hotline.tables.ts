/** Timestamps are RFC 3339 UTC text; booleans 0/1. */
type Timestamp = string;

/** A hotline channel between organisations; its members are `record_addressees` (kind `hotline-channel`). */
export interface HotlineChannelTable {
  id: string;
  name: string;
  /** Default acknowledgement deadline of a message, in minutes after it is sent. */
  ack_minutes: number;
  /** How long the channel may stay suspended before it escalates to the commission, in minutes. */
  suspension_limit_minutes: number;
  /** 1 when the commission may read message bodies. */
  commission_reads: number;
  opened_at: Timestamp;
  opened_by: string;
}

/** One step of a channel's status history (seq 1 is `active`, when it was opened). */
export interface HotlineStatusChangeTable {
  id: string;
  channel_id: string;
  seq: number;
  status: string;
  cause: string;
  by_user_id: string;
  organisation_id: string;
  at: Timestamp;
}

/** A message between members of a channel, to one addressee, with its acknowledgement deadline. */
export interface HotlineMessageTable {
  id: string;
  channel_id: string;
  from_organisation_id: string;
  from_user_id: string;
  to_organisation_id: string;
  urgency: string;
  body: string;
  sent_at: Timestamp;
  ack_deadline: Timestamp;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
}

/** The hotline's tables, merged into the one `Database` interface. */
export interface HotlineTables {
  hotline_channels: HotlineChannelTable;
  hotline_status_changes: HotlineStatusChangeTable;
  hotline_messages: HotlineMessageTable;
}
