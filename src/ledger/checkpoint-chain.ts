/**
 * The chain of stored checkpoints: each checkpoint the sequencer signs names its predecessor — the
 * checkpoint stored before it — in one extension line (c2sp.org/tlog-checkpoint allows extension
 * lines after the root hash; the log's signature and witnesses' `cosignature/v1` cover them):
 *
 *     previous <size> <base64 SHA-256 of the predecessor's note body>
 *
 * A stored checkpoint deleted from the database is then named by its successor, which the log signed:
 * the database audit finds the gap even where no witness cosigned the deleted one. The first
 * checkpoint of a log has no predecessor and no line; checkpoints signed before the chain have none
 * either, and are accepted only before the first that has one.
 */
import crypto from 'node:crypto';
import type { Checkpoint } from './checkpoint.js';
import { decodeBase64Strict, encodeBase64, parseDecimal } from './encoding.js';
import { LedgerError } from './errors.js';
import { isHash } from './merkle-hash.js';
import { parseNote } from './note.js';

const PREFIX = 'previous ';

/** A checkpoint's predecessor as it names it: its size and the SHA-256 of its note body. */
export interface PreviousCheckpoint {
  readonly size: number;
  readonly bodyHash: Buffer;
}

/** SHA-256 of a signed checkpoint's note body (the text the log signed, without signature lines). */
export function checkpointBodyHash(note: string): Buffer {
  return crypto.createHash('sha256').update(parseNote(note).text, 'utf8').digest();
}

/** The extension line naming `previous` (a stored signed checkpoint) as the predecessor. */
export function previousCheckpointLine(previous: { size: number; note: string }): string {
  return `${PREFIX}${previous.size} ${encodeBase64(checkpointBodyHash(previous.note))}`;
}

/**
 * The predecessor a checkpoint names, or undefined when it names none (the first of a log, or one
 * signed before the chain).
 *
 * @throws LedgerError `malformed-checkpoint` for a malformed or repeated `previous` line
 */
export function previousCheckpointOf(checkpoint: Checkpoint): PreviousCheckpoint | undefined {
  const lines = checkpoint.extensions.filter((line) => line.startsWith(PREFIX));
  if (lines.length === 0) return undefined;
  if (lines.length > 1) throw malformed('more than one previous line');
  const [sizeText, hashText, ...rest] = (lines[0] as string).slice(PREFIX.length).split(' ');
  const size = sizeText === undefined ? undefined : parseDecimal(sizeText);
  const bodyHash = hashText === undefined ? undefined : decodeBase64Strict(hashText);
  if (size === undefined || bodyHash === undefined || !isHash(bodyHash) || rest.length > 0)
    throw malformed('previous line must be "previous <size> <base64 SHA-256>"');
  if (size >= checkpoint.size) throw malformed('previous line names a size not below its own');
  return { size, bodyHash };
}

function malformed(reason: string): LedgerError {
  return new LedgerError('malformed-checkpoint', reason);
}
