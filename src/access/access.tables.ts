import type { Generated, Selectable } from 'kysely';

/** Timestamps are stored as RFC 3339 UTC strings on both engines, so they sort and compare as text. */
type Timestamp = string;

export interface OrganisationTable {
  id: string;
  name: string;
  kind: string;
  created_at: Timestamp;
}

export interface UserTable {
  id: string;
  organisation_id: string;
  username: string;
  display_name: string;
  /** JSON array of role names. */
  roles: string;
  password_hash: string | null;
  disabled: number;
  created_at: Timestamp;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  /** JSON array of permission names. */
  scopes: string;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  created_at: Timestamp;
}

export interface SessionTable {
  /** SHA-256 of the session secret held in the cookie. */
  id_hash: string;
  user_id: string;
  csrf_token: string;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface AccessEventTable {
  id: Generated<number>;
  at: Timestamp;
  request_id: string | null;
  actor_user_id: string | null;
  actor_organisation_id: string | null;
  action: string;
  resource: string;
  outcome: 'allowed' | 'denied';
  reason: string | null;
  client_ip: string | null;
}

/** Organisations or users a marked record is addressed to (TLP addressees). */
export interface RecordAddresseeTable {
  record_kind: string;
  record_id: string;
  organisation_id: string | null;
  user_id: string | null;
}

/** One row (`id` 1): moved by triggers on every change to who may do or read what (see its migration). */
export interface AccessGenerationTable {
  id: number;
  value: string | number | bigint;
}

export type UserRow = Selectable<UserTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type SessionRow = Selectable<SessionTable>;
export type AccessEventRow = Selectable<AccessEventTable>;

/** The access domain's tables, merged into the one `Database` interface. */
export interface AccessTables {
  organisations: OrganisationTable;
  users: UserTable;
  api_tokens: ApiTokenTable;
  sessions: SessionTable;
  access_events: AccessEventTable;
  record_addressees: RecordAddresseeTable;
  access_generation: AccessGenerationTable;
}
