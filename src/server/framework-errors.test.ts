import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';

/** Sends raw bytes to a listening server and resolves with everything it answers before closing. */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.end(request);
  });
}

/** Status line, headers and parsed body of a raw HTTP response. */
function parseResponse(raw: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return {
    status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
    headers: head.toLowerCase(),
    body: JSON.parse(body) as Record<string, unknown>,
  };
}

describeEachDialect('errors before routing', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(() => t.close());

  it('answers a malformed URL escape with a 400 problem (security A8: 5xx on bad input)', async () => {
    const res = await t.app.inject({ url: '/api/v1/reports/%E0%A4%A' });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:truceline:problem:bad_request', status: 400 });
  });

  it('answers an over-long path parameter with a 414 problem (security A8: 5xx on bad input)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${'a'.repeat(500)}/evidence`,
      payload: {},
    });
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:truceline:problem:uri_too_long', status: 414 });
  });

  it('answers headers too large with a 431 problem on a real socket (security A8: 5xx on bad input)', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const big = `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`;
    const res = parseResponse(await rawRequest(port, big));
    expect(res.status).toBe(431);
    expect(res.headers).toMatch(/content-type: application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:truceline:problem:headers_too_large', status: 431 });
    const longUrl = `GET /api/v1/reports?x=${'a'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`;
    expect(parseResponse(await rawRequest(port, longUrl)).status).toBe(431);
  });

  it('answers broken HTTP with a 400 problem on a real socket (security A8: 5xx on bad input)', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const res = parseResponse(await rawRequest(port, 'NOT HTTP AT ALL\r\n\r\n'));
    expect(res.status).toBe(400);
    expect(res.headers).toMatch(/content-type: application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:truceline:problem:bad_request', status: 400 });
  });
});
