/**
 * The read side of the log: checkpoints (with the witnesses' cosignatures), receipts, proofs, hash
 * tiles and entry bundles, from the in-memory tree (`log-tree.ts`) caught up with the database on
 * demand — what `/log/` and `/api/v1/log/` serve and `truceline log export` writes.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import type { Database } from '../db/database.js';
import { parseCheckpoint } from './checkpoint.js';
import {
  cosignaturesAt,
  latestCheckpoint,
  listCheckpoints,
  readEntries,
  type StoredEntry,
} from './ledger.repository.js';
import type { LogTree } from './log-tree.js';
import { addSignatureLines, parseNote } from './note.js';
import { formatReceipt } from './proof.js';
import { encodeEntryBundle, tileHashes, TILE_WIDTH } from './tiles.js';

export type { StoredEntry } from './ledger.repository.js';

/** A signed checkpoint as stored: the note and when it was signed. */
export interface StoredCheckpoint {
  size: number;
  note: string;
  createdAt: string;
}

/** A past checkpoint: the tree size, its root and when it was signed. */
export interface CheckpointSummary {
  size: number;
  rootHash: Buffer;
  createdAt: string;
}

/** Serves the log's checkpoints, proofs, receipts, tiles and entries (see the module comment). */
export class LogReader {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tree: LogTree,
    /** The log's public identity: its origin line and its verifier key (signed-note vkey). */
    private readonly identity: { origin: string; verifierKey: string },
  ) {}

  /** The log's origin line, which is also the name of its signing key. */
  get origin(): string {
    return this.identity.origin;
  }

  /** The verifier key of the log's signing key, one line. */
  get verifierKey(): string {
    return this.identity.verifierKey;
  }

  /** Entries in this process's tree (call `refresh` first to include other processes' work). */
  get size(): number {
    return this.tree.size;
  }

  /** Loads leaf hashes the database has and this process's tree does not (other processes integrate too). */
  refresh(): Promise<void> {
    return this.tree.refresh();
  }

  /** The latest signed checkpoint with the witnesses' cosignatures attached. */
  async checkpoint(): Promise<StoredCheckpoint | undefined> {
    const latest = await latestCheckpoint(this.db);
    if (!latest) return undefined;
    const cosignatures = await cosignaturesAt(this.db, latest.size);
    return {
      ...latest,
      note: addSignatureLines(
        latest.note,
        cosignatures.map((c) => c.line),
      ),
    };
  }

  /** The latest `limit` checkpoints, largest first. */
  async recentCheckpoints(limit: number): Promise<CheckpointSummary[]> {
    return (await listCheckpoints(this.db, limit)).map((c) => ({
      size: c.size,
      rootHash: parseCheckpoint(parseNote(c.note).text).rootHash,
      createdAt: c.createdAt,
    }));
  }

  /** A tlog-proof receipt for an entry against the latest checkpoint. */
  async receipt(index: number): Promise<string> {
    const checkpoint = await this.checkpoint();
    if (!checkpoint || index >= checkpoint.size)
      throw new AppError('not_found', `log entry ${index} is not integrated yet`);
    await this.refresh();
    return formatReceipt({
      index,
      proof: this.tree.inclusionProof(index, checkpoint.size),
      checkpointNote: checkpoint.note,
    });
  }

  /** Inclusion proof of an entry in a tree of the given size (within this process's tree). */
  inclusionProof(index: number, size: number): Buffer[] {
    return this.tree.inclusionProof(index, size);
  }

  /** Consistency proof between two tree sizes (`[]` from 0 or between equal sizes). */
  consistencyProof(first: number, second: number): Buffer[] {
    return this.tree.consistencyProof(first, second);
  }

  /** Hash tile content, or undefined when the tree is not yet that large. */
  async tile(level: number, index: number, width: number): Promise<Buffer | undefined> {
    await this.refresh();
    const available = Math.floor(this.tree.size / TILE_WIDTH ** level) - index * TILE_WIDTH;
    if (available < width) return undefined;
    return tileHashes(this.tree.merkle, level, index, width);
  }

  /** Entry bundle content, or undefined when the log does not hold those entries yet. */
  async entryBundle(index: number, width: number): Promise<Buffer | undefined> {
    const entries = await readEntries(this.db, index * TILE_WIDTH, index * TILE_WIDTH + width);
    if (entries.length < width) return undefined;
    return encodeEntryBundle(entries.map((e) => e.data));
  }

  /** Entries by index, for lookups. */
  entries(from: number, to: number): Promise<StoredEntry[]> {
    return readEntries(this.db, from, to);
  }
}
