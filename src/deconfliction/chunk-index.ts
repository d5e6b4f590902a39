import Flatbush from 'flatbush';
import type { Box, PreparedShape } from './conflict-geometry.js';
import { chunkBoxPadded } from './conflict-geometry.js';

/** What the chunk index holds: a prepared shape with its chunk boxes padded by its half width. */
export interface Indexed {
  readonly shape: PreparedShape;
  /** Chunk boxes padded by the half width (four numbers per chunk), and their union. */
  readonly padded: Float64Array;
  readonly box: Box;
}

/** Chunk boxes of a shape padded by its half width, and their union. */
export function paddedChunks(shape: PreparedShape): { padded: Float64Array; box: Box } {
  const padded = new Float64Array(shape.chunkCount * 4);
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (let k = 0; k < shape.chunkCount; k++) {
    const b = chunkBoxPadded(shape, k, shape.halfWidthM);
    padded.set(b, k * 4);
    box[0] = Math.min(box[0], b[0]);
    box[1] = Math.min(box[1], b[1]);
    box[2] = Math.max(box[2], b[2]);
    box[3] = Math.max(box[3], b[3]);
  }
  return { padded, box };
}

/** Pending items above which the R-tree is rebuilt. */
const MAX_PENDING = 256;

/**
 * A dynamic R-tree of route chunks built from a static one: flatbush over the items present at the
 * last build, removed items tombstoned, new items in a pending set scanned linearly (whole box
 * first). The tree is rebuilt when the pending set passes {@link MAX_PENDING} items, when the items
 * scanned in it since the last build outnumber the tree's chunks (so scans never cost more than
 * rebuilds), when tombstones outnumber live chunks, and on {@link compact}.
 */
export class ChunkIndex<T extends Indexed> {
  private readonly items = new Set<T>();
  private slots: (T | undefined)[] = [];
  private slotOf = new Map<T, number>();
  private tree: Flatbush | undefined;
  private chunkSlot = new Int32Array(0);
  private chunkIndex = new Int32Array(0);
  private deadChunks = 0;
  private readonly pending = new Set<T>();
  /** Pending items scanned since the last build: once that work passes a rebuild's, rebuild. */
  private pendingWork = 0;

  add(item: T): void {
    this.items.add(item);
    this.pending.add(item);
  }

  delete(item: T): void {
    if (!this.items.delete(item)) return;
    if (this.pending.delete(item)) return;
    const slot = this.slotOf.get(item);
    if (slot === undefined) return;
    this.slots[slot] = undefined;
    this.slotOf.delete(item);
    this.deadChunks += item.shape.chunkCount;
  }

  /** Rebuilds the tree now if anything changed since the last build (before many queries). */
  compact(): void {
    if (this.pending.size > 0 || this.deadChunks > 0) this.rebuild();
  }

  /** Calls `visit` for every chunk whose padded box meets the box x0, y0, x1, y1. */
  search(x0: number, y0: number, x1: number, y1: number, visit: (item: T, chunk: number) => void): void {
    const live = this.chunkSlot.length - this.deadChunks;
    this.pendingWork += this.pending.size;
    if (
      this.pending.size > MAX_PENDING ||
      (this.pending.size > 0 && this.pendingWork > live + 1000) ||
      (this.deadChunks > 64 && this.deadChunks > live)
    )
      this.rebuild();
    if (this.tree !== undefined) {
      for (const h of this.tree.search(x0, y0, x1, y1)) {
        const item = this.slots[this.chunkSlot[h] ?? -1];
        if (item !== undefined) visit(item, this.chunkIndex[h] ?? 0);
      }
    }
    for (const item of this.pending) {
      const b = item.box;
      if (b[2] < x0 || b[0] > x1 || b[3] < y0 || b[1] > y1) continue;
      const p = item.padded;
      for (let k = 0; k < item.shape.chunkCount; k++) {
        const o = k * 4;
        if ((p[o + 2] ?? 0) < x0 || (p[o] ?? 0) > x1 || (p[o + 3] ?? 0) < y0 || (p[o + 1] ?? 0) > y1)
          continue;
        visit(item, k);
      }
    }
  }

  private rebuild(): void {
    const items = [...this.items];
    let chunks = 0;
    for (const s of items) chunks += s.shape.chunkCount;
    this.slots = items;
    this.slotOf = new Map(items.map((s, i) => [s, i]));
    this.chunkSlot = new Int32Array(chunks);
    this.chunkIndex = new Int32Array(chunks);
    this.pending.clear();
    this.pendingWork = 0;
    this.deadChunks = 0;
    if (chunks === 0) {
      this.tree = undefined;
      return;
    }
    const tree = new Flatbush(chunks);
    let c = 0;
    items.forEach((s, slot) => {
      const p = s.padded;
      for (let k = 0; k < s.shape.chunkCount; k++) {
        const o = k * 4;
        tree.add(p[o] ?? 0, p[o + 1] ?? 0, p[o + 2] ?? 0, p[o + 3] ?? 0);
        this.chunkSlot[c] = slot;
        this.chunkIndex[c] = k;
        c++;
      }
    });
    tree.finish();
    this.tree = tree;
  }
}
