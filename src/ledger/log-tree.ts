/**
 * The log's Merkle tree in memory, kept in step with `log_entries`. One instance is shared by the
 * parts of the log in a process: the sequencer grows it as it integrates, the reader and the awaiter
 * catch it up with what other processes integrated (`refresh`). Used only inside the ledger domain.
 */
import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { readLeafHashes, readLogSize } from './ledger.repository.js';
import { MerkleTree } from './merkle.js';

/** Leaf hashes read per query when catching up. */
const REFRESH_CHUNK = 65_536;

export class LogTree {
  #tree = new MerkleTree();

  constructor(private readonly db: Kysely<Database>) {}

  get size(): number {
    return this.#tree.size;
  }

  /** The tree itself, for tile hashing; read it, never grow it (that is `append`'s job). */
  get merkle(): MerkleTree {
    return this.#tree;
  }

  /** Loads leaf hashes the database has and this tree does not (other processes integrate too). */
  async refresh(db: Executor = this.db): Promise<void> {
    const size = await readLogSize(db);
    for (let from = this.#tree.size; from < size; from += REFRESH_CHUNK) {
      const hashes = await readLeafHashes(db, from, Math.min(size, from + REFRESH_CHUNK));
      if (hashes.length === 0) break;
      this.#tree.appendMany(hashes);
    }
  }

  /** Grows the tree by leaves being integrated (before their transaction commits: see `rebuild`). */
  append(leafHashes: Buffer[]): void {
    this.#tree.appendMany(leafHashes);
  }

  /** Throws the tree away and reloads it: after a failed integration it may be ahead of the database. */
  async rebuild(): Promise<void> {
    this.#tree = new MerkleTree();
    await this.refresh();
  }

  root(size: number): Buffer {
    return this.#tree.root(size);
  }

  inclusionProof(index: number, size: number): Buffer[] {
    return this.#tree.inclusionProof(index, size);
  }

  consistencyProof(first: number, second: number): Buffer[] {
    return this.#tree.consistencyProof(first, second);
  }
}
