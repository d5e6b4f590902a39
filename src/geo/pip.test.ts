import { describe, expect, it } from 'vitest';
import { PreparedPolygon } from './pip.js';
import type { Position } from './types.js';

const withHole: Position[][] = [
  [
    [0, 0],
    [4, 0],
    [4, 4],
    [0, 4],
    [0, 0],
  ],
  [
    [1, 1],
    [1, 3],
    [3, 3],
    [3, 1],
    [1, 1],
  ],
];

describe('PreparedPolygon', () => {
  const polygon = new PreparedPolygon([withHole]);

  it('tells inside from outside and from the hole', () => {
    expect(polygon.contains(0.5, 0.5)).toBe(true);
    expect(polygon.contains(2, 2)).toBe(false);
    expect(polygon.contains(5, 2)).toBe(false);
  });

  it('counts the boundary as inside', () => {
    expect(polygon.contains(0, 2)).toBe(true);
    expect(polygon.contains(4, 4)).toBe(true);
    expect(polygon.contains(1, 2)).toBe(true);
  });

  it('handles multipolygons and many edges', () => {
    const circle: Position[] = Array.from({ length: 2001 }, (_, i) => {
      const a = (2 * Math.PI * i) / 2000;
      return [10 + Math.cos(a), 10 + Math.sin(a)];
    });
    const multi = new PreparedPolygon([withHole, [circle]]);
    expect(multi.contains(10, 10)).toBe(true);
    expect(multi.contains(10.9, 10)).toBe(true);
    expect(multi.contains(11.1, 10)).toBe(false);
    expect(multi.contains(0.5, 0.5)).toBe(true);
  });
});
