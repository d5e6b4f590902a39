/**
 * Offline auditing from tlog-tiles alone: rebuild any complete node, the root, inclusion and
 * consistency proofs of a tree of known size from a tile reader callback.
 *
 * Only tiles implied by `treeSize` are requested (full tiles with width 256, the right-edge partial
 * tile with width `floor(size / 256^L) mod 256`), as tlog-tiles requires of clients. Tiles are
 * untrusted input: compare {@link TiledTree.root} with a verified checkpoint's root, or use
 * {@link verifyLeafFromTiles}, before relying on anything derived from them.
 */
import { isSafeUint } from './encoding.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, hashChildren, isHash } from './merkle-hash.js';
import type { CompleteNodeSource } from './merkle-paths.js';
import { consistencyPath, inclusionPath, pow2, rangeHash, shiftRight } from './merkle-paths.js';
import { verifyInclusion } from './merkle-verify.js';
import { TILE_HEIGHT, TILE_WIDTH } from './tiles.js';

/**
 * Returns the bytes of hash tile (level, index) with `width` hashes (256 = full tile), e.g. by
 * reading `tilePath(level, index, width)` from a mirror. Must return exactly width × 32 bytes.
 */
export type TileReader = (level: number, index: number, width: number) => Uint8Array;

/** A read-only view of a tree of fixed size backed by tiles; caches every tile and node it reads. */
export class TiledTree implements CompleteNodeSource {
  readonly #size: number;
  readonly #read: TileReader;
  readonly #tiles = new Map<string, Buffer>();
  readonly #nodes = new Map<string, Buffer>();

  /** @param treeSize - size from a verified checkpoint */
  constructor(treeSize: number, read: TileReader) {
    if (!isSafeUint(treeSize)) throw new LedgerError('invalid-argument', 'tree size must be a safe uint');
    this.#size = treeSize;
    this.#read = read;
  }

  /** The tree size this view was built for. */
  get size(): number {
    return this.#size;
  }

  /**
   * Hash of the complete subtree (level, index), from one tile plus at most 127 hashes.
   *
   * @throws LedgerError `invalid-argument` if the node is not complete, `malformed-tile` if a tile
   * has the wrong length
   */
  nodeHash(level: number, index: number): Buffer {
    if (!isSafeUint(level) || !isSafeUint(index) || index >= shiftRight(this.#size, level)) {
      throw new LedgerError('invalid-argument', `node (${level}, ${index}) is not complete`);
    }
    const key = `${level}/${index}`;
    const cached = this.#nodes.get(key);
    if (cached !== undefined) return Buffer.from(cached);
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const span = pow2(level - tileLevel * TILE_HEIGHT);
    const first = index * span;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const tile = this.#tile(tileLevel, tileIndex);
    const offset = (first - tileIndex * TILE_WIDTH) * HASH_SIZE;
    let layer: Buffer[] = [];
    for (let i = 0; i < span; i += 1)
      layer.push(tile.subarray(offset + i * HASH_SIZE, offset + (i + 1) * HASH_SIZE));
    while (layer.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i < layer.length; i += 2)
        next.push(hashChildren(layer[i] as Buffer, layer[i + 1] as Buffer));
      layer = next;
    }
    const hash = Buffer.from(layer[0] as Buffer);
    this.#nodes.set(key, hash);
    return Buffer.from(hash);
  }

  /** Root hash of the tree ({@link EMPTY_ROOT} for size 0). */
  root(): Buffer {
    return this.#size === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash(this, 0, this.#size);
  }

  /** Inclusion proof of leaf `index` in this tree. */
  inclusionProof(index: number): Buffer[] {
    if (!isSafeUint(index) || index >= this.#size) {
      throw new LedgerError('invalid-argument', `leaf index ${index} is not below ${this.#size}`);
    }
    return inclusionPath(this, index, this.#size);
  }

  /** Consistency proof from an earlier size to this tree (`[]` for 0 or equal sizes). */
  consistencyProof(oldSize: number): Buffer[] {
    if (!isSafeUint(oldSize) || oldSize > this.#size) {
      throw new LedgerError('invalid-argument', `old size ${oldSize} exceeds ${this.#size}`);
    }
    return consistencyPath(this, oldSize, this.#size);
  }

  #tile(level: number, index: number): Buffer {
    const count = shiftRight(this.#size, level * TILE_HEIGHT);
    const width = Math.min(TILE_WIDTH, count - index * TILE_WIDTH);
    const key = `${level}/${index}/${width}`;
    const cached = this.#tiles.get(key);
    if (cached !== undefined) return cached;
    const bytes = this.#read(level, index, width);
    if (bytes.length !== width * HASH_SIZE) {
      throw new LedgerError(
        'malformed-tile',
        `tile ${level}/${index} has ${bytes.length} bytes, expected ${width * HASH_SIZE}`,
      );
    }
    const tile = Buffer.from(bytes);
    this.#tiles.set(key, tile);
    return tile;
  }
}

/**
 * Checks, from tiles alone, that `leafHash` is leaf `index` of the tree a verified checkpoint
 * describes: the tiles must reproduce the checkpoint root and an inclusion proof built from them
 * must verify against it.
 *
 * @throws LedgerError `malformed-tile` if the reader returns a tile of the wrong length
 */
export function verifyLeafFromTiles(
  checkpoint: { readonly size: number; readonly rootHash: Uint8Array },
  index: number,
  leafHash: Uint8Array,
  read: TileReader,
): boolean {
  if (!isHash(leafHash) || !isSafeUint(index) || index >= checkpoint.size) return false;
  const tree = new TiledTree(checkpoint.size, read);
  if (Buffer.compare(tree.root(), checkpoint.rootHash) !== 0) return false;
  return verifyInclusion(index, checkpoint.size, leafHash, tree.inclusionProof(index), checkpoint.rootHash);
}
