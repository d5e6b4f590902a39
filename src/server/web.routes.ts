import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../http/app.js';

/**
 * Where `vite build` writes the dashboard. The same relative path works from `src/server/` (tests,
 * tsx) and from `dist/server/` (the published package, which ships `web/dist`).
 */
export const WEB_ROOT = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** Paths that belong to the server, never to the dashboard: they 404 as problem+json instead. */
const SERVER_PATHS = /^\/(api|log|docs|basemap)(\/|$)|^\/(openapi\.json|healthz|readyz)$/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Truceline</title></head>
<body><main><h1>Truceline</h1>
<p>The dashboard has not been built. Run <code>npm run build:web</code> (or <code>npm start</code>), then reload.</p>
<p>The API is available: <a href="/docs">API docs</a>, <a href="/log/checkpoint">log checkpoint</a>.</p>
</main></body></html>`;

/**
 * Serves the dashboard (web/dist) at `/`: hashed assets with a long cache, and index.html for every
 * other non-server path, so deep links such as /reports/42 load the app, which then routes itself.
 */
export async function registerWebRoutes(app: App, root: string = WEB_ROOT): Promise<void> {
  const built = existsSync(`${root}/index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      // Files are listed once at start-up (a build replaces the process anyway), which leaves `/*` free
      // for the client-side routes below.
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders: (res, path) => {
        res.setHeader(
          'cache-control',
          /[/\\]assets[/\\]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  const page = (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (SERVER_PATHS.test(path)) return reply.callNotFound();
    if (!built) return reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    return reply.header('cache-control', 'no-cache').sendFile('index.html', root);
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, page);
}
