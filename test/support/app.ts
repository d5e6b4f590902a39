import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initialise } from '../../src/access/bootstrap.js';
import type { Role } from '../../src/access/policy.js';
import { CONSOLE_ACTOR } from '../../src/cli/runtime.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import type { Dialect } from '../../src/db/database.js';
import type { App } from '../../src/http/app.js';
import { generateSignerKey, parseSignerKey } from '../../src/ledger/note.js';
import { createVerificationServices } from '../../src/verification/verification.js';
import type { VerificationDeps } from '../../src/verification/verification.context.js';
import { createMonitoringService } from '../../src/monitoring/monitoring.js';
import type { MonitoringSettings, ReportService } from '../../src/monitoring/report.service.js';
import { buildApp } from '../../src/server/app.js';
import type { PlaceNames } from '../../src/monitoring/place-names.js';
import { createServices, wireResponse, type AppServices } from '../../src/server/context.js';
import { freshDatabase } from './databases.js';
import { illustrativeAgreementText } from './fixtures.js';

export const TEST_PASSWORD = 'correct horse battery staple';

/** Monitoring settings for tests: reports outside the agreement's region rejected, a small evidence limit. */
export const TEST_SETTINGS: MonitoringSettings = {
  outsideRegion: 'reject',
  regionMarginKm: 50,
  evidenceMaxBytes: 64 * 1024,
  defaultMarking: 'AMBER',
  chunkSize: 500,
};

/** A test clock that tests can move forward: fixed by default, or the real time plus what was advanced. */
export class TestClock {
  #real = false;
  #offsetMs = 0;
  constructor(public current = new Date('2026-11-26T08:00:00Z')) {}
  now = (): Date => (this.#real ? new Date(Date.now() + this.#offsetMs) : new Date(this.current));
  advance(ms: number): void {
    if (this.#real) this.#offsetMs += ms;
    else this.current = new Date(this.current.getTime() + ms);
  }
  /**
   * Follow the real clock from now on. Browser tests need it: the browser stamps files and forms with
   * the real time, which a fixed server clock would soon call "in the future".
   */
  useRealTime(): void {
    this.#real = true;
  }
}

export interface TestAppOptions {
  /** Settings that differ from the defaults (the data directory is always the test's own). */
  config?: Partial<Config>;
  /**
   * Load the illustrative agreement (in force, GREEN) and build monitoring with `TEST_SETTINGS` plus
   * these overrides: what report, evidence and import tests need.
   */
  monitoring?: Partial<MonitoringSettings>;
  /** Place names in other languages (as the server loads them from TRUCELINE_PLACE_NAMES). */
  placeNames?: PlaceNames;
  /** SQLite in a file of the data directory (WAL) instead of in memory: for a second connection. */
  sqliteFile?: boolean;
}

export interface TestApp {
  app: App;
  services: AppServices;
  clock: TestClock;
  /** The test's own data directory (keys, evidence under `evidence/`); removed by `close()`. */
  dataDir: string;
  close(): Promise<void>;
  /** Creates a user with the test password and returns a bearer token for it. */
  tokenFor(organisationId: string, roles: Role[], username?: string): Promise<string>;
}

/**
 * A fresh database with the demo organisations and an admin, and an app over it (not listening); with
 * `monitoring`, the illustrative agreement loaded and monitoring built with test settings.
 */
export async function startTestApp(dialect: Dialect, options: TestAppOptions = {}): Promise<TestApp> {
  // Evidence files and keys go to a directory of the test's own, never to ./data.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-test-'));
  const database = await freshDatabase(
    dialect,
    options.sqliteFile === true ? { sqliteFile: path.join(dataDir, 'truceline.db') } : {},
  );
  const clock = new TestClock();
  const config: Config = {
    ...loadConfig({}),
    dataDir,
    secretsKeyFile: path.join(dataDir, 'secrets.key'),
    databaseUrl: database.description,
    passwordCostN: 1 << 10,
    rateLimitPerMinute: 100_000,
    ...options.config,
  };
  const signer = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
  const services = createServices(config, database, signer, clock.now, options.placeNames);
  await initialise(services, CONSOLE_ACTOR, {
    adminUsername: 'admin',
    demo: true,
    adminPassword: TEST_PASSWORD,
  });
  if (options.monitoring) {
    // As the server's wiring does: committed reports and incidents reach the stream and webhooks.
    const publish = async (event: Parameters<AppServices['events']['publish']>[0]) => {
      services.events.publish(event);
      await services.webhooks.drain();
    };
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
      dataDir,
      now: clock.now,
      settings: { ...TEST_SETTINGS, ...options.monitoring },
      deconfliction: services.deconfliction.conflicts,
      publish,
    });
    services.verification = createVerificationServices({
      db: database.db,
      ledger: services.ledger,
      audit: services.audit,
      agreements: services.agreements,
      organisations: services.organisations,
      now: clock.now,
      reports: services.monitoring.reports,
      publish,
    });
    wireResponse(services.verification, services.response);
  }
  const app = await buildApp(services);
  await app.ready();
  services.ledger.start();
  let counter = 0;
  return {
    app,
    services,
    clock,
    dataDir,
    close: async () => {
      await services.ledger.stop();
      await app.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
    tokenFor: async (organisationId, roles, username) => {
      counter += 1;
      const name = username ?? `${roles.join('-')}-${organisationId.toLowerCase()}-${counter}`;
      const user = await services.users.create(CONSOLE_ACTOR, {
        organisationId,
        username: name,
        roles,
        password: TEST_PASSWORD,
      });
      const { secret } = await services.tokens.create(CONSOLE_ACTOR, { userId: user.id, name: 'test' });
      return secret;
    },
  };
}

/** A valid report input near Horlivka, observed at the given time (default a day before the test clock). */
export function sampleInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reporter: { name: 'Patrol 3', kind: 'patrol' },
    source: { name: 'JMVC patrol team 3', reliability: 'B', independenceGroup: 'jmvc-team-3' },
    credibility: 2,
    observed: { from: '2026-11-25T21:40:00+02:00', precision: 'exact', timeZone: 'Europe/Kyiv' },
    location: { lon: 38.08, lat: 48.36, uncertaintyM: 500 },
    smm: 'explosion_impact',
    counts: { events: 3 },
    narrative: 'Three impacts heard and seen north-east of the town.',
    language: 'en',
    ...overrides,
  };
}

/** The test app's services a report or verification service of the test's own is built on. */
function serviceDepsOf(t: TestApp) {
  const s = t.services;
  return {
    db: s.database.db,
    ledger: s.ledger,
    audit: s.audit,
    agreements: s.agreements,
    organisations: s.organisations,
    now: t.clock.now,
  };
}

/** What a verification context of the test app's own needs (a correlator built by the test). */
export function verificationDepsOf(t: TestApp): VerificationDeps {
  return serviceDepsOf(t);
}

/**
 * A report service on the test app's database that nothing correlates (no listener): the test
 * decides when and by which correlator its reports are grouped, as after another process stored them
 * and stopped.
 */
export function uncorrelatedReports(t: TestApp): ReportService {
  return createMonitoringService({ ...serviceDepsOf(t), dataDir: t.dataDir, settings: TEST_SETTINGS })
    .reports;
}

/**
 * Files a report through the API as the token's holder, expects 201, and waits for its correlation
 * (which follows the answer); returns its id.
 */
export async function fileReport(t: TestApp, token: string, input: Record<string, unknown>): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    headers: { authorization: `Bearer ${token}` },
    payload: input,
  });
  // No vitest here (the benchmarks import this file): a throw fails the test as well.
  if (res.statusCode !== 201)
    throw new Error(`filing a report: expected 201, got ${res.statusCode}: ${res.body}`);
  await t.services.monitoring.reports.settled();
  return res.json<{ report: { id: string } }>().report.id;
}
