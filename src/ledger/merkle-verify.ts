/**
 * Stateless proof verifiers, written step by step after RFC 9162 §2.1.3.2 and §2.1.4.2.
 *
 * Both return a boolean and never throw: any input outside the domain (unsafe integer, hash that is
 * not 32 bytes, more than 64 proof elements) simply fails verification.
 *
 * Edge cases (RFC 9162 leaves them outside its preconditions; we follow transparency-dev/merkle, whose
 * published probes are in `testdata/tlog-test-vectors.json`):
 * - inclusion with `leafIndex ≥ treeSize` (including treeSize 0) fails;
 * - consistency with `first > second` fails;
 * - consistency with `first == 0` fails, even towards 0: a proof from the empty tree proves nothing.
 *   (tlog-witness's "old 0" case is decided by `witness-core.ts`, not here);
 * - consistency with `first == second > 0` succeeds iff the proof is empty and the two roots are
 *   byte-identical (no length check: it only asserts that a tree state equals itself).
 */
import { isSafeUint } from './encoding.js';
import { hashChildren, isHash } from './merkle-hash.js';
import { pow2, trailingZeros } from './merkle-paths.js';

/** Longest proof a 64-bit tree size can need; anything longer is rejected outright. */
export const MAX_PROOF_LENGTH = 64;

const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;

function validProof(proof: readonly Uint8Array[]): boolean {
  return Array.isArray(proof) && proof.length <= MAX_PROOF_LENGTH && proof.every(isHash);
}

/**
 * RFC 9162 §2.1.3.2: does `proof` show that `leafHash` is leaf `leafIndex` of the tree of
 * `treeSize` leaves whose root is `root`?
 */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isSafeUint(leafIndex) || !isSafeUint(treeSize)) return false;
  if (!isHash(leafHash) || !isHash(root) || !validProof(proof)) return false;
  // 1. If leaf_index >= tree_size, fail.
  if (leafIndex >= treeSize) return false;
  // 2.-3.
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  // 4.
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  return sn === 0 && Buffer.compare(r, root) === 0;
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of `first` leaves with root `firstRoot` is a
 * prefix of the tree of `second` leaves with root `secondRoot`? See the module comment for the
 * `first == 0` and `first == second` decisions.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isSafeUint(first) || !isSafeUint(second) || !validProof(proof)) return false;
  if (!(firstRoot instanceof Uint8Array) || !(secondRoot instanceof Uint8Array)) return false;
  if (first > second || first === 0) return false;
  if (first === second) return proof.length === 0 && Buffer.compare(firstRoot, secondRoot) === 0;
  if (!isHash(firstRoot) || !isHash(secondRoot)) return false;
  // 1. If consistency_path is empty, fail.
  if (proof.length === 0) return false;
  // 2. If first is an exact power of 2, prepend first_hash.
  const path = pow2(trailingZeros(first)) === first ? [firstRoot, ...proof] : [...proof];
  // 3.-4.
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr = path[0] as Uint8Array;
  let sr = fr;
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  return Buffer.compare(fr, firstRoot) === 0 && Buffer.compare(sr, secondRoot) === 0 && sn === 0;
}
