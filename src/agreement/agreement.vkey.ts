import { createHash } from 'node:crypto';

/** A C2SP signed-note verifier key (`name+keyid+base64(type || public key)`). */
export interface VerifierKey {
  name: string;
  /** 8 lowercase hex digits. */
  keyId: string;
  /** 0x01 Ed25519 signer, 0x04 timestamped Ed25519 cosigner (tlog-cosignature). */
  type: number;
  publicKey: Uint8Array;
}

const ED25519_TYPES = new Set([0x01, 0x04]);

/**
 * Parses and checks a verifier key: the name, the key id (first 4 bytes of
 * SHA-256(name || 0x0A || type || key)), and an Ed25519 key. Returns the reason when invalid.
 * The base64 part may contain "+": only the first two "+" separate fields.
 */
export function parseVkey(text: string): VerifierKey | string {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return 'a verifier key has the form name+keyid+base64key';
  const name = text.slice(0, first);
  const keyId = text.slice(first + 1, second);
  const encoded = text.slice(second + 1);
  if (/\s/.test(name)) return 'the key name must not contain spaces';
  if (!/^[0-9a-f]{8}$/.test(keyId)) return 'the key id must be 8 lowercase hex digits';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0)
    return 'the key is not valid base64';
  const bytes = Buffer.from(encoded, 'base64');
  const type = bytes[0];
  if (type === undefined || !ED25519_TYPES.has(type)) {
    return `unsupported key type ${type ?? 'none'}: expected 1 (Ed25519) or 4 (Ed25519 cosignature)`;
  }
  if (bytes.length !== 33) return `an Ed25519 key is 32 bytes (got ${bytes.length - 1})`;
  const expected = createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a]), bytes]))
    .digest()
    .subarray(0, 4)
    .toString('hex');
  if (expected !== keyId) return `the key id ${keyId} does not match the name and key (expected ${expected})`;
  return { name, keyId, type, publicKey: new Uint8Array(bytes.subarray(1)) };
}

/** Builds a verifier key string from a name and a raw 32-byte Ed25519 public key. */
export function formatVkey(name: string, publicKey: Uint8Array, type = 0x01): string {
  const body = Buffer.concat([Buffer.from([type]), Buffer.from(publicKey)]);
  const keyId = createHash('sha256')
    .update(Buffer.concat([Buffer.from(name, 'utf8'), Buffer.from([0x0a]), body]))
    .digest()
    .subarray(0, 4)
    .toString('hex');
  return `${name}+${keyId}+${body.toString('base64')}`;
}
