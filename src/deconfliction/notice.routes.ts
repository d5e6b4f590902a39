import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import { bboxOf } from '../http/schema.js';
import { invalid } from '../core/errors.js';
import type { LogReader } from '../ledger/log-reader.service.js';
import type { NotifiedMatch } from '../monitoring/report.model.js';
import type { Principal } from '../access/policy.js';
import type { DeconflictionServices } from './deconfliction.js';
import { NOTICE_STATES, type NoticeState } from './notice.model.js';
import { buildProof } from './notice.proof.js';
import { noticesFromGeoJson, noticesToGeoJson } from './notice.geojson.js';
import {
  AnswerBody,
  AnyObject,
  ConflictListQuery,
  IdParams,
  NoticeInputSchema,
  NoticeListQuery,
  ReasonBody,
  RequestBody,
  RespondBody,
  TouchedQuery,
  type NoticeListQueryType,
} from './notice.schemas.js';
import type { NoticeFilter } from './notice.repository.js';

const tags = ['deconfliction'];

/** What the notice routes read from other domains: a report's or incident's notified matches, as the reader sees them. */
export interface TouchedSource {
  ofReport(principal: Principal, id: string): Promise<NotifiedMatch[]>;
  ofIncident(principal: Principal, id: string): Promise<NotifiedMatch[]>;
}

function filterOf(q: NoticeListQueryType): NoticeFilter {
  const states = q.state?.split(',') ?? [];
  const bad = states.filter((s) => !(NOTICE_STATES as readonly string[]).includes(s));
  if (bad.length > 0)
    throw invalid(`unknown state ${bad.join(', ')}`, [
      { path: '/querystring/state', reason: `must be among ${NOTICE_STATES.join(', ')}` },
    ]);
  const bbox = bboxOf(q.bbox);
  return {
    ...(q.role !== undefined ? { role: q.role } : {}),
    ...(states.length > 0 ? { state: states as NoticeState[] } : {}),
    ...(q.kind !== undefined ? { kind: q.kind } : {}),
    ...(q.awaiting !== undefined ? { awaiting: q.awaiting } : {}),
    ...(bbox !== undefined ? { bbox } : {}),
    limit: q.limit ?? 200,
    ...(q.offset !== undefined ? { offset: q.offset } : {}),
  };
}

const ok = { 200: AnyObject };

/**
 * Deconfliction: notices and their copies, answers, disclosure requests, conflicts, strikes on
 * notified sites, proof bundles, GeoJSON import and export. Registered inside the `/api/v1` block.
 */
export function registerNoticeRoutes(
  app: App,
  d: DeconflictionServices,
  log: { reader: LogReader; db: Parameters<typeof buildProof>[0] },
  touched: TouchedSource,
): void {
  app.get(
    '/notices',
    {
      schema: {
        tags,
        summary:
          'Notices you submitted (in full, with each copy’s state) and copies addressed to you (as released to you); `format=geojson` for the map',
        querystring: NoticeListQuery,
        response: ok,
      },
      config: { permission: 'notices:read' },
    },
    async (request) => {
      const page = await d.notices.list(actorOf(request), filterOf(request.query));
      if (request.query.format === 'geojson') return noticesToGeoJson(page);
      return page;
    },
  );

  app.post(
    '/notices',
    {
      schema: {
        tags,
        summary: 'Submit a notice under a notification obligation',
        body: NoticeInputSchema,
        response: { 201: AnyObject },
      },
      config: { permission: 'notices:submit' },
    },
    async (request, reply) => {
      const detail = await d.notices.submit(actorOf(request), request.body);
      const conflicts = await d.conflicts.list(request.principal, {
        noticeId: detail.notice.id,
        state: 'open',
        limit: 100,
      });
      return reply.code(201).send({ ...detail, conflicts: conflicts.conflicts });
    },
  );

  app.post(
    '/notices/import',
    {
      schema: {
        tags,
        summary:
          'Submit notices from a GeoJSON FeatureCollection: all or none (each problem names its feature)',
        body: AnyObject,
        response: { 201: AnyObject },
      },
      config: { permission: 'notices:submit' },
    },
    async (request, reply) => {
      const inputs = noticesFromGeoJson(request.body);
      const submitted = await d.notices.submitMany(actorOf(request), inputs);
      return reply.code(201).send({ submitted: submitted.map((n) => n.notice.id), count: submitted.length });
    },
  );

  app.get(
    '/notices/conflicts',
    {
      schema: {
        tags,
        summary: 'Conflicts of your notices (all, for the commission)',
        querystring: ConflictListQuery,
        response: ok,
      },
      config: { permission: 'notices:read' },
    },
    async (request) => {
      const q = request.query;
      return d.conflicts.list(request.principal, {
        ...(q.state !== undefined ? { state: q.state } : {}),
        ...(q.notice !== undefined ? { noticeId: q.notice } : {}),
        limit: q.limit ?? 200,
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
      });
    },
  );

  app.get(
    '/notices/touched',
    {
      schema: {
        tags,
        summary:
          'Notified sites and movements a report or incident touches, with their delivery and acknowledgement history',
        querystring: TouchedQuery,
        response: ok,
      },
      config: { permission: 'notices:read' },
    },
    async (request) => {
      const q = request.query;
      if ((q.report === undefined) === (q.incident === undefined))
        throw invalid('name a report or an incident', [
          { path: '/querystring', reason: 'give report or incident' },
        ]);
      const matches =
        q.report !== undefined
          ? await touched.ofReport(request.principal, q.report)
          : await touched.ofIncident(request.principal, q.incident ?? '');
      return { touched: await d.notices.touched(actorOf(request), matches) };
    },
  );

  app.get(
    '/notices/:id',
    {
      schema: {
        tags,
        summary:
          'A notice: in full for its notifier; your copy if it is addressed to you (the first read delivers it)',
        params: IdParams,
        response: ok,
      },
      config: { permission: 'notices:read' },
    },
    async (request) => {
      const detail = await d.notices.read(actorOf(request), request.params.id);
      const conflicts =
        detail.role === 'notifier'
          ? (await d.conflicts.list(request.principal, { noticeId: request.params.id, limit: 100 })).conflicts
          : [];
      return { ...detail, conflicts };
    },
  );

  app.get(
    '/notices/:id/proof',
    {
      schema: {
        tags,
        summary:
          'The steps you may see with their log entries, salts and receipts: check offline with `truceline notice verify-proof`',
        params: IdParams,
        response: ok,
      },
      config: { permission: 'notices:read' },
    },
    async (request) => {
      const { events } = await d.notices.history(request.principal, request.params.id);
      return buildProof(log.db, log.reader, request.params.id, events);
    },
  );

  const write = (
    path: string,
    summary: string,
    body: typeof ReasonBody | typeof RespondBody | typeof RequestBody | typeof NoticeInputSchema | undefined,
    permission: 'notices:submit' | 'notices:respond',
    run: (
      request: { params: { id: string }; body: never },
      actor: ReturnType<typeof actorOf>,
    ) => Promise<unknown>,
  ) =>
    app.post(
      path,
      {
        schema: { tags, summary, params: IdParams, ...(body !== undefined ? { body } : {}), response: ok },
        config: { permission },
      },
      async (request) => run(request as never, actorOf(request)),
    );

  write(
    '/notices/:id/replace',
    'Replace an active notice with a new version (NOTAM R)',
    NoticeInputSchema,
    'notices:submit',
    (r, a) => d.notices.replace(a, r.params.id, r.body),
  );
  write('/notices/:id/cancel', 'Cancel an active notice (NOTAM C)', ReasonBody, 'notices:submit', (r, a) =>
    d.notices.cancel(a, r.params.id, (r.body as { reason: string }).reason),
  );
  write(
    '/notices/:id/withdraw',
    'Withdraw a notice: its content is taken back from every addressee',
    ReasonBody,
    'notices:submit',
    (r, a) => d.notices.withdraw(a, r.params.id, (r.body as { reason: string }).reason),
  );
  write('/notices/:id/reconfirm', 'Re-confirm an active notice', undefined, 'notices:submit', (r, a) =>
    d.notices.reconfirm(a, r.params.id),
  );
  write(
    '/notices/:id/respond',
    'Answer your copy: acknowledge (received — never approval), approve or refuse (permission requests), object',
    RespondBody,
    'notices:respond',
    (r, a) => {
      const b = r.body as { response: 'acknowledge' | 'approve' | 'refuse' | 'object'; reason?: string };
      return d.notices.respond(a, r.params.id, b.response, b.reason);
    },
  );
  write(
    '/notices/:id/requests',
    'Ask the notifier for fields you did not receive (beyond the agreement: flagged to the commission)',
    RequestBody,
    'notices:respond',
    (r, a) => {
      const b = r.body as { fields: string[]; reason: string };
      return d.notices.request(a, r.params.id, b.fields, b.reason);
    },
  );

  app.post(
    '/notices/requests/:id/answer',
    {
      schema: {
        tags,
        summary: 'The notifier discloses the requested fields to that addressee, or declines',
        params: IdParams,
        body: AnswerBody,
        response: ok,
      },
      config: { permission: 'notices:submit' },
    },
    async (request) => d.notices.answerRequest(actorOf(request), request.params.id, request.body.disclose),
  );
}
