import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import type { Dialect, Executor } from '../db/database.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { importFile } from './import/importer.js';
import { BULK_DEFERRED_INDEXES } from './report.bulk-indexes.js';
import type { BulkIndexThreshold } from './report.bulk-indexes.js';

/** Every index's definition, by name: `sqlite_master.sql` on SQLite, `pg_indexes.indexdef` on PostgreSQL. */
async function indexDefinitions(db: Executor, dialect: Dialect): Promise<Record<string, string | null>> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string; def: string | null }>`
          select name, sql as def from sqlite_master where type = 'index' order by name`.execute(db)
      : await sql<{ name: string; def: string | null }>`
          select indexname as name, indexdef as def from pg_indexes
          where schemaname = current_schema() order by indexname`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.name, r.def]));
}

async function countOf(db: Executor, table: 'reports' | 'log_queue' | 'log_commitments'): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/** A GeoJSON file of `n` distinct reports (external ids `${prefix}-0…`); `bad` indexes get no position. */
function geojsonFile(
  dir: string,
  name: string,
  n: number,
  prefix: string,
  bad: readonly number[] = [],
): string {
  const features = Array.from({ length: n }, (_, i) => {
    const { location: _location, ...props } = sampleInput({
      narrative: `Impact ${prefix} ${i} north-east of the town.`,
    });
    return {
      type: 'Feature',
      id: `${prefix}-${i}`,
      geometry: bad.includes(i)
        ? { type: 'LineString', coordinates: [] }
        : { type: 'Point', coordinates: [38.08 + (i % 50) / 1000, 48.36 + Math.floor(i / 50) / 1000] },
      properties: { ...props, location: { uncertaintyM: 500 } },
    };
  });
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

describeEachDialect('index build after load (bulk import)', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  /** A test app whose bulk intakes build the indexes after the load from `threshold` on. */
  async function start(threshold: BulkIndexThreshold, sqliteFile = false): Promise<TestApp> {
    t = await startTestApp(dialect, { monitoring: { bulkIndexThreshold: threshold }, sqliteFile });
    return t;
  }

  const importGeojson = (file: string, extra: { dryRun?: boolean; onProgress?: () => void } = {}) =>
    importFile(t.services.monitoring.reports, CONSOLE_ACTOR, file, {
      format: 'geojson',
      chunkSize: 50,
      ...(extra.dryRun !== undefined ? { dryRun: extra.dryRun } : {}),
      ...(extra.onProgress !== undefined ? { onProgress: extra.onProgress } : {}),
    });

  it('a large import leaves every index as it was defined, rebuilt on SQLite and kept on PostgreSQL', async () => {
    await start({ minRows: 100, perStoredRow: 1 });
    const db = t.services.database.db;
    const before = await indexDefinitions(db, dialect);
    const result = await importGeojson(geojsonFile(t.dataDir, 'large.geojson', 300, 'large'));
    expect(result).toMatchObject({ accepted: 300, rejected: 0, problems: [] });
    expect(result.indexesBuiltAfterLoad).toEqual(
      dialect === 'sqlite' ? [...BULK_DEFERRED_INDEXES].sort() : undefined,
    );
    expect(await indexDefinitions(db, dialect)).toEqual(before);
    expect(await countOf(db, 'reports')).toBe(300);
    // The rebuilt indexes hold every row: a read through one of them finds all of them.
    const through =
      dialect === 'sqlite'
        ? sql<{ n: number }>`select count(*) as n from reports indexed by reports_observed
            where observed_from >= '2000-01-01'`
        : sql<{ n: number }>`select count(*)::int as n from reports where observed_from >= '2000-01-01'`;
    expect(Number((await through.execute(db)).rows[0]?.n)).toBe(300);
  });

  it('an import below the threshold keeps its indexes', async () => {
    await start({ minRows: 1000, perStoredRow: 1 });
    const result = await importGeojson(geojsonFile(t.dataDir, 'small.geojson', 120, 'small'));
    expect(result).toMatchObject({ accepted: 120, problems: [] });
    expect(result.indexesBuiltAfterLoad).toBeUndefined();
  });

  it('a bad row late in a large import rolls everything back, the dropped indexes included', async () => {
    await start({ minRows: 100, perStoredRow: 1 });
    const db = t.services.database.db;
    const before = await indexDefinitions(db, dialect);
    const queued = await countOf(db, 'log_queue');
    const salts = await countOf(db, 'log_commitments');
    const result = await importGeojson(geojsonFile(t.dataDir, 'late-bad.geojson', 300, 'bad', [280]));
    expect(result).toMatchObject({ accepted: 0, rejected: 1 });
    expect(result.problems).toEqual([expect.objectContaining({ path: '/features/280/geometry/type' })]);
    expect(await indexDefinitions(db, dialect)).toEqual(before);
    expect(await countOf(db, 'reports')).toBe(0);
    expect(await countOf(db, 'log_queue')).toBe(queued);
    expect(await countOf(db, 'log_commitments')).toBe(salts);
  });

  it('a large dry run writes nothing and leaves every index', async () => {
    await start({ minRows: 100, perStoredRow: 1 });
    const db = t.services.database.db;
    const before = await indexDefinitions(db, dialect);
    const result = await importGeojson(geojsonFile(t.dataDir, 'dry.geojson', 300, 'dry'), { dryRun: true });
    expect(result).toMatchObject({ accepted: 300, dryRun: true, problems: [] });
    expect(await indexDefinitions(db, dialect)).toEqual(before);
    expect(await countOf(db, 'reports')).toBe(0);
  });

  it.skipIf(dialect === 'postgres')(
    'a reader on another connection keeps the stored reports and their indexes during the import',
    async () => {
      await start({ minRows: 100, perStoredRow: 1 }, true);
      const db = t.services.database.db;
      expect(await importGeojson(geojsonFile(t.dataDir, 'first.geojson', 60, 'first'))).toMatchObject({
        accepted: 60,
      });
      const before = await indexDefinitions(db, dialect);
      const reader = new SqliteDatabase(path.join(t.dataDir, 'truceline.db'), { readonly: true });
      const seen: { reports: number; throughIndex: number; indexes: Record<string, string | null> }[] = [];
      try {
        const result = await importGeojson(geojsonFile(t.dataDir, 'second.geojson', 300, 'second'), {
          onProgress: () => {
            const count = (q: string) => (reader.prepare(q).get() as { n: number }).n;
            seen.push({
              reports: count('select count(*) as n from reports'),
              // INDEXED BY fails outright when the reader's schema has no such index.
              throughIndex: count(
                "select count(*) as n from reports indexed by reports_category where category >= ''",
              ),
              indexes: Object.fromEntries(
                (
                  reader
                    .prepare("select name, sql from sqlite_master where type = 'index' order by name")
                    .all() as { name: string; sql: string | null }[]
                ).map((r) => [r.name, r.sql]),
              ),
            });
          },
        });
        expect(result).toMatchObject({ accepted: 300, indexesBuiltAfterLoad: expect.any(Array) });
        // Six chunks of 50: the indexes were dropped after the first, and the reader looked after each.
        expect(seen).toHaveLength(6);
        for (const s of seen) expect(s).toEqual({ reports: 60, throughIndex: 60, indexes: before });
        expect(count(reader, 'select count(*) as n from reports')).toBe(360);
      } finally {
        reader.close();
      }
      expect(await indexDefinitions(db, dialect)).toEqual(before);
    },
  );

  it('the threshold counts the reports stored before: a small import into a larger table keeps its indexes', async () => {
    await start({ minRows: 10, perStoredRow: 1 });
    const rebuilt = async (name: string, n: number) => {
      const result = await importGeojson(geojsonFile(t.dataDir, `${name}.geojson`, n, name));
      expect(result).toMatchObject({ accepted: n, problems: [] });
      return result.indexesBuiltAfterLoad;
    };
    const all = dialect === 'sqlite' ? [...BULK_DEFERRED_INDEXES].sort() : undefined;
    expect(await rebuilt('first', 100)).toEqual(all);
    expect(await rebuilt('fewer', 60)).toBeUndefined(); // 60 < 1 × 100 stored
    expect(await rebuilt('more', 200)).toEqual(all); // 200 ≥ 1 × 160 stored
    // The same file again: every report unchanged, nothing written, nothing dropped.
    const again = await importGeojson(path.join(t.dataDir, 'more.geojson'));
    expect(again).toMatchObject({ accepted: 0, unchanged: 200 });
    expect(again.indexesBuiltAfterLoad).toBeUndefined();
  });
});

function count(reader: SqliteDatabase.Database, q: string): number {
  return (reader.prepare(q).get() as { n: number }).n;
}
