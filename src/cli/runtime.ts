import { consoleActor } from '../access/audit.service.js';
import { CONSOLE_PRINCIPAL } from '../access/bootstrap.js';
import { loadConfig, type Config } from '../config/config.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import { createServices, type AppServices } from '../server/context.js';
import { loadOrCreateSigner } from '../ledger/log-keys.js';
import { gazetteerIds } from '../monitoring/gazetteer.js';
import {
  loadPlaceNames,
  NO_PLACE_NAMES,
  PlaceNamesError,
  type PlaceNames,
} from '../monitoring/place-names.js';

/** A CLI failure: printed as one line `truceline: <message>`, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/**
 * The origin a new log key gets when TRUCELINE_LOG_ORIGIN is not set: `truceline.local/<agreement
 * id>` for a data dir started with an agreement (the demo), else `truceline.local/log`. The origin
 * is signed into every checkpoint, so it is chosen once, when the key is created, and never changes
 * with the default afterwards (an existing key file keeps its own).
 */
export function defaultLogOrigin(agreementId?: string): string {
  const name = agreementId?.replace(/[^A-Za-z0-9._-]/g, '-');
  return `truceline.local/${name !== undefined && name !== '' ? name : 'log'}`;
}

/**
 * How long a CLI command waits on SQLite for the write lock that a running server (or another
 * command) holds: an import beside `npm start` waits for the server's transaction to end rather than
 * failing with "database is busy".
 */
export const CLI_BUSY_TIMEOUT_MS = 120_000;

/**
 * Opens the configured database, migrates it, and wires the services. Callers must `close()`.
 * `agreementId` names the agreement a new data dir starts with, for the default log origin; `serving`
 * is set by the commands that run the server (which waits for SQLite's lock only briefly, so a
 * request answers "busy" rather than hang).
 */
export async function openRuntime(
  overrides: Partial<Config> = {},
  { agreementId, serving = false }: { agreementId?: string; serving?: boolean } = {},
): Promise<AppServices & { close(): Promise<void> }> {
  const config = { ...loadConfig(), ...overrides };
  // Before the database opens: a server with bad place name files does not start at all.
  const placeNames = await placeNamesOf(config.placeNamesFiles);
  const database = await openDatabase(
    config.databaseUrl,
    serving ? {} : { busyTimeoutMs: CLI_BUSY_TIMEOUT_MS },
  );
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  let signer;
  try {
    signer = loadOrCreateSigner(config.logKeyFile, config.logOrigin ?? defaultLogOrigin(agreementId));
  } catch (err) {
    await database.close();
    throw err;
  }
  const services = createServices(config, database, signer, undefined, placeNames);
  return {
    ...services,
    close: async () => {
      // Live submissions' correlation may still be running (they answer before it).
      await services.monitoring.reports.settled();
      await services.ledger.stop();
      await database.close();
    },
  };
}

/** The configured place name files, loaded for the gazetteer's places; a bad file is a CliError naming its lines. */
async function placeNamesOf(files: readonly string[]): Promise<PlaceNames> {
  if (files.length === 0) return NO_PLACE_NAMES;
  const known = await gazetteerIds();
  try {
    return await loadPlaceNames(files, (id) => known.has(id));
  } catch (err) {
    if (err instanceof PlaceNamesError) throw new CliError(err.message);
    throw err;
  }
}

export const CONSOLE_ACTOR = consoleActor(CONSOLE_PRINCIPAL);
