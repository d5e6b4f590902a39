/**
 * Hostile-input suite (issue 14, B3), over HTTP: every route of the OpenAPI document × inputs made by
 * fast-check — arbitrary JSON of the wrong types, bodies shaped like the route's schema with hostile
 * values, nesting 100+ deep, very long strings, Unicode edge cases (lone surrogates, NUL, RTL
 * override, zero-width, emoji), malformed JSON text, wrong content types, garbage path parameters and
 * query strings (huge numbers, NaN-like text, traversal) — sent as an administrator, an analyst, a
 * monitor and anonymously. Each answer must be below 500; every error must be problem+json with
 * `type`, `title`, `status` and `detail` (a 422 naming each field in `errors[].path`); and a refused
 * request must write nothing: the row count of every table and the log size are compared before and
 * after it (a refused credential or permission, 401/403/429, is recorded as one `access_events`
 * row on purpose, and only there).
 *
 * Quick by default (CI); `TRUCELINE_SUITE=full` sends ten times as many. `TRUCELINE_SUITE_SEED`
 * picks another sequence. Routes are read from the OpenAPI document, so a new route is covered
 * without editing this file.
 */
import crypto from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../support/app.js';
import { tableCounts } from '../support/counts.js';
import { describeEachDialect } from '../support/databases.js';
import { explosionReport } from '../support/verification.js';

const FULL = process.env.TRUCELINE_SUITE === 'full';
const PER_ROUTE = FULL ? 60 : 8;
const SEED = Number(process.env.TRUCELINE_SUITE_SEED ?? 20261204);

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  required?: string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}
interface Route {
  method: Method;
  path: string;
  pathParams: string[];
  query: string[];
  /** The request body's content types and JSON schema, when the route takes one. */
  body?: { types: string[]; schema: JsonSchema | undefined };
}
interface HostileRequest {
  who: 'admin' | 'analyst' | 'monitor' | 'anonymous';
  params: string[];
  query: Record<string, string | string[]>;
  body?: { payload: string | Buffer; contentType: string; label: string };
}

// --- Hostile values -------------------------------------------------------------------------------

/** Text that breaks naive code: lone surrogates, NUL, bidi overrides, zero-width, emoji, combining marks. */
const EDGE_TEXT = [
  '\ud800',
  'a\udfffb',
  '\u0000',
  'x\u0000y',
  '\u202egnp.exe',
  '\u200b\u200c\u200d\ufeff',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '\u{10ffff}',
  '\r\n\t\v\f',
  '../../etc/passwd',
  '/etc/passwd',
  '..\\..\\windows\\system32',
  '%2e%2e%2f',
  '=cmd|" /C calc"!A0',
  "'; drop table reports; --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '99999999999999999999999999',
  '0x7fffffff',
  '',
  ' ',
  'null',
  'true',
];
const edgeText = fc.oneof(
  fc.constantFrom(...EDGE_TEXT),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.tuple(fc.constantFrom(...EDGE_TEXT), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
);
const longText = fc
  .tuple(fc.constantFrom('a', 'é', '🏳️', '\u202e', 'ab,'), fc.integer({ min: 5_000, max: 200_000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)));
const hugeNumber = fc.constantFrom(
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER + 2,
  -(2 ** 63),
  2 ** 64,
  1e21,
  -1,
  0,
  0.1,
);
const scalar = fc.oneof(edgeText, hugeNumber, fc.boolean(), fc.constant(null), fc.double());

/** Nesting `depth` levels deep of arrays or objects, with a hostile value at the bottom. */
const deep = fc
  .tuple(fc.integer({ min: 65, max: 400 }), fc.boolean(), scalar)
  .map(([depth, arrays, leaf]) => {
    let v: unknown = leaf;
    for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
    return v;
  });
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: longText },
  { weight: 1, arbitrary: deep },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(edgeText, scalar, { maxKeys: 4 }) },
);

/** A body shaped like the schema (its property names, nested), with some values hostile. */
function shapedLike(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  const variants = schema?.anyOf ?? schema?.oneOf;
  if (variants !== undefined && variants.length > 0 && depth < 4)
    return fc.oneof(...variants.map((v) => shapedLike(v, depth + 1)));
  if (schema?.properties !== undefined && depth < 4) {
    const entries = Object.entries(schema.properties).map(
      ([k, s]) => [k, fc.oneof({ weight: 2, arbitrary: shapedLike(s, depth + 1) }, hostileValue)] as const,
    );
    return fc
      .tuple(
        fc.record(Object.fromEntries(entries), { requiredKeys: [] }),
        fc.option(fc.dictionary(edgeText, scalar, { maxKeys: 2 }), { nil: undefined }),
      )
      .map(([known, extra]) => ({ ...(extra ?? {}), ...known }));
  }
  if (schema?.items !== undefined && depth < 4)
    return fc.array(shapedLike(schema.items, depth + 1), { maxLength: 3 });
  if (schema?.enum !== undefined && schema.enum.length > 0)
    return fc.oneof(fc.constantFrom(...schema.enum), edgeText);
  return hostileValue;
}

/** Text the schema accepts, preferring the awkward: bidi overrides, zero-width, emoji, combining marks. */
function validText(schema: JsonSchema): fc.Arbitrary<string> {
  if (schema.format === 'date-time')
    return fc
      .date({
        min: new Date('2026-01-01T00:00:00Z'),
        max: new Date('2026-12-31T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
  if (schema.format === 'uuid') return fc.uuid();
  if (schema.format === 'base64')
    return fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));
  if (schema.pattern !== undefined) return fc.stringMatching(new RegExp(schema.pattern));
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 200, 200);
  const awkward = [
    '\u202eevil',
    'a\u200bb',
    '👩‍👩‍👧‍👦',
    'e\u0301',
    '\ufeffx',
    'ё',
    'مرحبا',
    '=1+1',
    '-2',
    '@x',
    '\tx',
  ];
  return fc
    .oneof(fc.constantFrom(...awkward), fc.string({ unit: 'grapheme', maxLength: max }))
    .map((x) => (x.length < min ? x.padEnd(min, 'x') : x.slice(0, max)));
}

/** A body the schema accepts (as far as a schema can say), so the request reaches the service. */
function validLike(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (schema === undefined || depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants !== undefined && variants.length > 0)
    return fc.oneof(...variants.map((v) => validLike(v, depth + 1)));
  const type = [schema.type].flat()[0];
  switch (type ?? 'object') {
    case 'string':
      return validText(schema);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validLike(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)),
      });
    default: {
      const props = Object.entries(schema.properties ?? {});
      return fc.record(Object.fromEntries(props.map(([k, s]) => [k, validLike(s, depth + 1)])), {
        requiredKeys: (schema.required ?? []).filter((k) => props.some(([p]) => p === k)),
      });
    }
  }
}

/** JSON text that is not JSON, or JSON a careless parser mishandles. */
const MALFORMED = [
  '{',
  '{"a":',
  '{a:1}',
  "{'a':1}",
  '[1,2,]',
  '{"a":1,}',
  'NaN',
  'undefined',
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  '1e999999',
  '"\\x41"',
  '\ufeff{}',
  '',
];

function bodyArbitrary(route: Route): fc.Arbitrary<HostileRequest['body']> {
  const types = route.body?.types ?? [];
  const json = types.includes('application/json');
  const raw = types.some((t) => !t.includes('json'));
  const jsonBody = (label: string, a: fc.Arbitrary<unknown>) =>
    a.map((v) => ({ payload: JSON.stringify(v) ?? 'null', contentType: 'application/json', label }));
  const options: fc.Arbitrary<HostileRequest['body']>[] = [
    jsonBody('json', fc.jsonValue({ maxDepth: 4 })),
    fc.constantFrom(...MALFORMED).map((payload) => ({
      payload,
      contentType: 'application/json',
      label: 'malformed',
    })),
    fc
      .tuple(edgeText, fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', 'x/☃'))
      .map(([payload, contentType]) => ({ payload, contentType, label: 'content-type' })),
    fc.integer({ min: 1, max: 3 }).map((mb) => ({
      payload: JSON.stringify({ narrative: 'x'.repeat(mb * 1024 * 1024 + 10) }),
      contentType: 'application/json',
      label: 'oversized',
    })),
  ];
  if (json)
    options.push(
      jsonBody('shaped', shapedLike(route.body?.schema)),
      jsonBody('deep', deep),
      jsonBody('valid-like', validLike(route.body?.schema)),
      jsonBody('valid-like', validLike(route.body?.schema)),
    );
  if (raw)
    options.push(
      fc
        .tuple(fc.uint8Array({ maxLength: 512 }), fc.constantFrom(...types))
        .map(([bytes, contentType]) => ({ payload: Buffer.from(bytes), contentType, label: 'bytes' })),
      fc.tuple(edgeText, fc.constantFrom(...types)).map(([text, contentType]) => ({
        payload: `a: &a [${text.length}, *a]\nb: *a\n${text}`,
        contentType,
        label: 'yaml',
      })),
    );
  if (route.body === undefined) options.push(fc.constant(undefined), fc.constant(undefined));
  return fc.oneof(...options);
}

const garbageParam = fc.oneof(
  edgeText,
  fc.constantFrom('..', '../..', '%2e%2e%2f%2e%2e', '%00', '0', '-1', '1e400', 'NaN', ' ', '%', '%ZZ'),
  fc.string({ minLength: 60, maxLength: 300 }),
);

/** Percent-encodes text; a lone surrogate becomes its (invalid) UTF-8-like bytes, as a hostile client sends them. */
const percentEncode = (s: string) =>
  [...s]
    .map((c) => {
      const code = c.codePointAt(0) ?? 0;
      if (code >= 0xd800 && code <= 0xdfff)
        return `%${(0xe0 | (code >> 12)).toString(16)}%${(0x80 | ((code >> 6) & 0x3f)).toString(16)}%${(0x80 | (code & 0x3f)).toString(16)}`;
      return encodeURIComponent(c);
    })
    .join('');

function requestArbitrary(route: Route, realIds: string[]): fc.Arbitrary<HostileRequest> {
  const param = fc.oneof(
    { weight: 2, arbitrary: garbageParam.map(percentEncode) },
    { weight: 1, arbitrary: garbageParam.map((s) => s.replace(/[/?#]/g, '')) },
    { weight: 2, arbitrary: fc.constantFrom(...realIds) },
  );
  const queryValue = fc.oneof(garbageParam, fc.array(garbageParam, { minLength: 2, maxLength: 3 }));
  const queryNames = [...route.query, 'unknown', '__proto__', 'limit', 'after'];
  return fc.record({
    who: fc.constantFrom('admin', 'analyst', 'monitor', 'anonymous'),
    params: fc.array(param, { minLength: route.pathParams.length, maxLength: route.pathParams.length }),
    query: fc.dictionary(fc.constantFrom(...queryNames), queryValue, { maxKeys: 3 }),
    body: bodyArbitrary(route),
  });
}

// --- The routes, from the OpenAPI document -------------------------------------------------------

interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { in: string; name: string }[];
        requestBody?: { content: Record<string, { schema?: JsonSchema }> };
      }
    >
  >;
}

async function routesOf(t: TestApp): Promise<Route[]> {
  const doc = (await t.app.inject({ url: '/openapi.json' })).json<OpenApi>();
  return Object.entries(doc.paths)
    .filter(([p]) => p.startsWith('/api/'))
    .flatMap(([p, ops]) =>
      Object.entries(ops).map(([m, op]): Route => {
        const content = op.requestBody?.content;
        return {
          method: m.toUpperCase() as Method,
          path: p,
          pathParams: [...p.matchAll(/\{(\w+)\}/g)].map((x) => x[1] ?? ''),
          query: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
          ...(content !== undefined
            ? {
                body: {
                  types: Object.keys(content),
                  schema: content['application/json']?.schema,
                },
              }
            : {}),
        };
      }),
    );
}

// --- Checks ---------------------------------------------------------------------------------------

/** What is wrong with an error answer, or nothing. */
function problemDefects(status: number, contentType: string, body: string): string[] {
  if (status < 400) return [];
  const out: string[] = [];
  if (!contentType.startsWith('application/problem+json')) out.push(`content-type ${contentType}`);
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return [...out, 'body is not JSON'];
  }
  for (const k of ['type', 'title', 'detail'])
    if (typeof p[k] !== 'string' || p[k] === '') out.push(`no ${k}`);
  if (p.status !== status) out.push(`status ${String(p.status)} ≠ ${status}`);
  if (status === 422) {
    const errors = p.errors as { path?: unknown }[] | undefined;
    if (!Array.isArray(errors) || errors.length === 0) out.push('422 without errors[]');
    else if (errors.some((e) => typeof e.path !== 'string')) out.push('an error without a path');
  }
  return out;
}

const show = (v: unknown) => {
  const s = JSON.stringify(v, (_k, x: unknown) => (Buffer.isBuffer(x) ? `<${x.length} bytes>` : x)) ?? '';
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
};

describeEachDialect('hostile-input suite', (dialect) => {
  let t: TestApp;
  let tokens: Record<Exclude<HostileRequest['who'], 'anonymous'>, string>;
  const realIds: string[] = ['UA', 'JMVC', 'illustrative-framework-2025@3'];

  beforeAll(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    tokens = {
      admin: await t.tokenFor('JMVC', ['admin']),
      analyst: await t.tokenFor('JMVC', ['analyst']),
      monitor: await t.tokenFor('JMVC', ['monitor']),
    };
    // Real records, so that some requests get past "not found" to the body's checks.
    const bytes = Buffer.from('a photograph of a crater');
    const filed = [];
    for (const input of [
      sampleInput({
        evidence: [
          {
            sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
            filename: 'crater.jpg',
            mediaType: 'image/jpeg',
            capturedAt: '2026-11-25T20:00:00Z',
            collector: 'Patrol 3',
          },
        ],
      }),
      explosionReport({ name: 'Patrol 4', group: 'jmvc-team-4' }),
    ]) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        headers: { authorization: `Bearer ${tokens.monitor}` },
        payload: input,
      });
      expect(res.statusCode, res.body).toBe(201);
      filed.push(res.json<{ report: { id: string } }>().report.id);
    }
    realIds.push(...filed);
    // Their correlation into an incident runs after the answers; the incident's ids are read below.
    await t.services.monitoring.reports.settled();
    const admin = { authorization: `Bearer ${tokens.admin}` };
    const ev = await t.app.inject({ url: `/api/v1/reports/${filed[0] ?? ''}/evidence`, headers: admin });
    realIds.push(
      ...ev.json<{ evidence: { id: string; sha256: string }[] }>().evidence.flatMap((e) => [e.id, e.sha256]),
    );
    while ((await t.services.ledger.integrateOnce()) > 0);
    for (const list of ['incidents', 'findings'] as const) {
      const res = await t.app.inject({ url: `/api/v1/${list}`, headers: admin });
      const body = res.json<Record<string, { id?: string }[] | undefined>>();
      const ids = (body[list] ?? []).flatMap((x) => (x.id !== undefined ? [x.id] : []));
      // The two reports are grouped into an incident: its routes get past "not found".
      if (list === 'incidents') expect(ids.length, res.body).toBeGreaterThan(0);
      realIds.push(...ids);
    }
    // A user no test token belongs to, for the user routes to act on.
    await t.tokenFor('OCHA', ['observer']);
    const users = await t.services.users.list();
    realIds.push(...users.filter((u) => u.organisationId === 'OCHA').map((u) => u.id));
  }, 120_000);
  afterAll(async () => t?.close());

  it(
    'answers every route × hostile input below 500, in problem+json naming the field, and a refusal writes nothing',
    async () => {
      const routes = await routesOf(t);
      expect(routes.length).toBeGreaterThan(50);
      const defects: string[] = [];
      let requests = 0;
      let fiveHundreds = 0;
      let partialWrites = 0;
      let outsideProblem = 0;
      const statuses: Record<number, number> = {};
      let before = await tableCounts(t);
      for (const [i, route] of routes.entries()) {
        const samples = fc.sample(requestArbitrary(route, realIds), { numRuns: PER_ROUTE, seed: SEED + i });
        for (const h of samples) {
          const url = route.path.replace(/\{\w+\}/g, () => h.params.shift() ?? '');
          const res = await t.app.inject({
            method: route.method,
            url,
            query: h.query,
            headers: {
              ...(h.who !== 'anonymous' ? { authorization: `Bearer ${tokens[h.who]}` } : {}),
              ...(h.body !== undefined ? { 'content-type': h.body.contentType } : {}),
            },
            ...(h.body !== undefined ? { payload: h.body.payload } : {}),
          });
          requests += 1;
          statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
          const what = `${route.method} ${url} as ${h.who} query ${show(h.query)} body ${h.body?.label ?? '-'} ${show(h.body?.payload)}`;
          if (res.statusCode >= 500) {
            fiveHundreds += 1;
            defects.push(`${res.statusCode} for ${what}: ${res.body.slice(0, 300)}`);
          }
          const problems = problemDefects(
            res.statusCode,
            String(res.headers['content-type'] ?? ''),
            res.body,
          );
          if (problems.length > 0) {
            outsideProblem += 1;
            defects.push(`${res.statusCode} ${problems.join(', ')} for ${what}: ${res.body.slice(0, 300)}`);
          }
          const after = await tableCounts(t);
          if (res.statusCode >= 400) {
            const changed = Object.keys(after).filter(
              (k) =>
                after[k] !== before[k] &&
                // A refused credential or permission (and a throttled password check) is recorded as
                // an access event, on purpose: that is the audit of refusals, not a partial write.
                !(
                  k === 'access_events' &&
                  [401, 403, 429].includes(res.statusCode) &&
                  // A wrong current password in PUT /me/password is recorded twice: the failed
                  // password check and the refused request.
                  (after[k] ?? 0) - (before[k] ?? 0) <= (route.path.endsWith('/me/password') ? 2 : 1)
                ),
            );
            if (changed.length > 0) {
              partialWrites += 1;
              defects.push(
                `partial write (${changed.map((k) => `${k} ${before[k]}→${after[k]}`).join(', ')}) by ${res.statusCode} for ${what}`,
              );
            }
          }
          before = after;
        }
      }
      const n = (x: number) => x.toLocaleString('en');
      console.log(
        `hostile-input suite [${dialect}]: ${n(requests)} requests over ${routes.length} routes, ${fiveHundreds} 5xx, ${partialWrites} partial writes, ${outsideProblem} errors outside problem+json (statuses ${show(statuses)}; seed ${SEED})`,
      );
      expect(defects).toEqual([]);
    },
    FULL ? 3_600_000 : 600_000,
  );
});
