/**
 * Ed25519 (RFC 8032) over node:crypto, with raw 32-byte seeds and public keys as the C2SP formats
 * use them.
 */
import type { KeyObject } from 'node:crypto';
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { LedgerError } from './errors.js';

/** Length of an Ed25519 seed, public key (32) and signature (64). */
export const ED25519_SEED_SIZE = 32;
/** Length of a raw Ed25519 public key. */
export const ED25519_PUBLIC_KEY_SIZE = 32;
/** Length of an Ed25519 signature. */
export const ED25519_SIGNATURE_SIZE = 64;

// DER prefixes of PKCS#8 / SPKI structures for id-Ed25519 (RFC 8410), followed by the raw key.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** A fresh random seed from the system CSPRNG. */
export function generateEd25519Seed(): Buffer {
  return randomBytes(ED25519_SEED_SIZE);
}

/** Private key object for a 32-byte seed. */
export function ed25519PrivateKey(seed: Uint8Array): KeyObject {
  if (seed.length !== ED25519_SEED_SIZE)
    throw new LedgerError('malformed-key', 'Ed25519 seed must be 32 bytes');
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

/** Raw 32-byte public key of a private key object. */
export function ed25519RawPublicKey(privateKey: KeyObject): Buffer {
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(SPKI_PREFIX.length);
}

/** Public key object for a raw 32-byte public key. */
export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new LedgerError('malformed-key', 'Ed25519 public key must be 32 bytes');
  }
  try {
    return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    throw new LedgerError('malformed-key', 'not a valid Ed25519 public key');
  }
}

/** Deterministic Ed25519 signature (64 bytes). */
export function ed25519Sign(privateKey: KeyObject, message: Uint8Array): Buffer {
  return sign(null, message, privateKey);
}

/** Ed25519 verification; false (never a throw) for a signature of the wrong length. */
export function ed25519Verify(publicKey: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return verify(null, message, publicKey, signature);
  } catch {
    return false;
  }
}
