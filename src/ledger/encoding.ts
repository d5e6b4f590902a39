/**
 * Strict text encodings shared by the C2SP formats: RFC 4648 §4 base64 (standard alphabet, padded,
 * canonical) and ASCII decimals without leading zeros.
 */

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL_PATTERN = /^(?:0|[1-9][0-9]*)$/;

/**
 * Decodes standard, padded base64, rejecting anything that would not re-encode to the same text
 * (wrong alphabet, missing padding, whitespace, non-zero padding bits).
 *
 * @returns the bytes, or `undefined` if `text` is not canonical base64
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  if (!BASE64_PATTERN.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/** Encodes bytes as standard, padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64');
}

/**
 * Parses an ASCII decimal with no leading zeros (`0` for zero) into a safe integer.
 *
 * @returns the number, or `undefined` if the text is not canonical or exceeds 2^53 − 1
 */
export function parseDecimal(text: string): number | undefined {
  if (text.length > 16 || !DECIMAL_PATTERN.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** True for a non-negative safe integer (the domain of every size and index in the ledger). */
export function isSafeUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Views any Uint8Array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True if the string contains an ASCII control character other than newline (U+0000–U+001F). */
export function hasForbiddenControl(text: string): boolean {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return /[\u0000-\u0009\u000b-\u001f]/.test(text);
}

/** True if the string contains a lone (unpaired) UTF-16 surrogate, i.e. is not valid Unicode. */
export function hasLoneSurrogate(text: string): boolean {
  return /\p{Surrogate}/u.test(text);
}
