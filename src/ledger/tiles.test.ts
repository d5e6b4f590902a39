import { describe, expect, it } from 'vitest';
import { LedgerError } from './errors.js';
import { MerkleTree, hashLeaf } from './merkle.js';
import { hex, loadVectors } from './testdata/vectors.js';
import {
  MAX_ENTRY_SIZE,
  decodeEntryBundle,
  encodeEntryBundle,
  entriesPath,
  parseTilePath,
  tileHashes,
  tileIndexPath,
  tileLayout,
  tilePath,
  tilesToWrite,
  verifyEntryBundle,
} from './tiles.js';

const vectors = loadVectors();
const tiles = vectors.tlog_tiles;

function referenceTree(): { tree: MerkleTree; entries: Buffer[] } {
  const entries = vectors.reference_tree.leaves_hex.map(hex);
  const tree = new MerkleTree();
  tree.appendMany(entries.map((e) => hashLeaf(e)));
  return { tree, entries };
}

function expectCode(fn: () => unknown, code: LedgerError['code']): void {
  expect(fn).toThrow(LedgerError);
  try {
    fn();
  } catch (error) {
    expect((error as LedgerError).code).toBe(code);
  }
}

describe('tile paths', () => {
  it.each(tiles.path_element_vectors.map((v) => [v.n, v.expect] as const))(
    'encodes index %i as %s',
    (n, path) => {
      expect(tileIndexPath(n)).toBe(path);
    },
  );

  it('builds full and partial tile and entry paths', () => {
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(0, 273, 112)).toBe('tile/0/273.p/112');
    expect(tilePath(1, 1, 17)).toBe('tile/1/001.p/17');
    expect(entriesPath(0, 8)).toBe(tiles.entry_bundle_for_8_leaf_reference_tree.path);
    expect(entriesPath(1000)).toBe('tile/entries/x001/000');
  });

  it('parses the paths it builds', () => {
    expect(parseTilePath('tile/0/x001/x234/067')).toEqual({
      kind: 'hashes',
      level: 0,
      index: 1234067,
      width: 256,
    });
    expect(parseTilePath('tile/63/000.p/255')).toEqual({ kind: 'hashes', level: 63, index: 0, width: 255 });
    expect(parseTilePath('tile/entries/x001/000.p/1')).toEqual({ kind: 'entries', index: 1000, width: 1 });
    for (const v of tiles.tiles_for_size_70000) {
      if (v.partial_path !== null)
        expect(tilePath(v.level, v.full_tiles, v.partial_width)).toBe(v.partial_path);
    }
  });

  const nonCanonical = [
    'tile/0/1',
    'tile/0/0001',
    'tile/00/000',
    'tile/01/000',
    'tile/64/000',
    'tile/0/x000/001',
    'tile/0/001/234',
    'tile/0/x1/234',
    'tile/0/000.p/0',
    'tile/0/000.p/256',
    'tile/0/000.p/08',
    'tile/0/000.p/',
    'tile/entries/000.p/300',
    'tile/data/000',
    '/tile/0/000',
    'tile/0/000/',
    'tile/0/x999/x999/x999/x999/x999/999',
    'tile/0/000.P/5',
  ];
  it.each(nonCanonical)('rejects the non-canonical path %s', (path) => {
    expectCode(() => parseTilePath(path), 'malformed-tile');
  });

  it('refuses to build paths for bad coordinates', () => {
    expectCode(() => tilePath(64, 0), 'invalid-argument');
    expectCode(() => tilePath(0, -1), 'invalid-argument');
    expectCode(() => tilePath(0, 0, 0), 'invalid-argument');
    expectCode(() => tilePath(0, 0, 257), 'invalid-argument');
  });
});

describe('tile layout', () => {
  it('matches the spec example for size 70,000', () => {
    expect(tileLayout(70_000)).toEqual(
      tiles.tiles_for_size_70000.map((v) => ({
        level: v.level,
        fullTiles: v.full_tiles,
        partialWidth: v.partial_width,
      })),
    );
  });

  it('matches the spec example for size 256', () => {
    expect(tileLayout(256)).toEqual(
      tiles.tiles_for_size_256.map((v) => ({
        level: v.level,
        fullTiles: v.full_tiles,
        partialWidth: v.partial_width,
      })),
    );
    expect(tileLayout(0)).toEqual([]);
  });

  it('lists the tiles that change when the tree grows', () => {
    expect(tilesToWrite(0, 8)).toEqual([{ level: 0, index: 0, width: 8 }]);
    expect(tilesToWrite(8, 8)).toEqual([]);
    expect(tilesToWrite(250, 260)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 0, index: 1, width: 4 },
      { level: 1, index: 0, width: 1 },
    ]);
    expect(tilesToWrite(256, 257)).toEqual([{ level: 0, index: 1, width: 1 }]);
    const grown = tilesToWrite(65_000, 70_000);
    expect(grown.filter((t) => t.level === 2)).toEqual([{ level: 2, index: 0, width: 1 }]);
    expect(grown.filter((t) => t.level === 1)).toEqual([
      { level: 1, index: 0, width: 256 },
      { level: 1, index: 1, width: 17 },
    ]);
    expectCode(() => tilesToWrite(9, 8), 'invalid-argument');
  });
});

describe('tile contents', () => {
  it('builds the published level-0 tile of the 8-leaf reference tree', () => {
    const { tree } = referenceTree();
    expect(tilePath(0, 0, 8)).toBe(tiles.level0_tile_for_8_leaf_reference_tree.path);
    expect(tileHashes(tree, 0, 0, 8).toString('hex')).toBe(
      tiles.level0_tile_for_8_leaf_reference_tree.bytes_hex,
    );
  });

  it('builds level-1 tiles from level-8 nodes', () => {
    const tree = new MerkleTree();
    for (let i = 0; i < 600; i += 1) tree.append(hashLeaf(Buffer.from(`e${i}`)));
    const tile = tileHashes(tree, 1, 0, 2);
    expect(tile.subarray(32).equals(tree.nodeHash(8, 1))).toBe(true);
    expectCode(() => tileHashes(tree, 1, 0, 3), 'invalid-argument');
  });
});

describe('entry bundles', () => {
  it('encodes the published bundle of the 8-leaf reference tree and decodes it back', () => {
    const { entries } = referenceTree();
    const bundle = encodeEntryBundle(entries);
    expect(bundle.toString('hex')).toBe(tiles.entry_bundle_for_8_leaf_reference_tree.bytes_hex);
    expect(decodeEntryBundle(bundle, 8)).toEqual(entries);
  });

  it('checks a bundle against its level-0 tile', () => {
    const { tree, entries } = referenceTree();
    const tile = tileHashes(tree, 0, 0, 8);
    expect(verifyEntryBundle(encodeEntryBundle(entries), tile)).toEqual(entries);
    const swapped = [entries[1], entries[0], ...entries.slice(2)] as Buffer[];
    expectCode(() => verifyEntryBundle(encodeEntryBundle(swapped), tile), 'malformed-tile');
    expectCode(() => verifyEntryBundle(encodeEntryBundle(entries.slice(1)), tile), 'malformed-tile');
  });

  it('accepts entries of exactly 65,535 bytes and rejects larger ones', () => {
    const max = Buffer.alloc(MAX_ENTRY_SIZE, 7);
    expect(decodeEntryBundle(encodeEntryBundle([max]))).toEqual([max]);
    expectCode(() => encodeEntryBundle([Buffer.alloc(MAX_ENTRY_SIZE + 1)]), 'invalid-argument');
    expectCode(
      () => encodeEntryBundle(Array.from({ length: 257 }, () => Buffer.alloc(0))),
      'invalid-argument',
    );
  });

  it('rejects truncated bundles, oversized bundles and count mismatches', () => {
    const bundle = encodeEntryBundle([Buffer.from('abc'), Buffer.from('de')]);
    expectCode(() => decodeEntryBundle(bundle.subarray(0, bundle.length - 1)), 'malformed-tile');
    expectCode(() => decodeEntryBundle(Buffer.from([0])), 'malformed-tile');
    expectCode(() => decodeEntryBundle(bundle, 3), 'malformed-tile');
    expectCode(() => decodeEntryBundle(Buffer.alloc(2 * 257)), 'malformed-tile');
    expect(decodeEntryBundle(Buffer.alloc(0), 0)).toEqual([]);
  });
});
