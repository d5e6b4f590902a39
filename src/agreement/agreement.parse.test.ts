import { describe, expect, it } from 'vitest';
import { parseAgreementText } from './agreement.parse.js';

describe('parseAgreementText', () => {
  it('names every repeated key with its line, in nested maps too, and returns no data', () => {
    const parsed = parseAgreementText('a: 1\nb:\n  c: 2\n  c: 3\nd: 4\na: 5\n', 'f.yaml');
    expect(parsed.data).toBeUndefined();
    expect(parsed.problems.map((p) => [p.line, p.column, p.reason])).toEqual([
      [4, 3, 'Map keys must be unique'],
      [6, 1, 'Map keys must be unique'],
    ]);
  });

  it('accepts the same key in different maps, and many keys in one', () => {
    const many = Array.from({ length: 5_000 }, (_, i) => `  k${i}: ${i}`).join('\n');
    const parsed = parseAgreementText(`a:\n  id: 1\nb:\n  id: 2\nc:\n${many}\n`, 'f.yaml');
    expect(parsed.problems).toEqual([]);
    expect(Object.keys((parsed.data as { c: object }).c)).toHaveLength(5_000);
  });
});
