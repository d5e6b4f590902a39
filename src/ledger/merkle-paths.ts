/**
 * Proof construction over any store of complete Merkle subtrees (RFC 9162 §2.1.3.1 and §2.1.4.1).
 *
 * A "complete node" at (level, index) is MTH(D[index·2^level : (index+1)·2^level]) and exists once
 * the tree has at least (index+1)·2^level leaves. Both the in-memory {@link MerkleTree} and the
 * tile-backed auditor store only complete nodes; the ragged right edge is hashed on demand here,
 * which costs at most O(log n) hashes per proof.
 */
import { LedgerError } from './errors.js';
import { hashChildren } from './merkle-hash.js';

/** Anything that can return the hash of a complete subtree (level, index). */
export interface CompleteNodeSource {
  /**
   * @param level - height of the subtree (0 = leaf)
   * @param index - position of the subtree among those of the same level
   * @returns the 32-byte hash; must throw if the node is not complete
   */
  nodeHash(level: number, index: number): Uint8Array;
}

/** 2^k as an exact double (k ≤ 53 in practice). */
export function pow2(k: number): number {
  return 2 ** k;
}

/** ⌊x / 2^k⌋ for safe non-negative integers, without 32-bit bitwise truncation. */
export function shiftRight(x: number, k: number): number {
  return Math.floor(x / pow2(k));
}

/** Number of trailing zero bits of a positive safe integer. */
export function trailingZeros(x: number): number {
  let k = 0;
  while (x % 2 === 0) {
    x /= 2;
    k += 1;
  }
  return k;
}

/**
 * MTH(D[start:end]) for a range that is a node of the RFC 6962 tree, i.e. `start` is a multiple of a
 * power of two at least as large as `end − start`. It is the right fold of the complete nodes that
 * the binary expansion of `end − start` selects.
 */
export function rangeHash(source: CompleteNodeSource, start: number, end: number): Buffer {
  const length = end - start;
  if (length <= 0) throw new LedgerError('invalid-argument', `empty range [${start}, ${end})`);
  let top = 0;
  while (pow2(top + 1) <= length) top += 1;
  const nodes: Uint8Array[] = [];
  let offset = start;
  for (let level = top; level >= 0; level -= 1) {
    const width = pow2(level);
    if (Math.floor(length / width) % 2 === 1) {
      if (offset % width !== 0) {
        throw new LedgerError('invalid-argument', `range [${start}, ${end}) is not a tree node`);
      }
      nodes.push(source.nodeHash(level, offset / width));
      offset += width;
    }
  }
  let acc: Buffer = Buffer.from(nodes[nodes.length - 1] as Uint8Array);
  for (let i = nodes.length - 2; i >= 0; i -= 1) acc = hashChildren(nodes[i] as Uint8Array, acc);
  return acc;
}

/**
 * The audit path of the complete node (level, index) inside the tree of `size` leaves, from the
 * node's sibling up to the root's child. With level 0 this is RFC 9162 PATH(index, D[0:size]).
 */
export function nodeInclusionPath(
  source: CompleteNodeSource,
  level: number,
  index: number,
  size: number,
): Buffer[] {
  const path: Buffer[] = [];
  let lastNode = shiftRight(size - 1, level);
  let node = index;
  let height = level;
  while (lastNode > 0) {
    const sibling = node % 2 === 0 ? node + 1 : node - 1;
    // A sibling beyond the last node means this node is promoted unchanged on the right edge.
    if (sibling <= lastNode) {
      const start = sibling * pow2(height);
      path.push(rangeHash(source, start, Math.min(start + pow2(height), size)));
    }
    node = Math.floor(node / 2);
    lastNode = Math.floor(lastNode / 2);
    height += 1;
  }
  return path;
}

/** RFC 9162 PATH(index, D[0:size]); caller guarantees 0 ≤ index < size. */
export function inclusionPath(source: CompleteNodeSource, index: number, size: number): Buffer[] {
  return nodeInclusionPath(source, 0, index, size);
}

/**
 * RFC 9162 PROOF(first, D[0:second]); caller guarantees 0 ≤ first ≤ second. Returns `[]` when
 * first is 0 or equals second (tlog-witness requires an empty proof in both cases).
 */
export function consistencyPath(source: CompleteNodeSource, first: number, second: number): Buffer[] {
  if (first === 0 || first === second) return [];
  // The largest complete subtree ending at `first`; the verifier already knows it when first is a
  // power of two (it is then the old root), otherwise it leads the proof.
  const level = trailingZeros(first);
  const index = first / pow2(level) - 1;
  const path = nodeInclusionPath(source, level, index, second);
  if (index === 0) return path;
  return [Buffer.from(source.nodeHash(level, index)), ...path];
}
