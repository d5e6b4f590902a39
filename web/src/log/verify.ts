/**
 * What the browser can check of a receipt on its own: that the inclusion proof leads from the entry's
 * leaf hash to the root hash in the receipt's checkpoint (RFC 9162 §2.1.3.2). Signatures are checked
 * by the auditor tooling, which holds the keys it trusts.
 */
import { sha256Hex } from '../lib/sha256.js';
import type { ParsedReceipt } from './formats.js';

function fromBase64(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

async function nodeHash(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(65);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 33);
  return fromHex(await sha256Hex(buf));
}

/** RFC 6962 leaf hash of an entry's bytes, hex. */
export async function leafHashHex(entry: Uint8Array): Promise<string> {
  const buf = new Uint8Array(entry.length + 1);
  buf.set(entry, 1);
  return sha256Hex(buf);
}

/**
 * True when `proof` (base64 hashes, leaf sibling first) proves that `leafHex` is leaf `index` of the
 * tree of `size` leaves whose root is `rootBase64`.
 */
export async function verifyInclusion(
  index: number,
  size: number,
  leafHex: string,
  proof: readonly string[],
  rootBase64: string,
): Promise<boolean> {
  if (index >= size || size < 1) return false;
  let fn = index;
  let sn = size - 1;
  let r = fromHex(leafHex);
  for (const p of proof) {
    if (sn === 0) return false;
    const sibling = fromBase64(p);
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(sibling, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const root = fromBase64(rootBase64);
  return sn === 0 && r.length === root.length && r.every((b, i) => b === root[i]);
}

/** True when the receipt's proof shows that the entry with leaf hash `leafHex` is in its checkpoint's tree. */
export function verifyReceipt(receipt: ParsedReceipt, leafHex: string): Promise<boolean> {
  return verifyInclusion(
    receipt.index,
    receipt.checkpoint.size,
    leafHex,
    receipt.proof,
    receipt.checkpoint.rootHash,
  );
}
