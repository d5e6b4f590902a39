import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT, hashLeaf } from './merkle-hash.js';
import { MAX_PROOF_LENGTH, verifyConsistency, verifyInclusion } from './merkle-verify.js';
import { hex, loadVectors } from './testdata/vectors.js';

const vectors = loadVectors();
const roots = vectors.reference_tree.roots_by_size;
const root = (size: number): Buffer => hex(roots[String(size)] as string);

describe('verifyInclusion on the transparency-dev/merkle probes', () => {
  it('covers all 98 probes', () => {
    expect(vectors.transparency_dev_testdata.inclusion).toHaveLength(98);
  });

  for (const probe of vectors.transparency_dev_testdata.inclusion) {
    it(`${probe.file}: ${probe.want_error ? 'rejects' : 'accepts'}`, () => {
      const ok = verifyInclusion(
        probe.leaf_index,
        probe.tree_size,
        hex(probe.leaf_hash),
        probe.path.map(hex),
        hex(probe.root),
      );
      expect(ok).toBe(!probe.want_error);
    });
  }
});

describe('verifyConsistency on the transparency-dev/merkle probes', () => {
  it('covers all 98 probes', () => {
    expect(vectors.transparency_dev_testdata.consistency).toHaveLength(98);
  });

  for (const probe of vectors.transparency_dev_testdata.consistency) {
    it(`${probe.file}: ${probe.want_error ? 'rejects' : 'accepts'}`, () => {
      const ok = verifyConsistency(
        probe.size1,
        probe.size2,
        hex(probe.root1),
        hex(probe.root2),
        probe.path.map(hex),
      );
      expect(ok).toBe(!probe.want_error);
    });
  }
});

describe('documented edge cases', () => {
  const leaf0 = hex(vectors.reference_tree.leaf_hashes[0] as string);
  const proof08 = (vectors.published_inclusion_proofs[0]?.path ?? []).map(hex);

  it('rejects inclusion with index ≥ size, size 0, or unsafe integers', () => {
    expect(verifyInclusion(0, 8, leaf0, proof08, root(8))).toBe(true);
    expect(verifyInclusion(8, 8, leaf0, proof08, root(8))).toBe(false);
    expect(verifyInclusion(0, 0, leaf0, [], EMPTY_ROOT)).toBe(false);
    expect(verifyInclusion(-1, 8, leaf0, proof08, root(8))).toBe(false);
    expect(verifyInclusion(2 ** 64, 2 ** 64 + 1, leaf0, proof08, root(8))).toBe(false);
    expect(verifyInclusion(0, Number.NaN, leaf0, proof08, root(8))).toBe(false);
  });

  it('rejects hashes that are not 32 bytes and proofs longer than 64', () => {
    expect(verifyInclusion(0, 8, leaf0.subarray(1), proof08, root(8))).toBe(false);
    expect(verifyInclusion(0, 8, leaf0, proof08, root(8).subarray(0, 31))).toBe(false);
    expect(verifyInclusion(0, 8, leaf0, [...proof08.slice(0, 2), Buffer.alloc(33)], root(8))).toBe(false);
    const long = Array.from({ length: MAX_PROOF_LENGTH + 1 }, () => Buffer.alloc(32));
    expect(verifyInclusion(0, Number.MAX_SAFE_INTEGER, leaf0, long, root(8))).toBe(false);
  });

  it('treats first == second as: empty proof and identical roots', () => {
    expect(verifyConsistency(5, 5, root(5), root(5), [])).toBe(true);
    expect(verifyConsistency(5, 5, root(5), root(6), [])).toBe(false);
    expect(verifyConsistency(5, 5, root(5), root(5), [root(5)])).toBe(false);
  });

  it('rejects first == 0, even with an empty proof and empty-tree roots', () => {
    expect(verifyConsistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])).toBe(false);
    expect(verifyConsistency(0, 3, EMPTY_ROOT, root(3), [])).toBe(false);
  });

  it('rejects first > second, empty proofs for first < second, and wrong-length proofs', () => {
    const proof68 = (
      vectors.published_consistency_proofs.find((v) => v.first === 6 && v.second === 8)?.path ?? []
    ).map(hex);
    expect(verifyConsistency(6, 8, root(6), root(8), proof68)).toBe(true);
    expect(verifyConsistency(8, 6, root(8), root(6), proof68)).toBe(false);
    expect(verifyConsistency(6, 8, root(6), root(8), [])).toBe(false);
    expect(verifyConsistency(6, 8, root(6), root(8), proof68.slice(0, 2))).toBe(false);
    expect(verifyConsistency(6, 8, root(6), root(8), [...proof68, root(8)])).toBe(false);
    expect(verifyConsistency(6, 8, root(6).subarray(1), root(8), proof68)).toBe(false);
  });

  it('never accepts a leaf as its own parent (second-preimage shape)', () => {
    const leaves = vectors.reference_tree.leaf_hashes.map(hex);
    const pair = Buffer.concat([leaves[0] as Buffer, leaves[1] as Buffer]);
    expect(verifyInclusion(0, 1, hashLeaf(pair), [], root(2))).toBe(false);
  });
});
