import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';
import type { LogReader } from './log-reader.service.js';
import type { WitnessRegistry } from './witness-registry.service.js';

const tags = ['log'];
// Bounded: a path such as 1e400 coerces to Infinity, which no database column holds.
const IndexParams = Type.Object(
  { index: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }) },
  { additionalProperties: false },
);

const EntrySchema = Type.Object({
  index: Type.Integer(),
  kind: Type.String(),
  integratedAt: Type.String({ format: 'date-time' }),
  leafHash: Type.String({ description: 'hex' }),
  entry: Type.Unknown({ description: 'The canonical JSON the leaf hashes' }),
  inclusion: Type.Object({
    treeSize: Type.Integer(),
    proof: Type.Array(Type.String({ description: 'base64' })),
  }),
});

/** What the log's JSON views read: the log itself and the witnesses it asks to cosign. */
export interface LogApiServices {
  reader: LogReader;
  witnesses: WitnessRegistry;
}

/** JSON views of the log for the dashboard and scripts: look up an entry, its receipt, checkpoint history. */
export function registerLogApiRoutes(app: App, s: LogApiServices): void {
  app.get(
    '/log/entries/:index',
    {
      schema: {
        tags,
        summary: 'One log entry with its inclusion proof against the latest checkpoint',
        params: IndexParams,
        response: { 200: EntrySchema },
      },
      config: { permission: 'log:read' },
    },
    async (request) => {
      const checkpoint = await s.reader.checkpoint();
      const [entry] = await s.reader.entries(request.params.index, request.params.index + 1);
      if (!entry || !checkpoint || entry.index >= checkpoint.size)
        throw new AppError('not_found', `log entry ${request.params.index} is not in the log yet`);
      await s.reader.refresh();
      return {
        index: entry.index,
        kind: entry.kind,
        integratedAt: entry.integratedAt,
        leafHash: entry.leafHash.toString('hex'),
        entry: JSON.parse(entry.data.toString('utf8')) as unknown,
        inclusion: {
          treeSize: checkpoint.size,
          proof: s.reader.inclusionProof(entry.index, checkpoint.size).map((h) => h.toString('base64')),
        },
      };
    },
  );
  app.get(
    '/log/entries/:index/receipt',
    {
      schema: {
        tags,
        summary: 'tlog-proof receipt for an entry (c2sp.org/tlog-proof@v1)',
        params: IndexParams,
        produces: ['text/plain'],
        response: { 200: Type.String() },
      },
      config: { permission: 'log:read' },
    },
    async (request, reply) =>
      reply.type('text/plain; charset=utf-8').send(await s.reader.receipt(request.params.index)),
  );
  app.get(
    '/log/checkpoints',
    {
      schema: {
        tags,
        summary: 'Recent checkpoints (size over time)',
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Array(
            Type.Object({ size: Type.Integer(), rootHash: Type.String(), createdAt: Type.String() }),
          ),
        },
      },
      config: { permission: 'log:read' },
    },
    async (request) =>
      (await s.reader.recentCheckpoints(request.query.limit)).map((c) => ({
        size: c.size,
        rootHash: c.rootHash.toString('base64'),
        createdAt: c.createdAt,
      })),
  );
  app.get(
    '/log/witnesses',
    {
      schema: {
        tags,
        summary: 'Witnesses the log asks to cosign',
        response: { 200: Type.Array(Type.Object({ name: Type.String(), vkey: Type.String() })) },
      },
      config: { permission: 'log:read' },
    },
    async () => (await s.witnesses.list()).map((w) => ({ name: w.name, vkey: w.vkey })),
  );
}
