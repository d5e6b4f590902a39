import crypto from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { openCheckpoint } from '../ledger/checkpoint.js';
import { ed25519Verifier } from '../ledger/note.js';
import { entriesPath, tileLayout, tilePath } from '../ledger/tiles.js';

const LIMIT = 5;

describeEachDialect('rate limits', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { config: { rateLimitPerMinute: LIMIT } });
  });
  afterEach(() => t.close());

  it('keys the limit by address when the cookie is random (security A6: rate limit bypassed with a random cookie)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      const res = await t.app.inject({
        url: '/api/v1/reports',
        remoteAddress: '10.6.6.6',
        cookies: { tl_session: crypto.randomBytes(32).toString('base64url') },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, LIMIT).every((s) => s !== 429)).toBe(true);
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
  });

  it('counts requests with random bearer tokens against the address (security A6: rate limit bypassed with a random token)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) {
      const res = await t.app.inject({
        url: '/api/v1/me',
        remoteAddress: '10.6.6.7',
        headers: { authorization: `Bearer tl_${crypto.randomBytes(24).toString('base64url')}` },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, LIMIT)).toEqual(Array<number>(LIMIT).fill(401));
    expect(statuses[LIMIT]).toBe(429);
    // Another address, and a signed-in user, each have their own allowance.
    expect((await t.app.inject({ url: '/api/v1/me', remoteAddress: '10.6.6.8' })).statusCode).not.toBe(429);
  });

  it('keys a signed-in user by the user, whichever address they come from', async () => {
    const token = await t.tokenFor('JMVC', ['monitor']);
    const from = (ip: string) =>
      t.app.inject({ url: '/api/v1/me', remoteAddress: ip, headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < LIMIT; i++) expect((await from(`10.7.0.${i}`)).statusCode).toBe(200);
    expect((await from('10.7.1.1')).statusCode).toBe(429);
  });

  it('lets a mirror fetch more of the log than the limit, cacheable and readable from any origin (security A6: the public log is rate-limited so a mirror hits 429)', async () => {
    const actor = {
      principal: await t.services.sessions.principalFromToken(await t.tokenFor('JMVC', ['admin'])),
      requestId: null,
      clientIp: null,
    };
    for (let i = 0; i < 260; i++)
      await t.services.organisations.create(actor, { name: `Org ${i}`, kind: 'humanitarian' });
    while ((await t.services.ledger.integrateOnce()) > 0);
    const get = (url: string) => t.app.inject({ url, remoteAddress: '10.8.8.8' });

    const vkey = (await get('/log/vkey')).body.trim();
    const cp = await get('/log/checkpoint');
    expect(cp.statusCode).toBe(200);
    expect(cp.headers['cache-control']).toBe('public, max-age=10');
    expect(cp.headers['access-control-allow-origin']).toBe('*');
    const { checkpoint } = openCheckpoint(cp.body, [ed25519Verifier(vkey)], { origin: 'truceline.test/log' });

    const fetched: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const { level, fullTiles, partialWidth } of tileLayout(checkpoint.size)) {
        const widths = [...Array<number>(fullTiles).fill(256), ...(partialWidth > 0 ? [partialWidth] : [])];
        for (const [index, width] of widths.entries()) {
          for (const path of [
            tilePath(level, index, width),
            ...(level === 0 ? [entriesPath(index, width)] : []),
          ]) {
            const res = await get(`/log/${path}`);
            expect(res.statusCode, path).toBe(200);
            expect(res.headers['access-control-allow-origin'], path).toBe('*');
            expect(res.headers['cache-control'], path).toBe(
              width === 256 ? 'public, max-age=31536000, immutable' : 'public, max-age=10',
            );
            fetched.push(path);
          }
        }
      }
    }
    expect(fetched.length).toBeGreaterThan(LIMIT * 2);
    expect(fetched).toContain('tile/entries/000');
    // A tile that does not exist yet is readable from any origin too: the mirror learns why.
    const missing = await get('/log/tile/0/999');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe('*');
    // The API itself is still limited for the same address.
    const api: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) api.push((await get('/api/v1/agreement')).statusCode);
    expect(api.at(-1)).toBe(429);
  });
});
