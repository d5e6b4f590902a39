import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  createBackup,
  readTrustedCheckpoint,
  restoreBackup,
  type BackupManifest,
  type DataPaths,
} from '../../backup/backup.service.js';
import { loadConfig } from '../../config/config.js';
import { openDatabase } from '../../db/connect.js';
import { ROW_BINDINGS } from '../../server/row-bindings.js';
import { CliError } from '../runtime.js';

function dataPaths(): { databaseUrl: string; paths: DataPaths } {
  const config = loadConfig();
  return {
    databaseUrl: config.databaseUrl,
    paths: {
      evidenceDir: process.env.TRUCELINE_EVIDENCE_DIR ?? path.join(config.dataDir, 'evidence'),
      keyFile: config.logKeyFile,
      secretsKeyFile: config.secretsKeyFile,
    },
  };
}

function counts(manifest: BackupManifest): string {
  return Object.entries(manifest.counts)
    .filter(([, n]) => n > 0)
    .map(([table, n]) => `${table} ${n}`)
    .join(', ');
}

/** `backup <dir>` and `restore <dir>`. */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup <dir>')
    .description(
      'write a consistent copy of the database (one snapshot, while the server runs), the evidence it ' +
        'references, the log signing keys and the secrets key to a new directory DIR',
    )
    .action(async (dir: string) => {
      const { databaseUrl, paths } = dataPaths();
      // Opening a SQLite path creates the file: a backup of nothing must not leave an empty database.
      if (databaseUrl.startsWith('sqlite:')) {
        const file = databaseUrl.slice('sqlite:'.length).replace(/^\/\//, '');
        if (!fs.existsSync(file)) throw new CliError(`no database at ${file}: nothing to back up`);
      }
      const database = await openDatabase(databaseUrl);
      const target = path.resolve(dir);
      let manifest: BackupManifest;
      try {
        manifest = await createBackup(database, paths, target);
      } finally {
        await database.close();
      }
      process.stdout.write(
        `Backed up ${database.description} (${manifest.engine}) to ${target} at ${manifest.createdAt}.\n` +
          `  log ${manifest.log.origin}: ${manifest.log.size} entries, root ${manifest.log.rootHash}\n` +
          `  rows: ${counts(manifest)}\n` +
          `  evidence: ${manifest.evidence.files} files, ${manifest.evidence.bytes} bytes; ` +
          `${manifest.parts.length} parts hashed in manifest.json\n`,
      );
      process.stderr.write(
        'truceline: WARNING: this backup contains the PRIVATE log signing key(s) ' +
          `(${target}/keys): whoever holds it can sign checkpoints as this log` +
          (manifest.parts.some((p) => p.kind === 'secret')
            ? `; and the key that opens the stored webhook secrets (${target}/secrets)`
            : '') +
          '. Keep it as secret as the keys themselves (files are mode 600).\n',
      );
    });

  program
    .command('restore <dir>')
    .description(
      'restore a backup into the configured (empty) database and data directory: checks every hash ' +
        'first, then audits the restored log against the manifest and every restored row against the log',
    )
    .option('--force', 'replace the content of a non-empty database and a different signing or secrets key')
    .option(
      '--checkpoint <file>',
      "a checkpoint of this log from outside the backup (a witness's, a mirror's, GET /log/checkpoint " +
        'saved earlier): the restored log must contain it',
    )
    .action(async (dir: string, opts: { force?: boolean; checkpoint?: string }) => {
      const trusted = opts.checkpoint !== undefined ? readTrustedCheckpoint(opts.checkpoint) : undefined;
      const { databaseUrl, paths } = dataPaths();
      const database = await openDatabase(databaseUrl);
      try {
        const result = await restoreBackup(database, paths, path.resolve(dir), {
          force: opts.force === true,
          bindings: ROW_BINDINGS,
          ...(trusted !== undefined ? { trusted } : {}),
        });
        const { manifest, audit, databaseAudit } = result;
        for (const warning of databaseAudit.warnings)
          process.stderr.write(`truceline: warning: ${warning}\n`);
        process.stdout.write(
          `Restored the backup of ${manifest.createdAt} (${manifest.engine}) into ${database.description}.\n` +
            `  rows: ${counts(manifest)}\n` +
            `  evidence: ${manifest.evidence.files} files (${result.evidenceWritten} written); ` +
            `keys: ${result.keysWritten.join(', ')}\n` +
            `  audit: OK, ${audit.size} entries, root ${audit.rootHash} as in the manifest; ` +
            `${audit.tiles} tiles, ${audit.bundles} entry bundles and ${audit.databaseRows} log_entries rows match\n` +
            (trusted !== undefined
              ? `  trusted checkpoint: the log holds ${trusted.from} (size ${trusted.size}, root ${trusted.rootHash.toString('base64')})\n`
              : '') +
            `  database audit: OK, ${databaseAudit.rows} rows match their latest log entries; ` +
            `${databaseAudit.checkpoints} stored checkpoint(s) verified\n`,
        );
      } finally {
        await database.close();
      }
    });
}
