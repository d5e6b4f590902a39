import path from 'node:path';
import type { Command } from 'commander';
import { buildWitnessServer } from '../../ledger/witness.server.js';
import { addTrustedLog, initWitnessDir } from '../../ledger/witness.state.js';
import { CliError } from '../runtime.js';

function port(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value > 65535) throw new CliError(`--port ${raw}: must be 0..65535`);
  return value;
}

/**
 * `witness init`, `witness add-log`, `witness serve`: a party's own c2sp.org/tlog-witness, which
 * cosigns the log's checkpoints only if each is consistent with the last one it cosigned.
 */
export function registerWitnessCommands(program: Command): void {
  const witness = program
    .command('witness')
    .description('run a witness that cosigns the log only while it stays append-only');

  witness
    .command('init')
    .description('create a witness key in DIR and print its verifier key (give it to the log operator)')
    .requiredOption('--dir <dir>', 'witness directory (key, trusted logs, state)')
    .requiredOption('--name <name>', 'witness name, e.g. witness.example.org/ua')
    .action(async (opts: { dir: string; name: string }) => {
      const dir = path.resolve(opts.dir);
      const { verifierKey } = await initWitnessDir(dir, opts.name);
      process.stdout.write(
        `${verifierKey}\n` +
          `Witness key created in ${dir}. Give the line above to the log operator ` +
          '(truceline log witness add NAME VKEY --url URL) and to auditors (policy: witness VKEY).\n',
      );
    });

  witness
    .command('add-log')
    .description("trust a log's key: cosign checkpoints of its origin signed by it")
    .requiredOption('--dir <dir>', 'witness directory')
    .requiredOption('--vkey <vkey>', 'the log verifier key (GET /log/vkey, or `truceline keys show`)')
    .option('--origin <origin>', "the log's origin (default: the key's name)")
    .action(async (opts: { dir: string; vkey: string; origin?: string }) => {
      const log = await addTrustedLog(path.resolve(opts.dir), opts.vkey.trim(), opts.origin);
      process.stdout.write(`Trusting ${log.origin} signed by:\n${log.vkeys.map((k) => `  ${k}\n`).join('')}`);
    });

  witness
    .command('serve')
    .description('serve POST /add-checkpoint (c2sp.org/tlog-witness)')
    .requiredOption('--dir <dir>', 'witness directory')
    .option('-p, --port <port>', 'port to listen on', '8090')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (opts: { dir: string; port: string; host: string }) => {
      const app = await buildWitnessServer({ dir: path.resolve(opts.dir), logger: { level: 'info' } });
      const shutdown = async () => {
        await app.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void shutdown());
      process.once('SIGTERM', () => void shutdown());
      const address = await app.listen({ port: port(opts.port), host: opts.host });
      process.stdout.write(`Witness listening on ${address} (submission prefix for the log: ${address})\n`);
    });
}
