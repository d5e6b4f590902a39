import { Type } from '@sinclair/typebox';
import { actorOf } from '../http/request.js';
import type { AgreementService } from './agreement.service.js';
import type { App } from '../http/app.js';
import { agreementJsonSchema } from './agreement.schema.js';
import {
  AgreementDocumentSchema,
  AgreementVersionSchema,
  DiffQuery,
  LoadQuery,
  ProblemListSchema,
  VersionQuery,
} from './agreement.schemas.js';

const tags = ['agreement'];
const AGREEMENT_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/plain',
  'application/json',
];
const MAX_AGREEMENT_BYTES = 10 * 1024 * 1024;

/** The agreement as data: load, validate, list versions, show. */
export function registerAgreementRoutes(app: App, agreements: AgreementService): void {
  void app.register((scope: App, _opts, done) => {
    // Agreement files arrive as text (YAML or JSON) so problems can name their lines.
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      AGREEMENT_TYPES,
      { parseAs: 'string', bodyLimit: MAX_AGREEMENT_BYTES },
      (_req, body, next) => next(null, body),
    );
    const TextBody = Type.String({ description: 'The agreement file, YAML or JSON' });

    scope.post(
      '/agreement',
      {
        schema: {
          tags,
          summary: 'Load a new agreement version (admin); a file with any problem changes nothing',
          consumes: AGREEMENT_TYPES,
          querystring: LoadQuery,
          body: TextBody,
          response: { 200: AgreementVersionSchema, 201: AgreementVersionSchema },
        },
        bodyLimit: MAX_AGREEMENT_BYTES,
        config: { permission: 'agreement:load' },
      },
      async (request, reply) => {
        const { version, created } = await agreements.load(actorOf(request), {
          text: request.body,
          fileName: request.query.fileName,
          ...(request.query.marking !== undefined ? { marking: request.query.marking } : {}),
        });
        return reply.status(created ? 201 : 200).send(version);
      },
    );

    scope.post(
      '/agreement/validate',
      {
        schema: {
          tags,
          summary: 'Check an agreement file and list every problem (nothing is stored)',
          consumes: AGREEMENT_TYPES,
          querystring: Type.Object(
            { fileName: Type.String({ default: 'agreement.yaml', maxLength: 200 }) },
            { additionalProperties: false },
          ),
          body: TextBody,
          response: { 200: ProblemListSchema },
        },
        bodyLimit: MAX_AGREEMENT_BYTES,
        config: { permission: 'agreement:validate' },
      },
      (request) => {
        const problems = agreements.validate(request.body, request.query.fileName);
        return { valid: problems.length === 0, problems };
      },
    );
    done();
  });

  app.get(
    '/agreement',
    {
      schema: {
        tags,
        summary: 'The newest agreement version you may see, or the one named',
        querystring: VersionQuery,
        response: { 200: AgreementDocumentSchema },
      },
      config: { permission: 'agreement:read' },
    },
    async (request) => {
      const loaded = await agreements.get(request.principal, request.query.version);
      return { version: loaded.info, agreement: loaded.agreement };
    },
  );
  app.get(
    '/agreement/versions',
    {
      schema: {
        tags,
        summary: 'Loaded versions you may see, newest first',
        response: { 200: Type.Array(AgreementVersionSchema) },
      },
      config: { permission: 'agreement:read' },
    },
    (request) => agreements.listVersions(request.principal),
  );
  app.get(
    '/agreement/zones',
    {
      schema: {
        tags,
        summary: 'Lines and zones, derived bands included, as a GeoJSON FeatureCollection',
        querystring: VersionQuery,
        response: {
          200: Type.Object({ type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) }),
        },
      },
      config: { permission: 'agreement:read' },
    },
    async (request, reply) =>
      reply
        .type('application/geo+json')
        .send(await agreements.zones(request.principal, request.query.version)),
  );
  app.get(
    '/agreement/negotiation',
    {
      schema: {
        tags,
        summary:
          'Negotiation status: consensus share, open hurdles, disputed provisions, deadlines, ratification',
        querystring: VersionQuery,
        response: { 200: Type.Object({ version: AgreementVersionSchema, status: Type.Unknown() }) },
      },
      config: { permission: 'agreement:read' },
    },
    (request) => agreements.negotiation(request.principal, request.query.version),
  );
  app.get(
    '/agreement/diff',
    {
      schema: {
        tags,
        summary: 'What changed between two versions (provisions, zones, ladder, …)',
        querystring: DiffQuery,
        response: { 200: Type.Unknown() },
      },
      config: { permission: 'agreement:read' },
    },
    (request) => agreements.diff(request.principal, request.query.from, request.query.to),
  );
  app.get(
    '/agreement/versions/:id/commitment',
    {
      schema: {
        tags,
        summary:
          'For a version logged as a salted commitment: the salt and the record, to check the log entry',
        params: Type.Object({ id: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
        response: {
          200: Type.Array(
            Type.Object({
              queueSeq: Type.Integer(),
              salt: Type.String({ description: 'base64' }),
              record: Type.Unknown(),
              commitment: Type.String(),
            }),
          ),
        },
      },
      config: { permission: 'agreement:read' },
    },
    (request) => agreements.commitment(request.principal, request.params.id),
  );
  app.get(
    '/agreement/schema',
    {
      schema: {
        tags,
        summary: 'The agreement file format as JSON Schema',
        response: { 200: Type.Unknown() },
      },
      config: { permission: 'agreement:read' },
    },
    () => agreementJsonSchema(),
  );
}
