import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import type { NoteVerifier } from './note.js';
import {
  MAX_NOTE_SIGNATURES,
  SIG_TYPE_ED25519,
  addSignatureLines,
  computeKeyId,
  ed25519Verifier,
  formatSignatureLine,
  formatVerifierKey,
  generateSignerKey,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note.js';
import { hex, loadVectors } from './testdata/vectors.js';

const [c2spExample, goExample, generated] = loadVectors().signed_notes;

function expectCode(fn: () => unknown, code: LedgerError['code']): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerError);
    expect((error as LedgerError).code).toBe(code);
    return;
  }
  expect.fail(`expected LedgerError ${code}`);
}

function testSigner(name = 'example.org/test-log', label = 'note test key') {
  const seed = createHash('sha256').update(label).digest();
  const { signerKey, verifierKey } = generateSignerKey(name, seed);
  return { signer: parseSignerKey(signerKey), verifier: ed25519Verifier(verifierKey), verifierKey };
}

describe('signed-note published vectors', () => {
  it('parses and re-formats the C2SP example vkey', () => {
    const key = parseVerifierKey(c2spExample.vkey);
    expect(key).toMatchObject({ name: c2spExample.key_name, keyId: 0x530d903a, sigType: SIG_TYPE_ED25519 });
    expect(key.publicKey.toString('hex')).toBe(c2spExample.public_key_hex);
    expect(formatVerifierKey(key.name, key.publicKey)).toBe(c2spExample.vkey);
    expect(computeKeyId(key.name, SIG_TYPE_ED25519, key.publicKey)).toBe(
      Number.parseInt(c2spExample.key_id_hex, 16),
    );
  });

  it('opens the C2SP example note (bytes and string) and signs exactly its text', () => {
    const verifier = ed25519Verifier(c2spExample.vkey);
    for (const note of [hex(c2spExample.note_hex), c2spExample.note_utf8]) {
      const opened = openNote(note, [verifier]);
      expect(Buffer.from(opened.text).toString('hex')).toBe(c2spExample.text_signed_hex);
      expect(opened.signatures).toEqual([
        expect.objectContaining({ name: 'example.com/foo', keyId: 0x530d903a, verified: true }),
      ]);
    }
  });

  it('verifies both signatures of the Go PeterNeumann/EnochRoot note', () => {
    const opened = openNote(
      goExample.note_utf8,
      goExample.vkeys.map((vkey) => ed25519Verifier(vkey)),
    );
    expect(Buffer.from(opened.text).toString('hex')).toBe(goExample.text_signed_hex);
    expect(opened.signatures.map((s) => [s.name, s.keyId.toString(16), s.verified])).toEqual([
      ['PeterNeumann', 'c74f20a3', true],
      ['EnochRoot', 'af0cfe78', true],
    ]);
  });

  it('reports a signature from a key it does not know as unverified', () => {
    const opened = openNote(goExample.note_utf8, [ed25519Verifier(goExample.vkeys[0])]);
    expect(opened.signatures.map((s) => s.verified)).toEqual([true, false]);
  });

  it('parses the Go signer key and reproduces the published signature byte for byte', () => {
    const signer = parseSignerKey(goExample.signer_key_go_format);
    expect(signer).toMatchObject({
      name: 'PeterNeumann',
      keyId: 0xc74f20a3,
      verifierKey: goExample.vkeys[0],
    });
    expect(generateSignerKey('PeterNeumann', hex(goExample.ed25519_seed_hex)).signerKey).toBe(
      goExample.signer_key_go_format,
    );
    const text = hex(goExample.text_signed_hex).toString('utf8');
    const firstLine = goExample.note_utf8.split('\n\n')[1]?.split('\n')[0];
    expect(signNote(text, [signer])).toBe(`${text}\n${firstLine}\n`);
  });

  it('derives the generated checkpoint vector log key from its labelled seed', () => {
    const seed = createHash('sha256').update(generated.log_seed_label).digest();
    expect(seed.toString('hex')).toBe(generated.log_ed25519_seed_hex);
    expect(generateSignerKey('example.org/ceasefire-log-test', seed).verifierKey).toBe(generated.log_vkey);
    const opened = openNote(hex(generated.note_hex), [ed25519Verifier(generated.log_vkey)]);
    expect(opened.text).toBe(generated.checkpoint_body);
    expect(opened.signatures.map((s) => s.verified)).toEqual([true, false]);
  });
});

describe('signNote / openNote round trip', () => {
  it('signs with several keys and opens with any subset', () => {
    const a = testSigner('a.example/log', 'key a');
    const b = testSigner('b.example/log', 'key b');
    const note = signNote('hello\n\nworld\n', [a.signer, b.signer]);
    expect(openNote(note, [a.verifier]).text).toBe('hello\n\nworld\n');
    expect(openNote(note, [a.verifier, b.verifier]).signatures.every((s) => s.verified)).toBe(true);
  });

  it('keeps text with empty lines intact: the last blank line separates the signatures', () => {
    const { signer, verifier } = testSigner();
    const text = 'a\n\n\nb\n\n— fake sig-like line\n';
    expect(openNote(signNote(text, [signer]), [verifier]).text).toBe(text);
  });

  it('adds signature lines to a signed note', () => {
    const a = testSigner('a.example/log', 'key a');
    const b = testSigner('b.example/log', 'key b');
    const note = signNote('x\n', [a.signer]);
    const line = formatSignatureLine(b.signer.name, b.signer.keyId, b.signer.sign(Buffer.from('x\n')));
    expect(openNote(addSignatureLines(note, [line]), [b.verifier]).signatures[1]?.verified).toBe(true);
    expectCode(() => addSignatureLines(note, ['not a signature\n']), 'malformed-note');
  });

  it('refuses to sign text that is not a valid note text', () => {
    const { signer } = testSigner();
    expectCode(() => signNote('no newline', [signer]), 'invalid-argument');
    expectCode(() => signNote('tab\there\n', [signer]), 'invalid-argument');
    expectCode(() => signNote('cr\r\n', [signer]), 'invalid-argument');
    expectCode(() => signNote('lone \ud800\n', [signer]), 'invalid-argument');
    expectCode(() => signNote('ok\n', []), 'invalid-argument');
  });
});

describe('openNote rejections', () => {
  const { signer, verifier } = testSigner();
  const good = signNote('checkpoint body\n', [signer]);
  const [text = '', signatures = ''] = good.split('\n\n');

  const malformedNotes: [string, string | Buffer][] = [
    ['no final newline', good.slice(0, -1)],
    ['no blank line', good.replace('\n\n', '\n')],
    ['no signature lines', `${text}\n\n`],
    ['a line without the em dash', `${text}\n\n- ${signatures.slice(2)}`],
    ['a hyphen-minus instead of the em dash', `${text}\n\n${signatures.replace('\u2014', '-')}`],
    ['a carriage return', good.replace('body', 'bo\rdy')],
    ['a tab', good.replace('body', 'bo\tdy')],
    ['invalid UTF-8', Buffer.concat([Buffer.from('\xff', 'latin1'), Buffer.from(good)])],
    ['a name with a space', `${text}\n\n\u2014 a b ${signatures.split(' ')[2]}`],
    ['a name with a plus', `${text}\n\n\u2014 a+b ${signatures.split(' ')[2]}`],
    ['an empty name', `${text}\n\n\u2014  ${signatures.split(' ')[2]}`],
    ['no base64', `${text}\n\n\u2014 name\n`],
    ['unpadded base64', good.replace(/=\n$/, '\n')],
    ['a signature shorter than 5 bytes', `${text}\n\n\u2014 name AAAAAA==\n`],
    ['a trailing space', good.replace(/\n$/, ' \n')],
  ];
  it.each(malformedNotes)('rejects a note with %s', (_name, note) => {
    expectCode(() => openNote(note, [verifier]), 'malformed-note');
  });

  it('rejects the whole note when a known key signature fails', () => {
    const tampered = good.replace('checkpoint body', 'checkpoint b0dy');
    expectCode(() => openNote(tampered, [verifier]), 'invalid-signature');
  });

  it('rejects a note with no signature from a known key', () => {
    const other = testSigner('other.example/log', 'other key');
    expectCode(() => openNote(good, [other.verifier]), 'unverified-note');
    expectCode(() => openNote(good, []), 'unverified-note');
  });

  it('ignores a signature whose name matches but key ID does not (and vice versa)', () => {
    const sameNameOtherKey = testSigner(signer.name, 'another key');
    expectCode(() => openNote(good, [sameNameOtherKey.verifier]), 'unverified-note');
    const impostor: NoteVerifier = { name: 'someone.else', keyId: signer.keyId, verify: () => true };
    expectCode(() => openNote(good, [impostor]), 'unverified-note');
  });

  it('accepts 100 signature lines and rejects 101', () => {
    const unknown = (i: number): string => formatSignatureLine(`w${i}.example`, i, Buffer.alloc(64, i));
    const lines = Array.from({ length: MAX_NOTE_SIGNATURES - 1 }, (_, i) => unknown(i));
    expect(openNote(good + lines.join(''), [verifier]).signatures).toHaveLength(MAX_NOTE_SIGNATURES);
    expectCode(() => openNote(good + lines.join('') + unknown(999), [verifier]), 'malformed-note');
  });

  it('drops duplicate lines, and checks only the first line of a known key', () => {
    const unknownLine = formatSignatureLine('w.example', 7, Buffer.alloc(64, 7));
    const badSecond = formatSignatureLine(signer.name, signer.keyId, Buffer.alloc(64));
    const opened = openNote(good + unknownLine + unknownLine + badSecond, [verifier]);
    expect(opened.signatures.map((s) => s.name)).toEqual([signer.name, 'w.example']);
  });

  it('refuses two verifiers for the same name and key ID', () => {
    expectCode(() => openNote(good, [verifier, verifier]), 'invalid-argument');
  });

  it('parses without verifying', () => {
    const parsed = parseNote(good);
    expect(parsed.text).toBe('checkpoint body\n');
    expect(parsed.signatures[0]?.signature).toHaveLength(64);
  });
});

describe('key formats', () => {
  it('splits vkeys on the first two plus signs only (base64 may contain +)', () => {
    const vkey = generated.witness_vkey_cosignature_v1;
    expect(vkey.split('+').length).toBeGreaterThan(3);
    expect(parseVerifierKey(vkey)).toMatchObject({ name: 'example.org/witness-test', sigType: 0x04 });
  });

  const badVkeys: [string, string][] = [
    ['a wrong key ID', c2spExample.vkey.replace('530d903a', '530d903b')],
    ['an uppercase key ID', c2spExample.vkey.replace('530d903a', '530D903A')],
    ['a short key ID', c2spExample.vkey.replace('530d903a', '530d903')],
    ['no key part', 'example.com/foo+530d903a'],
    ['a bad name', c2spExample.vkey.replace('example.com/foo', 'example com')],
    ['non-canonical base64', c2spExample.vkey.slice(0, -1)],
    [
      'a 31-byte Ed25519 key',
      `n+${'0'.repeat(8)}+${Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]).toString('base64')}`,
    ],
  ];
  it.each(badVkeys)('rejects a vkey with %s', (_name, vkey) => {
    expectCode(() => parseVerifierKey(vkey), 'malformed-key');
  });

  it('refuses a cosignature (0x04) vkey as a plain Ed25519 verifier', () => {
    expectCode(() => ed25519Verifier(generated.witness_vkey_cosignature_v1), 'malformed-key');
  });

  const badSignerKeys: [string, string][] = [
    ['no PRIVATE+KEY prefix', goExample.signer_key_go_format.replace('PRIVATE+KEY+', '')],
    ['a wrong key ID', goExample.signer_key_go_format.replace('c74f20a3', 'c74f20a4')],
    ['a truncated seed', goExample.signer_key_go_format.slice(0, -4)],
  ];
  it.each(badSignerKeys)('rejects a signer key with %s', (_name, skey) => {
    expectCode(() => parseSignerKey(skey), 'malformed-key');
  });

  it('never echoes the private key in errors', () => {
    const skey = goExample.signer_key_go_format.replace('c74f20a3', 'c74f20a4');
    expect(() => parseSignerKey(skey)).not.toThrow(new RegExp(skey.split('+')[4] ?? 'unreachable'));
  });

  it('generates fresh keys that sign and verify', () => {
    const { signerKey, verifierKey } = generateSignerKey('fresh.example/log');
    expect(signerKey.startsWith('PRIVATE+KEY+fresh.example/log+')).toBe(true);
    const note = signNote('fresh\n', [parseSignerKey(signerKey)]);
    expect(openNote(note, [ed25519Verifier(verifierKey)]).signatures[0]?.verified).toBe(true);
  });
});
