import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleActor, type Actor } from '../access/audit.service.js';
import { CONSOLE_PRINCIPAL, initialise } from '../access/bootstrap.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { loadConfig } from '../config/config.js';
import { openDatabase, type Db } from '../db/connect.js';
import type { Dialect } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createSignerFile, readSigner } from '../ledger/log-keys.js';
import { createMonitoringService } from '../monitoring/monitoring.js';
import { createServices, ROW_BINDINGS, type AppServices } from '../../test/support/composition.js';
import { describeEachDialect, dropTestSchema, PG_URL, whileMigrating } from '../../test/support/databases.js';
import { sampleInput, TEST_PASSWORD, TEST_SETTINGS } from '../../test/support/app.js';
import { illustrativeAgreementText } from '../../test/support/fixtures.js';
import { SecretSealer } from '../notifications/secret-seal.js';
import {
  createBackup,
  readTrustedCheckpoint,
  restoreBackup,
  type BackupManifest,
  type DataPaths,
} from './backup.service.js';

/** A restore migrates its target: while no test schema is dropped (see `whileMigrating`). */
const restoreWhileMigrating: typeof restoreBackup = (...args) => whileMigrating(() => restoreBackup(...args));

/**
 * A Truceline on a database of its own that a second connection can open (a SQLite file, or a
 * PostgreSQL schema), with its key in a file and evidence in its data directory: what the CLI sees.
 */
interface Site {
  dir: string;
  /** The PostgreSQL schema, where the migrations' bookkeeping lives. */
  schema?: string;
  paths: DataPaths;
  /** Opens another connection to the same database (the backup's, as a separate process would). */
  connect(): Promise<Db>;
  drop(): Promise<void>;
}

async function newSite(dialect: Dialect): Promise<Site> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-backup-'));
  const paths = {
    evidenceDir: path.join(dir, 'evidence'),
    keyFile: path.join(dir, 'log-signer.key'),
    secretsKeyFile: path.join(dir, 'secrets.key'),
  };
  if (dialect === 'sqlite') {
    const url = `sqlite:${path.join(dir, 'truceline.db')}`;
    return {
      dir,
      paths,
      connect: () => openDatabase(url),
      drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })),
    };
  }
  if (PG_URL === undefined) throw new Error('TRUCELINE_TEST_PG_URL is not set');
  const url = PG_URL;
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    dir,
    schema,
    paths,
    connect: () => openDatabase(url, { schema, poolSize: 4 }),
    drop: async () => {
      await dropTestSchema(schema);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Migrates the site's database and wires a running Truceline over it (demo organisations, agreement). */
async function startSite(site: Site): Promise<{ services: AppServices; close(): Promise<void> }> {
  const database = await site.connect();
  await whileMigrating(() =>
    migrateToLatest(database.db, site.schema === undefined ? {} : { schema: site.schema }),
  );
  const config = {
    ...loadConfig({}),
    dataDir: site.dir,
    secretsKeyFile: path.join(site.dir, 'secrets.key'),
    databaseUrl: database.description,
    passwordCostN: 1 << 10,
  };
  const signer = createSignerFile(site.paths.keyFile, 'truceline.test/log');
  const services = createServices(config, database, signer);
  await initialise(services, CONSOLE_ACTOR, {
    adminUsername: 'admin',
    demo: true,
    adminPassword: TEST_PASSWORD,
  });
  await services.agreements.load(CONSOLE_ACTOR, {
    text: illustrativeAgreementText(),
    fileName: 'illustrative-framework.yaml',
    marking: 'GREEN',
  });
  services.monitoring = createMonitoringService({
    db: database.db,
    ledger: services.ledger,
    audit: services.audit,
    agreements: services.agreements,
    organisations: services.organisations,
    dataDir: site.dir,
    now: () => new Date(),
    settings: TEST_SETTINGS,
  });
  services.ledger.start();
  return {
    services,
    close: async () => {
      await services.ledger.stop();
      await database.close();
    },
  };
}

async function submitReport(services: AppServices, n: number, actor: Actor = CONSOLE_ACTOR): Promise<string> {
  const result = await services.monitoring.reports.submit(
    actor,
    [
      sampleInput({
        narrative: `Impact number ${n} heard north-east of the town.`,
        counts: { events: n + 1 },
      }),
    ],
    () => '/0',
    false,
  );
  const id = result.reports[0]?.id;
  if (id === undefined) throw new Error(`report ${n} not taken in: ${JSON.stringify(result.problems)}`);
  return id;
}

/** Reports whose log item is neither queued nor integrated: must be none in any snapshot. */
async function reportsWithoutLogItem(db: Db): Promise<number> {
  const rows = await sql<{ n: number | string }>`select count(*) as n from reports r
      where r.log_seq is null
         or (not exists (select 1 from log_queue q where q.seq = r.log_seq)
             and not exists (select 1 from log_entries e where e.queue_seq = r.log_seq))`.execute(db.db);
  return Number(rows.rows[0]?.n ?? -1);
}

async function count(db: Db, table: string): Promise<number> {
  const rows = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(
    db.db,
  );
  return Number(rows.rows[0]?.n ?? -1);
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => fs.statSync(path.join(dir, f)).isFile())
    .sort();
}

describeEachDialect('truceline backup / restore', (dialect) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function site(): Promise<Site> {
    const s = await newSite(dialect);
    cleanups.push(() => s.drop());
    return s;
  }

  async function running(s: Site) {
    const r = await startSite(s);
    cleanups.push(() => r.close());
    return r;
  }

  async function connection(s: Site): Promise<Db> {
    const db = await s.connect();
    cleanups.push(() => db.close());
    return db;
  }

  it(
    'backs up while reports are written, and the restored copy is one consistent snapshot that audits',
    { timeout: 120_000 },
    async () => {
      const source = await site();
      const { services } = await running(source);
      for (let n = 0; n < 5; n += 1) await submitReport(services, n);
      while ((await services.ledger.integrateOnce()) > 0);
      let written = 5;
      let writing = true;
      const writer = (async () => {
        while (writing) {
          // SQLite work resolves in microtasks only: give timers (and the backup) their turn.
          await new Promise((r) => setImmediate(r));
          await submitReport(services, written);
          written += 1;
        }
      })();
      let duringSnapshot = 0;
      const backupDb = await connection(source);
      const target = path.join(source.dir, '..', `${path.basename(source.dir)}-backup`);
      cleanups.push(() => Promise.resolve(fs.rmSync(target, { recursive: true, force: true })));
      // Let the writer run a while, then back up; the hook waits inside the snapshot until more land.
      while (written < 15) await new Promise((r) => setTimeout(r, 5));
      const manifest = await createBackup(backupDb, source.paths, target, {
        onSnapshot: async () => {
          const at = written;
          while (written < at + 10) await new Promise((r) => setTimeout(r, 5));
          duringSnapshot = written - at;
        },
      });
      writing = false;
      await writer;
      const total = await count(services.database, 'reports');
      const inBackup = manifest.counts.reports ?? -1;
      process.stdout.write(
        `[${dialect}] online backup: ${inBackup} of ${total} reports in the snapshot, ` +
          `${duringSnapshot} written during it; log ${manifest.log.size} entries\n`,
      );
      expect(duringSnapshot).toBeGreaterThanOrEqual(10);
      expect(inBackup).toBeGreaterThan(0);
      expect(inBackup).toBeLessThan(total);
      expect(fs.statSync(path.join(target, 'keys', 'log-signer.key')).mode & 0o777).toBe(0o600);

      const copy = await site();
      const restoreDb = await connection(copy);
      const restored = await restoreWhileMigrating(restoreDb, copy.paths, target, { bindings: ROW_BINDINGS });
      expect(restored.audit.size).toBe(manifest.log.size);
      expect(restored.audit.rootHash).toBe(manifest.log.rootHash);
      expect(await count(restoreDb, 'reports')).toBe(inBackup);
      expect(await reportsWithoutLogItem(restoreDb)).toBe(0);
      process.stdout.write(
        `[${dialect}] restored: ${inBackup} reports, 0 without their log item; audit OK at ` +
          `${restored.audit.size} entries (${restored.audit.databaseRows} log_entries rows)\n`,
      );
    },
  );

  it(
    'round-trips reports, evidence bytes, users, the agreement and the log, and the copy goes on logging',
    { timeout: 120_000 },
    async () => {
      const source = await site();
      const { services } = await running(source);
      // A commission monitor's report: the commission reads it and adds evidence to it.
      const user = await services.users.create(CONSOLE_ACTOR, {
        organisationId: 'JMVC',
        username: 'monitor',
        roles: ['admin'],
        password: TEST_PASSWORD,
      });
      const monitor = consoleActor({
        ...CONSOLE_PRINCIPAL,
        userId: user.id,
        username: 'monitor',
        organisationId: 'JMVC',
      });
      const reportId = await submitReport(services, 1, monitor);
      const bytes = crypto.randomBytes(3000);
      const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
      await services.monitoring.evidence.declare(monitor, reportId, {
        sha256,
        filename: 'photo.jpg',
        mediaType: 'image/jpeg',
        capturedAt: new Date(Date.now() - 3_600_000).toISOString(),
        collector: 'Patrol 3',
        contentBase64: bytes.toString('base64'),
      });
      // A webhook: its secret is stored sealed, so the backup must carry the key that opens it.
      const hook = await services.webhooks.create(monitor, {
        url: 'https://hooks.example.org/truceline',
        kinds: ['report.*'],
      });
      while ((await services.ledger.integrateOnce()) > 0);
      const target = path.join(source.dir, 'backup');
      const manifest = await createBackup(services.database, source.paths, target);
      expect(manifest.evidence.files).toBe(1);
      expect(manifest.parts.filter((p) => p.kind === 'secret').map((p) => p.path)).toEqual([
        'secrets/secrets.key',
      ]);

      const copy = await site();
      const restoreDb = await connection(copy);
      const restored = await restoreWhileMigrating(restoreDb, copy.paths, target, { bindings: ROW_BINDINGS });
      for (const table of [
        'reports',
        'users',
        'organisations',
        'agreement_versions',
        'report_evidence',
        'log_entries',
      ])
        expect(await count(restoreDb, table), table).toBe(await count(services.database, table));
      const stored = path.join(
        copy.paths.evidenceDir,
        'sha256',
        sha256.slice(0, 2),
        sha256.slice(2, 4),
        sha256,
      );
      expect(fs.readFileSync(stored).equals(bytes)).toBe(true);
      expect(fs.readFileSync(copy.paths.keyFile).equals(fs.readFileSync(source.paths.keyFile))).toBe(true);
      expect(restored.keysWritten).toContain(copy.paths.secretsKeyFile);
      const sealed = await restoreDb.db
        .selectFrom('webhook_subscriptions')
        .select('secret')
        .where('id', '=', hook.subscription.id)
        .executeTakeFirstOrThrow();
      expect(
        new SecretSealer(copy.paths.secretsKeyFile ?? '').open(hook.subscription.id, sealed.secret),
      ).toBe(hook.secret);
      expect(restored.audit.size).toBeGreaterThan(0);
      const original = await sql<{ body: string }>`select body from reports where id = ${reportId}`.execute(
        services.database.db,
      );
      const copied = await sql<{ body: string }>`select body from reports where id = ${reportId}`.execute(
        restoreDb.db,
      );
      expect(copied.rows).toEqual(original.rows);

      // The restored copy goes on: a new report is queued and integrated after the restored entries
      // (its queue number is not one the restored log already used).
      const resumed = createServices(
        { ...services.config, dataDir: copy.dir },
        restoreDb,
        readSigner(copy.paths.keyFile),
      );
      await submitReport(resumed, 2);
      expect(await resumed.ledger.integrateOnce()).toBeGreaterThan(0);
      expect(await count(restoreDb, 'log_entries')).toBeGreaterThan(restored.audit.size);
      process.stdout.write(
        `[${dialect}] round trip: ${manifest.counts.reports} reports, ${manifest.counts.users} users, ` +
          `${manifest.evidence.files} evidence file (${manifest.evidence.bytes} bytes), log ${manifest.log.size} entries\n`,
      );
    },
  );

  it('refuses a tampered backup, naming the part, and writes nothing', { timeout: 120_000 }, async () => {
    const source = await site();
    const { services } = await running(source);
    await submitReport(services, 1);
    await services.ledger.integrateOnce();
    const target = path.join(source.dir, 'backup');
    await createBackup(services.database, source.paths, target);
    const file = path.join(target, 'database', 'reports.jsonl');
    fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('Impact number 1', 'Impact number 7'));

    const copy = await site();
    const restoreDb = await connection(copy);
    await whileMigrating(() =>
      migrateToLatest(restoreDb.db, copy.schema === undefined ? {} : { schema: copy.schema }),
    );
    const err: unknown = await restoreWhileMigrating(restoreDb, copy.paths, target, {
      bindings: ROW_BINDINGS,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/damaged; nothing was restored/);
    expect(JSON.stringify((err as { errors?: unknown }).errors)).toContain('database/reports.jsonl');
    expect(await count(restoreDb, 'reports')).toBe(0);
    expect(await count(restoreDb, 'organisations')).toBe(0);
    expect(fs.existsSync(copy.paths.keyFile)).toBe(false);
    expect(filesUnder(copy.paths.evidenceDir)).toEqual([]);
  });

  it(
    'fails a restore whose rows do not match their log, naming the row (a backup edited with its hashes recomputed)',
    { timeout: 120_000 },
    async () => {
      const source = await site();
      const { services } = await running(source);
      const id = await submitReport(services, 1);
      await submitReport(services, 2);
      while ((await services.ledger.integrateOnce()) > 0);
      const target = path.join(source.dir, 'backup');
      await createBackup(services.database, source.paths, target);
      // Edit one report's text and make the manifest agree: every hash checks, the log is untouched.
      const part = 'database/reports.jsonl';
      const file = path.join(target, part);
      fs.chmodSync(file, 0o600);
      const edited = fs.readFileSync(file, 'utf8').replace('Impact number 1 ', 'Impact number 7 ');
      expect(edited).not.toBe(fs.readFileSync(file, 'utf8'));
      fs.writeFileSync(file, edited);
      const manifestFile = path.join(target, 'manifest.json');
      fs.chmodSync(manifestFile, 0o600);
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as BackupManifest;
      for (const p of manifest.parts.filter((p) => p.path === part)) {
        p.sha256 = crypto.createHash('sha256').update(edited).digest('hex');
        p.bytes = Buffer.byteLength(edited);
      }
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));

      const copy = await site();
      const restoreDb = await connection(copy);
      const err: unknown = await restoreWhileMigrating(restoreDb, copy.paths, target, {
        bindings: ROW_BINDINGS,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(/database audit failed: 0 log problem\(s\), 1 row\(s\)/);
      const problems = (err as { errors?: { path: string; reason: string }[] }).errors ?? [];
      expect(problems).toEqual([
        { path: `reports/${id}`, reason: expect.stringMatching(/^report: /) as string },
      ]);
      // Refused before the load committed: nothing of the altered backup stays (#14: it used to).
      expect(await count(restoreDb, 'reports')).toBe(0);
      expect(await count(restoreDb, 'organisations')).toBe(0);
      expect(fs.existsSync(copy.paths.keyFile)).toBe(false);

      // The untouched backup restores, and says how many rows its audit checked.
      const clean = await site();
      await createBackup(services.database, source.paths, path.join(source.dir, 'clean'));
      const restored = await restoreWhileMigrating(
        await connection(clean),
        clean.paths,
        path.join(source.dir, 'clean'),
        { bindings: ROW_BINDINGS },
      );
      expect(restored.databaseAudit.rows).toBeGreaterThanOrEqual(2);
      process.stdout.write(
        `[${dialect}] restore of an edited backup: refused by the database audit (${problems.length} row named); ` +
          `clean restore: ${restored.databaseAudit.rows} rows match\n`,
      );
    },
  );

  it(
    'refuses a backup whose log does not contain a checkpoint trusted from outside it (security: the manifest is not signed)',
    { timeout: 120_000 },
    async () => {
      const source = await site();
      const { services } = await running(source);
      await submitReport(services, 1);
      await submitReport(services, 2);
      while ((await services.ledger.integrateOnce()) > 0);
      // What a witness or a mirror holds: the log's checkpoint at this size, as /log/checkpoint serves it.
      const seen = await services.ledger.reader.checkpoint();
      if (seen === undefined) throw new Error('no checkpoint');
      const trustedFile = path.join(source.dir, 'trusted-checkpoint');
      fs.writeFileSync(trustedFile, seen.note);
      const trusted = readTrustedCheckpoint(trustedFile);
      expect(trusted.size).toBe(seen.size);
      await submitReport(services, 3);
      while ((await services.ledger.integrateOnce()) > 0);
      const genuine = path.join(source.dir, 'backup');
      const manifest = await createBackup(services.database, source.paths, genuine);
      expect(manifest.log.size).toBeGreaterThan(trusted.size);

      // The genuine backup holds the trusted checkpoint: restored, and the audit says so.
      const copy = await site();
      const restoreDb = await connection(copy);
      const restored = await restoreWhileMigrating(restoreDb, copy.paths, genuine, {
        bindings: ROW_BINDINGS,
        trusted,
      });
      expect(restored.audit.size).toBe(manifest.log.size);

      // A forged backup: another history under the same origin, signed by the key the backup carries
      // (whoever alters a backup can re-sign it). Every hash and signature in it checks out; the
      // checkpoint from outside does not fit, and nothing is restored.
      const forger = await site();
      const forged = await running(forger);
      for (let n = 10; n < 13; n += 1) await submitReport(forged.services, n);
      while ((await forged.services.ledger.integrateOnce()) > 0);
      const forgedDir = path.join(forger.dir, 'backup');
      await createBackup(forged.services.database, forger.paths, forgedDir);
      const victim = await site();
      const victimDb = await connection(victim);
      const err: unknown = await restoreWhileMigrating(victimDb, victim.paths, forgedDir, {
        bindings: ROW_BINDINGS,
        trusted,
      }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/does not contain the trusted checkpoint .*trusted-checkpoint/);
      expect(await count(victimDb, 'reports')).toBe(0);
      expect(await count(victimDb, 'log_entries')).toBe(0);

      // A checkpoint newer than the backup: refused before anything is written.
      const newer = { ...trusted, size: manifest.log.size + 5 };
      const third = await site();
      const thirdDb = await connection(third);
      await expect(
        restoreWhileMigrating(thirdDb, third.paths, genuine, { bindings: ROW_BINDINGS, trusted: newer }),
      ).rejects.toThrow(/at size \d+; the backup's log has only \d+ entries/);
      expect(fs.existsSync(third.paths.keyFile)).toBe(false);
      // A file that is no checkpoint is named.
      fs.writeFileSync(path.join(source.dir, 'junk'), 'hello\n');
      expect(() => readTrustedCheckpoint(path.join(source.dir, 'junk'))).toThrow(/junk: not a checkpoint/);
    },
  );

  it(
    'refuses to restore into a database that holds anything unless forced',
    { timeout: 120_000 },
    async () => {
      const source = await site();
      const { services } = await running(source);
      await submitReport(services, 1);
      while ((await services.ledger.integrateOnce()) > 0);
      const target = path.join(source.dir, 'backup');
      const manifest = await createBackup(services.database, source.paths, target);

      const other = await site();
      const busy = await running(other);
      await submitReport(busy.services, 2);
      await submitReport(busy.services, 3);
      const err: unknown = await restoreWhileMigrating(busy.services.database, other.paths, target, {
        bindings: ROW_BINDINGS,
      }).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/is not empty \(.*reports 2.*\); .*--force/);
      expect(await count(busy.services.database, 'reports')).toBe(2);

      await busy.services.ledger.stop();
      const forced = await restoreWhileMigrating(busy.services.database, other.paths, target, {
        force: true,
        bindings: ROW_BINDINGS,
      });
      expect(forced.audit.rootHash).toBe(manifest.log.rootHash);
      expect(await count(busy.services.database, 'reports')).toBe(1);
      // Its own key was replaced by the backup's and kept beside it.
      expect(fs.readFileSync(other.paths.keyFile).equals(fs.readFileSync(source.paths.keyFile))).toBe(true);
      expect(fs.readdirSync(other.dir).filter((f) => f.endsWith('.replaced'))).toHaveLength(1);
    },
  );
});

describe.skipIf(PG_URL === undefined)('truceline backup / restore across engines', () => {
  it(
    'restores a SQLite backup into PostgreSQL and that one back into SQLite, same log root',
    { timeout: 120_000 },
    async () => {
      const sites: Site[] = [];
      const opened: Db[] = [];
      try {
        const source = await newSite('sqlite');
        sites.push(source);
        const running = await startSite(source);
        for (let n = 0; n < 3; n += 1) await submitReport(running.services, n);
        await running.services.ledger.integrateOnce();
        const first = path.join(source.dir, 'backup-sqlite');
        const manifest = await createBackup(running.services.database, source.paths, first);
        await running.close();

        const pgSite = await newSite('postgres');
        sites.push(pgSite);
        const pgDb = await pgSite.connect();
        opened.push(pgDb);
        const onPg = await restoreWhileMigrating(pgDb, pgSite.paths, first, { bindings: ROW_BINDINGS });
        expect(onPg.audit.rootHash).toBe(manifest.log.rootHash);
        const second = path.join(source.dir, 'backup-postgres');
        const fromPg = await createBackup(pgDb, pgSite.paths, second);
        expect(fromPg.counts).toEqual(manifest.counts);

        const back = await newSite('sqlite');
        sites.push(back);
        const backDb = await back.connect();
        opened.push(backDb);
        const onSqlite = await restoreWhileMigrating(backDb, back.paths, second, { bindings: ROW_BINDINGS });
        expect(onSqlite.audit.rootHash).toBe(manifest.log.rootHash);
        expect(await count(backDb, 'reports')).toBe(3);
        process.stdout.write(
          `[sqlite → postgres → sqlite] ${manifest.counts.reports} reports, log ${manifest.log.size} entries, same root\n`,
        );
      } finally {
        for (const db of opened) await db.close();
        for (const s of sites) await s.drop();
      }
    },
  );
});
