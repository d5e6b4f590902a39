import type { Generated } from 'kysely';

/** Entries written by a state change, in its transaction, waiting for the sequencer to number them. */
export interface LogQueueTable {
  seq: Generated<number>;
  kind: string;
  data: Buffer;
  leaf_hash: Buffer;
  created_at: string;
}

/** The log itself: contiguous indices from 0, each entry's canonical bytes and leaf hash. */
export interface LogEntryTable {
  idx: number;
  queue_seq: number;
  kind: string;
  data: Buffer;
  leaf_hash: Buffer;
  integrated_at: string;
}

/** Single row (id = 1): the integrated size and root, locked by whoever integrates. */
export interface LogStateTable {
  id: number;
  size: number;
  root_hash: Buffer;
  updated_at: string;
}

/** Every checkpoint the log signed, by tree size. */
export interface LogCheckpointTable {
  size: number;
  note: string;
  created_at: string;
}

/** Witness cosignature lines, per checkpoint size and witness. */
export interface LogCosignatureTable {
  size: number;
  witness: string;
  signature_line: string;
  created_at: string;
}

/** Witnesses the log asks to cosign: the agreement names them; the URL is deployment configuration. */
export interface LogWitnessTable {
  name: string;
  vkey: string;
  url: string | null;
}

/** Salts of confidential records: the log holds only a salted commitment; entitled parties get the salt. */
export interface LogCommitmentTable {
  queue_seq: number;
  record_kind: string;
  record_id: string;
  salt: Buffer;
}

/** The transparency log's tables, merged into the one `Database` interface. */
export interface LedgerTables {
  log_queue: LogQueueTable;
  log_entries: LogEntryTable;
  log_state: LogStateTable;
  log_checkpoints: LogCheckpointTable;
  log_cosignatures: LogCosignatureTable;
  log_witnesses: LogWitnessTable;
  log_commitments: LogCommitmentTable;
}
