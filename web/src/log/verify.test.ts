import { describe, expect, it } from 'vitest';
import { MerkleTree } from '../../../src/ledger/merkle.js';
import { hashLeaf } from '../../../src/ledger/merkle-hash.js';
import { FormatError, parseCheckpoint, parseReceipt } from './formats.js';
import { leafHashHex, verifyInclusion } from './verify.js';

const entries = Array.from({ length: 13 }, (_, i) => Buffer.from(`entry ${i}`));

describe('checking a receipt in the browser', () => {
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

  it('reads a receipt and its checkpoint, and says what is wrong with a bad one', () => {
    const note = `example.org/log\n13\n${root}\n\n\u2014 example.org/log AAAAAQ==\n`;
    const receipt = parseReceipt(
      `c2sp.org/tlog-proof@v1\nindex 4\n${Buffer.alloc(32).toString('base64')}\n\n${note}`,
    );
    expect(receipt).toMatchObject({
      index: 4,
      checkpoint: { origin: 'example.org/log', size: 13, rootHash: root },
    });
    expect(parseCheckpoint(note).signatures).toEqual([
      { name: 'example.org/log', keyId: '00000001', signature: 'AAAAAQ==' },
    ]);
    expect(() => parseReceipt('c2sp.org/tlog-proof@v1\nindex x\n\n' + note)).toThrow(FormatError);
    expect(() => parseReceipt('hello')).toThrow('empty line');
  });
});
