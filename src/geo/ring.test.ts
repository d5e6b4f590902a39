import { describe, expect, it } from 'vitest';
import { lineIssues, positionIssue, ringIssues, segmentIntersection, signedArea } from './ring.js';
import type { Position } from './types.js';

const square: Position[] = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
  [0, 0],
];

describe('ringIssues', () => {
  it('accepts a closed counter-clockwise exterior ring', () => {
    expect(ringIssues(square, 'exterior')).toEqual([]);
    expect(signedArea(square)).toBeGreaterThan(0);
  });

  it('wants holes clockwise', () => {
    expect(ringIssues(square, 'hole')).toEqual([{ kind: 'wrong_winding', role: 'hole' }]);
    expect(ringIssues([...square].reverse(), 'hole')).toEqual([]);
  });

  it('reports an unclosed ring', () => {
    const open = square.slice(0, 4).concat([[0, 0.5]]);
    expect(ringIssues(open, 'exterior')).toContainEqual({
      kind: 'not_closed',
      first: [0, 0],
      last: [0, 0.5],
    });
  });

  it('reports a bow tie with the crossing point', () => {
    const bowTie: Position[] = [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
    ];
    expect(ringIssues(bowTie, 'exterior')).toEqual([
      { kind: 'self_intersection', edgeA: 1, edgeB: 3, at: [0.5, 0.5] },
    ]);
  });

  it('reports a spike that doubles back on its own edge', () => {
    const spike: Position[] = [
      [0, 0],
      [2, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(ringIssues(spike, 'exterior').map((i) => i.kind)).toContain('self_intersection');
  });

  it('needs four positions', () => {
    expect(
      ringIssues(
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
        'exterior',
      ),
    ).toEqual([{ kind: 'too_few_positions', count: 3, minimum: 4 }]);
  });
});

describe('positionIssue', () => {
  const region: [number, number, number, number] = [30, 44, 41, 52.5];

  it('reports ranges', () => {
    expect(positionIssue([181, 10], 0)).toEqual({ kind: 'longitude_out_of_range', index: 0, value: 181 });
    expect(positionIssue([100, 95], 0)).toEqual({ kind: 'latitude_out_of_range', index: 0, value: 95 });
  });

  it('suspects a swap when swapped values fit the region and the given ones do not', () => {
    expect(positionIssue([47.6, 36.2], 3, region)).toEqual({
      kind: 'suspected_lat_lon_swap',
      index: 3,
      position: [47.6, 36.2],
    });
    expect(positionIssue([36.2, 47.6], 3, region)).toBeUndefined();
  });

  it('suspects a swap when the latitude is out of range but the swapped pair is valid', () => {
    expect(positionIssue([45, 120], 0)?.kind).toBe('suspected_lat_lon_swap');
  });

  it('reports positions outside the region', () => {
    expect(positionIssue([10, 10], 0, region)?.kind).toBe('outside_region');
  });
});

describe('lines and segments', () => {
  it('finds a line crossing itself and repeated positions', () => {
    const line: Position[] = [
      [0, 0],
      [2, 2],
      [2, 2],
      [2, 0],
      [0, 2],
    ];
    expect(lineIssues(line).map((i) => i.kind)).toEqual(['repeated_position', 'self_intersection']);
  });

  it('counts touching segments as intersecting', () => {
    expect(segmentIntersection([0, 0], [2, 0], [1, 0], [1, 1])).toEqual([1, 0]);
    expect(segmentIntersection([0, 0], [1, 0], [0, 1], [1, 1])).toBeUndefined();
  });
});
