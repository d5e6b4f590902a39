import { DEMO_ORGANISATIONS } from './bootstrap.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { CLIENT_FAILURES_ALLOWED, LOGIN_FAILURES_ALLOWED } from './session.service.js';

async function login(t: TestApp, username = 'admin', password = TEST_PASSWORD) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
  });
  const cookie = res.cookies.find((c) => c.name === 'tl_session');
  return { res, cookie: cookie?.value, csrf: res.json<{ csrfToken?: string }>().csrfToken };
}

async function countRows(
  t: TestApp,
  table: 'users' | 'organisations' | 'api_tokens' | 'sessions',
): Promise<number> {
  const row = await t.services.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describeEachDialect('access API', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(() => t.close());

  it('signs in with a password, sets a secure http-only cookie, and answers /me', async () => {
    const { res, cookie } = await login(t);
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const me = await t.app.inject({ url: '/api/v1/me', cookies: { tl_session: cookie ?? '' } });
    expect(me.json()).toMatchObject({
      via: 'session',
      user: { username: 'admin' },
      organisation: { id: 'JMVC' },
    });
  });

  it('rejects a wrong password with 401 and records the attempt', async () => {
    const { res } = await login(t, 'admin', 'not the password');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const events = await t.services.database.db
      .selectFrom('access_events')
      .selectAll()
      .where('action', '=', 'login')
      .where('outcome', '=', 'denied')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('throttles sign-in after repeated failures, even with the right password', async () => {
    for (let i = 0; i < LOGIN_FAILURES_ALLOWED; i++) await login(t, 'admin', 'wrong password!');
    const { res } = await login(t);
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('900');
    t.clock.advance(16 * 60_000);
    expect((await login(t)).res.statusCode).toBe(200);
  });

  it('does not let five wrong passwords from one client lock the owner out (security A7: login lockout)', async () => {
    const from = (ip: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: ip,
        payload: { username: 'admin', password },
      });
    for (let i = 0; i < LOGIN_FAILURES_ALLOWED; i++)
      expect((await from('10.9.9.9', 'wrong password!')).statusCode).toBe(401);
    // The guessing client waits, even with the right password; the owner, elsewhere, signs in.
    expect((await from('10.9.9.9', TEST_PASSWORD)).statusCode).toBe(429);
    expect((await from('127.0.0.1', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('throttles one client guessing across many accounts', async () => {
    for (let i = 0; i < CLIENT_FAILURES_ALLOWED; i++)
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: '10.9.9.8',
        payload: { username: `user-${i}`, password: 'wrong password!' },
      });
    const next = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '10.9.9.8',
      payload: { username: 'admin', password: TEST_PASSWORD },
    });
    expect(next.statusCode).toBe(429);
    expect((await login(t)).res.statusCode).toBe(200);
  });

  it('checks an unknown user against a hash as costly as a real one (security A7: user enumeration by time)', async () => {
    // An unknown user's answer costs one scrypt at the configured cost, like a wrong password does;
    // a cheaper dummy made unknown names answer 4x faster (72 vs 278 ms).
    const stored = await t.services.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'admin')
      .executeTakeFirstOrThrow();
    const cost = (hash: string | null) => hash?.split('$').slice(0, 4).join('$');
    expect(cost(await t.services.sessions.unknownUserHash())).toBe(cost(stored.password_hash));
    expect((await login(t, 'nobody-by-this-name', 'a password!')).res.statusCode).toBe(401);
  });

  it('revokes every session and API token of a user whose password changes (security A7)', async () => {
    const token = await t.tokenFor('RU', ['liaison'], 'liaison-ru');
    const { cookie, csrf } = await login(t, 'liaison-ru');
    const other = await login(t, 'liaison-ru');
    const change = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/password',
      cookies: { tl_session: cookie ?? '' },
      headers: { 'x-csrf-token': csrf ?? '' },
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'a brand new passphrase' },
    });
    expect(change.statusCode).toBe(204);
    const byToken = await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(byToken.statusCode).toBe(401);
    expect(byToken.json()).toMatchObject({ detail: 'the API token was revoked' });
    for (const session of [cookie, other.cookie]) {
      const me = await t.app.inject({ url: '/api/v1/users', cookies: { tl_session: session ?? '' } });
      expect(me.statusCode).toBe(401);
    }
    expect((await login(t, 'liaison-ru', 'a brand new passphrase')).res.statusCode).toBe(200);
  });

  it('requires the CSRF token for writes made with the session cookie', async () => {
    const { cookie, csrf } = await login(t);
    const payload = { name: 'Observer Mission', kind: 'humanitarian' };
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      cookies: { tl_session: cookie ?? '' },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ type: 'urn:truceline:problem:csrf_failed' });
    expect(await countRows(t, 'organisations')).toBe(DEMO_ORGANISATIONS.length);
    const withToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      cookies: { tl_session: cookie ?? '' },
      headers: { 'x-csrf-token': csrf ?? '' },
      payload,
    });
    expect(withToken.statusCode).toBe(201);
  });

  it('ends the session on logout and answers 401 session_expired after', async () => {
    const { cookie, csrf } = await login(t);
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { tl_session: cookie ?? '' },
      headers: { 'x-csrf-token': csrf ?? '' },
    });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ url: '/api/v1/organisations', cookies: { tl_session: cookie ?? '' } });
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ type: 'urn:truceline:problem:session_expired' });
    // The stale cookie does not lock the user out: /me answers anonymous and sign-in works again.
    const me = await t.app.inject({ url: '/api/v1/me', cookies: { tl_session: cookie ?? '' } });
    expect(me.json()).toMatchObject({ via: 'anonymous' });
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      cookies: { tl_session: cookie ?? '' },
      payload: { username: 'admin', password: TEST_PASSWORD },
    });
    expect(again.statusCode).toBe(200);
  });

  it('expires sessions after their lifetime', async () => {
    const { cookie } = await login(t);
    t.clock.advance(13 * 3_600_000);
    const res = await t.app.inject({ url: '/api/v1/organisations', cookies: { tl_session: cookie ?? '' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ type: 'urn:truceline:problem:session_expired' });
  });

  it('shows a token secret once, stores only its hash, and honours expiry and revocation', async () => {
    const admin = await t.tokenFor('JMVC', ['admin']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'ci', expiresInDays: 1 },
    });
    expect(created.statusCode).toBe(201);
    const { secret, token } = created.json<{ secret: string; token: { id: string } }>();
    const stored = await t.services.database.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret);
    const listed = await t.app.inject({
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(listed.body).not.toContain(secret);
    expect(
      (await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${secret}` } })).json(),
    ).toMatchObject({ via: 'token' });

    t.clock.advance(2 * 86_400_000);
    const expired = await t.app.inject({
      url: '/api/v1/organisations',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().detail).toMatch(/expired/);

    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(revoked.statusCode).toBe(200);
  });

  it('rejects revoked, unknown and malformed bearer tokens with 401 token_invalid', async () => {
    const secret = await t.tokenFor('UA', ['liaison']);
    const id =
      (
        await t.services.tokens.list({
          principal: { ...(await t.services.sessions.principalFromToken(secret)) },
          requestId: null,
          clientIp: null,
        })
      )[0]?.id ?? '';
    await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${id}`,
      headers: { authorization: `Bearer ${secret}` },
    });
    for (const header of [`Bearer ${secret}`, 'Bearer tl_nonsense', 'Basic abc', 'Bearer']) {
      const res = await t.app.inject({ url: '/api/v1/organisations', headers: { authorization: header } });
      expect(res.statusCode, header).toBe(401);
      expect(res.json().type, header).toBe('urn:truceline:problem:token_invalid');
    }
  });

  it('limits a token to its scopes and refuses scopes beyond the user’s roles', async () => {
    const admin = await t.tokenFor('JMVC', ['admin']);
    const narrow = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'read-only', scopes: ['organisations:read'] },
    });
    const secret = narrow.json<{ secret: string }>().secret;
    expect(
      (await t.app.inject({ url: '/api/v1/organisations', headers: { authorization: `Bearer ${secret}` } }))
        .statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ url: '/api/v1/users', headers: { authorization: `Bearer ${secret}` } }))
        .statusCode,
    ).toBe(403);

    const liaison = await t.tokenFor('UA', ['liaison']);
    const beyond = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { authorization: `Bearer ${liaison}` },
      payload: { name: 'x', scopes: ['users:manage'] },
    });
    expect(beyond.statusCode).toBe(422);
    expect(beyond.json().errors[0]).toMatchObject({ path: '/scopes' });
  });

  it('answers bad input with problem+json naming the field, and writes nothing', async () => {
    const admin = await t.tokenFor('JMVC', ['admin']);
    const auth = { authorization: `Bearer ${admin}` };
    const before = await countRows(t, 'users');
    const cases = [
      {
        payload: {
          organisationId: 'UA',
          username: 'ua-x',
          roles: ['liaison'],
          password: 'long enough password',
          colour: 'red',
        },
        status: 422,
        path: '/body/colour',
        reason: /unknown field/,
      },
      {
        payload: {
          organisationId: 'UA',
          username: 'ua-x',
          roles: 'liaison',
          password: 'long enough password',
        },
        status: 422,
        path: '/body/roles',
        reason: /array/,
      },
      {
        payload: {
          organisationId: 'UA',
          username: 'ua-x',
          roles: ['general'],
          password: 'long enough password',
        },
        status: 422,
        path: '/body/roles/0',
        reason: /one of/,
      },
      {
        payload: { organisationId: 'UA', username: 'ua-x', roles: ['liaison'], password: 'short' },
        status: 422,
        path: '/password',
        reason: /at least 12/,
      },
      {
        payload: {
          organisationId: 'UA',
          username: 'ua-x',
          roles: ['admin'],
          password: 'long enough password',
        },
        status: 422,
        path: '/roles',
        reason: /cannot be held in a party/,
      },
      {
        payload: {
          organisationId: 'NOPE',
          username: 'ua-x',
          roles: ['liaison'],
          password: 'long enough password',
        },
        status: 422,
        path: '/organisationId',
        reason: /no organisation/,
      },
      {
        payload: {
          organisationId: 'UA',
          username: 'Bad Name',
          roles: ['liaison'],
          password: 'long enough password',
        },
        status: 422,
        path: '/username',
        reason: /lower-case/,
      },
    ];
    for (const c of cases) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: auth,
        payload: c.payload,
      });
      expect(res.statusCode, JSON.stringify(c.payload)).toBe(c.status);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const problem = res.json<{ errors: { path: string; reason: string }[]; requestId: string }>();
      expect(problem.requestId).toBe(res.headers['x-request-id']);
      expect(
        problem.errors.some((e) => e.path === c.path && c.reason.test(e.reason)),
        JSON.stringify(problem),
      ).toBe(true);
    }
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().type).toBe('urn:truceline:problem:malformed_json');
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().type).toBe('urn:truceline:problem:payload_too_large');
    expect(await countRows(t, 'users')).toBe(before);
  });

  it('records every denied access and every admin action', async () => {
    const admin = await t.tokenFor('JMVC', ['admin']);
    const liaison = await t.tokenFor('RU', ['liaison']);
    await t.app.inject({ url: '/api/v1/users', headers: { authorization: `Bearer ${liaison}` } });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: `Bearer ${admin}` },
      payload: { name: 'Monitoring NGO', kind: 'humanitarian' },
    });
    const events = await t.app.inject({
      url: '/api/v1/access-events?limit=50',
      headers: { authorization: `Bearer ${admin}` },
    });
    const list = events.json<{ action: string; outcome: string; resource: string }[]>();
    expect(list.some((e) => e.outcome === 'denied' && e.resource === '/api/v1/users')).toBe(true);
    expect(list.some((e) => e.outcome === 'allowed' && e.action === 'organisation.create')).toBe(true);
  });

  it('keeps the last admin: refuses to disable or demote it, allows it once another admin exists', async () => {
    const { cookie, csrf } = await login(t);
    const adminUser = (await t.services.users.list()).find((u) => u.username === 'admin');
    const session = { cookies: { tl_session: cookie ?? '' }, headers: { 'x-csrf-token': csrf ?? '' } };
    const url = `/api/v1/users/${adminUser?.id ?? ''}`;
    for (const payload of [{ disabled: true }, { roles: ['observer'] }]) {
      const res = await t.app.inject({ method: 'PATCH', url, ...session, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(409);
      expect(res.json().detail).toMatch(/last active admin/);
    }
    await t.tokenFor('JMVC', ['admin']);
    const demoted = await t.app.inject({
      method: 'PATCH',
      url,
      ...session,
      payload: { roles: ['observer'] },
    });
    expect(demoted.statusCode).toBe(200);
  });

  it('lets a user read itself but not another user, nor touch another user’s tokens', async () => {
    const mine = await t.tokenFor('UA', ['liaison']);
    const theirs = await t.tokenFor('RU', ['liaison']);
    const me = (await t.services.sessions.principalFromToken(mine)).userId ?? '';
    const other = (await t.services.sessions.principalFromToken(theirs)).userId ?? '';
    const auth = { authorization: `Bearer ${mine}` };
    expect((await t.app.inject({ url: `/api/v1/users/${me}`, headers: auth })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/users/${other}`, headers: auth })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/v1/tokens?userId=${other}`, headers: auth })).statusCode).toBe(
      403,
    );
    const theirTokens = await t.services.tokens.list(CONSOLE_ACTOR, other);
    const revoke = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${theirTokens[0]?.id ?? ''}`,
      headers: auth,
    });
    expect(revoke.statusCode).toBe(403);
    expect((await t.services.tokens.list(CONSOLE_ACTOR, other))[0]?.revokedAt).toBeNull();
  });

  /** Posts as an admin and expects a 422 problem naming `path`, with nothing written to `table`. */
  async function expectRefused(
    url: string,
    payload: object,
    table: 'users' | 'organisations' | 'api_tokens',
    path: string,
    reason: RegExp,
  ): Promise<void> {
    const admin = await t.tokenFor('JMVC', ['admin']);
    const before = await countRows(t, table);
    const res = await t.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      // Serialised by hand: the body must carry the lone surrogate as a JSON escape.
      payload: JSON.stringify(payload),
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const errors = res.json<{ errors: { path: string; reason: string }[] }>().errors;
    expect(
      errors.some((e) => e.path === path && reason.test(e.reason)),
      JSON.stringify(errors),
    ).toBe(true);
    expect(await countRows(t, table)).toBe(before);
  }

  it('refuses a lone surrogate in an organisation name (security A8: 5xx on bad input)', async () => {
    await expectRefused(
      '/api/v1/organisations',
      { id: 'NEW', name: 'Broken \uD800 name', kind: 'humanitarian' },
      'organisations',
      '/body/name',
      /well-formed/,
    );
  });

  it('refuses a lone surrogate in a user name (security A8: 5xx on bad input)', async () => {
    const user = {
      organisationId: 'UA',
      username: 'ua-\uDC00',
      roles: ['liaison'],
      password: 'long enough password',
    };
    await expectRefused('/api/v1/users', user, 'users', '/body/username', /well-formed/);
    await expectRefused(
      '/api/v1/users',
      { ...user, username: 'ua-fine', displayName: 'A \uD83D name' },
      'users',
      '/body/displayName',
      /well-formed/,
    );
  });

  it('refuses a lone surrogate in a token name (security A8: 5xx on bad input)', async () => {
    await expectRefused('/api/v1/tokens', { name: 'ci \uDFFF' }, 'api_tokens', '/body/name', /well-formed/);
  });

  it('refuses NUL characters in names and property names (security A8: 5xx on bad input)', async () => {
    await expectRefused(
      '/api/v1/organisations',
      { name: 'Null\u0000Org', kind: 'humanitarian' },
      'organisations',
      '/body/name',
      /NUL/,
    );
    await expectRefused(
      '/api/v1/tokens',
      { name: 'ci', 'x\u0000': 1 },
      'api_tokens',
      '/body/x\u0000',
      /property name must not contain NUL/,
    );
  });

  it('serves health, readiness, request ids and security headers', async () => {
    const health = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    expect(health.json()).toEqual({ status: 'ok' });
    expect(health.headers['x-request-id']).toBe('trace-123');
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    expect(health.headers['content-security-policy']).toContain("default-src 'self'");
    expect((await t.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', database: dialect });
    const missing = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().type).toBe('urn:truceline:problem:not_found');
  });
});
