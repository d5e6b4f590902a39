import crypto from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';
import { parseTilePath } from './tiles.js';
import { LedgerError } from './errors.js';
import type { LogReader } from './log-reader.service.js';

const tags = ['log'];
const TEXT = 'text/plain; charset=utf-8';
const TILE = 'application/octet-stream';

/** Full tiles and entry bundles never change; the checkpoint and partial tiles are replaced as the log grows. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const SHORT_LIVED = 'public, max-age=10';

/** Any origin may read the log, so a mirror or verifier running in a browser can fetch it too. */
const readableByAnyOrigin = {
  onSend: async (_request: FastifyRequest, reply: FastifyReply) => {
    void reply.header('access-control-allow-origin', '*');
  },
};

function notYet(what: string): AppError {
  return new AppError('not_found', `${what} does not exist (yet) in this log`);
}

/**
 * The log as C2SP tlog-tiles over HTTP, under /log/: checkpoint, hash tiles, entry bundles and the
 * verifier key. Readable by anyone, from any origin and without a rate limit (see buildApp):
 * confidential records appear in the log only as commitments.
 */
export function registerLogRoutes(app: App, reader: LogReader): void {
  app.get(
    '/log/checkpoint',
    {
      schema: {
        tags,
        summary: 'Latest signed checkpoint with witness cosignatures (tlog-checkpoint)',
        produces: [TEXT],
        response: { 200: Type.String() },
      },
      config: { permission: 'log:read' },
      ...readableByAnyOrigin,
    },
    async (_request, reply) => {
      const checkpoint = await reader.checkpoint();
      if (!checkpoint) throw notYet('a checkpoint');
      return reply.type(TEXT).header('cache-control', SHORT_LIVED).send(checkpoint.note);
    },
  );
  app.get(
    '/log/vkey',
    {
      schema: {
        tags,
        summary: 'Verifier key of the log (signed-note vkey), one line',
        produces: [TEXT],
        response: { 200: Type.String() },
      },
      config: { permission: 'log:read' },
      ...readableByAnyOrigin,
    },
    (_request, reply) => {
      void reply.type(TEXT);
      return `${reader.verifierKey}\n`;
    },
  );
  app.get(
    '/log/tile/*',
    {
      schema: {
        tags,
        summary: 'Hash tile tile/<L>/<N>[.p/<W>] or entry bundle tile/entries/<N>[.p/<W>] (tlog-tiles)',
        params: Type.Object({ '*': Type.String() }),
        produces: [TILE],
      },
      config: { permission: 'log:read' },
      ...readableByAnyOrigin,
    },
    async (request, reply) => {
      const path = `tile/${request.params['*']}`;
      let coordinates;
      try {
        coordinates = parseTilePath(path);
      } catch (err) {
        if (err instanceof LedgerError) throw new AppError('not_found', `${path}: ${err.message}`);
        throw err;
      }
      const content =
        coordinates.kind === 'entries'
          ? await reader.entryBundle(coordinates.index, coordinates.width)
          : await reader.tile(coordinates.level, coordinates.index, coordinates.width);
      if (!content) throw notYet(path);
      if (coordinates.width !== 256)
        return reply.type(TILE).header('cache-control', SHORT_LIVED).send(content);
      // A full tile never changes: a strong ETag (its own hash) lets caches revalidate for free.
      const etag = `"${crypto.createHash('sha256').update(content).digest('base64url')}"`;
      void reply.type(TILE).header('cache-control', IMMUTABLE).header('etag', etag);
      const match = request.headers['if-none-match'];
      if (match !== undefined && match.split(',').some((m) => m.trim() === etag || m.trim() === '*'))
        return reply.status(304).send();
      return reply.send(content);
    },
  );
}
