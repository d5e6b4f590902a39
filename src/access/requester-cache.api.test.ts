import { afterEach, beforeEach, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { readAccessGeneration } from './access-generation.repository.js';
import { TOKEN_PRINCIPAL_TTL_MS } from './session.service.js';

/**
 * A token's principal is kept between requests (issue #19), but a revoked token or a changed
 * membership stops working at the next request, whoever changed it: the changes here are made with
 * plain SQL on the database, as another process or the CLI would, which this process's caches never hear of.
 */
describeEachDialect('cached token principals', (dialect) => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    token = await t.tokenFor('JMVC', ['monitor'], 'cached-monitor');
  });
  afterEach(async () => t.close());

  const me = async () => {
    const res = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, body: res.json() };
  };
  const db = () => t.services.database.db;

  it('refuses a token revoked by another process at the next request', async () => {
    expect((await me()).status).toBe(200);
    await db().updateTable('api_tokens').set({ revoked_at: t.clock.now().toISOString() }).execute();
    const after = await me();
    expect(after.status).toBe(401);
    expect(after.body.detail).toMatch(/revoked/);
  });

  it('refuses a token revoked through the service at the next request', async () => {
    expect((await me()).status).toBe(200);
    const [row] = await db().selectFrom('api_tokens').select('id').execute();
    await t.services.tokens.revoke(CONSOLE_ACTOR, row?.id ?? '');
    expect((await me()).status).toBe(401);
  });

  it('answers with the new organisation, or refuses a disabled account, at the next request', async () => {
    expect((await me()).body.organisation.id).toBe('JMVC');
    await db()
      .updateTable('users')
      .set({ organisation_id: 'UA' })
      .where('username', '=', 'cached-monitor')
      .execute();
    expect((await me()).body.organisation.id).toBe('UA');
    await db().updateTable('users').set({ disabled: 1 }).where('username', '=', 'cached-monitor').execute();
    expect((await me()).status).toBe(401);
  });

  it('serves the principal from its cache while the access generation stands, for a bounded time', async () => {
    expect((await me()).body.organisation.id).toBe('JMVC');
    // A change that did not move the generation (put back by hand): only the cache can answer JMVC.
    const generation = await readAccessGeneration(db());
    await db()
      .updateTable('users')
      .set({ organisation_id: 'UA' })
      .where('username', '=', 'cached-monitor')
      .execute();
    await db().updateTable('access_generation').set({ value: generation }).where('id', '=', 1).execute();
    expect((await me()).body.organisation.id).toBe('JMVC');
    t.clock.advance(TOKEN_PRINCIPAL_TTL_MS);
    expect((await me()).body.organisation.id).toBe('UA');
  });

  it('does not retire cached principals when reports come in', async () => {
    const monitoring = await startTestApp(dialect, { monitoring: {} });
    try {
      const monitor = await monitoring.tokenFor('JMVC', ['monitor']);
      const before = await readAccessGeneration(monitoring.services.database.db);
      const res = await monitoring.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${monitor}` },
        payload: sampleInput(),
      });
      expect(res.statusCode, res.body).toBe(201);
      await monitoring.services.monitoring.reports.settled();
      expect(await readAccessGeneration(monitoring.services.database.db)).toBe(before);
    } finally {
      await monitoring.close();
    }
  });

  it('does not retire cached principals when only a token’s last use is written', async () => {
    const before = await readAccessGeneration(db());
    await db().updateTable('api_tokens').set({ last_used_at: t.clock.now().toISOString() }).execute();
    expect(await readAccessGeneration(db())).toBe(before);
  });
});
