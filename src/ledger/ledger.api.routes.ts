import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';
import type { LogReader } from './log-reader.service.js';
import type { RecordCommitmentsService } from './record-commitments.service.js';
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
  commitments: RecordCommitmentsService;
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
  app.get(
    '/log/commitments/:recordKind/:recordId',
    {
      schema: {
        tags,
        summary:
          'For a record you may see: the record as logged and the salt and log index of each commitment to it',
        description:
          'Recompute hex(SHA-256(salt ‖ canonical JSON of the record)) and compare it with the `commitment` ' +
          'of the log entry at `index`. A record you may not see answers 404, as one that does not exist.',
        params: Type.Object(
          {
            recordKind: Type.String({ maxLength: 64, pattern: '^[a-z_-]+$' }),
            recordId: Type.String({ minLength: 1, maxLength: 200 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            recordKind: Type.String(),
            recordId: Type.String(),
            records: Type.Array(
              Type.Object({
                kinds: Type.Array(Type.String(), {
                  description: 'the log entry kinds this record is logged by',
                }),
                marking: Type.String(),
                record: Type.Unknown({ description: 'as logged by the latest of those entries' }),
              }),
            ),
            salts: Type.Array(
              Type.Object({
                queueSeq: Type.Integer(),
                index: Type.Union([Type.Integer(), Type.Null()], { description: 'null while still queued' }),
                salt: Type.String({ description: '32 bytes, base64' }),
              }),
            ),
          }),
        },
      },
      config: { permission: 'log:read' },
    },
    (request) => s.commitments.of(request.principal, request.params.recordKind, request.params.recordId),
  );
}
