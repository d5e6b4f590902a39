/**
 * c2sp.org/signed-note: signing and opening notes, with Ed25519 (type 0x01) signers and verifiers.
 *
 * A note is `text` (ending in a newline) + an empty line + one or more signature lines
 * `— <name> base64(keyID ‖ signature)\n`. Opening follows the spec and Go's sumdb/note:
 * - the whole note must be valid UTF-8 with no control character but newline;
 * - the text ends at the *last* empty line; at most {@link MAX_NOTE_SIGNATURES} signature lines;
 * - signatures whose (name, key ID) match no verifier are returned unverified and otherwise ignored;
 * - a known signer's signature is always checked, and a failure rejects the whole note;
 * - a note with no verified signature is rejected;
 * - exact duplicate unknown lines, and repeated lines of one known key, are dropped.
 */
import type { KeyObject } from 'node:crypto';
import {
  ed25519PrivateKey,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  generateEd25519Seed,
} from './ed25519.js';
import { decodeBase64Strict, encodeBase64, hasForbiddenControl, hasLoneSurrogate } from './encoding.js';
import { LedgerError } from './errors.js';
import type { SignerKey, VerifierKey } from './note-keys.js';
import {
  SIG_TYPE_ED25519,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  parseSignerKeyText,
  parseVerifierKey,
} from './note-keys.js';

export type { SignerKey, VerifierKey } from './note-keys.js';
export {
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
  computeKeyId,
  formatKeyId,
  formatSignerKey,
  formatVerifierKey,
  isValidKeyName,
  parseVerifierKey,
} from './note-keys.js';

/** Signature lines beyond this make a note malformed (Go's limit; the spec requires ≥ 16). */
export const MAX_NOTE_SIGNATURES = 100;

/** Checks signatures of one (name, key ID). */
export interface NoteVerifier {
  readonly name: string;
  /** uint32 key ID. */
  readonly keyId: number;
  /** @param text - the exact note text bytes; @param signature - the bytes after the key ID */
  verify(text: Buffer, signature: Buffer): boolean;
}

/** Produces signatures for one (name, key ID). */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** @returns the signature bytes (without the key ID) over the note text */
  sign(text: Buffer): Buffer;
}

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes after the 4-byte key ID. */
  readonly signature: Buffer;
}

/** A signature line together with whether a known verifier checked it. */
export interface CheckedSignature extends NoteSignature {
  /** true: a verifier matched and the signature is valid; false: unknown signer, not checked. */
  readonly verified: boolean;
}

/** A note split into its parts, signatures not yet checked. */
export interface ParsedNote {
  readonly text: string;
  /** The exact signed bytes of `text`. */
  readonly textBytes: Buffer;
  readonly signatures: readonly NoteSignature[];
}

/** A note whose known signatures all verified. */
export interface OpenedNote {
  readonly text: string;
  readonly signatures: readonly CheckedSignature[];
}

const EM_DASH_PREFIX = '\u2014 ';
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A verifier for an Ed25519 (type 0x01) vkey. */
export function ed25519Verifier(vkey: string | VerifierKey): NoteVerifier {
  const key = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (key.sigType !== SIG_TYPE_ED25519) throw new LedgerError('malformed-key', 'not an Ed25519 (0x01) key');
  const publicKey = ed25519PublicKey(key.publicKey);
  return { name: key.name, keyId: key.keyId, verify: (text, sig) => ed25519Verify(publicKey, text, sig) };
}

/** A signer with its public verifier key, from `PRIVATE+KEY+…` text of type 0x01. */
export interface Ed25519NoteSigner extends NoteSigner {
  /** The matching vkey, safe to publish. */
  readonly verifierKey: string;
}

/** Parses a type-0x01 signer key into a {@link NoteSigner}. */
export function parseSignerKey(skey: string | SignerKey): Ed25519NoteSigner {
  const key = typeof skey === 'string' ? parseSignerKeyText(skey) : skey;
  if (key.sigType !== SIG_TYPE_ED25519) throw new LedgerError('malformed-key', 'not an Ed25519 (0x01) key');
  const privateKey: KeyObject = ed25519PrivateKey(key.seed);
  return {
    name: key.name,
    keyId: key.keyId,
    verifierKey: formatVerifierKey(key.name, key.publicKey),
    sign: (text) => ed25519Sign(privateKey, text),
  };
}

/** Generates a new Ed25519 note key pair (`seed` only for deterministic tests). */
export function generateSignerKey(
  name: string,
  seed: Uint8Array = generateEd25519Seed(),
): {
  signerKey: string;
  verifierKey: string;
} {
  const signerKey = formatSignerKey(name, seed);
  return { signerKey, verifierKey: parseSignerKey(signerKey).verifierKey };
}

/** `— <name> base64(keyID ‖ signature)\n`. */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  if (!isValidKeyName(name)) throw new LedgerError('invalid-argument', 'invalid key name');
  const id = Buffer.alloc(4);
  id.writeUInt32BE(keyId >>> 0, 0);
  return `${EM_DASH_PREFIX}${name} ${encodeBase64(Buffer.concat([id, signature]))}\n`;
}

/** Signs `text` (must end in a newline) with every signer and returns the note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertNoteText(text);
  if (signers.length === 0) throw new LedgerError('invalid-argument', 'a note needs at least one signer');
  const bytes = Buffer.from(text, 'utf8');
  const lines = signers.map((signer) => formatSignatureLine(signer.name, signer.keyId, signer.sign(bytes)));
  return `${text}\n${lines.join('')}`;
}

/** Appends signature lines (e.g. witness cosignatures) to a signed note, checking the result's format. */
export function addSignatureLines(note: string, lines: readonly string[]): string {
  const combined = note + lines.join('');
  parseNote(combined);
  return combined;
}

/** Throws `invalid-argument` unless `text` can be the text of a note. */
export function assertNoteText(text: string): void {
  if (!text.endsWith('\n') || hasForbiddenControl(text) || hasLoneSurrogate(text)) {
    throw new LedgerError('invalid-argument', 'note text must be valid text ending in a newline');
  }
}

/**
 * Splits a note into text and signature lines, checking the format only.
 *
 * @throws LedgerError `malformed-note`
 */
export function parseNote(note: Uint8Array | string): ParsedNote {
  const bytes = typeof note === 'string' ? Buffer.from(note, 'utf8') : Buffer.from(note);
  let decoded: string;
  try {
    decoded = UTF8.decode(bytes);
  } catch {
    throw malformed('not valid UTF-8');
  }
  if (hasForbiddenControl(decoded) || hasLoneSurrogate(decoded)) throw malformed('control character');
  const split = decoded.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = decoded.slice(0, split + 1);
  const block = decoded.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('signature lines must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  return { text, textBytes: Buffer.from(text, 'utf8'), signatures: lines.map(parseSignatureLine) };
}

/**
 * Parses a note and verifies it with the given verifiers, per the rules in the module comment.
 *
 * @throws LedgerError `malformed-note`, `invalid-signature` or `unverified-note`
 */
export function openNote(note: Uint8Array | string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const byKey = indexVerifiers(verifiers);
  const parsed = parseNote(note);
  const signatures: CheckedSignature[] = [];
  const seen = new Set<string>();
  for (const sig of parsed.signatures) {
    const id = `${sig.name}\n${sig.keyId}`;
    const verifier = byKey.get(id);
    const dedupeKey = verifier === undefined ? `${id}\n${sig.signature.toString('base64')}` : id;
    if (seen.has(dedupeKey)) continue;
    seen.add(dedupeKey);
    if (verifier !== undefined && !verifier.verify(parsed.textBytes, sig.signature)) {
      throw new LedgerError('invalid-signature', `signature by ${sig.name} does not verify`);
    }
    signatures.push({ ...sig, verified: verifier !== undefined });
  }
  if (!signatures.some((sig) => sig.verified)) {
    throw new LedgerError('unverified-note', 'no signature from a known key');
  }
  return { text: parsed.text, signatures };
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(EM_DASH_PREFIX)) throw malformed('signature line must start with an em dash');
  const rest = line.slice(EM_DASH_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = space < 0 ? rest : rest.slice(0, space);
  const payload = space < 0 ? undefined : decodeBase64Strict(rest.slice(space + 1));
  if (!isValidKeyName(name) || payload === undefined || payload.length < 5) {
    throw malformed('malformed signature line');
  }
  return { name, keyId: payload.readUInt32BE(0), signature: payload.subarray(4) };
}

function indexVerifiers(verifiers: readonly NoteVerifier[]): Map<string, NoteVerifier> {
  const byKey = new Map<string, NoteVerifier>();
  for (const verifier of verifiers) {
    const id = `${verifier.name}\n${verifier.keyId}`;
    if (byKey.has(id)) throw new LedgerError('invalid-argument', `two verifiers for ${verifier.name}`);
    byKey.set(id, verifier);
  }
  return byKey;
}

function malformed(reason: string): LedgerError {
  return new LedgerError('malformed-note', reason);
}
