/**
 * The witnesses this log asks to cosign its checkpoints (`log_witnesses`). Not to be confused with
 * `witness.server.ts`, where Truceline is itself a witness of other logs.
 */
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { deleteWitness, listWitnesses, upsertWitness } from './ledger.repository.js';

/** A witness the log asks to cosign: its name, cosignature/v1 verifier key and where it listens. */
export interface LogWitness {
  name: string;
  vkey: string;
  /** Submission prefix (`POST <url>/add-checkpoint`), or null: known, but not asked. */
  url: string | null;
}

/** Lists, adds and removes the witnesses the log asks to cosign. */
export class WitnessRegistry {
  constructor(private readonly db: Kysely<Database>) {}

  /** Every witness, by name; pass `tx` to read inside a transaction that changes them. */
  list(tx: Executor = this.db): Promise<LogWitness[]> {
    return listWitnesses(tx);
  }

  /** Adds a witness or replaces the one of that name, in the caller's transaction. */
  async upsert(tx: Executor, witness: LogWitness): Promise<void> {
    await upsertWitness(tx, witness);
  }

  /**
   * Sets where a known witness listens (null: known, but not asked); false when none has that name.
   */
  async setUrl(name: string, url: string | null): Promise<boolean> {
    const witness = (await this.list()).find((w) => w.name === name);
    if (witness === undefined) return false;
    await upsertWitness(this.db, { ...witness, url });
    return true;
  }

  /** Stops asking a witness (its past cosignatures stay); false when none has that name. */
  async remove(name: string): Promise<boolean> {
    return (await deleteWitness(this.db, name)) > 0;
  }
}
