import type { BusEvent } from '../notifications/event-bus.js';
import type { Incident } from './incident.model.js';

/** How an incident changed: the event kinds the stream and webhooks carry. */
export type IncidentEventKind = 'incident.opened' | 'incident.regrouped' | 'incident.transition';

/**
 * The announcement of a committed incident change, to those who may read the incident (its marking,
 * the commission and the body's voting members: the bus applies `canSee`). The summary holds its id,
 * status and severity, never its place, reports or category (a category is the judging version's,
 * which not every reader of the incident may read): a dashboard that hears it re-reads.
 */
export function incidentAnnouncement(kind: IncidentEventKind, incident: Incident): BusEvent {
  return {
    kind,
    recordId: incident.id,
    at: incident.updatedAt,
    marking: incident.marking,
    owner: incident.ownerOrganisationId,
    addressees: [...incident.addressees],
    permission: 'incidents:read',
    summary: {
      incidentId: incident.id,
      status: incident.status,
      severity: incident.severity,
    },
  };
}
