import { Type } from '@sinclair/typebox';
import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import type { HotlineService } from './hotline.service.js';
import {
  ChannelDetailSchema,
  ChannelSchema,
  HotlineIdParams,
  MessageListQuery,
  MessageSchema,
  OpenChannelBody,
  SendBody,
  StatusBody,
} from './hotline.schemas.js';

const tags = ['deconfliction'];

/**
 * The parties' hotline under `/hotline`: channels (opened by the commission), their status history,
 * messages and acknowledgements. Channels another organisation is not a member of answer 404.
 * Registered inside the `/api/v1` block.
 */
export function registerHotlineRoutes(app: App, hotline: HotlineService): void {
  app.get(
    '/hotline/channels',
    {
      schema: {
        tags,
        summary: 'Hotline channels you may see (yours; all of them for the commission), with their status',
        response: { 200: Type.Object({ channels: Type.Array(ChannelSchema) }) },
      },
      config: { permission: 'hotline:read' },
    },
    async (request) => ({ channels: await hotline.channels(request.principal) }),
  );

  app.post(
    '/hotline/channels',
    {
      schema: {
        tags,
        summary: 'Open a hotline channel between organisations (the commission)',
        body: OpenChannelBody,
        response: { 201: ChannelDetailSchema },
      },
      config: { permission: 'hotline:operate' },
    },
    async (request, reply) => reply.status(201).send(await hotline.open(actorOf(request), request.body)),
  );

  app.get(
    '/hotline/channels/:id',
    {
      schema: {
        tags,
        summary: 'One channel with its status history',
        params: HotlineIdParams,
        response: { 200: ChannelDetailSchema },
      },
      config: { permission: 'hotline:read' },
    },
    async (request) => hotline.channel(request.principal, request.params.id),
  );

  app.post(
    '/hotline/channels/:id/status',
    {
      schema: {
        tags,
        summary: 'Record a change of the channel’s status with its cause (a member or the commission)',
        params: HotlineIdParams,
        body: StatusBody,
        response: { 200: ChannelDetailSchema },
      },
      config: { permission: 'hotline:operate' },
    },
    async (request) => hotline.changeStatus(actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/hotline/channels/:id/messages',
    {
      schema: {
        tags,
        summary: 'A channel’s messages, newest first (metadata only for the commission unless it reads)',
        params: HotlineIdParams,
        querystring: MessageListQuery,
        response: {
          200: Type.Object({
            messages: Type.Array(MessageSchema),
            total: Type.Integer(),
            bodies: Type.Boolean(),
          }),
        },
      },
      config: { permission: 'hotline:read' },
    },
    async (request) => {
      const q = request.query;
      return hotline.messages(request.principal, request.params.id, {
        ...(q.pending !== undefined ? { pending: q.pending } : {}),
        limit: q.limit ?? 100,
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
      });
    },
  );

  app.post(
    '/hotline/channels/:id/messages',
    {
      schema: {
        tags,
        summary: 'Send a message to another member, with an acknowledgement deadline',
        params: HotlineIdParams,
        body: SendBody,
        response: { 201: MessageSchema },
      },
      config: { permission: 'hotline:operate' },
    },
    async (request, reply) =>
      reply.status(201).send(await hotline.send(actorOf(request), request.params.id, request.body)),
  );

  app.get(
    '/hotline/messages/:id',
    {
      schema: {
        tags,
        summary: 'One message (metadata only for the commission unless the channel lets it read)',
        params: HotlineIdParams,
        response: { 200: MessageSchema },
      },
      config: { permission: 'hotline:read' },
    },
    async (request) => hotline.message(request.principal, request.params.id),
  );

  app.post(
    '/hotline/messages/:id/ack',
    {
      schema: {
        tags,
        summary: 'Acknowledge a message addressed to your organisation (once)',
        params: HotlineIdParams,
        response: { 200: MessageSchema },
      },
      config: { permission: 'hotline:operate' },
    },
    async (request) => hotline.acknowledge(actorOf(request), request.params.id),
  );
}
