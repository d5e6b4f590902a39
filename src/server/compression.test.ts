import zlib from 'node:zlib';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp('sqlite');
});
afterEach(async () => t.close());

const docs = (encoding?: string) =>
  t.app.inject({ url: '/docs/json', headers: encoding !== undefined ? { 'accept-encoding': encoding } : {} });

it('compresses API JSON with brotli or gzip as the client accepts, to the same document', async () => {
  const plain = await docs();
  expect(plain.statusCode).toBe(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
  const br = await docs('br, gzip');
  expect(br.headers['content-encoding']).toBe('br');
  expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(plain.body);
  expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 4);
  const gzip = await docs('gzip');
  expect(gzip.headers['content-encoding']).toBe('gzip');
  expect(zlib.gunzipSync(gzip.rawPayload).toString()).toBe(plain.body);
});

it('sends small answers as they are', async () => {
  const res = await t.app.inject({ url: '/healthz', headers: { 'accept-encoding': 'br, gzip' } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-encoding']).toBeUndefined();
});
