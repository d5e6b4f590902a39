/**
 * c2sp.org/tlog-cosignature, Ed25519 `cosignature/v1` (signature type 0x04).
 *
 * - key ID = SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte public key)[:4]; vkeys carry type byte 0x04;
 * - signed message = `cosignature/v1\ntime <T>\n` + the whole checkpoint body;
 * - signature line payload = key ID (4) ‖ timestamp T (uint64 big-endian) ‖ Ed25519 signature (64).
 *
 * Timestamps are POSIX seconds as safe integers: we sign only 1 ≤ T ≤ 2^53 − 1 (a witness must
 * not send 0) and reject, when verifying, any T above 2^53 − 1 (the spec's ceiling is 2^63 − 1).
 * Cosigner private keys use the signer-key text format with type byte 0x04
 * (`PRIVATE+KEY+<name>+<id>+base64(0x04 ‖ seed)`), a Truceline convention.
 */
import type { KeyObject } from 'node:crypto';
import {
  ed25519PrivateKey,
  ed25519PublicKey,
  ed25519Sign,
  ed25519Verify,
  generateEd25519Seed,
} from './ed25519.js';
import { isSafeUint } from './encoding.js';
import { LedgerError } from './errors.js';
import type { SignerKey, VerifierKey } from './note-keys.js';
import {
  SIG_TYPE_COSIGNATURE_V1,
  formatSignerKey,
  formatVerifierKey,
  parseSignerKeyText,
  parseVerifierKey,
} from './note-keys.js';
import type { NoteVerifier } from './note.js';
import { assertNoteText, formatSignatureLine, openNote } from './note.js';

/** Length of a `timestamped_signature` for Ed25519: 8-byte timestamp + 64-byte signature. */
export const COSIGNATURE_V1_SIZE = 72;

/** A witness key able to cosign checkpoints. */
export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  /** The type-0x04 vkey, safe to publish. */
  readonly verifierKey: string;
  /** @returns the 72-byte timestamped signature over {@link cosignatureMessage} */
  sign(body: string, timestamp: number): Buffer;
}

/** A verified cosignature. */
export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: number;
  /** POSIX seconds at which the witness cosigned. */
  readonly timestamp: number;
}

/** `cosignature/v1\ntime <timestamp>\n<body>` as bytes. */
export function cosignatureMessage(body: string, timestamp: number): Buffer {
  assertNoteText(body);
  if (!isSafeUint(timestamp)) throw new LedgerError('invalid-argument', 'timestamp must be a safe uint');
  return messageBytes(Buffer.from(body, 'utf8'), timestamp);
}

function messageBytes(body: Buffer, timestamp: number): Buffer {
  return Buffer.concat([Buffer.from(`cosignature/v1\ntime ${timestamp}\n`, 'utf8'), body]);
}

/** The type-0x04 vkey `name+id+base64(0x04 ‖ public key)` of a witness. */
export function formatCosignatureVerifierKey(name: string, publicKey: Uint8Array): string {
  return formatVerifierKey(name, publicKey, SIG_TYPE_COSIGNATURE_V1);
}

/** Generates a witness key pair (`seed` only for deterministic tests). */
export function generateCosignerKey(
  name: string,
  seed: Uint8Array = generateEd25519Seed(),
): { signerKey: string; verifierKey: string } {
  const signerKey = formatSignerKey(name, seed, SIG_TYPE_COSIGNATURE_V1);
  return { signerKey, verifierKey: parseCosignerKey(signerKey).verifierKey };
}

/** Parses a type-0x04 signer key into a {@link Cosigner}. */
export function parseCosignerKey(skey: string | SignerKey): Cosigner {
  const key = typeof skey === 'string' ? parseSignerKeyText(skey) : skey;
  if (key.sigType !== SIG_TYPE_COSIGNATURE_V1)
    throw new LedgerError('malformed-key', 'not a cosigner (0x04) key');
  const privateKey: KeyObject = ed25519PrivateKey(key.seed);
  return {
    name: key.name,
    keyId: key.keyId,
    verifierKey: formatCosignatureVerifierKey(key.name, key.publicKey),
    sign(body: string, timestamp: number): Buffer {
      if (!isSafeUint(timestamp) || timestamp === 0) {
        throw new LedgerError('invalid-argument', 'cosignature timestamp must be a positive safe integer');
      }
      const stamp = Buffer.alloc(8);
      stamp.writeBigUInt64BE(BigInt(timestamp));
      return Buffer.concat([stamp, ed25519Sign(privateKey, cosignatureMessage(body, timestamp))]);
    },
  };
}

/**
 * The timestamp of a 72-byte `timestamped_signature`, or `undefined` if it has the wrong length or
 * a timestamp above 2^53 − 1.
 */
export function cosignatureTimestamp(signature: Uint8Array): number | undefined {
  if (signature.length !== COSIGNATURE_V1_SIZE) return undefined;
  const value = Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/** A {@link NoteVerifier} for a type-0x04 vkey, usable with `openNote` / `openCheckpoint`. */
export function cosignatureVerifier(vkey: string | VerifierKey): NoteVerifier {
  const key = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (key.sigType !== SIG_TYPE_COSIGNATURE_V1)
    throw new LedgerError('malformed-key', 'not a cosignature (0x04) key');
  const publicKey = ed25519PublicKey(key.publicKey);
  return {
    name: key.name,
    keyId: key.keyId,
    verify(text: Buffer, signature: Buffer): boolean {
      const timestamp = cosignatureTimestamp(signature);
      if (timestamp === undefined) return false;
      return ed25519Verify(publicKey, messageBytes(text, timestamp), signature.subarray(8));
    },
  };
}

/** Cosigns a checkpoint body and returns the note signature line (`— name base64…\n`). */
export function cosignCheckpoint(body: string, cosigner: Cosigner, timestamp: number): string {
  return formatSignatureLine(cosigner.name, cosigner.keyId, cosigner.sign(body, timestamp));
}

/**
 * Verifies one cosignature line on a checkpoint body against a witness vkey.
 *
 * @returns the witness name, key ID and timestamp
 * @throws LedgerError `invalid-signature` if the line is the witness's but does not verify,
 * `unverified-note` if the line is not from this witness, `malformed-note` if malformed
 */
export function verifyCosignature(
  body: string,
  signatureLine: string,
  witness: string | VerifierKey,
): VerifiedCosignature {
  const verifier = cosignatureVerifier(witness);
  const line = signatureLine.endsWith('\n') ? signatureLine : `${signatureLine}\n`;
  const opened = openNote(`${body}\n${line}`, [verifier]);
  const signature = opened.signatures[0];
  const timestamp = signature === undefined ? undefined : cosignatureTimestamp(signature.signature);
  if (opened.signatures.length !== 1 || timestamp === undefined) {
    throw new LedgerError('malformed-note', 'expected exactly one cosignature line');
  }
  return { name: verifier.name, keyId: verifier.keyId, timestamp };
}
