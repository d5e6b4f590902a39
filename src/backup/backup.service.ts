/**
 * `truceline backup` and `truceline restore`: an online, consistent copy of everything a Truceline
 * holds — the database (one snapshot, see `snapshot.ts`), the evidence files that snapshot references
 * (content-addressed, so copying them after the snapshot is safe), the log signing keys and the key
 * that seals stored webhook secrets — with a
 * manifest naming each part's SHA-256. A restore checks every hash before it writes anything, then
 * audits the restored log against the manifest's size and root, and every restored row against its
 * log entry (`truceline audit --database`): a manifest is not signed, so a backup edited with its
 * hashes recomputed passes the first checks and is caught by the last.
 *
 * Layout of a backup directory: `manifest.json` (written last), `database/<table>.jsonl`,
 * `evidence/sha256/ab/cd/<sha256>`, `keys/<file>`, `secrets/<file>`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { conflict, invalid } from '../core/errors.js';
import type { Db } from '../db/connect.js';
import { migrations as knownMigrations } from '../db/migrations/index.js';
import { Migrator } from 'kysely';
import { auditLog, AuditFailure } from '../ledger/audit.js';
import { parseCheckpoint } from '../ledger/checkpoint.js';
import { parseNote } from '../ledger/note.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { directorySource } from '../ledger/audit-io.js';
import { writeFileAtomic } from '../ledger/atomic-file.js';
import { readEntries } from '../ledger/ledger.repository.js';
import { exportLog } from '../ledger/log-export.js';
import { keyHolders, readSigner } from '../ledger/log-keys.js';
import { LogReader } from '../ledger/log-reader.service.js';
import { LogTree } from '../ledger/log-tree.js';
import type { RowBinding } from '../ledger/row-binding.js';
import { migrateToLatest } from '../db/migrate.js';
import { LocalEvidenceStore } from '../monitoring/evidence.store.js';
import { dumpDatabase, loadDatabase, rowCounts, type SnapshotInfo } from './snapshot.js';

/** The manifest's format line; a restore refuses any other. */
export const BACKUP_FORMAT = 'truceline-backup/1';

/** One file of a backup and its hash. */
export interface BackupPart {
  path: string;
  kind: 'table' | 'evidence' | 'key' | 'secret';
  sha256: string;
  bytes: number;
}

/** `manifest.json`. */
export interface BackupManifest extends SnapshotInfo {
  format: typeof BACKUP_FORMAT;
  engine: Db['dialect'];
  createdAt: string;
  log: SnapshotInfo['log'] & { origin: string; verifierKey: string };
  evidence: { files: number; bytes: number };
  parts: BackupPart[];
}

/** Where the data directory keeps what a backup copies besides the database. */
export interface DataPaths {
  /** Root of the evidence store (`<dataDir>/evidence` or TRUCELINE_EVIDENCE_DIR). */
  evidenceDir: string;
  /** The log signing key (TRUCELINE_LOG_KEY_FILE); retired keys `<file>.<time>.retired` go along. */
  keyFile: string;
  /** The key sealing stored secrets (TRUCELINE_SECRETS_KEY_FILE), when there is one. */
  secretsKeyFile?: string;
}

async function sha256File(file: string): Promise<{ sha256: string; bytes: number }> {
  const hash = crypto.createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

function evidencePath(root: string, sha256: string): string {
  return path.join(root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

function retiredKeys(keyFile: string): string[] {
  const dir = path.dirname(keyFile);
  const base = path.basename(keyFile);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${base}.`) && f.endsWith('.retired'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Writes a backup of `database` and the data directory's evidence and keys to `target` (a new or
 * empty directory, mode 700, files 600). Safe while a server writes: the database part is one
 * snapshot, evidence is copied afterwards by hash. `onSnapshot` runs inside the snapshot (tests).
 */
export async function createBackup(
  database: Db,
  paths: DataPaths,
  target: string,
  options: { now?: () => Date; onSnapshot?: () => Promise<void> } = {},
): Promise<BackupManifest> {
  if (fs.existsSync(target) && fs.readdirSync(target).length > 0)
    throw conflict(`${target} exists and is not empty; back up into a new directory`);
  if (!fs.existsSync(paths.keyFile))
    throw invalid(`no log signing key at ${paths.keyFile}: the backup would not be able to sign`);
  const signer = readSigner(paths.keyFile);
  fs.mkdirSync(target, { recursive: true, mode: 0o700 });
  fs.chmodSync(target, 0o700);
  const createdAt = (options.now ?? (() => new Date()))().toISOString();
  const dumped = await dumpDatabase(
    database.db,
    database.dialect,
    path.join(target, 'database'),
    options.onSnapshot,
  );
  const parts: BackupPart[] = dumped.parts.map((p) => ({
    path: `database/${p.file}`,
    kind: 'table',
    sha256: p.sha256,
    bytes: p.bytes,
  }));

  // Every evidence file the snapshot references; the store never changes a stored object.
  const hashes = new Set<string>();
  const evidenceRows = fs.readFileSync(path.join(target, 'database', 'report_evidence.jsonl'), 'utf8');
  for (const line of evidenceRows.split('\n')) {
    if (line === '') continue;
    const row = JSON.parse(line) as { sha256: string; stored_at: string | null };
    if (row.stored_at !== null) hashes.add(row.sha256);
  }
  const missing: string[] = [];
  let evidenceBytes = 0;
  for (const sha256 of [...hashes].sort()) {
    const from = evidencePath(paths.evidenceDir, sha256);
    const relative = path.relative(target, evidencePath(path.join(target, 'evidence'), sha256));
    if (!fs.existsSync(from)) {
      missing.push(sha256);
      continue;
    }
    const to = path.join(target, relative);
    fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o700 });
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(to, 0o600);
    const copied = await sha256File(to);
    if (copied.sha256 !== sha256) missing.push(`${sha256} (the stored file hashes to ${copied.sha256})`);
    evidenceBytes += copied.bytes;
    parts.push({ path: relative, kind: 'evidence', sha256, bytes: copied.bytes });
  }
  if (missing.length > 0)
    throw invalid(
      `evidence referenced by the database is missing or damaged in ${paths.evidenceDir}: ${missing.join(', ')}`,
    );

  fs.mkdirSync(path.join(target, 'keys'), { mode: 0o700 });
  for (const file of [paths.keyFile, ...retiredKeys(paths.keyFile)]) {
    const relative = `keys/${path.basename(file)}`;
    fs.copyFileSync(file, path.join(target, relative), fs.constants.COPYFILE_EXCL);
    fs.chmodSync(path.join(target, relative), 0o600);
    parts.push({ path: relative, kind: 'key', ...(await sha256File(path.join(target, relative))) });
  }
  // The database holds webhook secrets sealed under this key: without it they cannot be opened.
  if (paths.secretsKeyFile !== undefined && fs.existsSync(paths.secretsKeyFile)) {
    fs.mkdirSync(path.join(target, 'secrets'), { mode: 0o700 });
    const relative = `secrets/${path.basename(paths.secretsKeyFile)}`;
    fs.copyFileSync(paths.secretsKeyFile, path.join(target, relative), fs.constants.COPYFILE_EXCL);
    fs.chmodSync(path.join(target, relative), 0o600);
    parts.push({ path: relative, kind: 'secret', ...(await sha256File(path.join(target, relative))) });
  }

  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    engine: database.dialect,
    createdAt,
    ...dumped.info,
    log: { ...dumped.info.log, origin: signer.name, verifierKey: signer.verifierKey },
    evidence: { files: hashes.size, bytes: evidenceBytes },
    parts,
  };
  // Last: a directory with a manifest holds every part the manifest names.
  await writeFileAtomic(path.join(target, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`, 0o600);
  return manifest;
}

/** Reads `manifest.json` and checks every part's SHA-256; throws naming each bad part. Writes nothing. */
export async function verifyBackup(source: string): Promise<BackupManifest> {
  const file = path.join(source, 'manifest.json');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as BackupManifest;
  } catch (err) {
    throw invalid(`${file}: not a readable backup manifest (${(err as Error).message})`);
  }
  const format: unknown = (manifest as { format?: unknown }).format;
  if (format !== BACKUP_FORMAT)
    throw invalid(`${file}: format ${JSON.stringify(format)}, expected ${BACKUP_FORMAT}`);
  if (
    !Array.isArray(manifest.parts) ||
    !Array.isArray(manifest.migrations) ||
    typeof manifest.counts !== 'object' ||
    typeof manifest.log !== 'object'
  )
    throw invalid(`${file}: parts, migrations, counts or log missing`);
  const bad: string[] = [];
  const root = path.resolve(source);
  for (const part of manifest.parts) {
    const full = path.resolve(root, part.path);
    if (!full.startsWith(`${root}${path.sep}`)) {
      bad.push(`${part.path}: outside the backup`);
      continue;
    }
    if (!fs.existsSync(full)) {
      bad.push(`${part.path}: missing`);
      continue;
    }
    const actual = await sha256File(full);
    if (actual.sha256 !== part.sha256 || actual.bytes !== part.bytes)
      bad.push(`${part.path}: SHA-256 ${actual.sha256}, the manifest says ${part.sha256}`);
  }
  for (const table of Object.keys(manifest.counts))
    if (!manifest.parts.some((p) => p.path === `database/${table}.jsonl`))
      bad.push(`database/${table}.jsonl: not listed in the manifest`);
  if (bad.length > 0)
    throw invalid(
      `the backup in ${source} is damaged; nothing was restored`,
      bad.map((reason) => ({ path: 'backup', reason })),
    );
  return manifest;
}

/** What a restore did and what the audits of the restored log and rows found. */
export interface RestoreSummary {
  manifest: BackupManifest;
  evidenceWritten: number;
  keysWritten: string[];
  audit: { size: number; rootHash: string; tiles: number; bundles: number; databaseRows: number };
  /** The database audit (`truceline audit --database`): rows checked against their log entries. */
  databaseAudit: { rows: number; checkpoints: number; warnings: string[] };
}

/** How to restore. */
export interface RestoreOptions {
  /** Replace the content of a non-empty database and a different signing key. */
  force?: boolean;
  /** Every domain's row bindings (the composition root's ROW_BINDINGS): what the database audit checks. */
  bindings: ReadonlyMap<string, RowBinding>;
  /**
   * A checkpoint of this log obtained elsewhere (a witness, a mirror, a party's own audit): the
   * restored log must contain it — the same root at its size. The backup carries the signing key, so
   * whoever altered a backup could re-sign its log; a checkpoint from outside the backup they cannot.
   */
  trusted?: TrustedCheckpoint;
}

/** A checkpoint trusted from outside the backup (see {@link RestoreOptions.trusted}). */
export interface TrustedCheckpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Where it came from, for messages. */
  from: string;
}

/**
 * Reads a checkpoint from a file: a signed note as `/log/checkpoint` serves it and witnesses keep it,
 * or its body alone (origin, size, root lines). Its signatures are not checked here: the operator
 * names the file because they trust where it came from.
 */
export function readTrustedCheckpoint(file: string): TrustedCheckpoint {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw invalid(`${file}: cannot read the trusted checkpoint (${(err as Error).message})`);
  }
  try {
    const body = text.includes('\n\n') ? parseNote(text).text : text;
    const { origin, size, rootHash } = parseCheckpoint(body);
    return { origin, size, rootHash, from: file };
  } catch (err) {
    throw invalid(
      `${file}: not a checkpoint (origin, size and root lines, optionally signed): ${(err as Error).message}`,
    );
  }
}

/** Refuses, before anything is written, a trusted checkpoint that cannot be part of the backup's log. */
function checkTrustedAgainstManifest(trusted: TrustedCheckpoint, manifest: BackupManifest): void {
  if (trusted.origin !== manifest.log.origin)
    throw invalid(
      `${trusted.from} is a checkpoint of ${trusted.origin}; the backup's log is ${manifest.log.origin}; nothing was restored`,
    );
  if (trusted.size > manifest.log.size)
    throw conflict(
      `${trusted.from} is at size ${trusted.size}; the backup's log has only ${manifest.log.size} entries: ` +
        'the backup is older than that checkpoint, or its log was cut; nothing was restored',
    );
  if (trusted.size === manifest.log.size && trusted.rootHash.toString('base64') !== manifest.log.rootHash)
    throw conflict(
      `${trusted.from} has root ${trusted.rootHash.toString('base64')} at size ${trusted.size}; the backup's ` +
        `log has ${manifest.log.rootHash}: a different history; nothing was restored`,
    );
}

/**
 * The migrator of the database's own schema: on PostgreSQL the connection's current schema, so that
 * Kysely looks for its bookkeeping there and not in any schema that has it.
 */
async function migratorOf(database: Db): Promise<{ migrator: Migrator; schema?: string }> {
  let schema: string | undefined;
  if (database.dialect === 'postgres') {
    const rows = await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db);
    schema = rows.rows[0]?.schema;
  }
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: () => Promise.resolve(knownMigrations) },
    ...(schema !== undefined ? { migrationTableSchema: schema } : {}),
  });
  return { migrator, ...(schema !== undefined ? { schema } : {}) };
}

async function appliedMigrations(database: Db): Promise<string[]> {
  const { migrator } = await migratorOf(database);
  return (await migrator.getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name);
}

/**
 * Restores a backup into `database` and the data directory (see the module comment). Refuses a
 * database that holds anything, and a different signing key already in place, unless `force`.
 * Verifies every hash first; audits the restored log afterwards (size and root must be the manifest's),
 * then every restored row against its log entry. A row that does not match throws, naming each row;
 * for a backup of this version's schema that happens before the load commits, so the database and the
 * key file stay as they were.
 */
export async function restoreBackup(
  database: Db,
  paths: DataPaths,
  source: string,
  options: RestoreOptions,
): Promise<RestoreSummary> {
  const manifest = await verifyBackup(source);
  const holders = fs.existsSync(paths.keyFile) ? keyHolders(paths.keyFile) : [];
  if (holders.length > 0)
    throw conflict(
      `a running server signs with ${paths.keyFile} (process ${holders.join(', ')}); stop it before restoring`,
    );
  const known = Object.keys(knownMigrations);
  if (manifest.migrations.some((name, i) => known[i] !== name))
    throw invalid(
      `the backup's schema (${manifest.migrations.at(-1) ?? 'none'}) is not one this version knows; ` +
        'restore with the version that made it',
    );
  const applied = await appliedMigrations(database);
  if (applied.some((name, i) => manifest.migrations[i] !== name))
    throw conflict(
      `the target database is at migration ${applied.at(-1) ?? 'none'}, past the backup's ` +
        `${manifest.migrations.at(-1) ?? 'none'}: restore into a new database`,
    );
  if (applied.length > 0) {
    const held = Object.entries(await rowCounts(database.db, database.dialect)).filter(([, n]) => n > 0);
    if (held.length > 0 && !options.force)
      throw conflict(
        `${database.description} is not empty (${held.map(([t, n]) => `${t} ${n}`).join(', ')}); ` +
          'restore into an empty database, or pass --force to replace its content',
      );
  }
  if (options.trusted !== undefined) checkTrustedAgainstManifest(options.trusted, manifest);
  const keyParts = manifest.parts.filter((p) => p.kind === 'key');
  const current = keyParts.find((p) => p.path === `keys/${path.basename(paths.keyFile)}`) ?? keyParts[0];
  if (current === undefined) throw invalid('the backup holds no log signing key');
  if (fs.existsSync(paths.keyFile) && !options.force) {
    const existing = fs.readFileSync(paths.keyFile);
    if (!existing.equals(fs.readFileSync(path.join(source, current.path))))
      throw conflict(`${paths.keyFile} holds a different signing key; pass --force to replace it`);
  }
  const secretPart = manifest.parts.find((p) => p.kind === 'secret');
  const secretsKeyFile = paths.secretsKeyFile;
  const secretsDiffer =
    secretPart !== undefined &&
    secretsKeyFile !== undefined &&
    fs.existsSync(secretsKeyFile) &&
    !fs.readFileSync(secretsKeyFile).equals(fs.readFileSync(path.join(source, secretPart.path)));
  if (secretsDiffer && !options.force)
    throw conflict(`${secretsKeyFile} holds a different secrets key; pass --force to replace it`);

  // Evidence first: content-addressed, so extra files are harmless if a later step fails.
  const store = new LocalEvidenceStore(paths.evidenceDir);
  let evidenceWritten = 0;
  for (const part of manifest.parts.filter((p) => p.kind === 'evidence')) {
    if (await store.has(part.sha256)) continue;
    await store.put(fs.createReadStream(path.join(source, part.path)), Number.MAX_SAFE_INTEGER, part.sha256);
    evidenceWritten += 1;
  }

  const last = manifest.migrations.at(-1);
  if (last !== undefined && applied.length < manifest.migrations.length) {
    const { migrator } = await migratorOf(database);
    const result = await migrator.migrateTo(last);
    if (result.error)
      throw result.error instanceof Error ? result.error : new Error(JSON.stringify(result.error));
  }
  const tables = manifest.parts
    .filter((p) => p.kind === 'table')
    .map((p) => ({ table: path.basename(p.path, '.jsonl'), file: path.basename(p.path) }));
  // A backup made by this schema is audited inside the loading transaction: one that fails its audit
  // leaves the database as it was. An older one is audited once migrated to this version's schema,
  // which the bindings read; if that audit fails, the restored rows stay and the error names them.
  const upToDate = manifest.migrations.length === known.length;
  let audited: Pick<RestoreSummary, 'audit' | 'databaseAudit'> | undefined;
  await loadDatabase(
    database.db,
    database.dialect,
    path.join(source, 'database'),
    manifest,
    tables,
    upToDate
      ? async (tx) => {
          const inside = { ...database, db: tx };
          audited = {
            audit: await auditRestored(inside, manifest, options.trusted),
            databaseAudit: await auditRestoredRows(inside, manifest, options.bindings),
          };
        }
      : undefined,
  );
  const { schema } = await migratorOf(database);
  await migrateToLatest(database.db, schema !== undefined ? { schema } : {});

  const keysWritten: string[] = [];
  // A different key replaced under --force is kept beside it, never lost.
  if (fs.existsSync(paths.keyFile)) {
    const existing = fs.readFileSync(paths.keyFile);
    if (!existing.equals(fs.readFileSync(path.join(source, current.path))))
      fs.renameSync(paths.keyFile, `${paths.keyFile}.${Date.now()}.replaced`);
  }
  for (const part of keyParts) {
    const to =
      part === current ? paths.keyFile : path.join(path.dirname(paths.keyFile), path.basename(part.path));
    await writeFileAtomic(to, fs.readFileSync(path.join(source, part.path)), 0o600);
    keysWritten.push(to);
  }
  if (secretPart !== undefined && secretsKeyFile !== undefined) {
    if (secretsDiffer) fs.renameSync(secretsKeyFile, `${secretsKeyFile}.${Date.now()}.replaced`);
    await writeFileAtomic(secretsKeyFile, fs.readFileSync(path.join(source, secretPart.path)), 0o600);
    keysWritten.push(secretsKeyFile);
  }

  audited ??= {
    audit: await auditRestored(database, manifest, options.trusted),
    databaseAudit: await auditRestoredRows(database, manifest, options.bindings),
  };
  return { manifest, evidenceWritten, keysWritten, ...audited };
}

/**
 * Audits the restored rows with the machinery of `truceline audit --database`, trusting the manifest's
 * key (and the keys its logged rotations link to it); throws naming every problem.
 */
async function auditRestoredRows(
  database: Db,
  manifest: BackupManifest,
  bindings: ReadonlyMap<string, RowBinding>,
): Promise<RestoreSummary['databaseAudit']> {
  const report = await auditDatabase(database.db, { bindings, logKeys: [manifest.log.verifierKey] });
  const problems = [
    ...report.logProblems.map((reason) => ({ path: 'log', reason })),
    ...report.findings.map((f) => ({
      path: `${f.table}/${f.id}`,
      reason: `${f.recordKind}: ${f.check}: ${f.detail}`,
    })),
  ];
  if (problems.length > 0)
    throw invalid(
      `restored into ${database.description}, but the database audit failed: ` +
        `${report.logProblems.length} log problem(s), ${report.findings.length} row(s) that do not match ` +
        'the log; the backup was altered after it was made, or made from a tampered database',
      problems,
    );
  return { rows: report.rows, checkpoints: report.checkpoints, warnings: [...report.warnings] };
}

/**
 * Audits the restored log with the machinery of `truceline audit`, trusting the manifest's key and,
 * when given, a checkpoint from outside the backup (the log must hold its root at its size).
 */
async function auditRestored(
  database: Db,
  manifest: BackupManifest,
  trusted?: TrustedCheckpoint,
): Promise<RestoreSummary['audit']> {
  const state = await sql<{ size: number | string; root_hash: Buffer }>`select size, root_hash
      from log_state where id = 1`.execute(database.db);
  const size = Number(state.rows[0]?.size ?? -1);
  const rootHash = Buffer.from(state.rows[0]?.root_hash ?? Buffer.alloc(0)).toString('base64');
  if (size !== manifest.log.size || rootHash !== manifest.log.rootHash)
    throw invalid(
      `the restored log is at size ${size}, root ${rootHash}; the manifest says size ` +
        `${manifest.log.size}, root ${manifest.log.rootHash}`,
    );
  if (size === 0) return { size, rootHash, tiles: 0, bundles: 0, databaseRows: 0 };
  const reader = new LogReader(database.db, new LogTree(database.db), {
    origin: manifest.log.origin,
    verifierKey: manifest.log.verifierKey,
  });
  await reader.refresh();
  const checkpoint = await reader.checkpoint();
  if (!checkpoint) throw invalid('the restored log has entries but no checkpoint');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-restore-audit-'));
  try {
    await exportLog(
      {
        checkpointNote: checkpoint.note,
        size: checkpoint.size,
        vkey: reader.verifierKey,
        tile: (level, index, width) => reader.tile(level, index, width),
        entryBundle: (index, width) => reader.entryBundle(index, width),
      },
      dir,
    );
    let report;
    try {
      report = await auditLog(directorySource(dir), {
        policy: { logKeys: [manifest.log.verifierKey], witnesses: [], quorum: 0 },
        database: { location: database.description, read: (from, to) => readEntries(database.db, from, to) },
        ...(trusted !== undefined ? { previous: () => trusted } : {}),
      });
    } catch (err) {
      if (trusted !== undefined && err instanceof AuditFailure && /fork|rollback/.test(err.message))
        throw invalid(
          `the backup's log does not contain the trusted checkpoint ${trusted.from} ` +
            `(size ${trusted.size}): ${err.message}; the backup's history was rewritten`,
        );
      throw err;
    }
    const audited = report.rootHash.toString('base64');
    if (report.size !== manifest.log.size || audited !== manifest.log.rootHash)
      throw invalid(
        `the restored log's checkpoint is at size ${report.size}, root ${audited}; the manifest says ` +
          `size ${manifest.log.size}, root ${manifest.log.rootHash}`,
      );
    return {
      size: report.size,
      rootHash: audited,
      tiles: report.tiles,
      bundles: report.bundles,
      databaseRows: report.databaseRows ?? 0,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
