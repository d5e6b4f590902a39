import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';

interface Operation {
  security?: unknown[];
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface OpenApi {
  security: unknown[];
  components: { schemas: Record<string, { required?: string[] }> };
  paths: Record<string, Record<string, Operation>>;
}

/** Writes that take no body, each for a reason: sign-out and revocation act on the caller or the path. */
// Actions that take no body: the path says all there is to say.
const BODYLESS = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/correlation',
  'POST /api/v1/findings/{id}/close',
  'POST /api/v1/findings/{id}/publish',
  'POST /api/v1/hotline/messages/{id}/ack',
  'POST /api/v1/notices/{id}/reconfirm',
]);

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('is a valid OpenAPI 3.1 document', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json<{ openapi: string }>();
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes every route the server answers, with a response schema', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json<OpenApi>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses ?? {}), `${method} ${path}`).not.toHaveLength(0);
      }
    }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/api/v1/me']));
  });

  it("documents each API route's parameters, request body, success schema and problem responses", async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json<OpenApi>();
    const problemRef = '#/components/schemas/Problem';
    expect(doc.components.schemas.Problem?.required).toEqual(['type', 'title', 'status', 'detail']);
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/api/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method.toUpperCase()} ${path}`;
        operations += 1;
        const responses = op.responses ?? {};
        const success = Object.keys(responses).filter((s) => s.startsWith('2'));
        expect(success, where).not.toHaveLength(0);
        for (const status of success.filter((s) => s !== '204'))
          expect(
            Object.values(responses[status]?.content ?? {})[0]?.schema,
            `${where} ${status}`,
          ).toBeDefined();
        const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect(declared.sort(), where).toEqual(pathParams.sort());
        if (['post', 'put', 'patch'].includes(method) && !BODYLESS.has(where))
          expect(Object.values(op.requestBody?.content ?? {})[0]?.schema, `${where} body`).toBeDefined();
        const expected = ['400', '429', '500', '503'];
        const isPublic = Array.isArray(op.security) && op.security.length === 0;
        if (!isPublic) expected.push('401', '403');
        if (pathParams.length > 0) expected.push('404');
        if (op.requestBody || (op.parameters ?? []).length > 0) expected.push('422');
        if (op.requestBody) expected.push('413', '415');
        for (const status of expected)
          expect(
            responses[status]?.content?.['application/problem+json']?.schema?.$ref,
            `${where} ${status}`,
          ).toBe(problemRef);
        if (isPublic) expect(responses['401'], `${where} is public`).toBeUndefined();
      }
    }
    expect(operations).toBeGreaterThan(40);
    // Public routes say so; protected ones name the credentials they take.
    expect(doc.paths['/api/v1/me']?.get?.security).toEqual([]);
    expect(doc.paths['/api/v1/users']?.get?.security).toBeUndefined();
    expect(doc.security).toEqual([{ bearer: [] }, { session: [] }]);
  });

  it('answers errors with the documented problem body', async () => {
    const token = await t.tokenFor('JMVC', ['admin']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 7 },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({
      type: 'urn:truceline:problem:validation_failed',
      status: 422,
      errors: expect.arrayContaining([{ path: '/body/name', reason: 'must be string' }]),
    });
  });

  it('serves the interactive docs at /docs', async () => {
    const res = await t.app.inject({ url: '/docs/' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('swagger');
  });
});
