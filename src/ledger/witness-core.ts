/**
 * Pure decision logic of the c2sp.org/tlog-witness `add-checkpoint` call. Persistence and HTTP are
 * the caller's: it looks up the log, calls {@link addCheckpoint}, and on 200 must store `newState`
 * atomically *only if* the stored size is still `request.oldSize` (otherwise a concurrent request
 * could roll the witness back — see the spec's race), then reply with `status`, `contentType`, `body`.
 *
 * Checks, in the spec's order:
 * 1. body malformed (old line, > 63 proof lines, non-32-byte hashes, bad note/checkpoint) → 400;
 * 2. unknown origin → 404 (the spec's code; not 403);
 * 3. no valid signature from a trusted log key, or a trusted key's signature fails → 403;
 * 4. old size > checkpoint size → 400;
 * 5. old size ≠ latest cosigned size (0 if none) → 409, body `<latest>\n`, `text/x.tlog.size`;
 * 6. size-0 checkpoint whose root is not SHA-256("") → 422; old 0 with a non-empty proof → 422;
 * 7. equal sizes: roots differ → 409 (spec text) with the same size body; non-empty proof → 422;
 * 8. consistency proof from the stored (size, root) fails → 422;
 * 9. otherwise 200 with one cosignature line per witness key, timestamp `now`.
 */
import type { Cosigner } from './cosignature.js';
import { cosignCheckpoint } from './cosignature.js';
import type { Checkpoint } from './checkpoint.js';
import { openCheckpoint, parseCheckpoint } from './checkpoint.js';
import { decodeBase64Strict, encodeBase64, isSafeUint, parseDecimal } from './encoding.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, isHash } from './merkle-hash.js';
import { verifyConsistency } from './merkle-verify.js';
import type { NoteVerifier } from './note.js';
import { parseNote } from './note.js';

/** Most consistency-proof lines a client may send. */
export const MAX_WITNESS_PROOF_LINES = 63;
/** Content type of a 409 body. */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

/** A parsed add-checkpoint body. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Buffer[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpointNote: string;
}

/** The latest checkpoint a witness cosigned for one origin. */
export interface WitnessState {
  readonly size: number;
  readonly rootHash: Buffer;
}

/** What the witness knows about one log. */
export interface WitnessLogConfig {
  /** Trusted log keys for this origin. */
  readonly verifiers: readonly NoteVerifier[];
  /** Latest cosigned checkpoint; `undefined` if the witness never cosigned for this origin. */
  readonly state?: WitnessState;
}

/** Inputs of {@link addCheckpoint} besides the body. */
export interface AddCheckpointContext {
  /** Returns the configuration of a known origin, `undefined` for an unknown one. */
  readonly lookupLog: (origin: string) => WitnessLogConfig | undefined;
  /** The witness key(s) that cosign. */
  readonly cosigners: readonly Cosigner[];
  /** Current POSIX time in seconds (> 0); the cosignature timestamp. */
  readonly now: number;
}

/** HTTP status codes add-checkpoint can answer with. */
export type AddCheckpointStatus = 200 | 400 | 403 | 404 | 409 | 422;

/** The witness's decision. */
export interface AddCheckpointResult {
  readonly status: AddCheckpointStatus;
  readonly contentType: string;
  readonly body: string;
  /** On 200 only: what to persist (atomically, conditioned on the old size). */
  readonly newState?: WitnessState & { readonly origin: string };
}

/**
 * Parses `old <N>\n` + 0..63 base64 hash lines + `\n` + signed checkpoint.
 *
 * @throws LedgerError `malformed-request`
 */
export function parseAddCheckpointRequest(body: Uint8Array | string): AddCheckpointRequest {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  const blank = text.indexOf('\n\n');
  if (blank < 0) throw malformed('no empty line before the checkpoint');
  const [oldLine = '', ...proofLines] = text.slice(0, blank).split('\n');
  const oldSize = oldLine.startsWith('old ') ? parseDecimal(oldLine.slice(4)) : undefined;
  if (oldSize === undefined) throw malformed('first line must be "old <size>"');
  if (proofLines.length > MAX_WITNESS_PROOF_LINES) throw malformed('more than 63 proof lines');
  const proof = proofLines.map((line) => {
    const hash = decodeBase64Strict(line);
    if (hash === undefined || !isHash(hash)) throw malformed('proof lines must be base64 of 32 bytes');
    return hash;
  });
  return { oldSize, proof, checkpointNote: text.slice(blank + 2) };
}

/** Formats an add-checkpoint body (the log's side of the protocol). */
export function formatAddCheckpointRequest(
  oldSize: number,
  proof: readonly Uint8Array[],
  checkpointNote: string,
): string {
  if (!isSafeUint(oldSize)) throw new LedgerError('invalid-argument', 'old size must be a safe uint');
  if (proof.length > MAX_WITNESS_PROOF_LINES || !proof.every(isHash)) {
    throw new LedgerError('invalid-argument', 'proof must be at most 63 hashes of 32 bytes');
  }
  return (
    [`old ${oldSize}`, ...proof.map((hash) => encodeBase64(hash))].map((l) => `${l}\n`).join('') +
    `\n${checkpointNote}`
  );
}

/** Decides an add-checkpoint request; pure given `context`. See the module comment for the rules. */
export function addCheckpoint(body: Uint8Array | string, context: AddCheckpointContext): AddCheckpointResult {
  if (!isSafeUint(context.now) || context.now === 0 || context.cosigners.length === 0) {
    throw new LedgerError('invalid-argument', 'a witness needs a positive time and at least one cosigner');
  }
  let request: AddCheckpointRequest;
  let claimed: Checkpoint;
  try {
    request = parseAddCheckpointRequest(body);
    claimed = parseCheckpoint(parseNote(request.checkpointNote).text);
  } catch (error) {
    return reply(400, error instanceof LedgerError ? error.message : 'malformed request');
  }
  const log = context.lookupLog(claimed.origin);
  if (log === undefined) return reply(404, `unknown origin ${claimed.origin}`);
  let checkpoint: Checkpoint;
  let text: string;
  try {
    ({ checkpoint, text } = openCheckpoint(request.checkpointNote, log.verifiers));
  } catch (error) {
    if (
      error instanceof LedgerError &&
      (error.code === 'invalid-signature' || error.code === 'unverified-note')
    ) {
      return reply(403, error.message);
    }
    throw error;
  }
  const { oldSize, proof } = request;
  if (oldSize > checkpoint.size)
    return reply(400, `old size ${oldSize} exceeds checkpoint size ${checkpoint.size}`);
  const latest = log.state ?? { size: 0, rootHash: EMPTY_ROOT };
  if (oldSize !== latest.size) return sizeConflict(latest.size);
  if (checkpoint.size === 0 && !checkpoint.rootHash.equals(EMPTY_ROOT)) {
    return reply(422, 'a size-0 checkpoint must have the empty-tree root');
  }
  if (oldSize === checkpoint.size) {
    if (!checkpoint.rootHash.equals(latest.rootHash)) return sizeConflict(latest.size);
    if (proof.length > 0) return reply(422, 'the proof between equal sizes must be empty');
  } else if (oldSize === 0) {
    if (proof.length > 0) return reply(422, 'the proof from size 0 must be empty');
  } else if (!verifyConsistency(oldSize, checkpoint.size, latest.rootHash, checkpoint.rootHash, proof)) {
    return reply(422, 'consistency proof does not verify');
  }
  const lines = context.cosigners.map((cosigner) => cosignCheckpoint(text, cosigner, context.now));
  return {
    status: 200,
    contentType: 'text/plain; charset=utf-8',
    body: lines.join(''),
    newState: {
      origin: checkpoint.origin,
      size: checkpoint.size,
      rootHash: Buffer.from(checkpoint.rootHash),
    },
  };
}

function reply(status: Exclude<AddCheckpointStatus, 200 | 409>, reason: string): AddCheckpointResult {
  return { status, contentType: 'text/plain; charset=utf-8', body: `${reason}\n` };
}

function sizeConflict(latestSize: number): AddCheckpointResult {
  return { status: 409, contentType: TLOG_SIZE_CONTENT_TYPE, body: `${latestSize}\n` };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw malformed('body is not valid UTF-8');
  }
}

function malformed(reason: string): LedgerError {
  return new LedgerError('malformed-request', reason);
}
