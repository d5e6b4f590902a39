import type { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/request.js';
import type { App } from '../http/app.js';
import { RawBody } from '../http/schema.js';
import type { MonitoringServices } from './monitoring.js';
import { CREATE_REPORTS } from './report.permission.js';
import { EvidenceInputSchema } from './report.schemas.js';

const tags = ['monitoring'];
const EvidenceSchema = Type.Object({}, { additionalProperties: true, description: 'An evidence item' });
const Params = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);

/** Evidence of reports: declare, upload by hash, download (recorded), custody trail, hand-over, derived copies. */
export function registerEvidenceRoutes(app: App, m: MonitoringServices): void {
  app.get(
    '/reports/:id/evidence',
    {
      schema: {
        tags,
        summary: 'Evidence items of a report',
        params: Params,
        response: { 200: Type.Object({ evidence: Type.Array(EvidenceSchema) }) },
      },
      config: { permission: 'reports:read' },
    },
    async (request) => ({ evidence: await m.evidence.list(actorOf(request), request.params.id) }),
  );

  app.post(
    '/reports/:id/evidence',
    {
      schema: {
        tags,
        summary: 'Declare evidence after intake (bytes inline as base64, or PUT them later)',
        params: Params,
        body: Type.Omit(EvidenceInputSchema, ['sizeBytes']),
        response: { 201: EvidenceSchema },
      },
      config: { permission: CREATE_REPORTS },
    },
    async (request, reply) =>
      reply.status(201).send(await m.evidence.declare(actorOf(request), request.params.id, request.body)),
  );

  // Raw uploads stream to the store while hashing; only this scope accepts non-JSON bodies.
  void app.register((scope: App, _opts, done) => {
    // Every content type, JSON and text included, is bytes here: parsed, they would not hash as sent.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, next) => next(null, payload));
    scope.put(
      '/reports/:id/evidence/:sha256',
      {
        schema: {
          tags,
          summary:
            'Upload the bytes of declared evidence (any content type); must hash to the declared SHA-256',
          params: Type.Object(
            {
              id: Type.String({ minLength: 1, maxLength: 64 }),
              sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$' }),
            },
            { additionalProperties: false },
          ),
          consumes: ['application/octet-stream', '*/*'],
          body: RawBody,
          response: { 200: EvidenceSchema },
        },
        config: { permission: CREATE_REPORTS },
      },
      async (request) => {
        const body = request.body as Readable | Buffer | undefined;
        const content = body ?? Buffer.alloc(0);
        return m.evidence.upload(
          actorOf(request),
          request.params.id,
          request.params.sha256,
          typeof content === 'string' ? Buffer.from(content) : content,
        );
      },
    );
    done();
  });

  app.get(
    '/evidence/:id/content',
    {
      schema: {
        tags,
        summary: 'Download the file (the access is recorded in the chain of custody)',
        params: Params,
        response: {
          200: Type.Unsafe<Readable>({
            type: 'string',
            format: 'binary',
            description: 'The file, as stored',
          }),
          304: Type.Null({
            description: 'Not modified: the reader holds these bytes already (If-None-Match)',
          }),
        },
      },
      config: { permission: 'reports:read' },
    },
    async (request, reply) => {
      const { evidence, stream } = await m.evidence.open(actorOf(request), request.params.id);
      // The bytes never change (they are addressed by their hash), so their hash is a strong ETag. The
      // reader's cache revalidates on every use (no-cache): the access check and the custody record
      // run each time; a copy the reader holds already is answered 304 with no body.
      const etag = `"${evidence.sha256}"`;
      void reply.header('etag', etag).header('cache-control', 'private, no-cache');
      void reply.header('x-content-sha256', evidence.sha256);
      const match = request.headers['if-none-match'];
      if (match !== undefined && match.split(',').some((m) => m.trim() === etag || m.trim() === '*')) {
        stream.destroy();
        return reply.status(304).send(null);
      }
      void reply.header('content-type', evidence.mediaType);
      void reply.header('content-disposition', attachmentDisposition(evidence.originalFilename));
      return reply.send(stream);
    },
  );

  app.get(
    '/evidence/:id/custody',
    {
      schema: {
        tags,
        summary: 'Chain of custody, oldest first',
        params: Params,
        response: {
          200: Type.Object({ events: Type.Array(Type.Object({}, { additionalProperties: true })) }),
        },
      },
      config: { permission: 'reports:read' },
    },
    async (request) => ({ events: await m.evidence.custody(actorOf(request), request.params.id) }),
  );

  app.post(
    '/evidence/:id/handover',
    {
      schema: {
        tags,
        summary: 'Hand the evidentiary copy over to another custodian',
        params: Params,
        body: Type.Object(
          {
            to: Type.String({ minLength: 1, maxLength: 200 }),
            note: Type.Optional(Type.String({ maxLength: 2000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: EvidenceSchema },
      },
      config: { permission: CREATE_REPORTS },
    },
    async (request) =>
      m.evidence.handOver(actorOf(request), request.params.id, request.body.to, request.body.note),
  );

  app.post(
    '/evidence/:id/derived',
    {
      schema: {
        tags,
        summary: 'Record a derived copy (redacted, transcoded …); the original is never changed',
        params: Params,
        body: Type.Object(
          {
            contentBase64: Type.String({ minLength: 1, format: 'base64' }),
            filename: Type.String({ minLength: 1, maxLength: 255 }),
            mediaType: Type.String({ minLength: 3, maxLength: 127 }),
            derivation: Type.String({ minLength: 1, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: EvidenceSchema },
      },
      config: { permission: CREATE_REPORTS },
    },
    async (request, reply) =>
      reply.status(201).send(
        await m.evidence.derive(actorOf(request), request.params.id, {
          content: Buffer.from(request.body.contentBase64, 'base64'),
          filename: request.body.filename,
          mediaType: request.body.mediaType,
          derivation: request.body.derivation,
        }),
      ),
  );
}

/**
 * The Content-Disposition of a download (RFC 6266): an ASCII `filename` with anything a header cannot
 * carry or a client could misread (non-ASCII, controls, quotes, backslashes) replaced by `_`, and the
 * name as filed in `filename*` (RFC 8187). A raw non-Latin-1 name in a header would fail the answer.
 */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/gu, '_');
  const utf8 = [...Buffer.from(name, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9!#$&+.^_`|~-]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}
