import { Type } from '@sinclair/typebox';
import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import type { PledgeFilter } from './commitment.repository.js';
import type { CommitmentServices } from './commitments.js';
import {
  AmendmentBody,
  DeliveryBody,
  GuaranteeParams,
  PledgeBody,
  PledgeDetailSchema,
  PledgeIdParams,
  PledgeListQuery,
  PledgeSchema,
  RatificationBody,
  RatificationSchema,
  StepParams,
  SummarySchema,
  type PledgeListQueryType,
} from './commitments.schemas.js';

const tags = ['commitments'];

function filterOf(q: PledgeListQueryType): PledgeFilter {
  return {
    ...(q.guarantee !== undefined ? { guaranteeId: q.guarantee } : {}),
    ...(q.guarantor !== undefined ? { guarantor: q.guarantor } : {}),
    ...(q.category !== undefined ? { category: q.category } : {}),
  };
}

/**
 * Commitments: guarantors' pledges, deliveries and amendments, pledged-vs-delivered summaries, and
 * the guarantee's ratification. Every reader sees what the markings allow (the public: CLEAR only).
 * Registered inside the `/api/v1` block.
 */
export function registerCommitmentRoutes(app: App, s: CommitmentServices): void {
  app.post(
    '/commitments',
    {
      schema: {
        tags,
        summary: "Record a pledge under the guarantee's response menu or a support provision",
        body: PledgeBody,
        response: { 201: PledgeDetailSchema },
      },
      config: { permission: 'commitments:record' },
    },
    async (request, reply) =>
      reply.status(201).send(await s.commitments.pledge(actorOf(request), request.body)),
  );

  app.get(
    '/commitments',
    {
      schema: {
        tags,
        summary: 'Pledges you may see, each with what was delivered',
        querystring: PledgeListQuery,
        response: { 200: Type.Object({ pledges: Type.Array(PledgeSchema) }) },
      },
      config: { permission: 'commitments:read' },
    },
    async (request) => ({ pledges: await s.commitments.list(request.principal, filterOf(request.query)) }),
  );

  app.get(
    '/commitments/summary',
    {
      schema: {
        tags,
        summary: 'Pledged vs delivered by guarantor and category, and month by month (per unit)',
        querystring: PledgeListQuery,
        response: { 200: SummarySchema },
      },
      config: { permission: 'commitments:read' },
    },
    async (request) => s.commitments.summary(request.principal, filterOf(request.query)),
  );

  app.get(
    '/commitments/:id',
    {
      schema: {
        tags,
        summary: 'One pledge with its amendments and deliveries',
        params: PledgeIdParams,
        response: { 200: PledgeDetailSchema },
      },
      config: { permission: 'commitments:read' },
    },
    async (request) => s.commitments.get(request.principal, request.params.id),
  );

  app.post(
    '/commitments/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'Record a delivery against a pledge (refused beyond the pledge: amend it first)',
        params: PledgeIdParams,
        body: DeliveryBody,
        response: { 201: PledgeDetailSchema },
      },
      config: { permission: 'commitments:record' },
    },
    async (request, reply) =>
      reply.status(201).send(await s.commitments.deliver(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/commitments/:id/amendments',
    {
      schema: {
        tags,
        summary: "Amend a pledge's quantity with a reason (the history is kept)",
        params: PledgeIdParams,
        body: AmendmentBody,
        response: { 201: PledgeDetailSchema },
      },
      config: { permission: 'commitments:record' },
    },
    async (request, reply) =>
      reply.status(201).send(await s.commitments.amend(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/guarantees/:id/ratification',
    {
      schema: {
        tags,
        summary:
          "The guarantee's legal form and ratification steps with their recorded history, beside the negotiation status",
        params: GuaranteeParams,
        response: { 200: RatificationSchema },
      },
      config: { permission: 'commitments:read' },
    },
    async (request) => s.ratification.show(request.principal, request.params.id),
  );

  app.post(
    '/guarantees/:id/ratification/steps/:stepId',
    {
      schema: {
        tags,
        summary: "Record a ratification step's progress (by the step's actor or the commission)",
        params: StepParams,
        body: RatificationBody,
        response: { 201: RatificationSchema },
      },
      config: { permission: 'commitments:record' },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await s.ratification.record(
            actorOf(request),
            request.params.id,
            request.params.stepId,
            request.body,
          ),
        ),
  );
}
