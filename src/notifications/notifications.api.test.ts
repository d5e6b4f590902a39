import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { callerFor, type Caller } from '../../test/support/verification.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local receiver on 127.0.0.1 answering every POST with `status()`. */
async function receiver(
  status: () => number,
): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status()).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const pledge = (marking: string) => ({
  guaranteeId: 'g-security',
  category: 'intelligence',
  item: 'Satellite imagery feed',
  quantity: 12,
  unit: 'months',
  responseId: 'resp-intelligence',
  pledgedOn: '2026-11-20',
  marking,
});

describeEachDialect('webhooks', (dialect) => {
  let t: TestApp;
  let us: Caller;
  let euc: Caller;
  let ru: Caller;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {}, config: { webhookAllowPrivate: true } });
    us = callerFor(t, await t.tokenFor('US', ['guarantor']));
    euc = callerFor(t, await t.tokenFor('EUC', ['guarantor']));
    ru = callerFor(t, await t.tokenFor('RU', ['liaison']));
  });
  afterEach(() => t.close());

  it('signs each POST with the secret; an AMBER event never reaches an organisation not entitled to it', async () => {
    const hooks = {
      US: await receiver(() => 204),
      EUC: await receiver(() => 200),
      RU: await receiver(() => 200),
    };
    const secrets: Record<string, string> = {};
    for (const [org, caller] of [
      ['US', us],
      ['EUC', euc],
      ['RU', ru],
    ] as const) {
      const made = await caller('POST', '/api/v1/webhooks', { url: hooks[org].url, kinds: ['commitment.*'] });
      expect(made.status, JSON.stringify(made.json)).toBe(201);
      secrets[org] = made.json.secret as string;
      expect(JSON.stringify((await caller('GET', '/api/v1/webhooks')).json)).not.toContain(secrets[org]);
    }
    expect((await us('POST', '/api/v1/commitments', pledge('AMBER'))).status).toBe(201);
    expect((await us('POST', '/api/v1/commitments', pledge('CLEAR'))).status).toBe(201);
    const swept = await t.services.webhooks.sweep();
    expect(swept).toEqual({ attempted: 5, delivered: 5, retrying: 0, failed: 0 });

    const markings = (got: Received[]) => got.map((r) => JSON.parse(r.body).marking as string).sort();
    expect(markings(hooks.US.got)).toEqual(['AMBER', 'CLEAR']);
    expect(markings(hooks.EUC.got)).toEqual(['AMBER', 'CLEAR']);
    expect(markings(hooks.RU.got)).toEqual(['CLEAR']);
    for (const [org, hook] of Object.entries(hooks))
      for (const r of hook.got) {
        const timestamp = r.headers['x-truceline-timestamp'] as string;
        const expected = crypto
          .createHmac('sha256', secrets[org] ?? '')
          .update(`${timestamp}.${r.body}`)
          .digest('hex');
        expect(r.headers['x-truceline-signature']).toBe(`sha256=${expected}`);
        expect(r.headers['x-truceline-event']).toBe('commitment.pledged');
      }
    // A wrong secret does not verify: the check above can fail.
    const r0 = hooks.US.got[0] as Received;
    const wrong = crypto
      .createHmac('sha256', secrets.EUC ?? '')
      .update(`${r0.headers['x-truceline-timestamp'] as string}.${r0.body}`);
    expect(r0.headers['x-truceline-signature']).not.toBe(`sha256=${wrong.digest('hex')}`);

    // Each organisation reads its own delivery log, and no other's.
    const mine = (await us('GET', '/api/v1/webhooks')).json.webhooks[0].id as string;
    const log = await us('GET', `/api/v1/webhooks/${mine}/deliveries`);
    expect(log.json.deliveries).toHaveLength(2);
    expect(log.json.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
    expect((await euc('GET', `/api/v1/webhooks/${mine}/deliveries`)).status).toBe(404);
    expect((await euc('DELETE', `/api/v1/webhooks/${mine}`)).status).toBe(404);
    for (const h of Object.values(hooks)) await h.close();
  });

  it('stores each secret sealed: the database alone does not let anyone sign (security: webhook secrets in plain text)', async () => {
    const hook = await receiver(() => 200);
    const made = await us('POST', '/api/v1/webhooks', { url: hook.url, kinds: ['commitment.*'] });
    const secret = made.json.secret as string;
    const id = made.json.subscription.id as string;
    const row = await t.services.database.db
      .selectFrom('webhook_subscriptions')
      .select('secret')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secret).toMatch(/^sealed:v1:/);
    expect(row.secret).not.toContain(secret);
    expect(row.secret).not.toContain(Buffer.from(secret).toString('base64'));

    // A subscription stored before sealing existed: sealed by the server's start, and still signing.
    const legacy = 'a-secret-from-before-sealing';
    await t.services.database.db
      .updateTable('webhook_subscriptions')
      .set({ secret: legacy })
      .where('id', '=', id)
      .execute();
    expect(await t.services.webhooks.sealStored()).toBe(1);
    expect(await t.services.webhooks.sealStored()).toBe(0);
    const resealed = await t.services.database.db
      .selectFrom('webhook_subscriptions')
      .select('secret')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(resealed.secret).toMatch(/^sealed:v1:/);
    expect((await us('POST', '/api/v1/commitments', pledge('CLEAR'))).status).toBe(201);
    expect(await t.services.webhooks.sweep()).toMatchObject({ delivered: 1 });
    const r = hook.got[0] as Received;
    const signed = crypto
      .createHmac('sha256', legacy)
      .update(`${r.headers['x-truceline-timestamp'] as string}.${r.body}`)
      .digest('hex');
    expect(r.headers['x-truceline-signature']).toBe(`sha256=${signed}`);

    // A sealed secret copied into another subscription does not open there: that delivery fails, named.
    const other = await euc('POST', '/api/v1/webhooks', { url: hook.url, kinds: ['commitment.*'] });
    const otherId = other.json.subscription.id as string;
    await t.services.database.db
      .updateTable('webhook_subscriptions')
      .set({ secret: resealed.secret })
      .where('id', '=', otherId)
      .execute();
    expect((await us('POST', '/api/v1/commitments', pledge('CLEAR'))).status).toBe(201);
    await t.services.webhooks.sweep();
    const [attempt] = (await euc('GET', `/api/v1/webhooks/${otherId}/deliveries`)).json.deliveries[0]
      .attemptLog as { statusCode: number | null; error: string }[];
    expect(attempt).toMatchObject({ statusCode: null });
    expect(attempt?.error).toMatch(/cannot be opened/);
    expect(hook.got).toHaveLength(2);
    await hook.close();
  });

  it('retries a failing receiver with growing delays, then gives up', async () => {
    let answer = 503;
    const hook = await receiver(() => answer);
    const made = await us('POST', '/api/v1/webhooks', { url: hook.url, kinds: ['commitment.pledged'] });
    await us('POST', '/api/v1/commitments', pledge('AMBER'));
    const id = made.json.subscription.id as string;
    const max = t.services.webhooks.settings.maxAttempts;
    // Sweeps every 15 s for a day: the attempts fall exactly at the backoff delays (30 s, then doubling).
    for (let step = 0; step < 4 * 60 * 24; step += 1) {
      await t.services.webhooks.sweep(t.clock.now());
      t.clock.advance(15_000);
    }
    const [delivery] = (await us('GET', `/api/v1/webhooks/${id}/deliveries`)).json.deliveries;
    expect(delivery).toMatchObject({
      status: 'failed',
      attempts: max,
      lastStatusCode: 503,
      nextAttemptAt: null,
    });
    const log = delivery.attemptLog as { at: string; statusCode: number }[];
    expect(log.map((a) => a.statusCode)).toEqual(Array(max).fill(503));
    // Growing delays: 30 s after the first failure, doubling each time.
    const gaps = log.slice(1).map((a, i) => (Date.parse(a.at) - Date.parse(log[i]?.at ?? '')) / 1000);
    expect(gaps).toEqual(Array.from({ length: max - 1 }, (_, i) => 30 * 2 ** i));
    expect(hook.got).toHaveLength(max);
    // Nothing more is sent once given up, even when the receiver recovers.
    answer = 200;
    t.clock.advance(7 * 24 * 3_600_000);
    expect((await t.services.webhooks.sweep(t.clock.now())).attempted).toBe(0);
    await hook.close();
  });
});

describeEachDialect('webhook subscriptions refused', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(() => t.close());

  it('refuses non-http(s) URLs and private or loopback targets (unless allowed), writing nothing', async () => {
    const us = callerFor(t, await t.tokenFor('US', ['guarantor']));
    for (const url of [
      'ftp://example.org/hook',
      'javascript:alert(1)',
      'not a url',
      'http://user:pw@example.org/hook',
      'http://127.0.0.1:8080/hook',
      'http://localhost/hook',
      'http://10.1.2.3/hook',
      'http://192.168.0.10/hook',
      'http://[::1]/hook',
      'http://169.254.169.254/latest/meta-data',
    ]) {
      const res = await us('POST', '/api/v1/webhooks', { url, kinds: ['*'] });
      expect(res.status, url).toBe(422);
      expect(res.json.errors[0].path, url).toBe('/body/url');
    }
    const badKind = await us('POST', '/api/v1/webhooks', {
      url: 'https://example.org/hook',
      kinds: ['Case opened'],
    });
    expect(badKind.status).toBe(422);
    expect((await us('GET', '/api/v1/webhooks')).json.webhooks).toEqual([]);
    const observer = callerFor(t, await t.tokenFor('US', ['observer']));
    expect(
      (await observer('POST', '/api/v1/webhooks', { url: 'https://example.org/hook', kinds: ['*'] })).status,
    ).toBe(403);
  });
});
