import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dialect } from '../db/database.js';
import { initialise } from '../access/bootstrap.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { loadConfig, type Config } from '../config/config.js';
import { buildApp } from '../server/app.js';
import { createServices, type AppServices } from '../server/context.js';
import type { App } from '../server/types.js';
import { freshDatabase } from './databases.js';
import { generateSignerKey, parseSignerKey } from '../ledger/note.js';
import type { Role } from '../access/policy.js';

export const TEST_PASSWORD = 'correct horse battery staple';

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

export interface TestApp {
  app: App;
  services: AppServices;
  clock: TestClock;
  close(): Promise<void>;
  /** Creates a user with the test password and returns a bearer token for it. */
  tokenFor(organisationId: string, roles: Role[], username?: string): Promise<string>;
}

/** A fresh database with the demo organisations and an admin, and an app over it (not listening). */
export async function startTestApp(dialect: Dialect, overrides: Partial<Config> = {}): Promise<TestApp> {
  const database = await freshDatabase(dialect);
  const clock = new TestClock();
  // Evidence files and keys go to a directory of the test's own, never to ./data.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-test-'));
  const config: Config = {
    ...loadConfig({}),
    dataDir,
    databaseUrl: database.description,
    passwordCostN: 1 << 10,
    rateLimitPerMinute: 100_000,
    ...overrides,
  };
  const signer = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
  const services = createServices(config, database, signer, clock.now);
  await initialise(services, CONSOLE_ACTOR, {
    adminUsername: 'admin',
    demo: true,
    adminPassword: TEST_PASSWORD,
  });
  const app = await buildApp(services);
  await app.ready();
  services.ledger.start();
  let counter = 0;
  return {
    app,
    services,
    clock,
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
