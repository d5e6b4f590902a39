/**
 * Verification: the client side of `src/verification/verification.routes.ts` (incidents, transitions,
 * attribution, findings and votes). Shapes are the server's own, through `src/wire.ts`.
 */
import type { FeatureCollection, Point } from 'geojson';
import type {
  AsRead,
  AttributionInput,
  Finding as FindingModel,
  FindingDetailView,
  IncidentDetailView,
  IncidentStatus,
  IncidentView,
  ProposeInput,
  Severity,
  Transition,
  TransitionInput,
  Vote,
  VoteInput,
} from '../../../src/wire.js';
import type { Report } from './reports.js';
import { getJson } from './client.js';

export type {
  AttributionConfidence,
  Conclusion,
  Corroboration,
  FindingState,
  IncidentStatus,
  Severity,
  Transition,
  Vote,
  VoteChoice,
} from '../../../src/wire.js';
export {
  ATTRIBUTION_CONFIDENCES,
  CONCLUSIONS,
  FINDING_STATES,
  INCIDENT_STATUSES,
  VOTES,
  isIncidentStatus,
} from '../../../src/wire.js';

export type Incident = IncidentView;
/**
 * A finding as the reader may see it (`redacted`, without its version's ids, for a reader who may not
 * read the version that judged it). The route schema types `outcome` as a plain string; the
 * service's own type (a conclusion) is what it sends.
 */
export type Finding = AsRead<FindingModel>;
export type FindingDetail = Omit<FindingDetailView, 'finding' | 'votes'> & {
  finding: Finding;
  votes?: Vote[];
};
/** An incident's page: its reports are shaped as `GET /reports/{id}` shapes them. */
export type IncidentDetail = Omit<IncidentDetailView, 'reports' | 'transitions' | 'findings'> & {
  reports: Report[];
  transitions: Transition[];
  findings: Finding[];
};

/** The agreement's severity scale, lowest first (agreement.schema.rules `Severities`). */
export const SEVERITIES = ['minor', 'serious', 'grave'] as const satisfies readonly Severity[];

export interface IncidentQuery {
  status?: IncidentStatus[];
  category?: string;
  severity?: Severity;
  sector?: string;
  zone?: string;
  olderThanHours?: number;
  overdue?: boolean;
  sort?: 'due' | '-observed';
  limit?: number;
  offset?: number;
}

function queryOf(q: IncidentQuery): URLSearchParams {
  const s = new URLSearchParams();
  if (q.status && q.status.length > 0) s.set('status', q.status.join(','));
  if (q.category) s.set('category', q.category);
  if (q.severity) s.set('severity', q.severity);
  if (q.sector) s.set('sector', q.sector);
  if (q.zone) s.set('zone', q.zone);
  if (q.olderThanHours !== undefined) s.set('olderThanHours', String(q.olderThanHours));
  if (q.overdue) s.set('overdue', 'true');
  if (q.sort) s.set('sort', q.sort);
  if (q.limit !== undefined) s.set('limit', String(q.limit));
  if (q.offset !== undefined) s.set('offset', String(q.offset));
  return s;
}

const path = (id: string) => `/api/v1/incidents/${encodeURIComponent(id)}`;
const findingPath = (id: string) => `/api/v1/findings/${encodeURIComponent(id)}`;

/** The verification queue: incidents the principal may see, due first unless sorted otherwise. */
export function listIncidents(
  q: IncidentQuery = {},
  signal?: AbortSignal,
): Promise<{ incidents: Incident[]; total: number }> {
  return getJson(`/api/v1/incidents?${queryOf(q).toString()}`, signal ? { signal } : {});
}

export type IncidentPointProperties = Omit<Incident, 'lon' | 'lat'>;

/** The incidents as GeoJSON points for the map (status and severity style them). */
export function incidentFeatures(
  q: IncidentQuery = {},
): Promise<FeatureCollection<Point, IncidentPointProperties> & { total: number }> {
  const s = queryOf(q);
  s.set('format', 'geojson');
  return getJson(`/api/v1/incidents?${s.toString()}`);
}

/** The next incident for this analyst to work, or null when the queue holds none for them. */
export async function nextIncident(): Promise<Incident | null> {
  return (await getJson<{ incident: Incident | null }>('/api/v1/incidents/next')).incident;
}

export function getIncident(id: string): Promise<IncidentDetail> {
  return getJson(path(id));
}

export function transitionIncident(id: string, body: TransitionInput): Promise<IncidentDetail> {
  return getJson(`${path(id)}/transitions`, { method: 'POST', body });
}

export function attributeIncident(id: string, body: AttributionInput): Promise<IncidentDetail> {
  return getJson(`${path(id)}/attribution`, { method: 'PUT', body });
}

export function proposeFinding(id: string, body: ProposeInput): Promise<FindingDetail> {
  return getJson(`${path(id)}/findings`, { method: 'POST', body });
}

export function listFindings(
  q: { published?: boolean; limit?: number } = {},
): Promise<{ findings: Finding[]; total: number }> {
  const s = new URLSearchParams();
  if (q.published !== undefined) s.set('published', String(q.published));
  s.set('limit', String(q.limit ?? 500));
  return getJson(`/api/v1/findings?${s.toString()}`);
}

export function getFinding(id: string): Promise<FindingDetail> {
  return getJson(findingPath(id));
}

export function voteOnFinding(id: string, body: VoteInput): Promise<FindingDetail> {
  return getJson(`${findingPath(id)}/votes`, { method: 'POST', body });
}

export function closeFinding(id: string): Promise<FindingDetail> {
  return getJson(`${findingPath(id)}/close`, { method: 'POST' });
}

export function publishFinding(id: string): Promise<FindingDetail> {
  return getJson(`${findingPath(id)}/publish`, { method: 'POST' });
}
