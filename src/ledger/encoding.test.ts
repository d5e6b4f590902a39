import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, encodeBase64, isSafeUint, parseDecimal } from './encoding.js';

describe('decodeBase64Strict', () => {
  it('decodes canonical padded standard base64', () => {
    expect(decodeBase64Strict('')?.length).toBe(0);
    expect(decodeBase64Strict('AA==')).toEqual(Buffer.from([0]));
    expect(decodeBase64Strict('+/+/')).toEqual(Buffer.from([0xfb, 0xff, 0xbf]));
    expect(encodeBase64(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('+/+/');
  });

  it.each(['AA', 'AA=', 'A===', '-_-_', 'AB==', 'AA==\n', ' AA==', 'AA==AA==', 'Zg=x'])(
    'rejects %j',
    (text) => {
      expect(decodeBase64Strict(text)).toBeUndefined();
    },
  );
});

describe('parseDecimal', () => {
  it('accepts canonical decimals up to 2^53 − 1', () => {
    expect(parseDecimal('0')).toBe(0);
    expect(parseDecimal('20852163')).toBe(20852163);
    expect(parseDecimal('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each(['', '00', '01', '-1', '+1', '1.0', '1e3', ' 1', '1 ', '9007199254740992', '0x10', '١'])(
    'rejects %j',
    (text) => {
      expect(parseDecimal(text)).toBeUndefined();
    },
  );
});

describe('isSafeUint', () => {
  it('accepts non-negative safe integers only', () => {
    expect([0, 1, Number.MAX_SAFE_INTEGER].every(isSafeUint)).toBe(true);
    expect([-1, 0.5, 2 ** 53, Number.NaN, Infinity, '1', 1n].some(isSafeUint)).toBe(false);
  });
});
