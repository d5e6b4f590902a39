/**
 * RFC 6962 / RFC 9162 Merkle tree: hashing primitives and an in-memory, append-only tree that
 * answers roots and proofs for any earlier size.
 */
import { constants as bufferConstants } from 'node:buffer';
import { isSafeUint } from './encoding.js';
import { LedgerError } from './errors.js';
import { EMPTY_ROOT, HASH_SIZE, hashAdjacentChildren, isHash } from './merkle-hash.js';
import type { CompleteNodeSource } from './merkle-paths.js';
import { consistencyPath, inclusionPath, pow2, rangeHash, trailingZeros } from './merkle-paths.js';

export { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf } from './merkle-hash.js';
export { verifyConsistency, verifyInclusion } from './merkle-verify.js';

/** Options for {@link MerkleTree}. */
export interface MerkleTreeOptions {
  /** Expected number of leaves; pre-sizes the storage so growth never copies (default 1024). */
  readonly expectedLeaves?: number;
}

const DEFAULT_CAPACITY = 1024;
const GROWTH_FACTOR = 1.5;

/**
 * In-memory append-only Merkle tree.
 *
 * Level k keeps the hashes of every *complete* subtree of 2^k leaves in one growable contiguous
 * Buffer, so the whole tree costs about 2 × 32 bytes per leaf (10 M leaves ≈ 640 MB) and an
 * inclusion or consistency proof is a handful of lookups plus at most O(log n) hashes for the ragged
 * right edge. Appending costs one leaf write plus, amortised, one interior hash.
 *
 * Limits: Node 20 caps a Buffer at {@link bufferConstants.MAX_LENGTH} bytes (4 GiB), i.e.
 * about 134 M leaves in level 0; appending beyond that throws.
 */
export class MerkleTree implements CompleteNodeSource {
  readonly #levels: Buffer[] = [];
  readonly #counts: number[] = [];
  readonly #initialCapacity: number;
  #size = 0;

  /** Creates an empty tree. */
  constructor(options: MerkleTreeOptions = {}) {
    const expected = options.expectedLeaves ?? DEFAULT_CAPACITY;
    if (!isSafeUint(expected))
      throw new LedgerError('invalid-argument', 'expectedLeaves must be a safe uint');
    this.#initialCapacity = Math.max(1, expected);
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /**
   * Appends one leaf hash (see `hashLeaf`).
   *
   * @returns the zero-based index of the new leaf
   */
  append(leafHash: Uint8Array): number {
    if (!isHash(leafHash)) throw new LedgerError('invalid-argument', 'leaf hash must be 32 bytes');
    const index = this.#size;
    // Leaf `index` completes one parent per trailing one bit of `index`; reserve room for all of
    // them first so that a failed allocation leaves the tree unchanged.
    const newNodes = 1 + trailingZeros(index + 1);
    for (let level = 0; level < newNodes; level += 1) this.#reserve(level, this.#countAt(level) + 1);
    this.#push(0, leafHash);
    for (let level = 0; level + 1 < newNodes; level += 1) {
      const count = this.#countAt(level);
      this.#push(level + 1, hashAdjacentChildren(this.#levels[level] as Buffer, (count - 2) * HASH_SIZE));
    }
    this.#size = index + 1;
    return index;
  }

  /**
   * Appends several leaf hashes; all are validated before any is appended.
   *
   * @returns the index of the first appended leaf (equal to the old size)
   */
  appendMany(leafHashes: Iterable<Uint8Array>): number {
    const batch = [...leafHashes];
    if (!batch.every(isHash)) throw new LedgerError('invalid-argument', 'leaf hashes must be 32 bytes');
    const first = this.#size;
    for (const leafHash of batch) this.append(leafHash);
    return first;
  }

  /**
   * The hash of the complete subtree of 2^level leaves starting at leaf index·2^level.
   *
   * @throws LedgerError `invalid-argument` if that subtree is not complete in the current tree
   */
  nodeHash(level: number, index: number): Buffer {
    if (!isSafeUint(level) || !isSafeUint(index) || index >= this.#countAt(level)) {
      throw new LedgerError('invalid-argument', `node (${level}, ${index}) is not a complete subtree`);
    }
    return Buffer.from(this.#node(level, index));
  }

  /** Hash of the leaf at `index` (same as `nodeHash(0, index)`). */
  leafHash(index: number): Buffer {
    return this.nodeHash(0, index);
  }

  /** Root hash of the tree at an earlier (or the current) size; {@link EMPTY_ROOT} for size 0. */
  root(size: number = this.#size): Buffer {
    this.#checkSize(size, 'size');
    return size === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash(this, 0, size);
  }

  /**
   * RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf `index` in the tree of `size` leaves.
   *
   * @throws LedgerError `invalid-argument` unless 0 ≤ index < size ≤ this.size
   */
  inclusionProof(index: number, size: number = this.#size): Buffer[] {
    this.#checkSize(size, 'size');
    if (!isSafeUint(index) || index >= size) {
      throw new LedgerError('invalid-argument', `leaf index ${index} is not below size ${size}`);
    }
    return inclusionPath(this, index, size);
  }

  /**
   * RFC 9162 §2.1.4.1 consistency proof from size `first` to size `second`. Returns `[]` when
   * first is 0 or first equals second (the forms tlog-witness expects).
   *
   * @throws LedgerError `invalid-argument` unless 0 ≤ first ≤ second ≤ this.size
   */
  consistencyProof(first: number, second: number = this.#size): Buffer[] {
    this.#checkSize(second, 'second');
    if (!isSafeUint(first) || first > second) {
      throw new LedgerError('invalid-argument', `first size ${first} exceeds second size ${second}`);
    }
    return consistencyPath(this, first, second);
  }

  #checkSize(size: number, what: string): void {
    if (!isSafeUint(size) || size > this.#size) {
      throw new LedgerError('invalid-argument', `${what} ${size} is not within 0..${this.#size}`);
    }
  }

  #countAt(level: number): number {
    return this.#counts[level] ?? 0;
  }

  /** Zero-copy view of a stored node; callers must not leak it. */
  #node(level: number, index: number): Buffer {
    const storage = this.#levels[level] as Buffer;
    return storage.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** Writes a node into room made by {@link MerkleTree.#reserve}. */
  #push(level: number, hash: Uint8Array): void {
    const count = this.#countAt(level);
    (this.#levels[level] as Buffer).set(hash, count * HASH_SIZE);
    this.#counts[level] = count + 1;
  }

  #reserve(level: number, nodes: number): void {
    const storage = this.#levels[level];
    if (storage === undefined || nodes * HASH_SIZE > storage.length) this.#grow(level, storage, nodes);
  }

  #grow(level: number, old: Buffer | undefined, needed: number): void {
    const initial = Math.max(1, Math.ceil(this.#initialCapacity / pow2(level)));
    const current = old === undefined ? 0 : old.length / HASH_SIZE;
    const maxNodes = Math.floor(bufferConstants.MAX_LENGTH / HASH_SIZE);
    const wanted = Math.max(needed, initial, Math.ceil(current * GROWTH_FACTOR));
    const capacity = Math.min(wanted, maxNodes);
    if (capacity < needed) {
      throw new LedgerError('invalid-argument', `level ${level} cannot hold ${needed} nodes in one Buffer`);
    }
    const storage = Buffer.allocUnsafeSlow(capacity * HASH_SIZE);
    if (old !== undefined) old.copy(storage, 0, 0, this.#countAt(level) * HASH_SIZE);
    this.#levels[level] = storage;
  }
}
