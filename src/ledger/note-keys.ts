/**
 * Key formats of c2sp.org/signed-note: key names, key IDs, verifier keys ("vkeys") and the
 * `PRIVATE+KEY+…` signer-key text used by golang.org/x/mod/sumdb/note.
 */
import { createHash } from 'node:crypto';
import { ed25519PrivateKey, ed25519RawPublicKey } from './ed25519.js';
import { decodeBase64Strict, encodeBase64, hasForbiddenControl, hasLoneSurrogate } from './encoding.js';
import { LedgerError } from './errors.js';

/** Signature type byte of plain Ed25519 note signatures. */
export const SIG_TYPE_ED25519 = 0x01;
/** Signature type byte of timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature). */
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

/** A parsed verifier key: `<name>+<hex key ID>+base64(type ‖ public key)`. */
export interface VerifierKey {
  readonly name: string;
  /** uint32 key ID. */
  readonly keyId: number;
  /** Signature type byte (0x01 Ed25519, 0x04 cosignature/v1, …). */
  readonly sigType: number;
  /** Public key material without the type byte. */
  readonly publicKey: Buffer;
}

/** A parsed signer key: `PRIVATE+KEY+<name>+<hex key ID>+base64(type ‖ seed)`. */
export interface SignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly sigType: number;
  /** The 32-byte Ed25519 seed. Secret. */
  readonly seed: Buffer;
  /** The matching 32-byte public key. */
  readonly publicKey: Buffer;
}

const SIGNER_PREFIX = 'PRIVATE+KEY+';
const KEY_ID_PATTERN = /^[0-9a-f]{8}$/;
const UNICODE_SPACE = /[\s\u0085]/u;
const ED25519_TYPES: ReadonlySet<number> = new Set([SIG_TYPE_ED25519, SIG_TYPE_COSIGNATURE_V1]);

/** Key names must be non-empty and contain no Unicode space, `+`, control character or lone surrogate. */
export function isValidKeyName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.includes('+') &&
    !UNICODE_SPACE.test(name) &&
    !hasForbiddenControl(name) &&
    !name.includes('\n') &&
    !hasLoneSurrogate(name)
  );
}

/** Key ID = first 4 bytes (big-endian uint32) of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export function computeKeyId(name: string, sigType: number, publicKey: Uint8Array): number {
  const digest = createHash('sha256')
    .update(name, 'utf8')
    .update(Buffer.from([0x0a, sigType]))
    .update(publicKey)
    .digest();
  return digest.readUInt32BE(0);
}

/** Eight lowercase hex digits of a uint32 key ID. */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Formats a vkey; the key ID is computed from the name, type and public key. */
export function formatVerifierKey(
  name: string,
  publicKey: Uint8Array,
  sigType: number = SIG_TYPE_ED25519,
): string {
  assertName(name);
  assertType(sigType);
  if (ED25519_TYPES.has(sigType) && publicKey.length !== 32) {
    throw new LedgerError('invalid-argument', 'Ed25519 public key must be 32 bytes');
  }
  const keyId = computeKeyId(name, sigType, publicKey);
  return `${name}+${formatKeyId(keyId)}+${encodeBase64(Buffer.concat([Buffer.from([sigType]), publicKey]))}`;
}

/**
 * Parses a vkey and checks that its key ID matches the recomputed one. Ed25519-based types (0x01,
 * 0x04) must carry a 32-byte key; other types are returned as opaque material.
 *
 * @throws LedgerError `malformed-key`
 */
export function parseVerifierKey(vkey: string): VerifierKey {
  // The base64 part may itself contain '+', so split on the first two only.
  const [name, keyIdHex, material] = splitKey(vkey);
  const decoded = decodeBase64Strict(material);
  if (
    !isValidKeyName(name) ||
    !KEY_ID_PATTERN.test(keyIdHex) ||
    decoded === undefined ||
    decoded.length < 2
  ) {
    throw new LedgerError('malformed-key', 'malformed verifier key');
  }
  const sigType = decoded[0] as number;
  const publicKey = decoded.subarray(1);
  const keyId = Number.parseInt(keyIdHex, 16);
  if (computeKeyId(name, sigType, publicKey) !== keyId) {
    throw new LedgerError('malformed-key', `verifier key ID ${keyIdHex} does not match the key`);
  }
  if (ED25519_TYPES.has(sigType) && publicKey.length !== 32) {
    throw new LedgerError('malformed-key', 'Ed25519 verifier key must be 32 bytes');
  }
  return { name, keyId, sigType, publicKey };
}

/** Formats a signer key for an Ed25519-based type (the key ID is derived from the public key). */
export function formatSignerKey(name: string, seed: Uint8Array, sigType: number = SIG_TYPE_ED25519): string {
  assertName(name);
  if (!ED25519_TYPES.has(sigType))
    throw new LedgerError('malformed-key', `unsupported signer type ${sigType}`);
  const publicKey = ed25519RawPublicKey(ed25519PrivateKey(seed));
  const keyId = computeKeyId(name, sigType, publicKey);
  const material = encodeBase64(Buffer.concat([Buffer.from([sigType]), seed]));
  return `${SIGNER_PREFIX}${name}+${formatKeyId(keyId)}+${material}`;
}

/**
 * Parses a `PRIVATE+KEY+…` signer key of an Ed25519-based type and checks its key ID.
 *
 * @throws LedgerError `malformed-key` (the message never echoes the key)
 */
export function parseSignerKeyText(skey: string): SignerKey {
  if (!skey.startsWith(SIGNER_PREFIX))
    throw new LedgerError('malformed-key', 'signer key lacks PRIVATE+KEY+');
  const [name, keyIdHex, material] = splitKey(skey.slice(SIGNER_PREFIX.length));
  const decoded = decodeBase64Strict(material);
  if (!isValidKeyName(name) || !KEY_ID_PATTERN.test(keyIdHex) || decoded?.length !== 33) {
    throw new LedgerError('malformed-key', 'malformed signer key');
  }
  const sigType = decoded[0] as number;
  if (!ED25519_TYPES.has(sigType))
    throw new LedgerError('malformed-key', `unsupported signer type ${sigType}`);
  const seed = decoded.subarray(1);
  const publicKey = ed25519RawPublicKey(ed25519PrivateKey(seed));
  const keyId = Number.parseInt(keyIdHex, 16);
  if (computeKeyId(name, sigType, publicKey) !== keyId) {
    throw new LedgerError('malformed-key', `signer key ID ${keyIdHex} does not match the key`);
  }
  return { name, keyId, sigType, seed, publicKey };
}

function splitKey(text: string): [string, string, string] {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new LedgerError('malformed-key', 'key must have the form name+id+key');
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

function assertName(name: string): void {
  if (!isValidKeyName(name))
    throw new LedgerError('invalid-argument', `invalid key name ${JSON.stringify(name)}`);
}

function assertType(sigType: number): void {
  if (!Number.isInteger(sigType) || sigType < 0 || sigType > 255) {
    throw new LedgerError('invalid-argument', `invalid signature type ${sigType}`);
  }
}
