import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initialise } from '../access/bootstrap.js';
import type { Role } from '../access/policy.js';
import type { AgreementService } from '../agreement/agreement.service.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { loadConfig, type Config } from '../config/config.js';
import type { Dialect } from '../db/database.js';
import { generateSignerKey, parseSignerKey } from '../ledger/note.js';
import { buildApp } from '../server/app.js';
import { createServices, type AppServices } from '../server/context.js';
import type { App } from '../server/types.js';
import { freshDatabase } from '../test-support/databases.js';
import { TestClock } from '../test-support/app.js';
import { createMonitoringService, type MonitoringServices } from './monitoring.js';
import { illustrativeAgreementText } from './fixtures.js';
import type { MonitoringSettings } from './report.service.js';

export { illustrativeAgreementText };

export const TEST_SETTINGS: MonitoringSettings = {
  outsideRegion: 'reject',
  regionMarginKm: 50,
  evidenceMaxBytes: 64 * 1024,
  defaultMarking: 'AMBER',
  chunkSize: 500,
};

export interface MonitoringTestApp {
  app: App;
  services: AppServices;
  agreements: AgreementService;
  monitoring: MonitoringServices;
  clock: TestClock;
  evidenceDir: string;
  tokenFor(organisationId: string, roles: Role[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * A fresh database with the demo organisations, the illustrative agreement loaded, and an app with
 * the monitoring service built with test settings.
 */
export async function startMonitoringApp(
  dialect: Dialect,
  settings: Partial<MonitoringSettings> = {},
): Promise<MonitoringTestApp> {
  const database = await freshDatabase(dialect);
  const clock = new TestClock();
  const config: Config = {
    ...loadConfig({}),
    databaseUrl: database.description,
    passwordCostN: 1 << 10,
    rateLimitPerMinute: 100_000,
  };
  const signer = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
  const services = createServices(config, database, signer, clock.now);
  await initialise(services, CONSOLE_ACTOR, {
    adminUsername: 'admin',
    demo: true,
    adminPassword: 'correct horse battery staple',
  });
  const agreements = services.agreements;
  await agreements.load(CONSOLE_ACTOR, {
    text: illustrativeAgreementText(),
    fileName: 'illustrative-framework.yaml',
    marking: 'GREEN',
  });
  const evidenceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-evidence-'));
  const monitoring = createMonitoringService({
    db: database.db,
    ledger: services.ledger,
    audit: services.audit,
    agreements,
    organisations: services.organisations,
    dataDir: evidenceDir,
    now: clock.now,
    settings: { ...TEST_SETTINGS, ...settings },
  });
  // The test's own settings (a small evidence limit, an evidence directory of its own).
  services.monitoring = monitoring;
  const app = await buildApp(services);
  await app.ready();
  services.ledger.start();
  let counter = 0;
  return {
    app,
    services,
    agreements,
    monitoring,
    clock,
    evidenceDir,
    tokenFor: async (organisationId, roles) => {
      counter += 1;
      const user = await services.users.create(CONSOLE_ACTOR, {
        organisationId,
        username: `${roles.join('-')}-${organisationId.toLowerCase()}-${counter}`,
        roles,
        password: 'correct horse battery staple',
      });
      return (await services.tokens.create(CONSOLE_ACTOR, { userId: user.id, name: 'test' })).secret;
    },
    close: async () => {
      await services.ledger.stop();
      await app.close();
      await database.drop();
      fs.rmSync(evidenceDir, { recursive: true, force: true });
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
