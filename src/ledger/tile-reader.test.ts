import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, MerkleTree, hashLeaf } from './merkle.js';
import { randomInt, seededRandom } from './testdata/vectors.js';
import type { TileReader } from './tile-reader.js';
import { TiledTree, verifyLeafFromTiles } from './tile-reader.js';
import { tileHashes, tilePath } from './tiles.js';

const LEAVES = 72_000;
const tree = new MerkleTree({ expectedLeaves: LEAVES });
for (let i = 0; i < LEAVES; i += 1) tree.append(hashLeaf(Buffer.from(`entry ${i}`)));

/** A reader serving tiles of `tree` for a published size, failing on any tile that size does not imply. */
function mirror(size: number, requested: string[] = []): TileReader {
  return (level, index, width) => {
    const nodes = Math.floor(size / 256 ** level);
    expect(width).toBe(Math.min(256, nodes - index * 256));
    requested.push(tilePath(level, index, width));
    return tileHashes(tree, level, index, width);
  };
}

describe('TiledTree', () => {
  const sizes = [1, 2, 7, 255, 256, 257, 65_535, 65_536, 70_000, LEAVES];

  it.each(sizes)('reproduces the root of size %i from tiles', (size) => {
    expect(new TiledTree(size, mirror(size)).root().equals(tree.root(size))).toBe(true);
  });

  it('returns the empty root for size 0 without reading a tile', () => {
    const requested: string[] = [];
    expect(new TiledTree(0, mirror(0, requested)).root().equals(EMPTY_ROOT)).toBe(true);
    expect(requested).toEqual([]);
  });

  it('rebuilds complete nodes at every height, including ones inside a tile (levels 9–15 = tile level 1 + 1…7)', () => {
    const tiled = new TiledTree(LEAVES, mirror(LEAVES));
    for (const [level, index] of [
      [0, 5],
      [3, 100],
      [8, 280],
      [9, 2],
      [15, 1],
      [16, 0],
    ] as const) {
      expect(tiled.nodeHash(level, index).equals(tree.nodeHash(level, index))).toBe(true);
    }
    expect(() => tiled.nodeHash(16, 1)).toThrow(LedgerError);
    expect(() => tiled.nodeHash(17, 0)).toThrow(LedgerError);
  });

  it('builds the same inclusion and consistency proofs as the in-memory tree', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 40; round += 1) {
      const size = randomInt(random, 1, LEAVES);
      const tiled = new TiledTree(size, mirror(size));
      const index = randomInt(random, 0, size - 1);
      expect(tiled.inclusionProof(index)).toEqual(tree.inclusionProof(index, size));
      const old = randomInt(random, 0, size);
      expect(tiled.consistencyProof(old)).toEqual(tree.consistencyProof(old, size));
    }
  });

  it('only fetches the right-edge partial tiles the size implies', () => {
    const requested: string[] = [];
    new TiledTree(70_000, mirror(70_000, requested)).root();
    expect(requested).toEqual(
      expect.arrayContaining(['tile/0/273.p/112', 'tile/1/001.p/17', 'tile/2/000.p/1']),
    );
    expect(requested.every((path) => !path.startsWith('tile/3/'))).toBe(true);
  });

  it('rejects a tile of the wrong length', () => {
    const short: TileReader = (level, index, width) => tileHashes(tree, level, index, width).subarray(32);
    expect(() => new TiledTree(300, short).root()).toThrow(/expected/);
  });

  it('rejects out-of-range requests', () => {
    const tiled = new TiledTree(10, mirror(10));
    expect(() => tiled.inclusionProof(10)).toThrow(LedgerError);
    expect(() => tiled.consistencyProof(11)).toThrow(LedgerError);
    expect(() => new TiledTree(-1, mirror(0))).toThrow(LedgerError);
  });
});

describe('verifyLeafFromTiles', () => {
  const size = 70_000;
  const checkpoint = { size, rootHash: tree.root(size) };

  it('accepts a leaf at its index', () => {
    expect(verifyLeafFromTiles(checkpoint, 12_345, tree.leafHash(12_345), mirror(size))).toBe(true);
  });

  it('rejects a wrong leaf, an out-of-range index, or a checkpoint the tiles do not match', () => {
    expect(verifyLeafFromTiles(checkpoint, 12_345, tree.leafHash(12_346), mirror(size))).toBe(false);
    expect(verifyLeafFromTiles(checkpoint, size, tree.leafHash(0), mirror(size))).toBe(false);
    expect(
      verifyLeafFromTiles({ size, rootHash: tree.root(size - 1) }, 0, tree.leafHash(0), mirror(size)),
    ).toBe(false);
  });

  it('rejects tiles altered by a mirror', () => {
    const tampering: TileReader = (level, index, width) => {
      const tile = Buffer.from(tileHashes(tree, level, index, width));
      if (level === 1 && index === 0) tile[40] = (tile[40] as number) ^ 1;
      return tile;
    };
    expect(verifyLeafFromTiles(checkpoint, 12_345, tree.leafHash(12_345), tampering)).toBe(false);
  });
});
