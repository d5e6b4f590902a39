/**
 * The salts of records logged as commitments (`log_commitments`), so a party entitled to see a record
 * can recompute its commitment, SHA-256(salt ‖ canonical JSON), and find it in the public log.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { findCommitmentSalts } from './ledger.repository.js';

/** A salt kept for one logged commitment of a record, with the queue number of its log entry. */
export interface QueuedCommitmentSalt {
  queueSeq: number;
  salt: Buffer;
}

/** Looks up the salts of a record's commitments. */
export class CommitmentSalts {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every salt logged for the record, in log order (one per change logged as a commitment). */
  saltsOf(recordKind: string, recordId: string): Promise<QueuedCommitmentSalt[]> {
    return findCommitmentSalts(this.db, recordKind, recordId);
  }
}
