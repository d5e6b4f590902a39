/**
 * The dashboard's receipt check (web/src/log/verify.ts) against the server's own Merkle tree: the
 * browser must accept every proof the log hands out, and only those. It lives here, not beside the
 * dashboard, because the dashboard reaches `src/` only through `src/wire.ts`.
 */
import { describe, expect, it } from 'vitest';
import { MerkleTree } from '../src/ledger/merkle.js';
import { hashLeaf } from '../src/ledger/merkle-hash.js';
import { leafHashHex, verifyInclusion } from '../web/src/log/verify.js';

const entries = Array.from({ length: 13 }, (_, i) => Buffer.from(`entry ${i}`));

describe('the browser checks receipts as the server builds them', () => {
  const tree = new MerkleTree();
  tree.appendMany(entries.map((e) => hashLeaf(e)));
  const size = tree.size;
  const root = tree.root(size).toString('base64');

  it('computes RFC 6962 leaf hashes like the server', async () => {
    expect(await leafHashHex(entries[3]!)).toBe(hashLeaf(entries[3]!).toString('hex'));
  });

  it('verifies every inclusion proof of a tree, and refuses one for the wrong leaf', async () => {
    for (let i = 0; i < size; i++) {
      const proof = tree.inclusionProof(i, size).map((h) => h.toString('base64'));
      const leaf = hashLeaf(entries[i]!).toString('hex');
      expect(await verifyInclusion(i, size, leaf, proof, root), `leaf ${i}`).toBe(true);
      const other = hashLeaf(entries[(i + 1) % size]!).toString('hex');
      expect(await verifyInclusion(i, size, other, proof, root), `leaf ${i} swapped`).toBe(false);
    }
  });
});
