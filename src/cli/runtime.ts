import { consoleActor } from '../access/audit.service.js';
import { CONSOLE_PRINCIPAL } from '../access/bootstrap.js';
import { loadConfig, type Config } from '../config/config.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { createServices, type AppServices } from '../server/context.js';
import { loadOrCreateSigner } from '../ledger/log-keys.js';

/** A CLI failure: printed as one line `truceline: <message>`, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Opens the configured database, migrates it, and wires the services. Callers must `close()`. */
export async function openRuntime(
  overrides: Partial<Config> = {},
): Promise<AppServices & { close(): Promise<void> }> {
  const config = { ...loadConfig(), ...overrides };
  const database = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  let signer;
  try {
    signer = loadOrCreateSigner(config.logKeyFile, config.logOrigin);
  } catch (err) {
    await database.close();
    throw err;
  }
  const services = createServices(config, database, signer);
  return {
    ...services,
    close: async () => {
      await services.ledger.stop();
      await database.close();
    },
  };
}

export const CONSOLE_ACTOR = consoleActor(CONSOLE_PRINCIPAL);
