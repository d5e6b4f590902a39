import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import {
  cosignCheckpoint,
  cosignatureVerifier,
  generateCosignerKey,
  parseCosignerKey,
} from './cosignature.js';
import { LedgerError } from './errors.js';
import { MerkleTree, hashLeaf } from './merkle.js';
import { ed25519Verifier, generateSignerKey, parseSignerKey, signNote } from './note.js';
import type { ReceiptPolicy } from './proof.js';
import { RECEIPT_HEADER, formatReceipt, parseReceipt, verifyReceipt } from './proof.js';

const ORIGIN = 'truceline.example/log';
const seed = (label: string): Buffer => createHash('sha256').update(label).digest();

/** A small signed-and-cosigned log; every call builds a fresh one. */
function fixture(size = 20) {
  const logKey = generateSignerKey(ORIGIN, seed('receipt log'));
  const witnessKeys = ['w1.example', 'w2.example'].map((name) => generateCosignerKey(name, seed(name)));
  const entries = Array.from({ length: size }, (_, i) => Buffer.from(`report ${i}`));
  const tree = new MerkleTree();
  tree.appendMany(entries.map((e) => hashLeaf(e)));
  const body = formatCheckpoint({ origin: ORIGIN, size, rootHash: tree.root() });
  const cosignatures = witnessKeys.map((k, i) =>
    cosignCheckpoint(body, parseCosignerKey(k.signerKey), 1_700_000_000 + i),
  );
  const note = signNote(body, [parseSignerKey(logKey.signerKey)]) + cosignatures.join('');
  const logVerifier = ed25519Verifier(logKey.verifierKey);
  const policy: ReceiptPolicy = {
    log: logVerifier,
    witnesses: witnessKeys.map((k) => cosignatureVerifier(k.verifierKey)),
    quorum: 2,
  };
  const receiptFor = (index: number, extra?: Buffer): string =>
    formatReceipt({ index, proof: tree.inclusionProof(index), checkpointNote: note, extra });
  return { entries, tree, note, policy, logVerifier, receiptFor };
}

function expectCode(fn: () => unknown, code: LedgerError['code']): void {
  expect(fn).toThrow(LedgerError);
  try {
    fn();
  } catch (error) {
    expect((error as LedgerError).code).toBe(code);
  }
}

describe('formatReceipt / parseReceipt', () => {
  it('round-trips index, proof, extra and the checkpoint note', () => {
    const { tree, note, receiptFor } = fixture();
    const text = receiptFor(13, Buffer.from('context'));
    expect(
      text.startsWith(`${RECEIPT_HEADER}\nextra ${Buffer.from('context').toString('base64')}\nindex 13\n`),
    ).toBe(true);
    expect(parseReceipt(text)).toEqual({
      extra: Buffer.from('context'),
      index: 13,
      proof: tree.inclusionProof(13),
      checkpointNote: note,
    });
  });

  it('parses the tlog-proof spec example layout', () => {
    const example = [
      'c2sp.org/tlog-proof@v1',
      'extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ',
      'index 73894',
      'gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=',
      'B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=',
      'EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=',
      'RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=',
      'AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=',
      '',
      'example.com/fancylog',
      '109482',
      'sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=',
      '',
      '\u2014 example.com/fancylog hI2DJw==',
      '',
    ].join('\n');
    const receipt = parseReceipt(example);
    expect(receipt.index).toBe(73894);
    expect(receipt.proof).toHaveLength(5);
    expect(receipt.extra?.toString('latin1').startsWith('age-v1.2.1-darwin-arm64.tar.gz')).toBe(true);
    expect(receipt.checkpointNote.startsWith('example.com/fancylog\n109482\n')).toBe(true);
  });

  it('omits the extra line when there is no extra data, and allows an empty proof', () => {
    const { receiptFor } = fixture(1);
    expect(receiptFor(0)).toMatch(/^c2sp\.org\/tlog-proof@v1\nindex 0\n\n/);
    expect(parseReceipt(receiptFor(0)).proof).toEqual([]);
  });

  const hash = Buffer.alloc(32, 1).toString('base64');
  const note = 'o\n1\n' + hash + '\n\n\u2014 o AAAAAAA=\n';
  const malformed: [string, string][] = [
    ['a wrong header', `c2sp.org/tlog-proof@v2\nindex 0\n\n${note}`],
    ['no index line', `${RECEIPT_HEADER}\n${hash}\n\n${note}`],
    ['an index with a leading zero', `${RECEIPT_HEADER}\nindex 01\n\n${note}`],
    ['an index above 2^53 − 1', `${RECEIPT_HEADER}\nindex 9007199254740992\n\n${note}`],
    ['an empty extra', `${RECEIPT_HEADER}\nextra \nindex 0\n\n${note}`],
    ['extra after the index', `${RECEIPT_HEADER}\nindex 0\nextra AA==\n\n${note}`],
    ['a 31-byte proof hash', `${RECEIPT_HEADER}\nindex 0\n${Buffer.alloc(31).toString('base64')}\n\n${note}`],
    ['65 proof lines', `${RECEIPT_HEADER}\nindex 0\n${`${hash}\n`.repeat(65)}\n${note}`],
    ['no empty line', `${RECEIPT_HEADER}\nindex 0\n`],
  ];
  it.each(malformed)('rejects a receipt with %s', (_name, text) => {
    expectCode(() => parseReceipt(text), 'malformed-receipt');
  });

  it('refuses to format a proof that is not 32-byte hashes, or a malformed note', () => {
    expectCode(
      () => formatReceipt({ index: 0, proof: [Buffer.alloc(31)], checkpointNote: note }),
      'invalid-argument',
    );
    expectCode(() => formatReceipt({ index: -1, proof: [], checkpointNote: note }), 'invalid-argument');
    expectCode(() => formatReceipt({ index: 0, proof: [], checkpointNote: 'not a note' }), 'malformed-note');
  });
});

describe('verifyReceipt', () => {
  it('verifies every entry with a 2-of-2 witness quorum and reports the cosignatures', () => {
    const { entries, policy, receiptFor } = fixture();
    entries.forEach((entry, index) => {
      const verified = verifyReceipt(receiptFor(index), entry, policy);
      expect(verified.index).toBe(index);
      expect(verified.checkpoint.origin).toBe(ORIGIN);
      expect(verified.cosignatures).toEqual([
        { name: 'w1.example', keyId: expect.any(Number) as number, timestamp: 1_700_000_000 },
        { name: 'w2.example', keyId: expect.any(Number) as number, timestamp: 1_700_000_001 },
      ]);
    });
  });

  it('rejects a different entry or the right entry at another index', () => {
    const { entries, policy, receiptFor } = fixture();
    expectCode(() => verifyReceipt(receiptFor(3), entries[4] as Buffer, policy), 'invalid-proof');
    const moved = receiptFor(3).replace('index 3\n', 'index 2\n');
    expectCode(() => verifyReceipt(moved, entries[3] as Buffer, policy), 'invalid-proof');
  });

  it('rejects an unmet quorum', () => {
    const { entries, policy, receiptFor } = fixture();
    expectCode(
      () => verifyReceipt(receiptFor(0), entries[0] as Buffer, { ...policy, quorum: 3 }),
      'quorum-not-met',
    );
    const oneWitness = { ...policy, witnesses: policy.witnesses?.slice(0, 1) };
    expectCode(() => verifyReceipt(receiptFor(0), entries[0] as Buffer, oneWitness), 'quorum-not-met');
    expect(
      verifyReceipt(receiptFor(0), entries[0] as Buffer, { ...oneWitness, quorum: 1 }).cosignatures,
    ).toHaveLength(1);
  });

  it('rejects a checkpoint not signed by the log, or edited after signing', () => {
    const { entries, policy, receiptFor } = fixture();
    const stranger = ed25519Verifier(generateSignerKey(ORIGIN, seed('stranger')).verifierKey);
    expectCode(
      () => verifyReceipt(receiptFor(0), entries[0] as Buffer, { ...policy, log: stranger }),
      'unverified-note',
    );
    const edited = receiptFor(0).replace(`${ORIGIN}\n20\n`, `${ORIGIN}\n21\n`);
    expectCode(() => verifyReceipt(edited, entries[0] as Buffer, policy), 'invalid-signature');
  });

  it('checks the origin against the log key name unless told otherwise', () => {
    const { entries, policy, logVerifier, receiptFor } = fixture();
    expectCode(
      () => verifyReceipt(receiptFor(0), entries[0] as Buffer, { ...policy, origin: 'x.example/log' }),
      'origin-mismatch',
    );
    expect(verifyReceipt(receiptFor(0), entries[0] as Buffer, { ...policy, log: [logVerifier] }).index).toBe(
      0,
    );
  });
});
