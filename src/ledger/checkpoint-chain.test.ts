import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { previousCheckpointLine, previousCheckpointOf } from './checkpoint-chain.js';
import { generateSignerKey, parseNote, parseSignerKey, signNote } from './note.js';

const signer = parseSignerKey(generateSignerKey('example.org/truceline').signerKey);
const root = (n: number) => crypto.createHash('sha256').update(String(n)).digest();
const signed = (size: number, extensions: string[] = []) =>
  signNote(formatCheckpoint({ origin: signer.name, size, rootHash: root(size), extensions }), [signer]);

describe('checkpoint chain', () => {
  it('names the predecessor by its size and the SHA-256 of its body, and reads it back', () => {
    const first = signed(5);
    const line = previousCheckpointLine({ size: 5, note: first });
    expect(line).toMatch(/^previous 5 [A-Za-z0-9+/]{43}=$/);
    const second = parseCheckpoint(parseNote(signed(9, [line])).text);
    const previous = previousCheckpointOf(second);
    expect(previous?.size).toBe(5);
    expect(previous?.bodyHash).toEqual(crypto.createHash('sha256').update(parseNote(first).text).digest());
  });

  it('reads no predecessor from a checkpoint without the line, and keeps other extension lines apart', () => {
    expect(previousCheckpointOf(parseCheckpoint(parseNote(signed(3)).text))).toBeUndefined();
    expect(previousCheckpointOf(parseCheckpoint(parseNote(signed(3, ['other 1'])).text))).toBeUndefined();
  });

  it('refuses a malformed, repeated or forward-pointing previous line', () => {
    const line = previousCheckpointLine({ size: 5, note: signed(5) });
    for (const extensions of [
      ['previous 5'],
      ['previous 05 ' + line.split(' ')[2]],
      [`${line} x`],
      ['previous 5 AAAA'],
      [line, line],
    ])
      expect(() => previousCheckpointOf(parseCheckpoint(parseNote(signed(9, extensions)).text))).toThrow(
        /previous/,
      );
    expect(() => previousCheckpointOf(parseCheckpoint(parseNote(signed(5, [line])).text))).toThrow(
      /not below/,
    );
  });
});
