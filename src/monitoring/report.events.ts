import type { BusEvent } from '../notifications/event-bus.js';
import type { Report } from './report.model.js';

/** How a committed intake changed a report: the event kinds the stream and webhooks carry. */
export type ReportEventKind = 'report.submitted' | 'report.revised';

/**
 * The announcement of a stored report, to those who may read it (its marking, owner and addressee
 * organisations: the bus applies `canSee`). The summary names the report, the category its submitter
 * gave and when it was observed, never where, what or who: a dashboard that hears it re-reads what
 * it may see.
 */
export function reportAnnouncement(kind: ReportEventKind, report: Report): BusEvent {
  return {
    kind,
    recordId: report.id,
    at: report.createdAt,
    marking: report.marking,
    owner: report.ownerOrganisationId,
    addressees: [...report.addressees.organisations],
    permission: 'reports:read',
    summary: {
      reportId: report.id,
      revision: report.revision,
      // Only a category the submitter gave: one mapped from ACLED or SMM codes is the judging version
      // speaking, which a reader of the report may not be allowed to read.
      ...(report.submitted.category === report.category ? { category: report.category } : {}),
      observedFrom: report.observed.from,
    },
  };
}
