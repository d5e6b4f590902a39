import { describe, expect, it } from 'vitest';
import { CanonicalJsonError, canonicalBytes, canonicalize } from './canonical-json.js';
import { LedgerError } from './errors.js';

function fromBits(bits: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(bits));
  return view.getFloat64(0);
}

describe('RFC 8785 examples', () => {
  it('canonicalises the §3.2.2 example (numbers, escapes, literals, member order)', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalize(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts members by UTF-16 code units (§3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalize(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  const appendixB: [string, string][] = [
    ['0x0000000000000000', '0'],
    ['0x8000000000000000', '0'],
    ['0x0000000000000001', '5e-324'],
    ['0x8000000000000001', '-5e-324'],
    ['0x7fefffffffffffff', '1.7976931348623157e+308'],
    ['0xffefffffffffffff', '-1.7976931348623157e+308'],
    ['0x4340000000000000', '9007199254740992'],
    ['0xc340000000000000', '-9007199254740992'],
    ['0x4430000000000000', '295147905179352830000'],
    ['0x44b52d02c7e14af5', '9.999999999999997e+22'],
    ['0x44b52d02c7e14af6', '1e+23'],
    ['0x44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['0x444b1ae4d6e2ef4e', '999999999999999700000'],
    ['0x444b1ae4d6e2ef4f', '999999999999999900000'],
    ['0x444b1ae4d6e2ef50', '1e+21'],
    ['0x3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['0x3eb0c6f7a0b5ed8d', '0.000001'],
    ['0x41b3de4355555553', '333333333.3333332'],
    ['0x41b3de4355555554', '333333333.33333325'],
    ['0x41b3de4355555555', '333333333.3333333'],
    ['0x41b3de4355555556', '333333333.3333334'],
    ['0x41b3de4355555557', '333333333.33333343'],
    ['0xbecbf647612f3696', '-0.0000033333333333333333'],
    ['0x43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(appendixB)('serialises the Appendix B number %s as %s', (bits, expected) => {
    expect(canonicalize(fromBits(bits))).toBe(expected);
  });

  it.each(['0x7fffffffffffffff', '0x7ff0000000000000', '0xfff0000000000000'])(
    'rejects NaN/Infinity %s',
    (bits) => {
      expect(() => canonicalize(fromBits(bits))).toThrow(LedgerError);
    },
  );
});

describe('canonicalize', () => {
  it('sorts nested members and keeps array order', () => {
    expect(canonicalize({ b: [3, { z: 1, a: 2 }], a: { y: null, x: true } })).toBe(
      '{"a":{"x":true,"y":null},"b":[3,{"a":2,"z":1}]}',
    );
  });

  it('escapes controls in lowercase hex and leaves U+2028 and DEL as is', () => {
    expect(canonicalize('\u0001\b\t\u001f\u2028\u007f')).toBe('"\\u0001\\b\\t\\u001f\u2028\u007f"');
  });

  it('omits object members whose value is undefined', () => {
    expect(canonicalize({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('accepts null-prototype objects', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { k: 'v' });
    expect(canonicalize(value)).toBe('{"k":"v"}');
  });

  it('returns UTF-8 bytes', () => {
    expect(canonicalBytes({ '€': 1 }).toString('hex')).toBe('7b22e282ac223a317d');
  });

  const rejected: [string, unknown][] = [
    ['undefined at top level', undefined],
    ['undefined in an array', [1, undefined]],
    ['a sparse array', [1, , 3]], // eslint-disable-line no-sparse-arrays -- the hole is the point
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate in a key', { '\udc00': 1 }],
    ['a Date', new Date(0)],
    ['a Map', new Map()],
    ['a class instance', new (class Point {})()],
    ['a boxed string', new String('x')],
    ['a bigint', 1n],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a symbol-keyed member', { [Symbol('s')]: 1 }],
    ['NaN nested', { a: [Number.NaN] }],
  ];
  it.each(rejected)('rejects %s', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(LedgerError);
  });

  it('says where a rejected value is, as a path and as a JSON pointer', () => {
    const value = { a: [1, { 'b/c': 'x\ud800' }] };
    expect(() => canonicalize(value)).toThrow('$.a[1].b/c: string contains a lone surrogate');
    try {
      canonicalize(value);
    } catch (err) {
      expect(err).toBeInstanceOf(CanonicalJsonError);
      expect(err).toMatchObject({
        code: 'not-canonical-json',
        pointer: '/a/1/b~1c',
        reason: 'string contains a lone surrogate',
      });
    }
    expect.assertions(3);
  });

  it('rejects cycles but accepts shared (acyclic) references', () => {
    const shared = { x: 1 };
    expect(canonicalize([shared, shared])).toBe('[{"x":1},{"x":1}]');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalize(cyclic)).toThrow(/cyclic/);
  });
});
