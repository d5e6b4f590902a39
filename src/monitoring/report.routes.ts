import { Type } from '@sinclair/typebox';
import type { FastifySchemaValidationError } from 'fastify';
import { fieldProblems } from '../http/validation.js';
import { actorOf } from '../http/request.js';
import { invalid } from '../core/errors.js';
import { StringEnum, bboxOf } from '../http/schema.js';
import type { App } from '../http/app.js';
import { RELIABILITIES } from './grading.js';
import type { MonitoringServices } from './monitoring.js';
import { reportFeature } from './import/geojson.js';
import {
  IntakeResultSchema,
  MapReportPageSchema,
  ReportBodySchema,
  ReportDensitySchema,
  ReportPageSchema,
  ReportIdParams,
  ReportListQuery,
  ReportViewSchema,
  type ReportListQueryType,
} from './report.schemas.js';
import { reportFor, type ReportReader } from './report.view.js';
import { CREATE_REPORTS } from './report.permission.js';
import type { ReportFilter } from './report.repository.js';
import type { Principal } from '../access/policy.js';

const tags = ['monitoring'];

/**
 * The body's problems as every route reports them, less Ajv's "must match then/else schema", which
 * only says which of ReportBodySchema's two shapes the body was checked against.
 */
function bodyProblems(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const problems = fieldProblems(
    dataVar,
    (errors as Parameters<typeof fieldProblems>[1]).filter((e) => e.keyword !== 'if'),
  );
  return invalid(`invalid ${dataVar}: ${problems.map((p) => `${p.path} ${p.reason}`).join('; ')}`, problems);
}

/** An intake outcome's warnings as the reader may see them: none from a version it may not read. */
function outcomeFor<T extends { warnings: string[]; agreementVersionId?: string }>(
  outcome: T,
  reader: ReportReader,
): Omit<T, 'agreementVersionId'> {
  const { agreementVersionId, ...rest } = outcome;
  return agreementVersionId === undefined || reader.agreementVersions.has(agreementVersionId)
    ? rest
    : { ...rest, warnings: [] };
}

function cursorOf(last: { key: string | number; id: string } | undefined): string | undefined {
  return last && Buffer.from(JSON.stringify([last.key, last.id])).toString('base64url');
}

function filterOf(q: ReportListQueryType): ReportFilter {
  let after: ReportFilter['after'];
  if (q.cursor !== undefined) {
    try {
      const [key, id] = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as [
        string | number,
        string,
      ];
      if (typeof id !== 'string') throw new Error('bad cursor');
      after = { key, id };
    } catch {
      throw invalid('cursor is not one this API returned', [
        { path: '/querystring/cursor', reason: 'is not a valid cursor' },
      ]);
    }
  }
  const bbox = bboxOf(q.bbox);
  return {
    ...(q.from !== undefined ? { from: new Date(q.from).toISOString() } : {}),
    ...(q.to !== undefined ? { to: new Date(q.to).toISOString() } : {}),
    ...(q.category !== undefined ? { category: q.category } : {}),
    ...(q.zone !== undefined ? { zone: q.zone } : {}),
    ...(bbox !== undefined ? { bbox } : {}),
    ...(q.source !== undefined ? { sourceId: q.source } : {}),
    ...(q.flagged !== undefined ? { flagged: q.flagged } : {}),
    ...(q.externalId !== undefined ? { externalId: q.externalId } : {}),
    ...(q.sort !== undefined ? { sort: q.sort } : {}),
    limit: q.limit ?? 100,
    ...(after !== undefined ? { after } : {}),
  };
}

/**
 * Observation reports: intake (one or a batch), filtered marked lists (JSON or GeoJSON), one report,
 * sources and grading ceilings (evidence routes: evidence.routes.ts). Registered inside the
 * `/api/v1` block: `registerReportRoutes(api, services.monitoring)`.
 */
export function registerReportRoutes(app: App, m: MonitoringServices): void {
  app.post(
    '/reports',
    {
      schema: {
        tags,
        summary: 'Submit one report, or a batch { reports: [...] } (all or nothing unless applyGood)',
        description:
          'Each report is validated, classified against the agreement version in force at its observed time, stored and logged in one transaction. Send `Prefer: receipt` for log receipts.',
        body: ReportBodySchema,
        response: {
          201: Type.Union([
            Type.Object({
              report: ReportViewSchema,
              status: Type.String(),
              warnings: Type.Array(Type.String()),
            }),
            IntakeResultSchema,
          ]),
        },
      },
      schemaErrorFormatter: bodyProblems,
      config: { permission: CREATE_REPORTS },
    },
    async (request, reply) => {
      const body = request.body;
      const actor = actorOf(request);
      const reader = await m.reports.readerOf(request.principal);
      if ('reports' in body) {
        // The batch's reports are checked by the intake, one by one (see ReportBatchSchema).
        const result = await m.reports.submit(
          actor,
          body.reports,
          (i) => `/body/reports/${i}`,
          body.applyGood === true,
          { reader },
        );
        const { stored: _s, ...summary } = result;
        return reply
          .status(201)
          .send({ ...summary, reports: summary.reports.map((o) => outcomeFor(o, reader)) });
      }
      const result = await m.reports.submit(actor, [body], () => '/body', false, {
        schemaChecked: true,
        reader,
      });
      const outcome = result.reports[0];
      const report =
        result.stored?.[0] ?? (outcome ? await m.reports.get(request.principal, outcome.id) : undefined);
      if (!outcome || !report) throw invalid('the report was not applied', result.problems);
      const view = reportFor(report, reader);
      return reply.status(201).send({ report: view, status: outcome.status, warnings: view.warnings });
    },
  );

  app.get(
    '/reports',
    {
      schema: {
        tags,
        summary:
          'Reports you may see, filtered; `format=geojson` for a FeatureCollection, `view=map` for only what the map draws',
        description:
          'The same filters, order and cursor whatever the shape. `view=map` answers each report as a MapReport (id, category, observed window, position, grade, zones, flagged), redacted as the full report is, without reading its body: the map fetches GET /reports/{id} for the one selected.',
        querystring: ReportListQuery,
        response: {
          200: Type.Union([
            ReportDensitySchema,
            ReportPageSchema,
            MapReportPageSchema,
            Type.Object(
              { type: Type.Literal('FeatureCollection'), features: Type.Array(Type.Unknown()) },
              { additionalProperties: true, description: 'format=geojson: a GeoJSON FeatureCollection' },
            ),
          ]),
        },
      },
      // The union documents the three shapes; the answer is written as it is built (as the open
      // object schema did before), not by a serializer that would test each report against each shape.
      serializerCompiler: () => (data) => JSON.stringify(data),
      config: { permission: 'reports:read' },
    },
    async (request) => {
      const filter = filterOf(request.query);
      if (request.query.view === 'density') return density(request.principal, request.query, filter);
      if (request.query.cell !== undefined)
        throw invalid('cell is for view=density only', [
          { path: '/querystring/cell', reason: 'is only taken with view=density' },
        ]);
      if (request.query.view === 'map') {
        if (request.query.format === 'geojson')
          throw invalid('view=map is answered as JSON only', [
            { path: '/querystring/format', reason: 'must be json (or absent) with view=map' },
          ]);
        const page = await m.reports.listForMap(request.principal, filter);
        const next = cursorOf(page.last);
        return { reports: page.reports, ...(next !== undefined ? { next } : {}) };
      }
      const reader = await m.reports.readerOf(request.principal);
      const page = await m.reports.list(request.principal, filter);
      const next = cursorOf(page.last);
      if (request.query.format === 'geojson') {
        return {
          type: 'FeatureCollection' as const,
          features: page.reports.map((r) => reportFeature(reportFor(r, reader), { derived: true })),
          ...(next !== undefined ? { next } : {}),
        };
      }
      return {
        reports: page.reports.map((r) => reportFor(r, reader)),
        ...(next !== undefined ? { next } : {}),
      };
    },
  );

  /** `view=density`: the count of the reports the list would list, per grid cell. */
  async function density(principal: Principal, q: ReportListQueryType, filter: ReportFilter) {
    const problems = [
      ...(q.cell === undefined
        ? [{ path: '/querystring/cell', reason: 'is required with view=density' }]
        : []),
      ...(q.cursor !== undefined
        ? [{ path: '/querystring/cursor', reason: 'is not taken with view=density' }]
        : []),
      // Counting is bounded by the window: without one it would read every report ever filed.
      ...(q.from === undefined
        ? [{ path: '/querystring/from', reason: 'is required with view=density (a bounded window)' }]
        : []),
      ...(q.to === undefined
        ? [{ path: '/querystring/to', reason: 'is required with view=density (a bounded window)' }]
        : []),
      ...(q.format === 'geojson'
        ? [{ path: '/querystring/format', reason: 'must be json (or absent) with view=density' }]
        : []),
    ];
    if (q.cell === undefined || problems.length > 0)
      throw invalid(`view=density: ${problems.map((p) => `${p.path} ${p.reason}`).join('; ')}`, problems);
    const cells = await m.reports.densityForMap(principal, filter, q.cell);
    return { cell: q.cell, total: cells.reduce((n, c) => n + c.count, 0), cells };
  }

  app.get(
    '/reports/:id',
    {
      schema: {
        tags,
        summary: 'One report, with the index of the log entry that records it',
        params: ReportIdParams,
        response: { 200: ReportViewSchema },
      },
      config: { permission: 'reports:read' },
    },
    async (request) => {
      const report = await m.reports.get(request.principal, request.params.id);
      const reader = await m.reports.readerOf(request.principal);
      return { ...reportFor(report, reader), log: { index: await m.reports.logIndexOf(report) } };
    },
  );

  app.get(
    '/report-sources',
    {
      schema: {
        tags,
        summary:
          'Registered sources with their reliability grade and independence group (the commission’s verifiers: sources may be confidential)',
        response: {
          200: Type.Object({ sources: Type.Array(Type.Object({}, { additionalProperties: true })) }),
        },
      },
      config: { permission: 'sources:manage' },
    },
    async () => ({ sources: await m.reports.listSources() }),
  );

  app.patch(
    '/report-sources/:id',
    {
      schema: {
        tags,
        summary: 'Grade a source (commission only)',
        params: ReportIdParams,
        body: Type.Object(
          {
            reliability: Type.Optional(StringEnum(RELIABILITIES)),
            independenceGroup: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            kind: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 204: Type.Null() },
      },
      config: { permission: 'sources:manage' },
    },
    async (request, reply) => {
      await m.reports.gradeSource(actorOf(request), request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/grading-ceilings/:id',
    {
      schema: {
        tags,
        summary: "Set a user's grading ceiling, e.g. C3 (commission administrators)",
        params: ReportIdParams,
        body: Type.Object(
          { ceiling: Type.String({ pattern: '^[A-Ea-e][1-5]$' }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ userId: Type.String(), ceiling: Type.String() }) },
      },
      config: { permission: 'users:manage' },
    },
    async (request) => {
      await m.reports.setCeiling(actorOf(request), request.params.id, request.body.ceiling);
      return { userId: request.params.id, ceiling: request.body.ceiling.toUpperCase() };
    },
  );
}
