import { describe, expect, it } from 'vitest';
import { FormatError, parseCheckpoint, parseReceipt } from './formats.js';
import { leafHashHex, verifyInclusion } from './verify.js';

// The RFC 6962 reference tree (certificate-transparency's test vectors): eight leaves, their root, and
// the inclusion proof of leaf 5. The cross-check against the server's own tree, proof by proof, is
// test/web-verify.test.ts.
const leaves = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const root8 = '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328';
const proofOf5 = [
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
];
const base64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const leafHash = (i: number) => leafHashHex(Buffer.from(leaves[i]!, 'hex'));

describe('checking a receipt in the browser', () => {
  it('computes RFC 6962 leaf hashes', async () => {
    // The root of the one-leaf tree is the hash of the empty leaf.
    expect(await leafHash(0)).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  it('verifies a known inclusion proof, and refuses it for another leaf, index or root', async () => {
    const proof = proofOf5.map(base64);
    const root = base64(root8);
    expect(await verifyInclusion(5, 8, await leafHash(5), proof, root)).toBe(true);
    expect(await verifyInclusion(5, 8, await leafHash(4), proof, root)).toBe(false);
    expect(await verifyInclusion(4, 8, await leafHash(5), proof, root)).toBe(false);
    expect(await verifyInclusion(5, 8, await leafHash(5), proof, base64(proofOf5[2]!))).toBe(false);
  });

  it('reads a receipt and its checkpoint, and says what is wrong with a bad one', () => {
    const root = base64(root8);
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
