import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  COSIGNATURE_V1_SIZE,
  cosignCheckpoint,
  cosignatureMessage,
  cosignatureTimestamp,
  cosignatureVerifier,
  formatCosignatureVerifierKey,
  generateCosignerKey,
  parseCosignerKey,
  verifyCosignature,
} from './cosignature.js';
import { LedgerError } from './errors.js';
import {
  ed25519Verifier,
  generateSignerKey,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  signNote,
} from './note.js';
import { loadVectors } from './testdata/vectors.js';

const generated = loadVectors().signed_notes[2];
const WITNESS = 'example.org/witness-test';

function vectorWitness() {
  const seed = createHash('sha256').update(generated.witness_seed_label).digest();
  return parseCosignerKey(generateCosignerKey(WITNESS, seed).signerKey);
}

function expectCode(fn: () => unknown, code: LedgerError['code']): void {
  expect(fn).toThrow(LedgerError);
  try {
    fn();
  } catch (error) {
    expect((error as LedgerError).code).toBe(code);
  }
}

describe('cosignature/v1 against the generated vector', () => {
  it('derives the witness seed and 0x04 vkey from the labelled seed', () => {
    const seed = createHash('sha256').update(generated.witness_seed_label).digest();
    expect(seed.toString('hex')).toBe(generated.witness_ed25519_seed_hex);
    expect(vectorWitness().verifierKey).toBe(generated.witness_vkey_cosignature_v1);
    const key = parseVerifierKey(generated.witness_vkey_cosignature_v1);
    expect(formatCosignatureVerifierKey(key.name, key.publicKey)).toBe(generated.witness_vkey_cosignature_v1);
  });

  it('builds the exact signed message', () => {
    const message = cosignatureMessage(generated.checkpoint_body, generated.cosignature_timestamp);
    expect(message.toString('utf8')).toBe(generated.cosignature_signed_message);
  });

  it('reproduces the published witness line byte for byte (Ed25519 is deterministic)', () => {
    const line = cosignCheckpoint(
      generated.checkpoint_body,
      vectorWitness(),
      generated.cosignature_timestamp,
    );
    const expected = generated.note_utf8.split('\n').find((l) => l.startsWith(`\u2014 ${WITNESS} `));
    expect(line).toBe(`${expected}\n`);
  });

  it('reproduces the whole vector note from the log key and the witness key', () => {
    const logSeed = createHash('sha256').update(generated.log_seed_label).digest();
    const log = parseSignerKey(generateSignerKey('example.org/ceasefire-log-test', logSeed).signerKey);
    const note = signNote(generated.checkpoint_body, [log]);
    const cosigned =
      note + cosignCheckpoint(generated.checkpoint_body, vectorWitness(), generated.cosignature_timestamp);
    expect(cosigned).toBe(generated.note_utf8);
  });

  it('verifies the vector cosignature and returns its timestamp', () => {
    const opened = openNote(generated.note_utf8, [
      cosignatureVerifier(generated.witness_vkey_cosignature_v1),
    ]);
    const sig = opened.signatures.find((s) => s.verified);
    expect(sig?.signature).toHaveLength(COSIGNATURE_V1_SIZE);
    expect(cosignatureTimestamp(sig?.signature ?? Buffer.alloc(0))).toBe(1700000000);
    const line = generated.note_utf8.split('\n').find((l) => l.startsWith(`\u2014 ${WITNESS} `)) ?? '';
    expect(verifyCosignature(generated.checkpoint_body, line, generated.witness_vkey_cosignature_v1)).toEqual(
      {
        name: WITNESS,
        keyId: 0x27e88409,
        timestamp: 1700000000,
      },
    );
  });
});

describe('the tlog-cosignature spec example line', () => {
  it('decodes to key ID 8d66cf3f and timestamp 1679315147 (76-byte payload)', () => {
    const body = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const line =
      '\u2014 witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';
    const [sig] = parseNote(`${body}\n${line}`).signatures;
    expect(sig?.keyId.toString(16)).toBe('8d66cf3f');
    expect(cosignatureTimestamp(sig?.signature ?? Buffer.alloc(0))).toBe(1679315147);
  });
});

describe('cosignature rejections', () => {
  const body = generated.checkpoint_body;
  const witness = vectorWitness();
  const line = cosignCheckpoint(body, witness, 1700000001);

  it('rejects a cosignature over a different body', () => {
    expectCode(
      () => verifyCosignature(body.replace('\n8\n', '\n9\n'), line, witness.verifierKey),
      'invalid-signature',
    );
  });

  it('rejects a cosignature whose timestamp was altered', () => {
    const [sig] = parseNote(`${body}\n${line}`).signatures;
    const payload = Buffer.concat([Buffer.from('27e88409', 'hex'), sig?.signature ?? Buffer.alloc(0)]);
    payload.writeUInt32BE(payload.readUInt32BE(8) + 1, 8);
    const altered = `\u2014 ${WITNESS} ${payload.toString('base64')}\n`;
    expectCode(() => verifyCosignature(body, altered, witness.verifierKey), 'invalid-signature');
  });

  it('does not accept a plain Ed25519 (0x01) signature as a cosignature from the same seed', () => {
    const seed = createHash('sha256').update(generated.witness_seed_label).digest();
    const plain = parseSignerKey(generateSignerKey(WITNESS, seed).signerKey);
    const note = signNote(body, [plain]);
    expect(plain.keyId).not.toBe(witness.keyId);
    expectCode(() => openNote(note, [cosignatureVerifier(witness.verifierKey)]), 'unverified-note');
  });

  it('rejects a line from another witness', () => {
    const other = parseCosignerKey(generateCosignerKey('other.example/w').signerKey);
    expectCode(
      () => verifyCosignature(body, cosignCheckpoint(body, other, 5), witness.verifierKey),
      'unverified-note',
    );
  });

  it('treats a wrong-length signature as invalid, and timestamps above 2^53 − 1 as unreadable', () => {
    const verifier = cosignatureVerifier(witness.verifierKey);
    expect(verifier.verify(Buffer.from(body), Buffer.alloc(71))).toBe(false);
    const huge = Buffer.alloc(72, 0xff);
    expect(cosignatureTimestamp(huge)).toBeUndefined();
    expect(verifier.verify(Buffer.from(body), huge)).toBe(false);
  });

  it('refuses to cosign with a zero, negative or unsafe timestamp, or a non-note body', () => {
    expectCode(() => cosignCheckpoint(body, witness, 0), 'invalid-argument');
    expectCode(() => cosignCheckpoint(body, witness, -5), 'invalid-argument');
    expectCode(() => cosignCheckpoint(body, witness, 2 ** 53), 'invalid-argument');
    expectCode(() => cosignCheckpoint('no newline', witness, 5), 'invalid-argument');
  });

  it('keeps cosigner and note keys apart', () => {
    const { signerKey } = generateSignerKey('plain.example/log');
    expectCode(() => parseCosignerKey(signerKey), 'malformed-key');
    expectCode(() => cosignatureVerifier(loadVectors().signed_notes[0].vkey), 'malformed-key');
    expectCode(() => ed25519Verifier(witness.verifierKey), 'malformed-key');
  });
});
