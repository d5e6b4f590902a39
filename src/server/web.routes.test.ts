import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import type { App } from '../http/app.js';
import { registerWebRoutes } from './web.routes.js';

describe('the dashboard at /', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('keeps API, log and docs paths as problem+json 404s instead of the app', async () => {
    for (const url of ['/api/v1/nothing-here', '/log/nothing-here', '/docs/nothing-here']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
    }
  });

  it('keeps the security headers on the page', async () => {
    const res = await t.app.inject({ url: '/reports/42' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("worker-src 'self' blob:");
  });

  it('keeps the Content-Security-Policy strict: no inline or eval script, nothing from elsewhere (security B7)', async () => {
    for (const url of ['/', '/reports/42', '/api/v1/nothing-here']) {
      const header = (await t.app.inject({ url })).headers['content-security-policy'];
      expect(typeof header, url).toBe('string');
      const directives = new Map(
        String(header)
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .filter((parts) => parts[0] !== undefined && parts[0] !== '')
          .map(([name, ...values]) => [name ?? '', values]),
      );
      expect(directives.get('default-src'), url).toEqual(["'self'"]);
      const scriptSrc = directives.get('script-src') ?? directives.get('default-src') ?? [];
      expect(scriptSrc, url).toEqual(["'self'"]);
      expect(directives.get('script-src-attr'), url).toEqual(["'none'"]);
      expect(directives.get('object-src'), url).toEqual(["'none'"]);
      expect(directives.get('base-uri'), url).toEqual(["'self'"]);
      expect(directives.get('frame-ancestors'), url).toEqual(["'self'"]);
      for (const [name, values] of directives) {
        expect(values, `${url} ${name}`).not.toContain("'unsafe-eval'");
        expect(values, `${url} ${name}`).not.toContain('*');
        if (name !== 'style-src') expect(values, `${url} ${name}`).not.toContain("'unsafe-inline'");
      }
    }
  });
});

describe('serving a build', () => {
  let root: string;
  let app: App;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'tl-web-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Truceline</title>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
    app = Fastify();
    await registerWebRoutes(app, root);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true });
  });

  it('answers index.html for the app’s own paths, uncached', async () => {
    for (const url of ['/', '/reports/42', '/transparency-log?entry=3']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<title>Truceline</title>');
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves hashed assets with a long cache', async () => {
    const res = await app.inject({ url: '/assets/app-1234.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('says how to build the dashboard when there is no build', async () => {
    const bare: App = Fastify();
    await registerWebRoutes(bare, join(root, 'missing'));
    const res = await bare.inject({ url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });
});
