/**
 * The breach response: the client side of `src/response/response.routes.ts` (cases, decisions, the
 * guarantees' status) and the event stream the case screens refresh from. Shapes through `src/wire.ts`.
 */
import type {
  CaseDetailView,
  CaseListView,
  CaseView,
  DecisionInput,
  GuaranteeStatusView,
} from '../../../src/wire.js';
import { getJson } from './client.js';

export type Case = CaseView;
export type CaseDetail = CaseDetailView;
export type CaseStatus = Case['status'];
export type Decision = CaseDetail['decisions'][number];
export type Inaction = CaseDetail['inactions'][number];
export type CaseStep = Case['steps'][number];
export type GuaranteeStatus = GuaranteeStatusView['guarantees'][number];
export type GuaranteeCondition = GuaranteeStatus['activation'][number];
export type { DecisionInput };

const casePath = (id: string) => `/api/v1/cases/${encodeURIComponent(id)}`;

/** Cases on the ladders the principal may read, newest first. */
export function listCases(q: { status?: CaseStatus; limit?: number } = {}): Promise<CaseListView> {
  const s = new URLSearchParams();
  if (q.status) s.set('status', q.status);
  s.set('limit', String(q.limit ?? 200));
  return getJson(`/api/v1/cases?${s.toString()}`);
}

export function getCase(id: string): Promise<CaseDetail> {
  return getJson(casePath(id));
}

/** Records the principal's decision at the case's rung; the answer is the case as it now stands. */
export function decideCase(id: string, body: DecisionInput): Promise<CaseDetail> {
  return getJson(`${casePath(id)}/decisions`, { method: 'POST', body });
}

export function getGuaranteeStatus(): Promise<GuaranteeStatusView> {
  return getJson('/api/v1/guarantees/status');
}

/**
 * Calls `onEvent` for every new event of the given kinds (prefix match: `case.` takes every case event)
 * on the server's event stream (`GET /api/v1/events`), which carries only what the principal may see.
 * The stream starts after the newest buffered event, so the backlog does not replay as news. Returns
 * the function that closes it. Nothing is called without EventSource, or when the server refuses the
 * stream (the public's streams are capped: a refused one just means no live updates).
 */
export function subscribeToEvents(
  prefix: string,
  onEvent: (kind: string, recordId: string) => void,
): () => void {
  if (typeof EventSource === 'undefined') return () => undefined;
  let source: EventSource | undefined;
  let closed = false;
  const listener = (e: MessageEvent<string>) => {
    try {
      const data = JSON.parse(e.data) as { kind?: string; recordId?: string };
      if (data.kind?.startsWith(prefix)) onEvent(data.kind, data.recordId ?? '');
    } catch {
      // a malformed event is ignored; the next one refreshes anyway
    }
  };
  getJson<{ lastEventId: string }>('/api/v1/events').then(
    ({ lastEventId }) => {
      if (closed) return;
      source = new EventSource(`/api/v1/events?after=${encodeURIComponent(lastEventId)}`);
      // Events are named after their kind (`event: case.opened`), so `onmessage` alone would miss them.
      for (const kind of EVENT_KINDS) if (kind.startsWith(prefix)) source.addEventListener(kind, listener);
    },
    () => undefined, // no stream for this principal: the page still works, it just does not refresh
  );
  return () => {
    closed = true;
    source?.close();
  };
}

/** The kinds the response, commitments, monitoring and verification domains announce (docs/notifications.md). */
const EVENT_KINDS = [
  'case.opened',
  'case.escalated',
  'case.evidence-added',
  'case.held',
  'case.closed',
  'case.decision',
  'case.inaction',
  'commitment.pledged',
  'commitment.delivered',
  'commitment.amended',
  'ratification.recorded',
  'report.submitted',
  'report.revised',
  'incident.opened',
  'incident.regrouped',
  'incident.transition',
];
