import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import {
  EMPTY_ROOT,
  MerkleTree,
  hashChildren,
  hashLeaf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
import { hex, loadVectors, randomInt, seededRandom } from './testdata/vectors.js';

/** Naive RFC 9162 §2.1.1 MTH over leaf hashes D[start:end], the reference the tree is checked against. */
function mth(
  leafHashes: readonly Buffer[],
  start: number,
  end: number,
  memo = new Map<string, Buffer>(),
): Buffer {
  const key = `${start}:${end}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  let result: Buffer;
  if (end - start === 0) result = EMPTY_ROOT;
  else if (end - start === 1) result = leafHashes[start] as Buffer;
  else {
    const k = largestPowerOfTwoBelow(end - start);
    result = hashChildren(mth(leafHashes, start, start + k, memo), mth(leafHashes, start + k, end, memo));
  }
  memo.set(key, result);
  return result;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Naive RFC 9162 §2.1.3.1 PATH(m, D[start:end]). */
function naivePath(
  leaves: readonly Buffer[],
  m: number,
  start: number,
  end: number,
  memo: Map<string, Buffer>,
): Buffer[] {
  const n = end - start;
  if (n === 1) return [];
  const k = largestPowerOfTwoBelow(n);
  return m < k
    ? [...naivePath(leaves, m, start, start + k, memo), mth(leaves, start + k, end, memo)]
    : [...naivePath(leaves, m - k, start + k, end, memo), mth(leaves, start, start + k, memo)];
}

/** Naive RFC 9162 §2.1.4.1 SUBPROOF(m, D[start:end], b). */
function naiveSubproof(
  leaves: readonly Buffer[],
  m: number,
  start: number,
  end: number,
  complete: boolean,
  memo: Map<string, Buffer>,
): Buffer[] {
  const n = end - start;
  if (m === n) return complete ? [] : [mth(leaves, start, end, memo)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k
    ? [...naiveSubproof(leaves, m, start, start + k, complete, memo), mth(leaves, start + k, end, memo)]
    : [...naiveSubproof(leaves, m - k, start + k, end, false, memo), mth(leaves, start, start + k, memo)];
}

function referenceTree(): { tree: MerkleTree; leaves: Buffer[] } {
  const vectors = loadVectors();
  const tree = new MerkleTree();
  const leaves = vectors.reference_tree.leaves_hex.map((leaf) => hashLeaf(hex(leaf)));
  tree.appendMany(leaves);
  return { tree, leaves };
}

function randomLeaves(count: number, seed: number): Buffer[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => hashLeaf(Buffer.from(`leaf ${i} ${random()}`)));
}

function flipBit(hash: Buffer, bit: number): Buffer {
  const copy = Buffer.from(hash);
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

describe('hashing', () => {
  it('matches the RFC 6962 leaf hashes of the reference tree', () => {
    const vectors = loadVectors();
    const hashes = vectors.reference_tree.leaves_hex.map((leaf) => hashLeaf(hex(leaf)).toString('hex'));
    expect(hashes).toEqual(vectors.reference_tree.leaf_hashes);
  });

  it('has SHA-256("") as the empty root', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(loadVectors().hashing.empty_tree_root);
  });

  it('domain-separates leaves from nodes', () => {
    const [a, b] = [Buffer.alloc(32, 1), Buffer.alloc(32, 2)];
    expect(hashChildren(a, b).equals(hashLeaf(Buffer.concat([a, b])))).toBe(false);
  });
});

describe('MerkleTree against the published reference tree', () => {
  it('reproduces the root for every size 0..8', () => {
    const { tree } = referenceTree();
    const roots = loadVectors().reference_tree.roots_by_size;
    for (const [size, root] of Object.entries(roots))
      expect(tree.root(Number(size)).toString('hex')).toBe(root);
  });

  it('stores every published complete node hash by level', () => {
    const { tree } = referenceTree();
    loadVectors().reference_tree.node_hashes_by_level.forEach((level, height) => {
      level.forEach((hash, index) => expect(tree.nodeHash(height, index).toString('hex')).toBe(hash));
    });
  });

  it('produces every published and generated inclusion proof byte for byte', () => {
    const vectors = loadVectors();
    const { tree } = referenceTree();
    const all = [
      ...vectors.published_inclusion_proofs,
      ...vectors.generated_all_inclusion_proofs_8_leaf.proofs,
    ];
    expect(all).toHaveLength(41);
    for (const v of all) {
      const proof = tree.inclusionProof(v.leaf_index, v.tree_size);
      expect(proof.map((p) => p.toString('hex'))).toEqual(v.path);
      expect(verifyInclusion(v.leaf_index, v.tree_size, hex(v.leaf_hash), proof, hex(v.root))).toBe(true);
    }
  });

  it('produces every published and generated consistency proof byte for byte', () => {
    const vectors = loadVectors();
    const { tree } = referenceTree();
    const all = [
      ...vectors.published_consistency_proofs,
      ...vectors.generated_all_consistency_proofs_8_leaf.proofs,
    ];
    expect(all).toHaveLength(41);
    for (const v of all) {
      const proof = tree.consistencyProof(v.first, v.second);
      expect(proof.map((p) => p.toString('hex'))).toEqual(v.path);
      expect(verifyConsistency(v.first, v.second, hex(v.first_root), hex(v.second_root), proof)).toBe(true);
    }
  });
});

describe('MerkleTree against a naive recursive MTH (seeded property test)', () => {
  const leaves = randomLeaves(3000, 42);
  const memo = new Map<string, Buffer>();

  it('matches roots for every size up to 3000 built incrementally', () => {
    const tree = new MerkleTree({ expectedLeaves: 1 });
    for (const [i, leaf] of leaves.entries()) {
      expect(tree.append(leaf)).toBe(i);
      if (i % 97 === 0 || i < 70) expect(tree.root().equals(mth(leaves, 0, i + 1, memo))).toBe(true);
    }
    for (let size = 0; size <= 3000; size += 1 + (size % 13)) {
      expect(tree.root(size).equals(mth(leaves, 0, size, memo))).toBe(true);
    }
  });

  it('matches inclusion and consistency proofs for random sizes, and verify rejects tampering', () => {
    const tree = new MerkleTree();
    tree.appendMany(leaves);
    const random = seededRandom(7);
    for (let round = 0; round < 120; round += 1) {
      const size = randomInt(random, 1, 3000);
      const index = randomInt(random, 0, size - 1);
      const root = mth(leaves, 0, size, memo);
      const proof = tree.inclusionProof(index, size);
      expect(proof).toEqual(naivePath(leaves, index, 0, size, memo));
      const leaf = leaves[index] as Buffer;
      expect(verifyInclusion(index, size, leaf, proof, root)).toBe(true);
      if (proof.length > 0) {
        const at = randomInt(random, 0, proof.length - 1);
        const tampered = proof.map((p, i) => (i === at ? flipBit(p, randomInt(random, 0, 255)) : p));
        expect(verifyInclusion(index, size, leaf, tampered, root)).toBe(false);
        expect(verifyInclusion(index, size, leaf, proof.slice(1), root)).toBe(false);
      }
      expect(verifyInclusion(index, size, leaf, [...proof, root], root)).toBe(false);
      expect(verifyInclusion(index, size, hashLeaf(leaf), proof, root)).toBe(false);
      expect(verifyInclusion(index, size, leaf, proof, flipBit(root, 0))).toBe(false);

      const first = randomInt(random, 1, size);
      const firstRoot = mth(leaves, 0, first, memo);
      const consistency = tree.consistencyProof(first, size);
      expect(consistency).toEqual(naiveSubproof(leaves, first, 0, size, true, memo));
      expect(verifyConsistency(first, size, firstRoot, root, consistency)).toBe(true);
      if (consistency.length > 0) {
        const at = randomInt(random, 0, consistency.length - 1);
        const tampered = consistency.map((p, i) => (i === at ? flipBit(p, randomInt(random, 0, 255)) : p));
        expect(verifyConsistency(first, size, firstRoot, root, tampered)).toBe(false);
        expect(verifyConsistency(first, size, firstRoot, root, consistency.slice(0, -1))).toBe(false);
        expect(verifyConsistency(first, size, root, firstRoot, consistency)).toBe(false);
      }
    }
  });
});

describe('MerkleTree argument checks', () => {
  it('rejects leaf hashes that are not 32 bytes and appends nothing', () => {
    const tree = new MerkleTree();
    expect(() => tree.append(Buffer.alloc(31))).toThrow(LedgerError);
    expect(() => tree.appendMany([Buffer.alloc(32), Buffer.alloc(33)])).toThrow(LedgerError);
    expect(tree.size).toBe(0);
  });

  it('rejects sizes beyond the tree, indices at or beyond the size, and unsafe integers', () => {
    const { tree } = referenceTree();
    expect(() => tree.root(9)).toThrow(/size 9/);
    expect(() => tree.inclusionProof(3, 3)).toThrow(/leaf index 3/);
    expect(() => tree.inclusionProof(0, 0)).toThrow(LedgerError);
    expect(() => tree.inclusionProof(-1, 4)).toThrow(LedgerError);
    expect(() => tree.inclusionProof(0.5, 4)).toThrow(LedgerError);
    expect(() => tree.consistencyProof(5, 4)).toThrow(LedgerError);
    expect(() => tree.consistencyProof(1, 2 ** 53)).toThrow(LedgerError);
    expect(() => tree.nodeHash(3, 1)).toThrow(/not a complete subtree/);
    expect(() => tree.nodeHash(4, 0)).toThrow(LedgerError);
  });

  it('returns empty consistency proofs from size 0 and between equal sizes', () => {
    const { tree } = referenceTree();
    expect(tree.consistencyProof(0, 8)).toEqual([]);
    expect(tree.consistencyProof(5, 5)).toEqual([]);
    expect(tree.root(0).equals(EMPTY_ROOT)).toBe(true);
  });

  it('hands out copies, so callers cannot corrupt stored nodes', () => {
    const { tree } = referenceTree();
    const root = tree.root();
    tree.nodeHash(0, 0).fill(0);
    tree.inclusionProof(0, 8).forEach((p) => p.fill(0));
    tree.root(1).fill(0);
    expect(tree.root().equals(root)).toBe(true);
  });
});
