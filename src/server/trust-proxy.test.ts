import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ConfigError, loadConfig } from '../config/config.js';

describe('TRUCELINE_TRUST_PROXY', () => {
  it('reads addresses and CIDR ranges, and names a bad one', () => {
    expect(loadConfig({ TRUCELINE_TRUST_PROXY: ' 10.0.0.0/8, 192.0.2.7 ,2001:db8::/32' }).trustProxy).toEqual(
      ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'],
    );
    expect(loadConfig({}).trustProxy).toBeUndefined();
    for (const bad of ['10.0.0.0/33', 'lb.example.org', '10.0.0.1/8/8', '1'])
      expect(() => loadConfig({ TRUCELINE_TRUST_PROXY: bad })).toThrow(
        new ConfigError(
          `TRUCELINE_TRUST_PROXY: "${bad}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`,
        ),
      );
  });
});

describe('behind a load balancer', () => {
  const LIMIT = 2;
  let t: TestApp;
  afterEach(() => t.close());

  const me = (remoteAddress: string, forwardedFor: string) =>
    t.app.inject({ url: '/api/v1/me', remoteAddress, headers: { 'x-forwarded-for': forwardedFor } });

  it('keys the rate limit by the client a trusted proxy names, and ignores the header from anyone else', async () => {
    t = await startTestApp('sqlite', { config: { rateLimitPerMinute: LIMIT, trustProxy: ['10.9.0.0/24'] } });
    const viaProxy = [];
    for (let i = 0; i <= LIMIT; i++) viaProxy.push((await me('10.9.0.1', '198.51.100.1')).statusCode);
    expect(viaProxy).toEqual([200, 200, 429]);
    // Another client behind the same proxy has its own allowance.
    expect((await me('10.9.0.1', '198.51.100.2')).statusCode).toBe(200);
    // Not a trusted proxy: a forged header does not make a new client.
    const forged = [];
    for (let i = 0; i <= LIMIT; i++)
      forged.push((await me('203.0.113.9', `198.51.100.${10 + i}`)).statusCode);
    expect(forged).toEqual([200, 200, 429]);
  });

  it('without it, every client behind the proxy is the proxy', async () => {
    t = await startTestApp('sqlite', { config: { rateLimitPerMinute: LIMIT } });
    const statuses = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push((await me('10.9.0.1', `198.51.100.${i}`)).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
  });
});
