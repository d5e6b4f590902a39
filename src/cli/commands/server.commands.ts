import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { AlreadyInitialisedError, initialise, isInitialised } from '../../access/bootstrap.js';
import { buildApp } from '../../server/app.js';
import { startSweeps } from '../../server/sweeper.js';
import { Election } from '../../server/election.js';
import type { AppServices } from '../../server/context.js';
import { migrateToLatest } from '../../db/migrate.js';
import { CosigningError } from '../../ledger/cosigning.service.js';
import { holdKey } from '../../ledger/log-keys.js';
import { loadConfig, LOG_LEVELS, type LogLevel } from '../../config/config.js';
import { openDatabase } from '../../db/connect.js';
import { storageFaultOf } from '../../db/faults.js';
import { CliError, CONSOLE_ACTOR, openRuntime } from '../runtime.js';
import { eventRelayFor } from '../../notifications/event-relay.js';
import { fillDemoReports } from '../../monitoring/demo.js';
import { demoWitnessRoot, runDemoWitnesses, withLocalWitnessKeys } from '../demo-witnesses.js';

function printCredential(username: string, password: string): void {
  process.stdout.write(
    [
      '',
      '  First admin created. This password is shown once and stored only as a hash:',
      `    username: ${username}`,
      `    password: ${password}`,
      '  Change it after signing in, or reset it later with `truceline user set-password ' + username + '`.',
      '',
    ].join('\n') + '\n',
  );
}

/** `--log-level`: quiet by default (warnings and errors), so a request is not a line on the terminal. */
function logLevelOption(): Option {
  return new Option(
    '--log-level <level>',
    'what the server logs (default: $TRUCELINE_LOG_LEVEL or warn; info logs every request)',
  ).choices(LOG_LEVELS);
}

async function serve(
  services: AppServices & { close(): Promise<void> },
  port: number,
  host: string,
  logLevel: LogLevel,
  /** Stopped after the server closes (the demo's witnesses). */
  alongside?: () => Promise<void>,
): Promise<void> {
  const app = await buildApp(services, { logger: { level: logLevel } });
  services.ledger.onError((err) => {
    if (err instanceof CosigningError)
      app.log.warn({ err }, 'witness cosigning failed; the log goes on and asks again');
    // Another process holds SQLite's write lock (a CLI import beside the server): expected, and brief.
    else if (storageFaultOf(err)?.kind === 'database-busy')
      app.log.warn('log sequencer waiting: another writer holds the database; retrying');
    else app.log.error({ err }, 'log sequencer failed; retrying');
  });
  await services.ledger.refresh();
  services.ledger.start();
  // PostgreSQL: events reach the streams of every server process on the database (event-relay.ts).
  const relay = eventRelayFor(services.database, services.events, (err, doing) =>
    app.log.warn({ err }, `event relay: ${doing} failed; other server processes may miss events`),
  );
  await relay?.start();
  // The strike check reads the conflict index synchronously on intake: build it before serving.
  await services.deconfliction.conflicts.load();
  // Webhook secrets stored before they were sealed are sealed now (see secret-seal.ts).
  const sealed = await services.webhooks.sealStored();
  if (sealed > 0) app.log.warn({ sealed }, 'sealed webhook secrets that were stored in plain text');
  // One process among those serving the database runs the sweeps and sends the webhooks (election.ts).
  const election = new Election(services.database.db, services.database.dialect);
  election.start();
  const leads = () => election.leading;
  const stopSweeps = startSweeps(
    services.sweeps,
    (name, err) => app.log.error({ err, sweep: name }, 'periodic sweep failed; trying again next round'),
    undefined,
    undefined,
    leads,
  );
  // The strike check's conflict index is this process's own: the leader rebuilds it in its re-check
  // sweep; the others rebuild it as often, to see the notices other processes took.
  const stopIndex = startSweeps(
    [{ name: 'conflict index', run: () => services.deconfliction.conflicts.load() }],
    (name, err) => app.log.error({ err, sweep: name }, 'rebuilding the conflict index failed'),
    undefined,
    CONFLICT_INDEX_REBUILD_MS,
    () => !election.leading,
  );
  // Webhook deliveries that are due (first attempts and retries) go out every 5 s.
  const stopWebhooks = startSweeps(
    [{ name: 'webhooks', run: () => services.webhooks.sweep() }],
    (name, err) => app.log.error({ err, sweep: name }, 'webhook sweep failed'),
    undefined,
    5_000,
    leads,
  );
  // Live submissions answer before their correlation runs: what a stopped process left uncorrelated
  // is caught up at start by every process, and periodically by the leader (another process may
  // have stopped meanwhile).
  const onCatchUpError = (name: string, err: unknown) =>
    app.log.error({ err, sweep: name }, 'correlating pending reports failed; trying again next round');
  const caughtUp = services.verification
    .catchUpCorrelation()
    .then(() => undefined)
    .catch((err: unknown) => onCatchUpError('correlation catch-up', err));
  const stopCatchUp = startSweeps(
    [{ name: 'correlation catch-up', run: () => services.verification.catchUpCorrelation() }],
    onCatchUpError,
    undefined,
    CORRELATION_CATCH_UP_MS,
    leads,
  );
  // `keys rotate` refuses while the key is held: this process would go on signing with the old one.
  const releaseKey = holdKey(services.config.logKeyFile);
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await stopSweeps();
    await stopWebhooks();
    await stopIndex();
    await stopCatchUp();
    await caughtUp;
    await election.stop();
    await app.close();
    await relay?.stop();
    await services.close();
    await alongside?.();
    releaseKey();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  const address = await app.listen({ port, host });
  const shown = address.replace('127.0.0.1', 'localhost');
  process.stdout.write(
    `\n  Truceline is running on ${services.database.description}\n` +
      `    open      ${shown}/\n    API docs  ${shown}/docs\n    health    ${shown}/healthz\n\n`,
  );
}

/** How often a process that does not lead the sweeps rebuilds its conflict index (the leader's re-check does every 10 minutes). */
const CONFLICT_INDEX_REBUILD_MS = 10 * 60_000;

/**
 * How often the leader correlates reports left uncorrelated (one query over the reports not in an
 * incident; live correlation leaves none behind unless a process stops or a correlation fails).
 */
const CORRELATION_CATCH_UP_MS = 5 * 60_000;

/** Generated reports on a first start, so the map and the lists have something to show. */
const DEMO_REPORTS = 2000;

/** The illustrative agreement shipped in examples/, loaded (as CLEAR: it is public and illustrative) for the demo. */
export const DEMO_AGREEMENT = fileURLToPath(
  new URL('../../../examples/illustrative-framework.yaml', import.meta.url),
);

/** The demo agreement's id (its `id:` line), for the log origin of a new demo data dir. */
function demoAgreementId(): string | undefined {
  return /^id:\s*(\S+)\s*$/m.exec(fs.readFileSync(DEMO_AGREEMENT, 'utf8'))?.[1];
}

/**
 * Loads the demo agreement, its witnesses with keys of their own under `<dataDir>/witnesses/` (which
 * `start` runs), and fills `reports` generated reports; returns a line saying what.
 */
export async function seedDemo(services: AppServices, reports: number): Promise<string> {
  const text = await withLocalWitnessKeys(
    fs.readFileSync(DEMO_AGREEMENT, 'utf8'),
    demoWitnessRoot(services.config.dataDir),
  );
  const { version } = await services.agreements.load(CONSOLE_ACTOR, {
    text,
    fileName: 'examples/illustrative-framework.yaml',
    marking: 'CLEAR',
  });
  const filled =
    reports > 0
      ? (await fillDemoReports(services.monitoring.reports, CONSOLE_ACTOR, reports, { end: Date.now() }))
          .accepted
      : 0;
  return `the agreement ${version.id} "${version.title}" and ${filled} generated reports`;
}

/** `init`, `serve`, `start` and `db migrate`. */
export function registerServerCommands(program: Command): void {
  program
    .command('init')
    .description('create the database, the commission and the first admin (prints a one-time password)')
    .option('--admin <username>', 'username of the first admin', 'admin')
    .option('--no-demo', 'create only the commission, not the demo organisations, agreement and reports')
    .option('--demo-reports <n>', 'generated reports to add with the demo', String(DEMO_REPORTS))
    .action(async (opts: { admin: string; demo: boolean; demoReports: string }) => {
      const reports = Number(opts.demoReports);
      if (!Number.isSafeInteger(reports) || reports < 0)
        throw new CliError(`--demo-reports ${opts.demoReports}: must be a whole number, 0 or more`);
      const services = await openRuntime({}, opts.demo ? { agreementId: demoAgreementId() } : {});
      try {
        const result = await initialise(services, CONSOLE_ACTOR, {
          adminUsername: opts.admin,
          demo: opts.demo,
        });
        const demo = opts.demo ? await seedDemo(services, reports) : undefined;
        process.stdout.write(
          `Initialised ${services.database.description}: ${result.organisations.length} organisations${demo ? `, ${demo}` : ''}.\n`,
        );
        printCredential(result.admin.username, result.admin.password);
      } finally {
        await services.close();
      }
    });

  program
    .command('serve')
    .description('run the HTTP server (API, docs, log)')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 8080)')
    .option('--host <host>', 'address to listen on (default: $HOST or 127.0.0.1)')
    .addOption(logLevelOption())
    .action(async (opts: { port?: string; host?: string; logLevel?: LogLevel }) => {
      const services = await openRuntime({}, { serving: true });
      await serve(
        services,
        opts.port !== undefined ? Number(opts.port) : services.config.port,
        opts.host ?? services.config.host,
        opts.logLevel ?? services.config.logLevel,
      );
    });

  program
    .command('start')
    .description(
      'first run and every run after: initialise with the demo data if the database is empty, then serve',
    )
    .addOption(logLevelOption())
    .option('--no-witnesses', "do not run the demo's witnesses (the log stops asking them to cosign)")
    .action(async (opts: { logLevel?: LogLevel; witnesses: boolean }) => {
      const services = await openRuntime({}, { agreementId: demoAgreementId(), serving: true });
      if (!(await isInitialised(services.organisations))) {
        try {
          const result = await initialise(services, CONSOLE_ACTOR, { adminUsername: 'admin', demo: true });
          const demo = await seedDemo(services, DEMO_REPORTS);
          process.stdout.write(
            `First run: created ${services.database.description} with the demo organisations, ${demo}.\n`,
          );
          printCredential(result.admin.username, result.admin.password);
        } catch (err) {
          if (!(err instanceof AlreadyInitialisedError)) throw err;
        }
      } else {
        process.stdout.write(
          `Using the existing data in ${services.database.description}; sign in with your admin account.\n`,
        );
      }
      const witnesses = await runDemoWitnesses(services, opts.witnesses);
      if (witnesses.message !== '') process.stdout.write(`${witnesses.message}\n`);
      await serve(
        services,
        services.config.port,
        services.config.host,
        opts.logLevel ?? services.config.logLevel,
        witnesses.close,
      );
    });

  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('apply pending migrations')
    .action(async () => {
      const database = await openDatabase(loadConfig().databaseUrl);
      try {
        const applied = await migrateToLatest(database.db);
        process.stdout.write(
          applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n',
        );
      } finally {
        await database.close();
      }
    });
}
