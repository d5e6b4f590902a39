import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

describe('monitoring routes in the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { monitoring: {} });
  });
  afterAll(() => t.close());

  it('keeps the document valid OpenAPI 3.1 and lists every route with a response', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json<{
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    }>();
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    for (const path of [
      '/api/v1/reports',
      '/api/v1/reports/{id}',
      '/api/v1/reports/{id}/evidence/{sha256}',
      '/api/v1/evidence/{id}/custody',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
      for (const [method, op] of Object.entries(doc.paths[path] ?? {}))
        expect(Object.keys(op.responses ?? {}), `${method} ${path}`).not.toHaveLength(0);
    }
  });
});
