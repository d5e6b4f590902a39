import fs from 'node:fs';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { keyRotationRecord } from '../../ledger/key-rotation.js';
import { createSignerFile, keyHolders, readSigner } from '../../ledger/log-keys.js';
import { generateSignerKey, parseSignerKey } from '../../ledger/note.js';
import { CliError, defaultLogOrigin, openRuntime } from '../runtime.js';

/** `20261126T080000Z`: sortable and safe in file names. */
function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** `keys generate`, `keys show`, `keys rotate`: the log's signing key (TRUCELINE_LOG_KEY_FILE). */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description("the log's signing key");

  keys
    .command('generate')
    .description('create the log signing key (refuses if the key file exists) and print its verifier key')
    .option(
      '--origin <origin>',
      "the log's origin, also the key name (default: $TRUCELINE_LOG_ORIGIN or truceline.local/log)",
    )
    .action((opts: { origin?: string }) => {
      const config = loadConfig();
      const signer = createSignerFile(
        config.logKeyFile,
        opts.origin ?? config.logOrigin ?? defaultLogOrigin(),
      );
      process.stdout.write(`${signer.verifierKey}\nKey written to ${config.logKeyFile} (keep it secret).\n`);
    });

  keys
    .command('show')
    .description('print the verifier key (vkey) of the log signing key')
    .action(() => {
      process.stdout.write(`${readSigner(loadConfig().logKeyFile).verifierKey}\n`);
    });

  keys
    .command('rotate')
    .description(
      'replace the signing key: logs log.key-rotated (signed by both keys) in a checkpoint signed by ' +
        'both, then keeps the old key as <file>.<time>.retired',
    )
    .action(async () => {
      const file = loadConfig().logKeyFile;
      if (!fs.existsSync(file))
        throw new CliError(`no key to rotate at ${file}; run \`truceline keys generate\``);
      const holders = keyHolders(file);
      if (holders.length > 0)
        throw new CliError(
          `a running server signs with ${file} (process ${holders.join(', ')}); stop it first, ` +
            'or it would go on signing checkpoints with the retired key',
        );
      const old = readSigner(file);
      const pending = `${file}.next`;
      if (fs.existsSync(pending))
        throw new CliError(`${pending} exists: an earlier rotation did not finish; inspect and remove it`);
      const { signerKey } = generateSignerKey(old.name);
      const next = parseSignerKey(signerKey);
      // The new key is on disk before the log names it, so a crash cannot lose a key the log trusts.
      fs.writeFileSync(pending, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
      const services = await openRuntime();
      let size: number;
      try {
        const { reader, sequencer } = services.ledger;
        await reader.refresh();
        await sequencer.integrateKeyRotation(next, keyRotationRecord(old, next));
        size = reader.size;
      } catch (err) {
        fs.rmSync(pending, { force: true });
        throw err;
      } finally {
        await services.close();
      }
      const retired = `${file}.${stamp(new Date())}.retired`;
      fs.renameSync(file, retired);
      fs.renameSync(pending, file);
      process.stdout.write(
        `Rotated the log key of ${old.name}.\n` +
          `  old ${old.verifierKey} (kept in ${retired})\n` +
          `  new ${next.verifierKey}\n` +
          `The rotation is logged (log.key-rotated); the checkpoint at size ${size} is signed by both keys.\n` +
          'Witnesses must trust the new key: truceline witness add-log --dir DIR --vkey <new>\n',
      );
    });
}
