/**
 * What a party needs to check a record it may see against the public log: the record as its latest
 * change logged it, and the salt and log index of every commitment to it. Which parties may see a
 * record is the owning domain's rule, injected through its {@link RowBinding}; a record the caller
 * may not see is answered exactly like one that does not exist.
 */
import type { Kysely } from 'kysely';
import type { Principal } from '../access/policy.js';
import { notFound } from '../core/errors.js';
import type { Database } from '../db/database.js';
import { findCommitmentSalts, findEntriesBySeq } from './ledger.repository.js';
import type { RowBinding } from './row-binding.js';

/** The answer of `GET /api/v1/log/commitments/{recordKind}/{recordId}`. */
export interface RecordCommitments {
  recordKind: string;
  recordId: string;
  /** The records the latest changes logged, rebuilt from the row as stored now. */
  records: { kinds: string[]; marking: string; record: unknown }[];
  /** Every commitment logged for the record, oldest first: its salt and where it is in the log. */
  salts: { queueSeq: number; index: number | null; salt: string }[];
}

/** Answers the salts API from the registered row bindings. */
export class RecordCommitmentsService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly bindings: ReadonlyMap<string, RowBinding>,
  ) {}

  /** @throws AppError not_found for an unknown kind or record, or one the principal may not see */
  async of(principal: Principal, recordKind: string, recordId: string): Promise<RecordCommitments> {
    const binding = this.bindings.get(recordKind);
    const hidden = () => notFound(`record ${recordKind}/${recordId}`);
    if (binding === undefined || !(await binding.visible(this.db, principal, recordId))) throw hidden();
    const salts = await findCommitmentSalts(this.db, recordKind, recordId);
    const entries = await findEntriesBySeq(
      this.db,
      salts.map((s) => s.queueSeq),
    );
    const loggedKinds = salts.flatMap((s) => entries.get(s.queueSeq)?.kind ?? []);
    const row = await binding.current(this.db, recordId, () => loggedKinds);
    if (row === undefined) throw hidden();
    return {
      recordKind,
      recordId,
      records: row.expectations.flatMap(({ kinds, expected }) =>
        [expected ?? []].flat().map((e) => ({ kinds: [...kinds], marking: e.marking, record: e.record })),
      ),
      salts: salts.map((s) => ({
        queueSeq: s.queueSeq,
        index: entries.get(s.queueSeq)?.index ?? null,
        salt: s.salt.toString('base64'),
      })),
    };
  }
}
