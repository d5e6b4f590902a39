/**
 * The statement a log makes when it rotates its signing key, logged as a `log.key-rotated` entry.
 *
 * The statement is a signed note, signed by the old key *and* the new one:
 * ```
 * truceline/log-key-rotation/v1
 * origin <origin>
 * old <old vkey>
 * new <new vkey>
 * ```
 * An auditor who trusts the old key and finds this entry in a log it verifies can trust the new key
 * from then on (the checkpoint that first includes it is also signed by both keys).
 */
import { ed25519Verifier, openNote, signNote, type Ed25519NoteSigner } from './note.js';

/** First line of a key-rotation statement. */
export const KEY_ROTATION_HEADER = 'truceline/log-key-rotation/v1';
/** Kind of the log entry that carries a key rotation. */
export const KEY_ROTATED_KIND = 'log.key-rotated';

/** The record of a `log.key-rotated` entry. */
export interface KeyRotationRecord {
  readonly origin: string;
  readonly oldKey: string;
  readonly newKey: string;
  /** The statement above as a note signed by both keys. */
  readonly statement: string;
}

function statementText(origin: string, oldKey: string, newKey: string): string {
  return `${KEY_ROTATION_HEADER}\norigin ${origin}\nold ${oldKey}\nnew ${newKey}\n`;
}

/** Builds the rotation record, signed by the outgoing and the incoming key. */
export function keyRotationRecord(
  oldSigner: Ed25519NoteSigner,
  newSigner: Ed25519NoteSigner,
): KeyRotationRecord {
  const text = statementText(oldSigner.name, oldSigner.verifierKey, newSigner.verifierKey);
  return {
    origin: oldSigner.name,
    oldKey: oldSigner.verifierKey,
    newKey: newSigner.verifierKey,
    statement: signNote(text, [oldSigner, newSigner]),
  };
}

/**
 * Checks a `log.key-rotated` record against the keys trusted so far.
 *
 * @returns the new vkey when the record's old key is trusted and both keys signed the statement;
 * `undefined` for anything else (malformed, untrusted old key, bad signature)
 */
export function followKeyRotation(record: unknown, trusted: readonly string[]): string | undefined {
  const r = record as Partial<KeyRotationRecord> | null;
  if (
    typeof r?.origin !== 'string' ||
    typeof r.oldKey !== 'string' ||
    typeof r.newKey !== 'string' ||
    typeof r.statement !== 'string' ||
    !trusted.includes(r.oldKey)
  ) {
    return undefined;
  }
  try {
    const expected = statementText(r.origin, r.oldKey, r.newKey);
    const byOld = openNote(r.statement, [ed25519Verifier(r.oldKey)]);
    const byNew = openNote(r.statement, [ed25519Verifier(r.newKey)]);
    return byOld.text === expected && byNew.text === expected ? r.newKey : undefined;
  } catch {
    return undefined;
  }
}
