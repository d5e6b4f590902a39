/**
 * c2sp.org/tlog-checkpoint: the note body `origin\nsize\nbase64(root)\n[extension lines]`.
 */
import {
  decodeBase64Strict,
  encodeBase64,
  hasForbiddenControl,
  hasLoneSurrogate,
  isSafeUint,
  parseDecimal,
} from './encoding.js';
import { LedgerError } from './errors.js';
import { isHash } from './merkle-hash.js';
import type { NoteVerifier, OpenedNote } from './note.js';
import { openNote } from './note.js';

/** A parsed checkpoint body. */
export interface Checkpoint {
  /** Log identity, e.g. `example.com/log42`. */
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 6962 root hash (32 bytes). */
  readonly rootHash: Buffer;
  /** Opaque, non-empty extension lines (NOT RECOMMENDED by the spec; usually empty). */
  readonly extensions: readonly string[];
}

/** Input of {@link formatCheckpoint}. */
export interface CheckpointInput {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  readonly extensions?: readonly string[];
}

/**
 * Formats a checkpoint body (the note text, ending in a newline).
 *
 * @throws LedgerError `invalid-argument` for an empty/invalid origin, unsafe size, root that is not
 * 32 bytes, or an empty/invalid extension line
 */
export function formatCheckpoint(checkpoint: CheckpointInput): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  if (!isLine(origin)) throw new LedgerError('invalid-argument', 'origin must be a non-empty line');
  if (!isSafeUint(size)) throw new LedgerError('invalid-argument', 'size must be a safe uint');
  if (!isHash(rootHash)) throw new LedgerError('invalid-argument', 'root hash must be 32 bytes');
  if (!extensions.every(isLine))
    throw new LedgerError('invalid-argument', 'extension lines must be non-empty lines');
  return [origin, String(size), encodeBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/**
 * Parses a checkpoint body strictly: ≥ 3 non-empty newline-terminated lines, canonical decimal size
 * within 2^53 − 1, canonical base64 of exactly 32 bytes, no control characters.
 *
 * @throws LedgerError `malformed-checkpoint`
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw malformed('checkpoint must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || sizeText === undefined || rootText === undefined) {
    throw malformed('checkpoint needs origin, size and root lines');
  }
  if (!lines.every(isLine)) throw malformed('checkpoint lines must be non-empty text');
  const size = parseDecimal(sizeText);
  if (size === undefined) throw malformed('size must be a canonical decimal ≤ 2^53 − 1');
  const rootHash = decodeBase64Strict(rootText);
  if (rootHash === undefined || !isHash(rootHash)) throw malformed('root hash must be base64 of 32 bytes');
  return { origin, size, rootHash, extensions };
}

/** A verified checkpoint note. */
export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** The checkpoint body (note text). */
  readonly text: string;
  readonly note: OpenedNote;
}

/** Options of {@link openCheckpoint}. */
export interface OpenCheckpointOptions {
  /** Required origin; when omitted the origin is not checked. */
  readonly origin?: string;
  /** Further verifiers (e.g. witness cosignature verifiers) whose signatures are checked too. */
  readonly otherVerifiers?: readonly NoteVerifier[];
}

/**
 * Opens a signed checkpoint: the note must carry a valid signature from at least one of
 * `logVerifiers`; any other known signature that fails rejects it (signed-note rules).
 *
 * @throws LedgerError `malformed-note`, `invalid-signature`, `unverified-note`,
 * `malformed-checkpoint` or `origin-mismatch`
 */
export function openCheckpoint(
  note: Uint8Array | string,
  logVerifiers: readonly NoteVerifier[],
  options: OpenCheckpointOptions = {},
): OpenedCheckpoint {
  const opened = openNote(note, [...logVerifiers, ...(options.otherVerifiers ?? [])]);
  const byLog = opened.signatures.some(
    (sig) => sig.verified && logVerifiers.some((v) => v.name === sig.name && v.keyId === sig.keyId),
  );
  if (!byLog) throw new LedgerError('unverified-note', 'checkpoint carries no valid log signature');
  const checkpoint = parseCheckpoint(opened.text);
  if (options.origin !== undefined && checkpoint.origin !== options.origin) {
    throw new LedgerError('origin-mismatch', `checkpoint origin is ${JSON.stringify(checkpoint.origin)}`);
  }
  return { checkpoint, text: opened.text, note: opened };
}

function isLine(line: unknown): line is string {
  return (
    typeof line === 'string' &&
    line.length > 0 &&
    !line.includes('\n') &&
    !hasForbiddenControl(line) &&
    !hasLoneSurrogate(line)
  );
}

function malformed(reason: string): LedgerError {
  return new LedgerError('malformed-checkpoint', reason);
}
