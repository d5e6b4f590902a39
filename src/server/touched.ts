import { isNotFound, notFound } from '../core/errors.js';
import type { TouchedSource } from '../deconfliction/notice.routes.js';
import { reportFor } from '../monitoring/report.view.js';
import type { NotifiedMatch } from '../monitoring/report.model.js';
import type { AppServices } from './context.js';

/**
 * The notified matches of a report or an incident's reports, as the reader may see each report
 * (`reportFor` keeps only matches of the reader's own notices, or addressed to the commission).
 */
export function notifiedTouched(services: AppServices): TouchedSource {
  const { reports } = services.monitoring;
  const ofReport = async (principal: Parameters<TouchedSource['ofReport']>[0], id: string) => {
    // Only a reader of reports learns what a report touched; anyone else: as if it did not exist.
    if (!principal.permissions.has('reports:read')) throw notFound(`report ${id}`);
    const reader = await reports.readerOf(principal);
    const view = reportFor(await reports.get(principal, id), reader);
    return view.classification.notified;
  };
  return {
    ofReport,
    async ofIncident(principal, id) {
      if (!principal.permissions.has('incidents:read')) throw notFound(`incident ${id}`);
      const { incident } = await services.verification.incidents.get(principal, id);
      const out: NotifiedMatch[] = [];
      for (const reportId of incident.reportIds) {
        try {
          out.push(...(await ofReport(principal, reportId)));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
      return out;
    },
  };
}
