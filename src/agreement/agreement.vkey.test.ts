import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatVkey, parseVkey } from './agreement.vkey.js';

describe('parseVkey', () => {
  it('accepts the C2SP signed-note example key', () => {
    const key = parseVkey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k');
    expect(key).toMatchObject({ name: 'example.com/foo', keyId: '530d903a', type: 1 });
  });

  it('rejects a key id that does not match', () => {
    expect(parseVkey('example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toBe(
      'the key id 530d903b does not match the name and key (expected 530d903a)',
    );
  });

  it('rejects malformed keys', () => {
    expect(parseVkey('no-plus-signs')).toBe('a verifier key has the form name+keyid+base64key');
    expect(parseVkey('n+1234+AAAA')).toBe('the key id must be 8 lowercase hex digits');
    expect(parseVkey('n+12345678+AgAA')).toMatch(/unsupported key type 2/);
  });

  it('round-trips a generated Ed25519 key, including cosignature keys', () => {
    const raw = Buffer.from(
      generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '',
      'base64url',
    );
    for (const type of [1, 4]) {
      const vkey = formatVkey('witness.example', raw, type);
      const parsed = parseVkey(vkey);
      expect(typeof parsed === 'string' ? parsed : Buffer.from(parsed.publicKey).equals(raw)).toBe(true);
    }
  });
});
