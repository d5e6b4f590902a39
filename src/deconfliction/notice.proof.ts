/**
 * Proof bundles: the steps of a notice a party may read, each with its record, its salt, the log
 * entry that commits to it and a tlog-proof receipt. Anyone holding a bundle and the log's verifier
 * key checks it offline (`truceline notice verify-proof`): the record hashes to the commitment in the
 * entry, and the entry is in the log the key signed. A notifier so proves who received which version
 * of its notice and when; an addressee proves what it was sent (and, by the hash, what it was not).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Executor } from '../db/database.js';
import { canonicalBytes } from '../ledger/canonical-json.js';
import { findCommitmentSalts, findEntriesBySeq } from '../ledger/ledger.repository.js';
import { recordCommitment } from '../ledger/log-item.js';
import type { LogReader } from '../ledger/log-reader.service.js';
import { verifyReceipt, type ReceiptPolicy } from '../ledger/proof.js';
import type { NoticeEvent } from './notice.model.js';
import { NOTICE_EVENT_RECORD_KIND } from './notice.repository.js';

export const PROOF_FORMAT = 'truceline/notice-proof@1';

export interface ProofStep {
  /** The step as stored (kind, time, who, the copy or notice as it stood). */
  record: NoticeEvent;
  /** Its log index; null while the sequencer has not integrated it. */
  index: number | null;
  /** The log entry's bytes, base64 (null while pending). */
  entry: string | null;
  /** The commitment's salt, base64 (absent for a CLEAR notice's steps, logged in full). */
  salt?: string;
  /** A c2sp.org/tlog-proof receipt (null while pending). */
  receipt: string | null;
}

export interface ProofBundle {
  format: typeof PROOF_FORMAT;
  noticeId: string;
  /** The log's origin and verifier key the receipts are signed with. */
  origin: string;
  vkey: string;
  steps: ProofStep[];
}

/** Builds the bundle for the steps given (the caller chose which the reader may see). */
export async function buildProof(
  db: Executor,
  reader: LogReader,
  noticeId: string,
  events: readonly NoticeEvent[],
): Promise<ProofBundle> {
  const steps: ProofStep[] = [];
  const checkpoint = await reader.checkpoint();
  for (const record of events) {
    const salts = await findCommitmentSalts(db, NOTICE_EVENT_RECORD_KIND, record.id);
    const salt = salts[salts.length - 1];
    let index: number | null = null;
    if (salt !== undefined)
      index = (await findEntriesBySeq(db, [salt.queueSeq])).get(salt.queueSeq)?.index ?? null;
    else index = await clearEntryIndex(db, record);
    let entry: string | null = null;
    let receipt: string | null = null;
    if (index !== null && checkpoint !== undefined && index < checkpoint.size) {
      const [stored] = await reader.entries(index, index + 1);
      entry = stored === undefined ? null : Buffer.from(stored.data).toString('base64');
      receipt = await reader.receipt(index);
    }
    steps.push({
      record,
      index,
      entry,
      ...(salt !== undefined ? { salt: salt.salt.toString('base64') } : {}),
      receipt,
    });
  }
  return { format: PROOF_FORMAT, noticeId, origin: reader.origin, vkey: reader.verifierKey, steps };
}

/** A CLEAR step is logged in full: find its entry by kind and content. */
async function clearEntryIndex(db: Executor, record: NoticeEvent): Promise<number | null> {
  const rows = await db
    .selectFrom('log_entries')
    .select(['idx', 'data'])
    .where('kind', '=', `notice.${record.kind}`)
    .where('idx', 'is not', null)
    .execute();
  for (const r of rows) {
    const parsed = JSON.parse(Buffer.from(r.data).toString('utf8')) as { record?: unknown };
    if (isDeepStrictEqual(parsed.record, JSON.parse(canonicalBytes(record).toString('utf8'))))
      return Number(r.idx);
  }
  return null;
}

/** One verified step: what happened, when, and where in the log. */
export interface VerifiedStep {
  index: number;
  kind: string;
  at: string;
  addressee?: string;
  state?: string;
  viewHash?: string;
}

/**
 * Verifies a bundle offline: each step's record against its entry (commitment or full record) and each
 * entry against its receipt under the policy. Pending steps (not yet in the log) are reported, not trusted.
 *
 * @throws Error naming the first step that does not verify
 */
export function verifyProof(
  bundle: ProofBundle,
  policy: ReceiptPolicy,
): { verified: VerifiedStep[]; pending: number } {
  if (bundle.format !== PROOF_FORMAT)
    throw new Error(`not a notice proof bundle (format ${String(bundle.format)})`);
  const verified: VerifiedStep[] = [];
  let pending = 0;
  for (const [i, step] of bundle.steps.entries()) {
    const where = `step ${i + 1} (${step.record.kind} at ${step.record.at})`;
    if (step.entry === null || step.receipt === null || step.index === null) {
      pending += 1;
      continue;
    }
    const entry = Buffer.from(step.entry, 'base64');
    const parsed = JSON.parse(entry.toString('utf8')) as {
      kind?: string;
      record?: unknown;
      confidential?: { recordKind: string; recordId: string; commitment: string };
    };
    if (parsed.kind !== `notice.${step.record.kind}`)
      throw new Error(`${where}: the entry is a ${String(parsed.kind)}`);
    if (parsed.confidential !== undefined) {
      if (step.salt === undefined) throw new Error(`${where}: a committed entry needs its salt`);
      const c = parsed.confidential;
      if (c.recordKind !== NOTICE_EVENT_RECORD_KIND || c.recordId !== step.record.id)
        throw new Error(`${where}: the entry commits to ${c.recordKind}/${c.recordId}`);
      if (recordCommitment(Buffer.from(step.salt, 'base64'), step.record) !== c.commitment)
        throw new Error(`${where}: the record does not match the entry's commitment`);
    } else if (!isDeepStrictEqual(parsed.record, JSON.parse(canonicalBytes(step.record).toString('utf8')))) {
      throw new Error(`${where}: the record differs from the entry`);
    }
    const { index } = verifyReceipt(step.receipt, entry, policy);
    if (index !== step.index)
      throw new Error(`${where}: the receipt is for entry ${index}, not ${step.index}`);
    const snap = step.record.snapshot as { state?: string; viewHash?: string };
    verified.push({
      index,
      kind: step.record.kind,
      at: step.record.at,
      ...(step.record.addressee !== undefined ? { addressee: step.record.addressee } : {}),
      ...(step.record.deliveryId !== undefined && typeof snap.state === 'string'
        ? { state: snap.state }
        : {}),
      ...(step.record.deliveryId !== undefined && typeof snap.viewHash === 'string'
        ? { viewHash: snap.viewHash }
        : {}),
    });
  }
  return { verified, pending };
}
