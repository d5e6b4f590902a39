import { registerDailyRoutes } from '../daily/daily.routes.js';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { registerAccessRoutes } from '../access/access.routes.js';
import { registerAgreementRoutes } from '../agreement/agreement.routes.js';
import { registerLogApiRoutes } from '../ledger/ledger.api.routes.js';
import { RecordCommitmentsService } from '../ledger/record-commitments.service.js';
import { ROW_BINDINGS } from './row-bindings.js';
import { registerLogRoutes } from '../ledger/ledger.routes.js';
import { registerReceipts } from '../ledger/receipts.plugin.js';
import { actorOf } from '../http/request.js';
import { registerAuth } from './auth.plugin.js';
import { documentErrorResponses } from './error-responses.js';
import type { AppServices } from './context.js';
import { AppError } from '../core/errors.js';
import { clientErrorOf, problemOf, rawProblemResponse, STATUS_OF, toAppError } from './errors.js';
import { closeConnectionsOnClose } from './close-connections.js';
import { registerHealthRoutes } from './health.routes.js';
import { registerBasemapApi, registerBasemapArchive } from './basemap.routes.js';
import { registerPlaceRoutes } from './places.routes.js';
import { registerWebRoutes } from './web.routes.js';
import { registerReportRoutes } from '../monitoring/report.routes.js';
import { registerEvidenceRoutes } from '../monitoring/evidence.routes.js';
import { registerVerificationRoutes } from '../verification/verification.routes.js';
import { registerEscalationRoutes } from '../deconfliction/escalation.routes.js';
import { registerNoticeRoutes } from '../deconfliction/notice.routes.js';
import { notifiedTouched } from './touched.js';
import { registerHotlineRoutes } from '../deconfliction/hotline.routes.js';
import { registerResponseRoutes } from '../response/response.routes.js';
import { registerCommitmentRoutes } from '../commitments/commitments.routes.js';
import { registerNotificationRoutes } from '../notifications/notifications.routes.js';
import { registerOverviewRoutes } from '../overview/overview.routes.js';
import { OverviewService } from '../overview/overview.service.js';
import type { App } from '../http/app.js';
import { fieldProblems, validatorCompiler } from '../http/validation.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface BuildAppOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Builds the HTTP application over running services. Nothing listens until the caller says so. */
export async function buildApp(services: AppServices, options: BuildAppOptions = {}): Promise<App> {
  const app: App = Fastify({
    logger: options.logger ?? false,
    bodyLimit: services.config.bodyLimitBytes,
    // Behind the load balancers named here, request.ip is the client X-Forwarded-For names (docs/deployment.md).
    trustProxy: services.config.trustProxy ?? false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // Refusals before routing (a bad URL, an over-long parameter) and Node's own (headers too large,
    // broken HTTP) are problem+json like every other error.
    frameworkErrors: (error, request, reply) => {
      void sendProblem(request, reply, toAppError(error));
    },
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(rawProblemResponse(clientErrorOf(error.code)));
      socket.destroy(error);
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSchemaErrorFormatter((errors, dataVar) => {
    const problems = fieldProblems(dataVar, errors as Parameters<typeof fieldProblems>[1]);
    return new AppError(
      'validation_failed',
      `invalid ${dataVar}: ${problems.map((p) => `${p.path} ${p.reason}`).join('; ')}`,
      problems,
    );
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  closeConnectionsOnClose(app);
  // Submissions answer before their correlation runs: it ends before the database may close.
  app.addHook('onClose', async () => {
    await services.monitoring.reports.settled();
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
      },
    },
  });
  // Brotli or gzip, as the client accepts, on API JSON and static assets of 1 KiB and more (brotli at
  // quality 4: near its best ratio on JSON for a fraction of the CPU of the default 11). The event
  // stream is written raw after hijacking the reply, so it is never buffered for compression.
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(cookie);
  // The limiter is a route-level onRequest hook, so it runs after authentication (registerAuth):
  // it keys by the authenticated user, else by address, never by a credential the client can mint at
  // will. A request whose credential fails counts against its address. The log under /log/ is public
  // and immutable; mirrors fetch it tile by tile, so it is not limited here (caches absorb it).
  await app.register(rateLimit, {
    max: services.config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => (req.principal.userId !== null ? `user:${req.principal.userId}` : `ip:${req.ip}`),
    allowList: (req) => req.routeOptions.url?.startsWith('/log/') === true,
    errorResponseBuilder: (_req, context) =>
      new AppError(
        'rate_limited',
        `rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
      ),
  });
  await app.register(swagger, {
    // Shared schemas (the problem body) become named components, not `def-0`.
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Truceline API',
        version: '1',
        description:
          'The security framework of a peace agreement: agreement, monitoring, verification, deconfliction, response, and the transparency log. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/v1/tokens' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'tl_session',
            description: 'Browser session; writes also need x-csrf-token',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  documentErrorResponses(app);
  registerReceipts(app, { reader: services.ledger.reader, awaiter: services.ledger.awaiter });
  registerAuth(app, services);
  registerErrorHandling(app, services);
  registerHealthRoutes(app, services);
  registerLogRoutes(app, services.ledger.reader);
  registerBasemapArchive(app, services.config.basemapPmtiles);
  await app.register(
    (api: App, _opts, done) => {
      registerAccessRoutes(api, {
        sessions: services.sessions,
        users: services.users,
        organisations: services.organisations,
        tokens: services.tokens,
        audit: services.audit,
        secureCookies: services.config.secureCookies,
      });
      registerLogApiRoutes(api, {
        reader: services.ledger.reader,
        witnesses: services.witnesses,
        commitments: new RecordCommitmentsService(services.database.db, ROW_BINDINGS),
      });
      registerAgreementRoutes(api, services.agreements);
      registerReportRoutes(api, services.monitoring);
      registerEvidenceRoutes(api, services.monitoring);
      registerVerificationRoutes(api, services.verification, services.monitoring, services.now);
      registerEscalationRoutes(api, services.escalations);
      registerNoticeRoutes(
        api,
        services.deconfliction,
        { reader: services.ledger.reader, db: services.database.db },
        notifiedTouched(services),
      );
      registerHotlineRoutes(api, services.hotline);
      registerResponseRoutes(api, services.response);
      registerCommitmentRoutes(api, services.commitments);
      registerDailyRoutes(api, services.daily);
      registerNotificationRoutes(api, {
        bus: services.events,
        webhooks: services.webhooks,
        heartbeatMs: services.config.eventHeartbeatMs,
        publicStreams: services.config.eventPublicStreams,
      });
      registerPlaceRoutes(api, services);
      registerBasemapApi(api, services.config.basemapPmtiles);
      registerOverviewRoutes(
        api,
        new OverviewService({
          db: services.database.db,
          agreements: services.agreements,
          verification: services.verification,
          cases: services.response.cases,
          reader: services.ledger.reader,
          witnesses: services.witnesses,
          now: services.now,
        }),
      );
      done();
    },
    { prefix: '/api/v1' },
  );
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, () => app.swagger());
  await registerWebRoutes(app);
  return app;
}

function registerErrorHandling(app: App, services: AppServices): void {
  app.setErrorHandler(async (error: unknown, request, reply) => {
    const appError = toAppError(error);
    if (STATUS_OF[appError.code] === 500) request.log.error({ err: error }, 'unhandled error');
    else if (STATUS_OF[appError.code] === 503) request.log.error({ err: error }, appError.message);
    if (
      (STATUS_OF[appError.code] === 401 || STATUS_OF[appError.code] === 403) &&
      !request.url.startsWith('/api/v1/auth/login')
    ) {
      try {
        await services.audit.record(
          services.database.db,
          actorOf(request),
          `${request.method} ${request.routeOptions.url ?? request.url}`,
          request.url,
          'denied',
          appError.message,
        );
      } catch (err) {
        request.log.error({ err }, 'could not record a denied access');
      }
    }
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new AppError('not_found', `no route ${request.method} ${request.url}`)),
  );
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) void reply.header(name, value);
  return reply
    .status(STATUS_OF[error.code])
    .type('application/problem+json')
    .send(problemOf(error, request.url, request.id));
}
