import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import { AppError } from '../core/errors.js';
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
  /** Most streams the anonymous public may hold open at once (see `Config.eventPublicStreams`). */
  publicStreams?: number;
}

function lastEventIdOf(request: FastifyRequest, after: string | undefined): string | undefined {
  const header = request.headers['last-event-id'];
  return typeof header === 'string' && header !== '' ? header : after;
}

/**
 * Webhook subscriptions and their delivery logs (`webhooks:manage`, each organisation its own), and
 * the event stream: `GET /events` with `Accept: text/event-stream` streams the principal's visible
 * events (heartbeats, `Last-Event-ID` resume from the buffer); without it, the buffered events as
 * JSON. The anonymous public receives CLEAR events only, on at most `publicStreams` streams at once.
 * Registered inside the `/api/v1` block.
 */
export function registerNotificationRoutes(app: App, deps: NotificationRouteDeps): void {
  const { bus, webhooks } = deps;
  const heartbeatMs = deps.heartbeatMs ?? 15_000;
  const publicStreams = deps.publicStreams ?? 200;
  // Open public streams: each holds a socket and a subscription, and the public needs no account to
  // open one, so their number is capped (the rate limit counts requests, not what stays open).
  let publicOpen = 0;
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
      config: { permission: 'events:read' },
    },
    async (request, reply) => {
      const principal = request.principal;
      const isPublic = principal.via === 'anonymous';
      const lastEventId = lastEventIdOf(request, request.query.after);
      const accept = request.headers.accept ?? '';
      if (!accept.includes('text/event-stream')) {
        const { events, complete } = bus.resume(principal, lastEventId);
        return { events: events.map(view), lastEventId: `${bus.epoch}.${bus.lastSeq}`, complete };
      }
      if (isPublic && publicOpen >= publicStreams)
        throw new AppError(
          'unavailable',
          `this server holds its limit of ${publicStreams} public event streams; sign in, or try again later`,
          [],
          { 'retry-after': '60' },
        );
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
      if (isPublic) publicOpen += 1;
      let stopped = false;
      const stop = () => {
        if (stopped) return;
        stopped = true;
        if (isPublic) publicOpen -= 1;
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
