import { sql } from 'kysely';
import type { Executor } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import { dropIndexesForLoad, recreateIndexes, type DeferredIndex } from '../db/deferred-indexes.js';

/**
 * The secondary indexes a large bulk import on SQLite drops and builds again after its load, in its
 * one transaction: those of the tables it fills that it never reads by. It keeps `reports_external`
 * (its idempotency look-ups by external id), the partial `reports_superseded_by` (it holds only
 * superseded revisions, so the import barely writes to it while building it again would read the
 * whole table), every unique index and every primary key.
 */
export const BULK_DEFERRED_INDEXES = [
  'reports_observed',
  'reports_category',
  'reports_window',
  'log_commitments_record',
] as const;

/**
 * When an import builds the indexes after its load: once it will write at least `minRows` reports and
 * at least `perStoredRow` times as many as the table held before it. Below that, keeping the indexes
 * up to date row by row costs less than reading the whole table again to build them.
 */
export interface BulkIndexThreshold {
  minRows: number;
  perStoredRow: number;
}

/**
 * Where building after the load was measured to pay on the reference machine (docs/monitoring.md,
 * "Index build after load"): nothing at 100 k reports into an empty table, about a tenth of the CPU
 * of the store stage at 1 M.
 */
export const BULK_INDEX_THRESHOLD: BulkIndexThreshold = { minRows: 200_000, perStoredRow: 1 };

/** How far a bulk intake has got, after one of its chunks was written. */
export interface BulkProgress {
  /** Reports it has written so far (new and revised). */
  written: number;
  /** Items it has taken in so far, written or not (unchanged, rejected). */
  seen: number;
  /** Items the whole intake holds, or an estimate (a file's size over its bytes per row so far). */
  expected?: number;
}

/**
 * The reports an intake will write in all: what it wrote so far, scaled to the items it expects (a
 * re-import whose reports are all unchanged writes none, so it drops nothing).
 */
function projectedWrites(p: BulkProgress): number {
  if (p.expected === undefined || p.seen === 0 || p.expected <= p.seen) return p.written;
  return Math.round((p.expected * p.written) / p.seen);
}

/**
 * One bulk intake's deferred indexes (SQLite): {@link afterWrite} after each chunk drops them as soon
 * as the intake is projected to cross the threshold, {@link rebuild} recreates them before the
 * commit. A rollback (a bad row, a dry run, a crash) restores them with everything else; readers on
 * other connections keep their snapshot, schema included, until the commit (WAL).
 */
export class DeferredIndexPlan {
  /** Reports stored before this intake, counted the first time it could matter. */
  #storedBefore: number | undefined;
  #dropped: DeferredIndex[] | undefined;
  #done = false;

  constructor(private readonly threshold: BulkIndexThreshold) {}

  /** Drops the indexes once the intake, as far as it has got, is projected to cross the threshold. */
  async afterWrite(tx: Executor, progress: BulkProgress): Promise<void> {
    if (this.#done || this.#dropped !== undefined) return;
    const projected = projectedWrites(progress);
    if (projected < Math.max(1, this.threshold.minRows)) return;
    if (this.#storedBefore === undefined) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from reports`.execute(tx);
      this.#storedBefore = Math.max(0, Number(rows[0]?.n ?? 0) - progress.written);
    }
    if (projected < this.threshold.perStoredRow * this.#storedBefore) return;
    this.#dropped = await dropIndexesForLoad(tx, BULK_DEFERRED_INDEXES);
  }

  /**
   * Recreates what {@link afterWrite} dropped, the last write before the commit; returns their names
   * (none when it dropped nothing).
   */
  async rebuild(tx: Executor): Promise<string[]> {
    const dropped = this.#dropped;
    this.#done = true;
    if (dropped === undefined) return [];
    await recreateIndexes(tx, dropped);
    this.#dropped = undefined;
    this.#done = true;
    return dropped.map((index) => index.name);
  }
}

/** The plan of a bulk intake on this database: none on PostgreSQL, which keeps its indexes. */
export function deferredIndexPlan(
  db: Executor,
  threshold: BulkIndexThreshold = BULK_INDEX_THRESHOLD,
): DeferredIndexPlan | undefined {
  return dialectOf(db) === 'sqlite' ? new DeferredIndexPlan(threshold) : undefined;
}
