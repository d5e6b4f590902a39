/**
 * Reports: the client side of the monitoring API (`src/monitoring/report.routes.ts`,
 * docs/monitoring.md). The shapes are the server's own types, taken through `src/wire.ts`, so a change
 * there fails the web typecheck rather than the browser.
 */
import type {
  Credibility,
  CustodyEvent,
  Evidence,
  MapReport,
  Marking,
  Reliability,
  Report as ReportModel,
  ReporterKind,
  ReportInput,
  TimePrecision,
} from '../../../src/wire.js';
import { getJson, request } from './client.js';

export type {
  Marking,
  Credibility,
  Reliability,
  TimePrecision,
  ReporterKind,
  Evidence,
  CustodyEvent,
  MapReport,
};

/** A report as the API returns it; the single-report route adds where the log records it. */
export type Report = ReportModel & { log?: { index: number | null } };
/** What a monitor sends (`POST /api/v1/reports`). */
export type NewReport = ReportInput;
export type EvidenceDeclaration = NonNullable<ReportInput['evidence']>[number];

// The choices the form offers: the server's own lists (pure modules, bundled as they are).
export {
  MARKINGS,
  RELIABILITIES as RELIABILITY,
  CREDIBILITIES as CREDIBILITY,
  TIME_PRECISIONS,
  REPORTER_KINDS,
  GEO_PRECISIONS as GEO_PRECISION,
} from '../../../src/wire.js';

/** Most reports one map or list request asks for (the server's page limit). */
export const REPORT_PAGE = 5000;

export interface ReportFilter {
  bbox?: [number, number, number, number];
  /** Observed windows ending at or after this instant (ISO 8601). */
  from?: string;
  /** Observed windows starting at or before this instant (ISO 8601). */
  to?: string;
  category?: string;
  zone?: string;
  flagged?: boolean;
}

/** How the server orders a list: newest or oldest observation first, or best source grade first. */
export type ReportSort = '-observed' | 'observed' | 'grade';

/** One page of the list, and the cursor of the next (absent on the last page). */
export interface ReportPage {
  reports: Report[];
  next?: string;
}

function listQuery(filter: ReportFilter, sort: ReportSort, limit: number): URLSearchParams {
  const query = new URLSearchParams({ sort, limit: String(limit) });
  if (filter.bbox) query.set('bbox', filter.bbox.join(','));
  if (filter.from) query.set('from', filter.from);
  if (filter.to) query.set('to', filter.to);
  if (filter.category) query.set('category', filter.category);
  if (filter.zone) query.set('zone', filter.zone);
  if (filter.flagged) query.set('flagged', 'true');
  return query;
}

/**
 * One page of the reports the principal may see, filtered and sorted by the server (so any week of
 * any number of reports can be listed); `cursor` is the `next` of the page before.
 */
export function listReportPage(
  filter: ReportFilter,
  sort: ReportSort,
  limit: number,
  cursor?: string,
): Promise<ReportPage> {
  const query = listQuery(filter, sort, limit);
  if (cursor !== undefined) query.set('cursor', cursor);
  return getJson<ReportPage>(`/api/v1/reports?${query.toString()}`);
}

export interface MapReportList {
  reports: MapReport[];
  /** True when there were more than one page: the newest are shown. */
  more: boolean;
}

/**
 * What the map draws of the reports the principal may see, newest observation first
 * (`view=map`: id, category, window, position, grade, zone ids, flagged, redacted as the full report
 * is); the map fetches the full report with {@link getReport} when one is selected.
 */
export async function listMapReports(
  filter: ReportFilter = {},
  signal?: AbortSignal,
): Promise<MapReportList> {
  const query = listQuery(filter, '-observed', REPORT_PAGE);
  query.set('view', 'map');
  const body = await getJson<{ reports: MapReport[]; next?: string }>(
    `/api/v1/reports?${query.toString()}`,
    signal ? { signal } : {},
  );
  return { reports: body.reports, more: body.next !== undefined };
}

/** The reports in each cell of a grid (`view=density`): each cell by its south-west corner. */
export interface ReportDensity {
  cell: number;
  total: number;
  cells: { lon: number; lat: number; count: number }[];
}

/**
 * How many of the reports the principal may see pass the filter in each cell of a grid of `cell`
 * degrees: what the map draws where a view holds more than one page of reports.
 */
export function reportDensity(
  filter: ReportFilter,
  cell: number,
  signal?: AbortSignal,
): Promise<ReportDensity> {
  const query = listQuery(filter, '-observed', 1);
  query.delete('sort');
  query.delete('limit');
  query.set('view', 'density');
  query.set('cell', String(cell));
  return getJson<ReportDensity>(`/api/v1/reports?${query.toString()}`, signal ? { signal } : {});
}

export function getReport(id: string): Promise<Report> {
  return getJson<Report>(`/api/v1/reports/${encodeURIComponent(id)}`);
}

/** The chain of custody of one evidence item, oldest first. */
export async function getCustody(evidenceId: string): Promise<CustodyEvent[]> {
  return (
    await getJson<{ events: CustodyEvent[] }>(`/api/v1/evidence/${encodeURIComponent(evidenceId)}/custody`)
  ).events;
}

export async function listEvidence(reportId: string): Promise<Evidence[]> {
  return (await getJson<{ evidence: Evidence[] }>(`/api/v1/reports/${encodeURIComponent(reportId)}/evidence`))
    .evidence;
}

/** The log receipt handed back with a write (`Prefer: receipt`). */
export interface WriteReceipt {
  indices: number[];
  /** tlog-proof texts, one per index, when the server inlined them. */
  receipts: string[];
}

export interface FiledReport {
  report: Report;
  /** `accepted`, `revised`, `unchanged`… as the intake says. */
  status: string;
  warnings: string[];
  receipt: WriteReceipt;
  /** Evidence whose bytes could not be uploaded (the declaration, with its hash, is on record). */
  failedUploads: { filename: string; reason: string }[];
}

/**
 * Files the report with its evidence declared (each SHA-256 computed on this device before sending),
 * asking for the log receipt, then uploads each file's bytes to its content address.
 */
export async function fileReport(
  report: NewReport,
  files: { sha256: string; file: Blob }[],
): Promise<FiledReport> {
  const result = await request<{ report: Report; status: string; warnings: string[] }>('/api/v1/reports', {
    method: 'POST',
    body: report,
    headers: { prefer: 'receipt' },
  });
  const id = encodeURIComponent(result.body.report.id);
  const failedUploads: FiledReport['failedUploads'] = [];
  for (const { sha256, file } of files) {
    try {
      await request(`/api/v1/reports/${id}/evidence/${sha256}`, {
        method: 'PUT',
        body: file,
        headers: { 'content-type': file.type || 'application/octet-stream' },
      });
    } catch (err) {
      failedUploads.push({
        filename: file instanceof File ? file.name : sha256,
        reason: (err as Error).message,
      });
    }
  }
  return { ...result.body, receipt: receiptFromHeaders(result.headers), failedUploads };
}

/** Reads `x-log-entries` and `x-log-receipt` (base64 tlog-proofs, comma-separated). */
export function receiptFromHeaders(headers: Headers): WriteReceipt {
  const indices = (headers.get('x-log-entries') ?? '')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  const receipts = (headers.get('x-log-receipt') ?? '')
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(decodeBase64Text);
  return { indices, receipts };
}

function decodeBase64Text(b64: string): string {
  const bytes = Uint8Array.from(atob(b64.trim()), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** Everyone killed and injured, whatever their status. */
export function casualtyTotals(r: Report): { killed: number; injured: number } {
  const c = r.casualties ?? {};
  const parts = [c.civilian, c.military, c.unknown];
  return {
    killed: parts.reduce((n, p) => n + (p?.killed ?? 0), 0),
    injured: parts.reduce((n, p) => n + (p?.injured ?? 0), 0),
  };
}
