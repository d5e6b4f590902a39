import { Type } from '@sinclair/typebox';
import type { App } from '../http/app.js';
import { actorOf } from '../http/request.js';
import { bboxOf } from '../http/schema.js';
import { invalid, isNotFound } from '../core/errors.js';
import type { MonitoringServices } from '../monitoring/monitoring.js';
import { reportFor } from '../monitoring/report.view.js';
import type { Principal } from '../access/policy.js';
import { INCIDENT_STATUSES, isIncidentStatus, type Incident, type IncidentStatus } from './incident.model.js';
import type { IncidentFilter } from './incident.repository.js';
import type { IncidentDetail } from './incident.service.js';
import {
  AssessmentBody,
  AttributionBody,
  CorrelationResultSchema,
  FindingDetailSchema,
  FindingListQuery,
  FindingSchema,
  IdParams,
  IncidentDetailSchema,
  IncidentListQuery,
  IncidentSchema,
  MergeBody,
  ProposeBody,
  QuietDaysQuery,
  QuietDaysSchema,
  SplitBody,
  TransitionBody,
  VoteBody,
  type IncidentListQueryType,
} from './verification.schemas.js';
import type { VerificationServices } from './verification.js';
import { publicShape } from './verification.context.js';
import { asReadBy, type AsRead } from './redaction.js';

const tags = ['verification'];

function filterOf(q: IncidentListQueryType, now: Date): IncidentFilter {
  const statuses = q.status?.split(',') ?? [];
  const bad = statuses.filter((s) => !isIncidentStatus(s));
  if (bad.length > 0)
    throw invalid(`unknown status ${bad.join(', ')}`, [
      { path: '/querystring/status', reason: `must be among ${INCIDENT_STATUSES.join(', ')}` },
    ]);
  const bbox = bboxOf(q.bbox);
  return {
    ...(statuses.length > 0 ? { status: statuses as IncidentStatus[] } : {}),
    ...(q.category !== undefined ? { category: q.category } : {}),
    ...(q.severity !== undefined ? { severity: q.severity } : {}),
    ...(q.sector !== undefined ? { sector: q.sector } : {}),
    ...(q.zone !== undefined ? { zone: q.zone } : {}),
    ...(q.olderThanHours !== undefined
      ? { openedBefore: new Date(now.getTime() - q.olderThanHours * 3_600_000).toISOString() }
      : {}),
    ...(q.overdue === true ? { overdueAt: now.toISOString() } : {}),
    ...(q.from !== undefined ? { from: new Date(q.from).toISOString() } : {}),
    ...(q.to !== undefined ? { to: new Date(q.to).toISOString() } : {}),
    ...(bbox !== undefined ? { bbox } : {}),
    ...(q.sort !== undefined ? { sort: q.sort } : {}),
    limit: q.limit ?? 100,
    ...(q.offset !== undefined ? { offset: q.offset } : {}),
  };
}

/** An incident as one reader may see it (see {@link incidentView}). */
export type IncidentReadView = AsRead<Incident> & { overdue: boolean };

/**
 * An incident as the API returns it: with whether its deadline has passed while it is open, and —
 * for a reader who may not read the agreement version that judged it (a party's confidential draft,
 * say) — without what that version says (`asReadBy`).
 */
function incidentView(incident: Incident, now: Date, readable: ReadonlySet<string>): IncidentReadView {
  const open = incident.status === 'reported' || incident.status === 'under_review';
  const overdue = open && Date.parse(incident.dueAt) < now.getTime();
  return { ...asReadBy(incident, readable.has(incident.agreementVersionId)), overdue };
}

/** A GeoJSON feature of an incident for the map (status and severity style it). */
function incidentFeature(incident: Incident, now: Date, readable: ReadonlySet<string>) {
  const { lon, lat, ...properties } = incidentView(incident, now, readable);
  return {
    type: 'Feature' as const,
    geometry: { type: 'Point' as const, coordinates: [lon, lat] },
    properties,
  };
}

/**
 * Verification: the incident queue, an incident's page (reports, transitions, findings, allowed
 * buttons), the transitions, attribution, assessment, split and merge; findings with votes and
 * publication; quiet days; correlation on demand. Registered inside the `/api/v1` block.
 */
export function registerVerificationRoutes(
  app: App,
  v: VerificationServices,
  m: MonitoringServices,
  now: () => Date,
): void {
  async function detail(principal: Principal, d: IncidentDetail) {
    const reader = await m.reports.readerOf(principal);
    const reports = [];
    for (const id of d.incident.reportIds) {
      try {
        reports.push(reportFor(await m.reports.get(principal, id), reader));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return {
      incident: incidentView(d.incident, now(), reader.agreementVersions),
      transitions: d.transitions,
      findings: await v.findings.ofIncident(principal, d.incident.id),
      reports,
      hiddenReports: d.incident.reportIds.length - reports.length,
      allowed: d.allowed,
    };
  }

  app.get(
    '/incidents',
    {
      schema: {
        tags,
        summary:
          'The verification queue: incidents you may see, filtered, by deadline (or GeoJSON for the map)',
        querystring: IncidentListQuery,
        response: {
          200: Type.Object(
            {},
            {
              additionalProperties: true,
              description: '{ incidents, total } or a GeoJSON FeatureCollection',
            },
          ),
        },
      },
      config: { permission: 'incidents:read' },
    },
    async (request) => {
      const at = now();
      const page = await v.incidents.list(request.principal, filterOf(request.query, at));
      const readable = (await m.reports.readerOf(request.principal)).agreementVersions;
      if (request.query.format === 'geojson')
        return {
          type: 'FeatureCollection',
          features: page.incidents.map((i) => incidentFeature(i, at, readable)),
          total: page.total,
        };
      return { incidents: page.incidents.map((i) => incidentView(i, at, readable)), total: page.total };
    },
  );

  app.get(
    '/incidents/next',
    {
      schema: {
        tags,
        summary: 'The next incident for you to work: open, due first, one you did not report',
        response: { 200: Type.Object({ incident: Type.Union([IncidentSchema, Type.Null()]) }) },
      },
      config: { permission: 'incidents:verify' },
    },
    async (request) => {
      const next = await v.incidents.next(request.principal);
      if (next === undefined) return { incident: null };
      const readable = (await m.reports.readerOf(request.principal)).agreementVersions;
      return { incident: incidentView(next, now(), readable) };
    },
  );

  app.get(
    '/incidents/:id',
    {
      schema: {
        tags,
        summary:
          'One incident: its reports (as you may see them), transitions, findings, and the transitions you may make',
        params: IdParams,
        response: { 200: IncidentDetailSchema },
      },
      config: { permission: 'incidents:read' },
    },
    async (request) => detail(request.principal, await v.incidents.get(request.principal, request.params.id)),
  );

  app.post(
    '/incidents/:id/transitions',
    {
      schema: {
        tags,
        summary: 'Move an incident to another status (allowed transitions and four-eyes rules enforced)',
        params: IdParams,
        body: TransitionBody,
        response: { 200: IncidentDetailSchema },
      },
      config: { permission: 'incidents:verify' },
    },
    async (request) =>
      detail(
        request.principal,
        await v.incidents.transition(actorOf(request), request.params.id, request.body),
      ),
  );

  app.put(
    '/incidents/:id/attribution',
    {
      schema: {
        tags,
        summary: 'Attribute an incident: party, confidence, method, evidence (separate from corroboration)',
        params: IdParams,
        body: AttributionBody,
        response: { 200: IncidentDetailSchema },
      },
      config: { permission: 'incidents:verify' },
    },
    async (request) =>
      detail(
        request.principal,
        await v.incidents.attribute(actorOf(request), request.params.id, request.body),
      ),
  );

  app.patch(
    '/incidents/:id',
    {
      schema: {
        tags,
        summary: 'Assess an incident: severity from the agreement’s scale, provisions violated',
        params: IdParams,
        body: AssessmentBody,
        response: { 200: IncidentDetailSchema },
      },
      config: { permission: 'incidents:verify' },
    },
    async (request) =>
      detail(request.principal, await v.incidents.assess(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/incidents/:id/split',
    {
      schema: {
        tags,
        summary: 'Split reports off an open incident into a new one (never leaving it empty)',
        params: IdParams,
        body: SplitBody,
        response: { 201: Type.Object({ from: IncidentSchema, to: IncidentSchema }) },
      },
      config: { permission: 'incidents:verify' },
    },
    async (request, reply) => {
      const { from, to } = await v.incidents.split(actorOf(request), request.params.id, request.body);
      const readable = (await m.reports.readerOf(request.principal)).agreementVersions;
      return reply
        .status(201)
        .send({ from: incidentView(from, now(), readable), to: incidentView(to, now(), readable) });
    },
  );

  app.post(
    '/incidents/:id/merge',
    {
      schema: {
        tags,
        summary:
          'Merge other open incidents (same agreement version) into this one; they become its duplicates',
        params: IdParams,
        body: MergeBody,
        response: { 200: IncidentDetailSchema },
      },
      config: { permission: 'incidents:verify' },
    },
    async (request) =>
      detail(request.principal, await v.incidents.merge(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/incidents/:id/findings',
    {
      schema: {
        tags,
        summary: 'Put a concluded incident to the verification body’s vote as a finding',
        params: IdParams,
        body: ProposeBody,
        response: { 201: FindingDetailSchema },
      },
      config: { permission: 'findings:propose' },
    },
    async (request, reply) =>
      reply.status(201).send(await v.findings.propose(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/correlation',
    {
      schema: {
        tags,
        summary: 'Group every pending report into incidents now (runs after each intake by itself)',
        response: { 200: CorrelationResultSchema },
      },
      config: { permission: 'incidents:verify' },
    },
    async () => v.correlator.correlateAll(),
  );

  app.get(
    '/findings',
    {
      schema: {
        tags,
        summary: 'Findings you may see: the body’s, yours once published to you, the public ones',
        querystring: FindingListQuery,
        response: { 200: Type.Object({ findings: Type.Array(FindingSchema), total: Type.Integer() }) },
      },
      config: { permission: 'findings:read' },
    },
    async (request) => {
      const q = request.query;
      const page = await v.findings.list(request.principal, {
        ...(q.state !== undefined ? { state: q.state } : {}),
        ...(q.category !== undefined ? { category: q.category } : {}),
        ...(q.severity !== undefined ? { severity: q.severity } : {}),
        ...(q.published !== undefined ? { published: q.published } : {}),
        ...(q.from !== undefined ? { from: new Date(q.from).toISOString() } : {}),
        ...(q.to !== undefined ? { to: new Date(q.to).toISOString() } : {}),
        limit: q.limit ?? 100,
        ...(q.offset !== undefined ? { offset: q.offset } : {}),
      });
      const insider = request.principal.permissions.has('incidents:read');
      return {
        findings: insider ? page.findings : page.findings.map(publicShape),
        total: page.total,
      };
    },
  );

  app.get(
    '/findings/:id',
    {
      schema: {
        tags,
        summary: 'One finding with its separate opinions (and every vote, for the body and the commission)',
        params: IdParams,
        response: { 200: FindingDetailSchema },
      },
      config: { permission: 'findings:read' },
    },
    async (request) => v.findings.get(request.principal, request.params.id),
  );

  app.post(
    '/findings/:id/votes',
    {
      schema: {
        tags,
        summary: 'Vote on a finding (members with a voting seat; once; dissent as a separate opinion)',
        params: IdParams,
        body: VoteBody,
        response: { 201: FindingDetailSchema },
      },
      config: { permission: 'findings:vote' },
    },
    async (request, reply) =>
      reply.status(201).send(await v.findings.vote(actorOf(request), request.params.id, request.body)),
  );

  app.post(
    '/findings/:id/close',
    {
      schema: {
        tags,
        summary: 'Close the vote and decide with the votes cast (no quorum is an outcome too)',
        params: IdParams,
        response: { 200: FindingDetailSchema },
      },
      config: { permission: 'findings:propose' },
    },
    async (request) => v.findings.close(actorOf(request), request.params.id),
  );

  app.post(
    '/findings/:id/publish',
    {
      schema: {
        tags,
        summary: 'Publish an adopted finding to the parties, and to the public when it is marked public',
        params: IdParams,
        response: { 200: FindingDetailSchema },
      },
      config: { permission: 'findings:publish' },
    },
    async (request) => v.findings.publish(actorOf(request), request.params.id),
  );

  app.get(
    '/quiet-days',
    {
      schema: {
        tags,
        summary: 'Consecutive days without a verified violation, per zone and sector',
        querystring: QuietDaysQuery,
        response: { 200: QuietDaysSchema },
      },
      config: { permission: 'findings:read' },
    },
    async (request) =>
      v.quietDays(request.principal, {
        ...(request.query.asOf !== undefined ? { asOf: new Date(request.query.asOf) } : {}),
        ...(request.query.version !== undefined ? { versionId: request.query.version } : {}),
      }),
  );
}
