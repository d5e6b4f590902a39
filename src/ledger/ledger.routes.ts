import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';
import { parseTilePath } from './tiles.js';
import { LedgerError } from './errors.js';
import type { LogReader } from './log-reader.service.js';

const tags = ['log'];
const TEXT = 'text/plain; charset=utf-8';
const TILE = 'application/octet-stream';

function notYet(what: string): AppError {
  return new AppError('not_found', `${what} does not exist (yet) in this log`);
}

/**
 * The log as C2SP tlog-tiles over HTTP, under /log/: checkpoint, hash tiles, entry bundles and the
 * verifier key. Readable by anyone: confidential records appear in the log only as commitments.
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
    },
    async (_request, reply) => {
      const checkpoint = await reader.checkpoint();
      if (!checkpoint) throw notYet('a checkpoint');
      return reply.type(TEXT).header('cache-control', 'no-cache').send(checkpoint.note);
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
      // Full tiles never change; partial ones are replaced by wider ones as the log grows.
      const immutable = coordinates.width === 256;
      return reply
        .type(TILE)
        .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
        .send(content);
    },
  );
}
