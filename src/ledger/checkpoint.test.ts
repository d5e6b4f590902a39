import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, openCheckpoint, parseCheckpoint } from './checkpoint.js';
import { cosignatureVerifier } from './cosignature.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT } from './merkle.js';
import { ed25519Verifier, generateSignerKey, parseSignerKey, signNote } from './note.js';
import { hex, loadVectors } from './testdata/vectors.js';

const generated = loadVectors().signed_notes[2];
const root8 = hex(loadVectors().reference_tree.roots_by_size['8'] as string);

function expectCode(fn: () => unknown, code: LedgerError['code']): void {
  expect(fn).toThrow(LedgerError);
  try {
    fn();
  } catch (error) {
    expect((error as LedgerError).code).toBe(code);
  }
}

describe('formatCheckpoint / parseCheckpoint', () => {
  it('formats the generated vector body exactly and parses it back', () => {
    const body = formatCheckpoint({ origin: 'example.org/ceasefire-log-test', size: 8, rootHash: root8 });
    expect(body).toBe(generated.checkpoint_body);
    expect(parseCheckpoint(body)).toEqual({
      origin: 'example.org/ceasefire-log-test',
      size: 8,
      rootHash: root8,
      extensions: [],
    });
  });

  it('parses the tlog-checkpoint spec example', () => {
    const cp = parseCheckpoint(
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n',
    );
    expect(cp.size).toBe(20852163);
    expect(cp.rootHash).toHaveLength(32);
  });

  it('round-trips extension lines and the empty tree', () => {
    const body = formatCheckpoint({
      origin: 'o',
      size: 0,
      rootHash: EMPTY_ROOT,
      extensions: ['ext one', 'two'],
    });
    expect(body).toBe(`o\n0\n${EMPTY_ROOT.toString('base64')}\next one\ntwo\n`);
    expect(parseCheckpoint(body).extensions).toEqual(['ext one', 'two']);
  });

  const root = root8.toString('base64');
  const malformed: [string, string][] = [
    ['no final newline', `o\n8\n${root}`],
    ['only two lines', `o\n8\n`],
    ['an empty origin', `\n8\n${root}\n`],
    ['a leading zero in the size', `o\n08\n${root}\n`],
    ['a signed size', `o\n+8\n${root}\n`],
    ['a negative size', `o\n-1\n${root}\n`],
    ['a size above 2^53 − 1', `o\n9007199254740992\n${root}\n`],
    ['a decimal point', `o\n8.0\n${root}\n`],
    ['a 31-byte root', `o\n8\n${root8.subarray(1).toString('base64')}\n`],
    ['unpadded base64', `o\n8\n${root.replace(/=$/, '')}\n`],
    ['URL-safe base64', `o\n8\n${root8.toString('base64url')}=\n`],
    ['an empty extension line', `o\n8\n${root}\n\next\n`],
    ['a carriage return', `o\r\n8\n${root}\n`],
  ];
  it.each(malformed)('rejects a body with %s', (_name, body) => {
    expectCode(() => parseCheckpoint(body), 'malformed-checkpoint');
  });

  it('refuses to format invalid checkpoints', () => {
    expectCode(() => formatCheckpoint({ origin: '', size: 1, rootHash: root8 }), 'invalid-argument');
    expectCode(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: root8 }), 'invalid-argument');
    expectCode(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: root8 }), 'invalid-argument');
    expectCode(() => formatCheckpoint({ origin: 'o', size: 2 ** 53, rootHash: root8 }), 'invalid-argument');
    expectCode(
      () => formatCheckpoint({ origin: 'o', size: 1, rootHash: Buffer.alloc(31) }),
      'invalid-argument',
    );
    expectCode(
      () => formatCheckpoint({ origin: 'o', size: 1, rootHash: root8, extensions: [''] }),
      'invalid-argument',
    );
  });
});

describe('openCheckpoint', () => {
  const log = ed25519Verifier(generated.log_vkey);
  const witness = cosignatureVerifier(generated.witness_vkey_cosignature_v1);

  it('opens the generated vector with the log key and checks the witness cosignature too', () => {
    const opened = openCheckpoint(generated.note_utf8, [log], {
      origin: 'example.org/ceasefire-log-test',
      otherVerifiers: [witness],
    });
    expect(opened.checkpoint.size).toBe(8);
    expect(opened.note.signatures.map((s) => s.verified)).toEqual([true, true]);
  });

  it('requires a log signature: a witness signature alone is not enough', () => {
    expectCode(
      () => openCheckpoint(generated.note_utf8, [], { otherVerifiers: [witness] }),
      'unverified-note',
    );
  });

  it('rejects an unexpected origin', () => {
    expectCode(
      () => openCheckpoint(generated.note_utf8, [log], { origin: 'example.org/other' }),
      'origin-mismatch',
    );
  });

  it('rejects a correctly signed note whose text is not a checkpoint', () => {
    const seed = createHash('sha256').update('checkpoint test').digest();
    const { signerKey, verifierKey } = generateSignerKey('o', seed);
    const note = signNote('o\n8\nnot-base64\n', [parseSignerKey(signerKey)]);
    expectCode(() => openCheckpoint(note, [ed25519Verifier(verifierKey)]), 'malformed-checkpoint');
  });
});
