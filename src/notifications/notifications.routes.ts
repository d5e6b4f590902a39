import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import type { EventBus, PublishedEvent } from './event-bus.js';
import {
  DeliveriesQuery,
  EventsPageSchema,
  EventsQuery,
  WebhookCreateBody,
  WebhookCreatedSchema,
  WebhookDeliverySchema,
  WebhookIdParams,
  WebhookSchema,
} from './notifications.schemas.js';
import type { WebhookService } from './webhook.service.js';

const tags = ['notifications'];

/** What the notification routes need. */
export interface NotificationRouteDeps {
  bus: EventBus;
  webhooks: WebhookService;
  /** Milliseconds between heartbeat comments on an open stream. */
  heartbeatMs?: number;
}

function lastEventIdOf(request: FastifyRequest, after: string | undefined): string | undefined {
  const header = request.headers['last-event-id'];
  return typeof header === 'string' && header !== '' ? header : after;
}

/**
 * Webhook subscriptions and their delivery logs (`webhooks:manage`, each organisation its own), and
 * the event stream: `GET /events` with `Accept: text/event-stream` streams the signed-in principal's
 * visible events (heartbeats, `Last-Event-ID` resume from the buffer); without it, the buffered
 * events as JSON. Registered inside the `/api/v1` block.
 */
export function registerNotificationRoutes(app: App, deps: NotificationRouteDeps): void {
  const { bus, webhooks } = deps;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  // Open streams end when the server closes: it would otherwise wait for every dashboard to leave.
  const open = new Set<() => void>();
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });
  const view = (e: PublishedEvent) => ({
    id: bus.idOf(e),
    kind: e.kind,
    recordId: e.recordId,
    at: e.at,
    marking: e.marking,
    summary: e.summary,
  });

  app.post(
    '/webhooks',
    {
      schema: {
        tags,
        summary: 'Subscribe a URL to event kinds for your organisation (the secret is shown once)',
        body: WebhookCreateBody,
        response: { 201: WebhookCreatedSchema },
      },
      config: { permission: 'webhooks:manage' },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(actorOf(request), request.body)),
  );

  app.get(
    '/webhooks',
    {
      schema: {
        tags,
        summary: "Your organisation's webhook subscriptions",
        response: { 200: Type.Object({ webhooks: Type.Array(WebhookSchema) }) },
      },
      config: { permission: 'webhooks:manage' },
    },
    async (request) => ({ webhooks: await webhooks.list(request.principal) }),
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Stop a subscription (its delivery log stays)',
        params: WebhookIdParams,
        response: { 200: WebhookSchema },
      },
      config: { permission: 'webhooks:manage' },
    },
    async (request) => webhooks.remove(actorOf(request), request.params.id),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: "A subscription's delivery log: attempts, status codes, next retry",
        params: WebhookIdParams,
        querystring: DeliveriesQuery,
        response: { 200: Type.Object({ deliveries: Type.Array(WebhookDeliverySchema) }) },
      },
      config: { permission: 'webhooks:manage' },
    },
    async (request) => ({
      deliveries: await webhooks.deliveries(request.principal, request.params.id, request.query.limit),
    }),
  );

  app.get(
    '/events',
    {
      schema: {
        tags,
        summary:
          'Your visible events: a text/event-stream (Accept: text/event-stream; heartbeats, Last-Event-ID resume) or, otherwise, the buffered events as JSON',
        querystring: EventsQuery,
        response: { 200: EventsPageSchema },
      },
      config: { permission: 'me:read' },
    },
    async (request, reply) => {
      const principal = request.principal;
      const lastEventId = lastEventIdOf(request, request.query.after);
      const accept = request.headers.accept ?? '';
      if (!accept.includes('text/event-stream')) {
        const { events, complete } = bus.resume(principal, lastEventId);
        return { events: events.map(view), lastEventId: `${bus.epoch}.${bus.lastSeq}`, complete };
      }
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      const send = (e: PublishedEvent) =>
        raw.write(`id: ${bus.idOf(e)}\nevent: ${e.kind}\ndata: ${JSON.stringify(view(e))}\n\n`);
      // Backlog and subscription in one synchronous step: no event falls between them.
      const gap = () => raw.write(`event: gap\ndata: {"complete":false}\n\n`);
      const backlog = bus.resume(principal, lastEventId);
      raw.write(`retry: 5000\n\n`);
      if (!backlog.complete) gap();
      backlog.events.forEach(send);
      // Events relayed from other processes may have been lost (the relay reconnected): say so.
      const unsubscribe = bus.subscribeFor(principal, send, gap);
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), heartbeatMs);
      heartbeat.unref();
      const stop = () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(end);
      };
      const socket = request.raw.socket;
      const end = () => {
        stop();
        raw.end();
        socket.destroy();
      };
      open.add(end);
      // The socket's close, not the request's: a GET's request stream closes as soon as it is read.
      socket.on('close', stop);
      raw.on('error', stop);
    },
  );
}
