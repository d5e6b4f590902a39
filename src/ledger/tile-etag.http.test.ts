import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { tilePath } from './tiles.js';

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp('sqlite');
  const changes = [...Array(300).keys()].map((i) => ({
    kind: 'test.entry',
    recordKind: 'test',
    recordId: `r${i}`,
    marking: 'CLEAR' as const,
    record: { i },
  }));
  await t.services.database.db.transaction().execute((tx) => t.services.ledger.recordMany(tx, changes));
  while ((await t.services.ledger.integrateOnce()) > 0);
});
afterEach(async () => t.close());

it('gives a full tile a strong ETag and answers 304 when the client has it', async () => {
  const url = `/log/${tilePath(0, 0, 256)}`;
  const first = await t.app.inject({ url });
  expect(first.statusCode).toBe(200);
  const etag = String(first.headers.etag);
  expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  const again = await t.app.inject({ url, headers: { 'if-none-match': etag } });
  expect(again.statusCode).toBe(304);
  expect(again.rawPayload.length).toBe(0);
  const other = await t.app.inject({ url, headers: { 'if-none-match': '"something-else"' } });
  expect(other.statusCode).toBe(200);
  expect(other.rawPayload.equals(first.rawPayload)).toBe(true);
});

it('gives a partial tile, which grows, no ETag', async () => {
  const res = await t.app.inject({ url: `/log/${tilePath(0, 1, 300 - 256)}` });
  expect(res.statusCode).toBe(200);
  expect(res.headers.etag).toBeUndefined();
});
