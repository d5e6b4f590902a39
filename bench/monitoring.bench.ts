/**
 * Monitoring benchmarks (issue #19: every import figure beside its reference, in the same run):
 * - PostGIS peer (`postgis-peer.ts`): the same CSV file streamed into PostGIS with COPY, GiST
 *   indexes, every row classified against the same zones (ST_Covers / ST_DWithin) and its zones
 *   written back, in one transaction. Its rows/s is the reference of both imports.
 * - `import`: bulk import of 1 M generated reports (20 k with --smoke) from that Truceline CSV file,
 *   end to end — parse, validate, classify (zones, line, settlement, provisions), store, and queue
 *   in the transparency log in the same transaction — as `truceline import` runs it, in a process of
 *   its own (`import-process.ts`), on a file-backed SQLite database (WAL + synchronous FULL) and, when
 *   TRUCELINE_TEST_PG_URL is set, on a fresh PostgreSQL database. Target ≥ 1.0× the PostGIS peer;
 *   the import process's peak RSS < 512 MiB. The sequencer's integration of those entries is timed
 *   separately and reported for context.
 * - storage floor: the same stored rows written again with nothing else (see `storageFloor`), so
 *   each run shows how much of the import's time the rows alone cost on this disk.
 * - SQLite ceiling: better-sqlite3 alone writing rows of the reports table (body cut to 300 bytes)
 *   into a fresh database, with the indexes maintained, built after the load, or absent (see
 *   `sqlite-ceiling.ts`): the most any import storing these rows can reach on this machine.
 * - `postgis`: the same points classified by PostGIS (ST_Covers / ST_DWithin with GiST indexes)
 *   and by Truceline; every (point, zone) decision must agree (ties within 1 m of a zone edge are
 *   counted, not hidden; a disagreement farther from the edge counts as arbitrated only when an exact
 *   GeographicLib distance confirms Truceline), and the speed ratio is printed.
 * PostGIS needs TRUCELINE_TEST_PG_URL (or postgres://truceline:truceline@127.0.0.1/truceline_test)
 * and Debian's postgresql-15-postgis-3; without them the peer and the comparison print "skipped".
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { consoleActor } from '../src/access/audit.service.js';
import { importHeapMb } from '../src/cli/import-heap.js';
import { CONSOLE_PRINCIPAL, initialise } from '../src/access/bootstrap.js';
import { loadConfig } from '../src/config/config.js';
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { openDatabase } from '../src/db/connect.js';
import type { Database } from '../src/db/database.js';
import { insertMany } from '../src/db/insert-many.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { auditDatabase } from '../src/ledger/database-audit.js';
import { countQueued } from '../src/ledger/ledger.repository.js';
import { ROW_BINDINGS } from '../src/server/row-bindings.js';
import { generateSignerKey, parseSignerKey } from '../src/ledger/note.js';
import { generateReports } from '../src/monitoring/generator.js';
import { csvLine } from '../src/monitoring/import/csv-parse.js';
import { CSV_DERIVED, CSV_FIELDS } from '../src/monitoring/import/csv.js';
import { createMonitoringService } from '../src/monitoring/monitoring.js';
import { compareWithPostgis, connectPostgis } from '../test/support/postgis-check.js';
import { reportToCsvRow } from '../src/monitoring/import/csv.js';
import { illustrativeAgreementText } from '../test/support/fixtures.js';
import { createServices } from '../src/server/context.js';
import { createPgDatabase, msSince, num, type BenchOptions, type BenchResult } from './harness.js';
import type { ImportProcessResult } from './import-process.js';
import { postgisPeerImport, type PeerImport } from './postgis-peer.js';
import { sqliteCeiling } from './sqlite-ceiling.js';

/** Writes generated reports as a Truceline CSV file; returns how many. */
export function writeCsv(file: string, inputs: Iterable<Record<string, unknown>>): number {
  const fd = fs.openSync(file, 'w');
  const header = [...CSV_FIELDS, ...CSV_DERIVED];
  fs.writeSync(fd, `${csvLine(header)}\r\n`);
  let n = 0;
  let buffer = '';
  for (const input of inputs) {
    const row = reportToCsvRow({
      submitted: input,
      classification: {
        zones: [],
        lines: [],
        possibleViolations: [],
        notified: [],
        agreementVersionId: '',
        evaluatedAt: '',
      },
      id: '',
      revision: 1,
      marking: 'GREEN',
      grade: { reliability: 'F', credibility: 6, capped: false },
    } as never);
    buffer += `${csvLine(row.slice(0, CSV_FIELDS.length).concat(CSV_DERIVED.map(() => '')))}\r\n`;
    n += 1;
    if (buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  }
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
  return n;
}

/** The reports table's CREATE TABLE and CREATE INDEX statements, the table first. */
async function reportsSchema(db: Kysely<Database>): Promise<{ type: string; sql: string }[]> {
  const r = await sql<{ type: string; sql: string }>`
    select type, sql from sqlite_master where tbl_name = 'reports' and sql is not null
    order by type desc`.execute(db);
  return r.rows;
}

async function averageBodyBytes(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: number }>`select avg(length(body)) as n from reports`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/**
 * The storage floor: the import's stored report rows written again into an empty copy of the table
 * (same columns and indexes), in one transaction, with nothing else — no parsing, validation,
 * classification, JSON or log. Once inside SQLite (`INSERT … SELECT`), and once bound from JS the way
 * the import binds them (multi-row statements). Rows per second.
 */
async function storageFloor(db: Kysely<Database>): Promise<{ engine: number; bound: number; rows: number }> {
  const ddl = await reportsSchema(db);
  const copy = async (table: string) => {
    for (const { sql: text } of ddl) await sql.raw(text.replace(/"reports/g, `"${table}`)).execute(db);
  };
  await copy('floor_engine');
  await copy('floor_bound');
  let t = process.hrtime.bigint();
  const rows = await db.transaction().execute(async (tx) => {
    const r = await sql`insert into floor_engine select * from reports`.execute(tx);
    return Number(r.numAffectedRows ?? 0);
  });
  const engineMs = msSince(t);
  let boundMs = 0;
  await db.transaction().execute(async (tx) => {
    for (let after = ''; ;) {
      const page = await sql<Record<string, unknown>>`
        select * from reports where id > ${after} order by id limit 4000`.execute(tx);
      if (page.rows.length === 0) break;
      after = String(page.rows.at(-1)?.id);
      const columns = Object.keys(page.rows[0] ?? {});
      const values = page.rows.map((r) => columns.map((c) => r[c]));
      const t0 = process.hrtime.bigint();
      await insertMany(tx, 'floor_bound', columns, values);
      boundMs += msSince(t0);
    }
    t = process.hrtime.bigint();
  });
  boundMs += msSince(t); // the commit
  return { engine: (rows / engineMs) * 1000, bound: (rows / boundMs) * 1000, rows };
}

/** The fixed clock of the bench: the illustrative agreement is in force and the reports end here. */
const NOW = new Date('2026-11-26T08:00:00Z');

/**
 * A migrated database with the demo organisations, an admin and the illustrative agreement, and the
 * log signing key written where `truceline import` (the import process) reads it.
 */
async function prepareDatabase(url: string, dataDir: string) {
  const database = await openDatabase(url);
  await migrateToLatest(database.db);
  const { signerKey } = generateSignerKey('bench.truceline.invalid/log');
  fs.writeFileSync(path.join(dataDir, 'log-signer.key'), `${signerKey}\n`, { mode: 0o600 });
  const services = createServices(
    { ...loadConfig({}), dataDir, databaseUrl: database.description },
    database,
    parseSignerKey(signerKey),
    () => NOW,
  );
  const actor = consoleActor(CONSOLE_PRINCIPAL);
  await initialise(services, actor, {
    adminUsername: 'admin',
    demo: true,
    adminPassword: 'bench-password-bench',
  }).catch(() => undefined);
  await services.agreements.load(actor, {
    text: illustrativeAgreementText(),
    fileName: 'illustrative-framework.yaml',
    marking: 'GREEN',
  });
  const monitoring = createMonitoringService({
    db: database.db,
    ledger: services.ledger,
    audit: services.audit,
    agreements: services.agreements,
    organisations: services.organisations,
    dataDir,
    now: () => NOW,
    settings: {
      outsideRegion: 'reject',
      regionMarginKm: 50,
      evidenceMaxBytes: 1 << 20,
      defaultMarking: 'AMBER',
      chunkSize: 4000,
    },
  });
  await monitoring.reports.timeline.refresh();
  const ctx = monitoring.reports.timeline.at(NOW.getTime());
  if (ctx === undefined) throw new Error('the illustrative agreement is not in force at the bench clock');
  return { database, services, ctx };
}

/**
 * Runs the import of `file` into `databaseUrl` in a process of its own (`import-process.ts`, the
 * CLI's runtime), so its peak RSS is the import's; with the heap `truceline import` gives a streamed
 * file (`TRUCELINE_IMPORT_HEAP_MB`, src/cli/import-heap.ts).
 */
function importInChild(file: string, databaseUrl: string, dataDir: string): Promise<ImportProcessResult> {
  const heapMb = importHeapMb();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : []),
        // e.g. TRUCELINE_BENCH_IMPORT_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile the import.
        ...(process.env.TRUCELINE_BENCH_IMPORT_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'import-process.ts'),
        file,
      ],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, TRUCELINE_DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{'))
        reject(new Error(`the import process exited with ${code}: ${err.trim() || out.trim()}`));
      else resolve(JSON.parse(last) as ImportProcessResult);
    });
  });
}

/** The PostGIS peer's rows per second. */
const peerRateOf = (peer: PeerImport) => peer.rows / peer.seconds;

const load = () => `load average ${num(os.loadavg()[0] ?? 0, 1)}`;

/** The import's figures on one engine: its rate beside the PostGIS peer's, and its peak RSS. */
function importResults(
  engine: string,
  count: number,
  r: ImportProcessResult,
  peer: PeerImport | undefined,
  skipped: string,
  smoke: boolean,
  extra: string[] = [],
): BenchResult[] {
  const rate = (r.accepted / r.ms) * 1000;
  const peerRate = peer === undefined ? undefined : peerRateOf(peer);
  const ratio = peerRate === undefined ? undefined : rate / peerRate;
  return [
    {
      name: `bulk import ${engine}, ${num(count)} reports (parse→validate→classify→store→log)`,
      value: rate,
      unit: 'reports/s',
      target: smoke ? 'all accepted (ratio judged at scale)' : `≥ 1.0× the PostGIS peer`,
      pass: r.rejected === 0 && (smoke || (ratio !== undefined && ratio >= 1)),
      notes: [
        ratio === undefined
          ? `PostGIS peer ${skipped}`
          : `${num(ratio, 2)}× the PostGIS peer (${num(peerRate ?? 0)} rows/s in the same run)`,
        `${num(r.accepted)} stored and queued in the log in one transaction in ${num(r.ms / 1000, 1)} s; ${r.rejected} rejected; ${load()} after`,
        `time: reading and parsing the file ${num((r.ms - r.prepareMs - r.writeMs - r.indexMs - r.commitMs - r.afterCommitMs) / 1000, 1)} s, validate+classify ${num(r.prepareMs / 1000, 1)} s, store+log ${num(r.writeMs / 1000, 1)} s, index build after the load ${num(r.indexMs / 1000, 1)} s, commit ${num(r.commitMs / 1000, 1)} s, after the commit (verification groups the reports into incidents) ${num(r.afterCommitMs / 1000, 1)} s`,
        ...extra,
        ...r.problems.map((p) => `problem: ${p}`),
      ],
    },
    {
      name: `bulk import ${engine}: peak RSS of the import process`,
      value: r.peakRssMib,
      unit: 'MiB',
      target: '< 512 MiB',
      pass: r.peakRssMib < 512,
      notes: [
        `ru_maxrss of \`node bench/import-process.ts\` (the CLI's runtime and importFile, ${importHeapMb() === 0 ? "Node's own heap limit" : `its heap capped at ${importHeapMb()} MiB`} as \`truceline import\` runs a streamed file), whole process`,
      ],
    },
  ];
}

export async function run(options: BenchOptions): Promise<BenchResult[]> {
  const count = Number(process.env.TRUCELINE_BENCH_REPORTS) || (options.smoke ? 20_000 : 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-bench-monitoring-'));
  const results: BenchResult[] = [];
  const liteUrl = `sqlite:${path.join(dir, 'bench.db')}`;
  const { database, services, ctx } = await prepareDatabase(liteUrl, dir);
  const pgBase = process.env.TRUCELINE_TEST_PG_URL;
  const postgisUrl = pgBase ?? 'postgres://truceline:truceline@127.0.0.1/truceline_test';
  let postgis: pg.Client | undefined;
  try {
    // Generate the file (not timed as part of the import).
    const file = path.join(dir, 'reports.csv');
    let t = process.hrtime.bigint();
    const generated = writeCsv(
      file,
      generateReports(ctx, count, { seed: 42, end: NOW.getTime(), start: NOW.getTime() - 120 * 86_400_000 }),
    );
    const genMs = msSince(t);
    const sizeMb = fs.statSync(file).size / 1e6;

    // The PostGIS peer on the same file, first (the reference of both imports).
    let skipped = '';
    try {
      postgis = await connectPostgis(postgisUrl);
      if (postgis === undefined)
        skipped = 'skipped: PostGIS is not installed (apt-get install postgresql-15-postgis-3)';
    } catch (err) {
      skipped = `skipped: cannot reach ${postgisUrl.replace(/:[^:@/]*@/, ':***@')}: ${(err as Error).message}`;
    }
    const peer =
      postgis === undefined
        ? undefined
        : await postgisPeerImport(postgis, ctx, file, [...CSV_FIELDS, ...CSV_DERIVED]);
    results.push(
      peer === undefined
        ? { name: 'PostGIS peer import', value: 0, unit: '', notes: [skipped] }
        : {
            name: `PostGIS ${peer.version} peer: COPY + GiST + ST_Covers/ST_DWithin, ${num(peer.rows)} rows`,
            value: peerRateOf(peer),
            unit: 'rows/s',
            notes: [
              `one transaction in ${num(peer.seconds, 1)} s: COPY ${num(peer.copySeconds, 1)} s, GiST + analyze ${num(peer.indexSeconds, 1)} s, classify and write zones ${num(peer.classifySeconds, 1)} s (${num(peer.classified)} rows in a zone), commit ${num(peer.commitSeconds, 1)} s; ${load()} after`,
              `the same CSV file (${num(sizeMb, 1)} MB, generated at ${num((generated / genMs) * 1000)} reports/s); no validation, grading, idempotency, line/side/settlement, provisions, body or log`,
            ],
          },
    );

    // Truceline's import on SQLite.
    const lite = await importInChild(file, liteUrl, dir);
    const dbBytes = ['bench.db', 'bench.db-wal']
      .map((f) => path.join(dir, f))
      .reduce((sum, f) => sum + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    results.push(
      ...importResults('SQLite', count, lite, peer, skipped, options.smoke, [
        `database and WAL after the import: ${num(dbBytes / 1e9, 2)} GB, ${num(dbBytes / Math.max(1, lite.accepted))} bytes per report`,
      ]),
    );

    // Truceline's import on PostgreSQL, in a fresh database.
    if (pgBase === undefined)
      results.push({
        name: 'bulk import PostgreSQL',
        value: 0,
        unit: '',
        notes: ['skipped: TRUCELINE_TEST_PG_URL is not set'],
      });
    else {
      const pgDatabase = await createPgDatabase(pgBase, `truceline_bench_import_${process.pid}`).catch(
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      );
      if (pgDatabase instanceof Error)
        results.push({
          name: 'bulk import PostgreSQL',
          value: 0,
          unit: '',
          notes: [
            `skipped: cannot create a database at ${pgBase.replace(/:[^:@/]*@/, ':***@')}: ${pgDatabase.message}`,
          ],
        });
      else {
        const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-bench-monitoring-pg-'));
        try {
          const prepared = await prepareDatabase(pgDatabase.url, pgDir);
          await prepared.database.close();
          const onPg = await importInChild(file, pgDatabase.url, pgDir);
          results.push(...importResults('PostgreSQL', count, onPg, peer, skipped, options.smoke));
        } finally {
          await pgDatabase.drop();
          fs.rmSync(pgDir, { recursive: true, force: true });
        }
      }
    }

    // The sequencer catching up (numbering, Merkle tree, checkpoints): context, not part of the target.
    t = process.hrtime.bigint();
    let integrated = 0;
    for (;;) {
      const n = await services.ledger.integrateOnce();
      if (n === 0) break;
      integrated += n;
    }
    const integrateMs = msSince(t);
    results.push({
      name: 'log sequencer integrating the import’s entries (SQLite)',
      value: integrateMs > 0 ? (integrated / integrateMs) * 1000 : 0,
      unit: 'entries/s',
      notes: [
        `${num(integrated)} entries integrated and checkpointed in ${num(integrateMs / 1000, 1)} s; ${await countQueued(database.db)} left queued`,
      ],
    });

    // `truceline audit --database`: the log rebuilt from its rows, and every row against its entry.
    t = process.hrtime.bigint();
    const audited = await auditDatabase(database.db, { bindings: ROW_BINDINGS });
    const auditMs = msSince(t);
    results.push({
      name: 'database audit (log rebuilt from its rows, every row against its commitment)',
      value: (audited.rows / auditMs) * 1000,
      unit: 'rows/s',
      pass: audited.findings.length === 0 && audited.logProblems.length === 0,
      notes: [
        `${num(audited.rows)} rows and ${num(audited.size)} log entries in ${num(auditMs / 1000, 1)} s; ` +
          `${audited.findings.length} findings, ${audited.logProblems.length} log problems`,
      ],
    });
    if (process.env.TRUCELINE_BENCH_AUDIT_ONLY) return results;

    const floor = await storageFloor(database.db);
    results.push({
      name: 'storage floor: the same report rows, SQLite alone (no parse, validation, JSON or log)',
      value: floor.bound,
      unit: 'rows/s',
      notes: [
        `${num(floor.rows)} rows bound from JS as the import binds them: ${num(floor.bound)} rows/s; copied inside SQLite (INSERT … SELECT): ${num(floor.engine)} rows/s`,
        `one transaction each, WAL, synchronous FULL; the same columns and indexes as the reports table`,
      ],
    });

    // SQLite alone, without any of our code, on the same table: what no import here can exceed.
    const templates = await sql<Record<string, unknown>>`select * from reports limit 1000`.execute(
      database.db,
    );
    const ceiling = sqliteCeiling(dir, await reportsSchema(database.db), templates.rows, count);
    const best = Math.max(...ceiling.map((c) => c.rowsPerSecond));
    const label = {
      maintained: 'indexes maintained row by row',
      after: 'secondary indexes built after the load',
      none: 'primary key only, no secondary index',
    };
    results.push({
      name: 'SQLite ceiling: better-sqlite3 alone writing the reports table (no Truceline code)',
      value: best,
      unit: 'rows/s',
      notes: [
        ...ceiling.map(
          (c) =>
            `${label[c.indexes]}: ${num(c.rowsPerSecond)} rows/s (${num(c.rows)} rows: inserts ${num(c.insertMs / 1000, 1)} s${c.indexes === 'after' ? `, indexes ${num(c.indexMs / 1000, 1)} s` : ''}, commit ${num(c.commitMs / 1000, 1)} s)`,
        ),
        `the import's own rows with the JSON body cut to 300 bytes (ours average ${num(await averageBodyBytes(database.db))}); one transaction, WAL, synchronous FULL`,
        peer === undefined
          ? `PostGIS peer ${skipped}`
          : `${num(best / peerRateOf(peer), 2)}× the PostGIS peer's rate: ${best < peerRateOf(peer) ? 'no import storing these rows in SQLite reaches the peer on this machine' : 'room for an import storing these rows to reach the peer'}`,
      ],
    });

    // PostGIS classifying the same points: every (point, zone) decision compared.
    if (postgis === undefined)
      results.push({ name: 'PostGIS comparison', value: 0, unit: '', notes: [skipped] });
    else {
      const points: [number, number][] = [];
      const rows = await database.db.selectFrom('reports').select(['lon', 'lat']).execute();
      for (const r of rows) points.push([Number(r.lon), Number(r.lat)]);
      const cmp = await compareWithPostgis(postgis, ctx, points);
      results.push({
        name: `classification agrees with PostGIS ${cmp.version} (${num(cmp.points)} points)`,
        value: cmp.mismatches.length,
        unit: 'mismatches',
        target: '= 0',
        pass: cmp.mismatches.length === 0,
        notes: [
          `${num(cmp.decisions)} (point, zone) decisions: ${num(cmp.agree)} agree, ${cmp.ties} ties within 1 m of a zone edge, ${cmp.arbitrated.length} decided by an exact geodesic check in Truceline's favour, ${cmp.mismatches.length} mismatches`,
          ...cmp.arbitrated
            .slice(0, 3)
            .map(
              (a) =>
                `arbitrated: point ${a.index} zone ${a.zone} (edge ${num(a.edgeM)} m): PostGIS ${num(a.postgisM, 1)} m, exact geodesic ${num(a.exactM, 1)} m`,
            ),
          ...cmp.mismatches
            .slice(0, 3)
            .map(
              (m) =>
                `mismatch: point ${m.index} zone ${m.zone}: ours ${m.ours}, PostGIS ${m.postgis}, PostGIS distance ${m.distanceM ?? '?'} m`,
            ),
        ],
      });
      results.push({
        name: 'PostGIS / Truceline classification time',
        value: cmp.postgisSeconds / cmp.trucelineSeconds,
        unit: '×',
        notes: [
          `PostGIS ${num(cmp.postgisSeconds, 2)} s (GiST, 2 queries) vs Truceline ${num(cmp.trucelineSeconds, 2)} s (ZoneIndex, in process) for the same points`,
        ],
      });
    }
  } finally {
    await postgis?.end();
    await database.close();
    if (process.env.KEEP_BENCH_DIR === undefined) fs.rmSync(dir, { recursive: true, force: true });
    else process.stderr.write(`kept ${dir}\n`);
  }
  return results;
}
