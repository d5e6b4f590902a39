/** The statuses of a hotline channel: `suspended` is down; `restored` follows a suspension. */
export const CHANNEL_STATUSES = ['active', 'suspended', 'restored'] as const;
/** One status of a channel. */
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

/** How urgent a message is (shown to the addressee; the deadline is what escalates). */
export const URGENCIES = ['routine', 'priority', 'flash'] as const;
/** One urgency. */
export type Urgency = (typeof URGENCIES)[number];

/** A direct line between organisations (normally the two parties, optionally a guarantor). */
export interface HotlineChannel {
  id: string;
  name: string;
  /** The member organisations, sorted. */
  members: string[];
  /** Default acknowledgement deadline of a message, in minutes after it is sent. */
  ackMinutes: number;
  /** How long the channel may stay suspended before it escalates, in minutes. */
  suspensionLimitMinutes: number;
  /** Whether the commission reads message bodies (it always sees status and message metadata). */
  commissionReads: boolean;
  openedAt: string;
  /** The user who opened it (the commission). */
  openedBy: string;
}

/** One step of a channel's status history. */
export interface StatusChange {
  id: string;
  channelId: string;
  /** 1, 2, 3… per channel; 1 is `active`, when the channel was opened. */
  seq: number;
  status: ChannelStatus;
  cause: string;
  /** The user who recorded it. */
  by: string;
  organisationId: string;
  at: string;
}

/** A message from one member to another, with its acknowledgement deadline. */
export interface HotlineMessage {
  id: string;
  channelId: string;
  from: string;
  fromUserId: string;
  to: string;
  urgency: Urgency;
  /** Absent when the reader may see the message's metadata only (the commission, unless it reads). */
  body?: string;
  sentAt: string;
  ackDeadline: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
}

/** Whether a string names a channel status. */
export function isChannelStatus(value: string): value is ChannelStatus {
  return (CHANNEL_STATUSES as readonly string[]).includes(value);
}
