/**
 * c2sp.org/tlog-proof receipts: an offline-verifiable bundle of entry index, inclusion proof and the
 * (co)signed checkpoint.
 *
 * ```
 * c2sp.org/tlog-proof@v1
 * [extra <base64>]
 * index <decimal>
 * <base64 hash>          (0..64 lines, leaf sibling → root child)
 *
 * <checkpoint note, verbatim>
 * ```
 */
import type { Checkpoint } from './checkpoint.js';
import { openCheckpoint } from './checkpoint.js';
import { cosignatureTimestamp } from './cosignature.js';
import { decodeBase64Strict, encodeBase64, isSafeUint, parseDecimal } from './encoding.js';
import { LedgerError } from './errors.js';
import { hashLeaf, isHash } from './merkle-hash.js';
import { MAX_PROOF_LENGTH, verifyInclusion } from './merkle-verify.js';
import type { NoteVerifier } from './note.js';
import { parseNote } from './note.js';

/** First line of every receipt. */
export const RECEIPT_HEADER = 'c2sp.org/tlog-proof@v1';

/** A parsed receipt (nothing verified yet). */
export interface Receipt {
  /** Opaque, unauthenticated application data; never trust it implicitly. */
  readonly extra?: Buffer;
  readonly index: number;
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpointNote: string;
}

/** Input of {@link formatReceipt}. */
export interface ReceiptInput {
  readonly extra?: Uint8Array;
  readonly index: number;
  readonly proof: readonly Uint8Array[];
  readonly checkpointNote: string;
}

/** Whose signatures a receipt needs. */
export interface ReceiptPolicy {
  /** The log key(s); at least one must have signed the checkpoint. */
  readonly log: NoteVerifier | readonly NoteVerifier[];
  /** Expected checkpoint origin; defaults to the (first) log key's name. */
  readonly origin?: string;
  /** Known witnesses (type 0x04 cosignature verifiers). */
  readonly witnesses?: readonly NoteVerifier[];
  /** Distinct witness names whose cosignature must verify (default 0). */
  readonly quorum?: number;
}

/** What a verified receipt proves. */
export interface VerifiedReceipt {
  readonly index: number;
  readonly leafHash: Buffer;
  readonly checkpoint: Checkpoint;
  /** Verified witness cosignatures (timestamp when the signature is a cosignature/v1). */
  readonly cosignatures: readonly { name: string; keyId: number; timestamp?: number }[];
  readonly extra?: Buffer;
}

/** Formats a receipt; the proof must be 32-byte hashes and the note a well-formed signed note. */
export function formatReceipt(receipt: ReceiptInput): string {
  const { extra, index, proof, checkpointNote } = receipt;
  if (!isSafeUint(index)) throw new LedgerError('invalid-argument', 'index must be a safe uint');
  if (proof.length > MAX_PROOF_LENGTH || !proof.every(isHash)) {
    throw new LedgerError('invalid-argument', 'proof must be at most 64 hashes of 32 bytes');
  }
  parseNote(checkpointNote);
  const lines = [RECEIPT_HEADER];
  if (extra !== undefined && extra.length > 0) lines.push(`extra ${encodeBase64(extra)}`);
  lines.push(`index ${index}`, ...proof.map((hash) => encodeBase64(hash)));
  return `${lines.join('\n')}\n\n${checkpointNote}`;
}

/**
 * Parses a receipt strictly (canonical decimal and base64, no stray lines).
 *
 * @throws LedgerError `malformed-receipt`
 */
export function parseReceipt(text: string): Receipt {
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw malformed('no empty line before the checkpoint');
  const lines = text.slice(0, blank).split('\n');
  const checkpointNote = text.slice(blank + 2);
  if (lines.shift() !== RECEIPT_HEADER) throw malformed(`first line must be ${RECEIPT_HEADER}`);
  let extra: Buffer | undefined;
  if (lines[0]?.startsWith('extra ') === true) {
    extra = decodeBase64Strict(lines.shift()?.slice('extra '.length) ?? '');
    if (extra === undefined || extra.length === 0) throw malformed('extra must be non-empty base64');
  }
  const indexLine = lines.shift();
  const index = indexLine?.startsWith('index ') === true ? parseDecimal(indexLine.slice(6)) : undefined;
  if (index === undefined) throw malformed('missing or non-canonical index line');
  if (lines.length > MAX_PROOF_LENGTH) throw malformed('too many proof lines');
  const proof = lines.map((line) => {
    const hash = decodeBase64Strict(line);
    if (hash === undefined || !isHash(hash)) throw malformed('proof lines must be base64 of 32 bytes');
    return hash;
  });
  return extra === undefined ? { index, proof, checkpointNote } : { extra, index, proof, checkpointNote };
}

/**
 * Verifies a receipt for `entry` offline, in the order tlog-proof gives: leaf hash, origin and log
 * signature, witness cosignatures against the quorum, then the inclusion proof against the root.
 *
 * @throws LedgerError `malformed-receipt`, `malformed-note`, `malformed-checkpoint`,
 * `invalid-signature`, `unverified-note`, `origin-mismatch`, `quorum-not-met` or `invalid-proof`
 */
export function verifyReceipt(
  receiptText: string,
  entry: Uint8Array,
  policy: ReceiptPolicy,
): VerifiedReceipt {
  const receipt = parseReceipt(receiptText);
  const leafHash = hashLeaf(entry);
  const logVerifiers: readonly NoteVerifier[] = Array.isArray(policy.log)
    ? policy.log
    : [policy.log as NoteVerifier];
  const origin = policy.origin ?? logVerifiers[0]?.name;
  const witnesses = policy.witnesses ?? [];
  const opened = openCheckpoint(receipt.checkpointNote, logVerifiers, { origin, otherVerifiers: witnesses });
  const cosignatures = opened.note.signatures
    .filter((sig) => sig.verified && witnesses.some((w) => w.name === sig.name && w.keyId === sig.keyId))
    .map((sig) => {
      const timestamp = cosignatureTimestamp(sig.signature);
      return timestamp === undefined
        ? { name: sig.name, keyId: sig.keyId }
        : { name: sig.name, keyId: sig.keyId, timestamp };
    });
  const quorum = policy.quorum ?? 0;
  const distinct = new Set(cosignatures.map((c) => c.name)).size;
  if (distinct < quorum)
    throw new LedgerError('quorum-not-met', `${distinct} of ${quorum} witness cosignatures`);
  const { checkpoint } = opened;
  if (!verifyInclusion(receipt.index, checkpoint.size, leafHash, receipt.proof, checkpoint.rootHash)) {
    throw new LedgerError('invalid-proof', `entry is not leaf ${receipt.index} of the checkpointed tree`);
  }
  const result = { index: receipt.index, leafHash, checkpoint, cosignatures };
  return receipt.extra === undefined ? result : { ...result, extra: receipt.extra };
}

function malformed(reason: string): LedgerError {
  return new LedgerError('malformed-receipt', reason);
}
