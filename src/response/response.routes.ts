import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import { formatReplay } from './ladder.replay.js';
import type { ResponseServices } from './response.js';
import {
  CaseDetailSchema,
  CaseIdParams,
  CaseListQuery,
  CaseListSchema,
  DecisionBody,
  GuaranteeStatusQuery,
  GuaranteeStatusSchema,
  ReplayQuery,
  ReplaySchema,
} from './response.schemas.js';

const tags = ['response'];

/**
 * The breach response: cases on the escalation ladder, decisions, the guarantees' status and the
 * replay. Cases answer 404 to those who may not read them. Registered inside the `/api/v1` block.
 */
export function registerResponseRoutes(app: App, r: ResponseServices): void {
  app.get(
    '/cases',
    {
      schema: {
        tags,
        summary: 'Cases on the escalation ladders you may read, newest first',
        querystring: CaseListQuery,
        response: { 200: CaseListSchema },
      },
      config: { permission: 'cases:read' },
    },
    async (request) =>
      r.cases.list(request.principal, {
        ...(request.query.status !== undefined ? { status: request.query.status } : {}),
        ...(request.query.ladder !== undefined ? { ladder: request.query.ladder } : {}),
        limit: request.query.limit ?? 100,
        ...(request.query.offset !== undefined ? { offset: request.query.offset } : {}),
      }),
  );

  app.get(
    '/cases/:id',
    {
      schema: {
        tags,
        summary: 'A case: rung, deadline, evidence package, decisions, inaction, options',
        params: CaseIdParams,
        response: { 200: CaseDetailSchema },
      },
      config: { permission: 'cases:read' },
    },
    async (request) => r.cases.get(request.principal, request.params.id),
  );

  app.post(
    '/cases/:id/decisions',
    {
      schema: {
        tags,
        summary: "An actor's decision at the case's rung (once per actor; not after the case closed)",
        params: CaseIdParams,
        body: DecisionBody,
        response: { 201: CaseDetailSchema },
      },
      config: { permission: 'cases:decide' },
    },
    async (request, reply) =>
      reply.status(201).send(await r.cases.decide(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/guarantees/status',
    {
      schema: {
        tags,
        summary: "Each guarantee's activation and void conditions with the findings behind them",
        querystring: GuaranteeStatusQuery,
        response: { 200: GuaranteeStatusSchema },
      },
      config: { permission: 'cases:read' },
    },
    async (request) => r.guarantees(request.principal, request.query.version),
  );

  app.get(
    '/ladder/replay',
    {
      schema: {
        tags,
        summary:
          'Runs the ladder over a period from the stored findings and decisions and compares the cases',
        querystring: ReplayQuery,
        response: { 200: ReplaySchema },
      },
      config: { permission: 'cases:read' },
    },
    async (request) => {
      const report = await r.replay(
        request.principal,
        new Date(request.query.from),
        new Date(request.query.to),
      );
      return { ...report, text: formatReplay(report) };
    },
  );
}
