import crypto from 'node:crypto';
import type { Marking } from '../access/marking.js';
import { invalid } from '../core/errors.js';
import { canonicalBytes } from './canonical-json.js';
import { hashLeaf } from './merkle-hash.js';
import { MAX_ENTRY_SIZE } from './tiles.js';

/** Format version of log entries; bump only with a documented migration of verifiers. */
export const ENTRY_VERSION = 1;

/**
 * A change a domain records in the transparency log: what happened (`kind`), to which record, under
 * the marking of what the record reveals. Every domain hands the log this and nothing else; whether
 * the record is logged in full or as a salted commitment is decided once, by {@link toLogItem}.
 */
export interface LoggedChange {
  /** What happened, `<domain>.<event>`; docs/transparency-log.md lists each kind and its record shape. */
  kind: string;
  /** The kind of record changed (`report`, `evidence`, `user`, …): with `recordId`, where its salt is kept. */
  recordKind: string;
  recordId: string;
  /** The marking of what `record` reveals: only CLEAR is logged in full, anything else as a commitment. */
  marking: Marking;
  /** The record's canonical-JSON-serialisable content. */
  record: unknown;
}

/** The salt kept for a committed record, so that entitled parties can check it against the public log. */
export interface CommitmentSalt {
  recordKind: string;
  recordId: string;
  salt: Buffer;
}

/** One entry ready to queue: its canonical bytes, leaf hash and, for a commitment, the salt to keep. */
export interface LogItem {
  kind: string;
  data: Buffer;
  leafHash: Buffer;
  salt?: CommitmentSalt;
}

/** The commitment logged for a confidential record: SHA-256(salt ‖ canonical JSON of the record), hex. */
export function recordCommitment(salt: Uint8Array, record: unknown): string {
  return crypto.createHash('sha256').update(salt).update(canonicalBytes(record)).digest('hex');
}

/**
 * Turns a change into the log entry the public will see. The log is public (anyone may fetch its
 * tiles), so a CLEAR record is logged in full and anything else as
 * `{recordKind, recordId, marking, commitment}` with a fresh 32-byte salt that stays in the database.
 * `queueNumber` is the entry's queue number (`log_queue.seq`, later `log_entries.queue_seq`), logged
 * as `q`: the rows that point at the entry by it (`reports.log_seq`, `log_commitments`, receipts)
 * then point at bytes that name it, so moving the number to another entry is found by the audit.
 */
export function toLogItem(
  change: LoggedChange,
  at: string,
  salt?: Uint8Array,
  queueNumber?: number,
): LogItem {
  const { kind, recordKind, recordId, marking, record } = change;
  const q = queueNumber === undefined ? {} : { q: queueNumber };
  let data: Buffer;
  let kept: CommitmentSalt | undefined;
  if (marking === 'CLEAR') {
    data = canonicalBytes({ v: ENTRY_VERSION, kind, at, ...q, record });
  } else {
    const bytes = Buffer.from(salt ?? crypto.randomBytes(32));
    data = canonicalBytes({
      v: ENTRY_VERSION,
      kind,
      at,
      ...q,
      confidential: { recordKind, recordId, marking, commitment: recordCommitment(bytes, record) },
    });
    kept = { recordKind, recordId, salt: bytes };
  }
  if (data.length > MAX_ENTRY_SIZE) {
    throw invalid(
      `the ${kind} record ${recordId} is ${data.length} bytes in canonical form; a log entry holds at most ${MAX_ENTRY_SIZE} (reference large content by its SHA-256)`,
    );
  }
  return { kind, data, leafHash: hashLeaf(data), ...(kept ? { salt: kept } : {}) };
}
