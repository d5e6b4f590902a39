import { Type } from '@sinclair/typebox';
import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import type { EscalationService } from './escalation.service.js';
import {
  EscalationListQuery,
  EscalationSchema,
  EscalationIdParams,
  ResolveBody,
} from './escalation.schemas.js';

const tags = ['deconfliction'];

/**
 * Escalations to the commission: listed for the commission (all) and the organisations involved
 * (theirs); resolved by the commission. Registered inside the `/api/v1` block.
 */
export function registerEscalationRoutes(app: App, escalations: EscalationService): void {
  app.get(
    '/escalations',
    {
      schema: {
        tags,
        summary:
          'Escalations you may see: all for the commission, those involving your organisation otherwise',
        querystring: EscalationListQuery,
        response: {
          200: Type.Object({ escalations: Type.Array(EscalationSchema), total: Type.Integer() }),
        },
      },
      // Every signed-in user holds notices:read; the organisations involved decide what each sees.
      config: { permission: 'notices:read' },
    },
    async (request) => {
      const q = request.query;
      return escalations.list(request.principal, {
        ...(q.sourceKind !== undefined ? { sourceKind: q.sourceKind } : {}),
        ...(q.sourceId !== undefined ? { sourceId: q.sourceId } : {}),
        ...(q.open !== undefined ? { open: q.open } : {}),
        ...(q.organisation !== undefined ? { organisation: q.organisation } : {}),
        limit: q.limit ?? 100,
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
      });
    },
  );

  app.get(
    '/escalations/:id',
    {
      schema: {
        tags,
        summary: 'One escalation you may see',
        params: EscalationIdParams,
        response: { 200: EscalationSchema },
      },
      config: { permission: 'notices:read' },
    },
    async (request) => escalations.get(request.principal, request.params.id),
  );

  app.post(
    '/escalations/:id/resolve',
    {
      schema: {
        tags,
        summary: 'Resolve an escalation (the commission), once, saying what was done',
        params: EscalationIdParams,
        body: ResolveBody,
        response: { 200: EscalationSchema },
      },
      config: { permission: 'notices:respond' },
    },
    async (request) => escalations.resolve(actorOf(request), request.params.id, request.body),
  );
}
