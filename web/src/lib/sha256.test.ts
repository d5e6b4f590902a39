import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex, sha256Portable, toHex } from './sha256.js';

describe('SHA-256 of evidence', () => {
  it('matches node:crypto in the portable fallback, across padding boundaries', () => {
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 70_000]) {
      const data = randomBytes(length);
      expect(toHex(sha256Portable(data)), `length ${length}`).toBe(
        createHash('sha256').update(data).digest('hex'),
      );
    }
  });

  it('uses WebCrypto where there is one, with the same result', async () => {
    const data = Buffer.from('abc');
    expect(await sha256Hex(data)).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
