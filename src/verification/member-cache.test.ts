import { describe, expect, it } from 'vitest';
import type { MemberReport } from './incident.repository.js';
import { MemberCache } from './member-cache.js';

const members = (prefix: string, n: number): MemberReport[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}` }) as MemberReport);

describe('MemberCache', () => {
  it('drops the least recently kept incidents first past its size, and never keeps one larger than it', () => {
    const cache = new MemberCache(5);
    cache.set('a', members('a', 2));
    cache.set('b', members('b', 2));
    cache.set('a', members('a', 3)); // grown: now the most recent
    expect(cache.size).toBe(5);
    cache.set('c', members('c', 1));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.map((m) => m.id)).toEqual(['a-0', 'a-1', 'a-2']);
    expect(cache.get('c')).toHaveLength(1);
    expect(cache.size).toBe(4);
    cache.set('huge', members('h', 6));
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(4);
    cache.set('a', members('a', 6));
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('c')).toBeUndefined();
  });
});
