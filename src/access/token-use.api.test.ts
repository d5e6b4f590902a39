import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { TOKEN_USE_WRITE_INTERVAL_MS } from './session.service.js';

/** A token's last use is written at most once a minute, not on every request (issue #19). */
describeEachDialect('API token last use', (dialect) => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    token = await t.tokenFor('JMVC', ['monitor']);
  });
  afterEach(async () => t.close());

  const use = async () => {
    const res = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode, res.body).toBe(200);
  };
  const lastUsed = async () => {
    const rows = await t.services.database.db.selectFrom('api_tokens').select('last_used_at').execute();
    return rows.map((r) => r.last_used_at).filter((at) => at !== null);
  };

  it('records the first use, then at most one write a minute however often the token is used', async () => {
    expect(await lastUsed()).toEqual([]);
    const first = t.clock.now().toISOString();
    await use();
    expect(await lastUsed()).toEqual([first]);
    t.clock.advance(TOKEN_USE_WRITE_INTERVAL_MS / 2);
    await use();
    await use();
    expect(await lastUsed()).toEqual([first]);
    t.clock.advance(TOKEN_USE_WRITE_INTERVAL_MS / 2);
    const later = t.clock.now().toISOString();
    await use();
    expect(await lastUsed()).toEqual([later]);
  });
});
