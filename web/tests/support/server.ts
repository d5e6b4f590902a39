/**
 * A real Truceline server on 127.0.0.1 (fresh SQLite database with the demo organisations) for the
 * browser tests, with users for each role and the illustrative agreement when a test wants it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../../src/access/policy.js';
import { CONSOLE_ACTOR } from '../../../src/cli/runtime.js';
import { startTestApp, TEST_PASSWORD, type TestApp, type TestAppOptions } from '../../../test/support/app.js';
import { ensureWebBuilt } from './build.js';

export { TEST_PASSWORD };

export interface Dashboard {
  t: TestApp;
  baseURL: string;
  /** Creates a user (password TEST_PASSWORD) and returns its username. */
  createUser(organisationId: string, roles: Role[], username?: string): Promise<string>;
  /** Loads examples/illustrative-framework.yaml through the API, as the commission's admin would. */
  loadIllustrativeAgreement(marking?: 'CLEAR' | 'GREEN'): Promise<void>;
  close(): Promise<void>;
}

const EXAMPLE = fileURLToPath(new URL('../../../examples/illustrative-framework.yaml', import.meta.url));

/** Builds the dashboard if needed and starts a server for it; `options.config` overrides settings. */
export async function startDashboard(options: TestAppOptions = {}): Promise<Dashboard> {
  await ensureWebBuilt();
  const t = await startTestApp('sqlite', options);
  t.clock.useRealTime();
  if (!t.app.hasRoute({ method: 'GET', url: '/*' })) {
    await t.close();
    throw new Error(
      'the server does not serve the dashboard: register registerWebRoutes(app) in src/server/app.ts',
    );
  }
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  let n = 0;
  return {
    t,
    baseURL: address,
    createUser: async (organisationId, roles, username) => {
      n += 1;
      const name = username ?? `${roles.join('-')}-${organisationId.toLowerCase()}-${n}`;
      await t.services.users.create(CONSOLE_ACTOR, {
        organisationId,
        username: name,
        displayName: `${roles.join(' & ')} ${n}`,
        roles,
        password: TEST_PASSWORD,
      });
      return name;
    },
    loadIllustrativeAgreement: async (marking = 'CLEAR') => {
      const token = await t.tokenFor('JMVC', ['admin']);
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/agreement?fileName=illustrative-framework.yaml&marking=${marking}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
        payload: readFileSync(EXAMPLE, 'utf8'),
      });
      if (res.statusCode >= 300)
        throw new Error(`loading the agreement failed: ${res.statusCode} ${res.body}`);
    },
    close: () => t.close(),
  };
}
