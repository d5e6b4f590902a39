import type { Principal } from '../access/policy.js';
import { visibleTo } from '../access/visibility.sql.js';
import type { Executor } from '../db/database.js';
import { REPORT_RECORD_KIND } from '../monitoring/report.model.js';

/** What the overview counts of one current report: never its content, only where it falls. */
export interface CountedReport {
  observedFrom: string;
  category: string;
  agreementVersionId: string;
  lon: number;
  lat: number;
  flagged: boolean;
  /** Whether the reader may see the report in detail (the markings decide, as `canSee` does). */
  visible: boolean;
}

/**
 * Every current report (any marking) observed in [from, to], with whether the principal may see it.
 * The overview publishes the invisible ones only as banded counts (overview.model.ts).
 */
export async function listCountedReports(
  db: Executor,
  principal: Principal,
  from: string,
  to: string,
): Promise<CountedReport[]> {
  const rows = await db
    .selectFrom('reports')
    .select(['observed_from', 'category', 'agreement_version_id', 'lon', 'lat', 'flagged'])
    .select(visibleTo(principal, 'reports', REPORT_RECORD_KIND).as('visible'))
    .where('superseded_by', 'is', null)
    .where('observed_from', '>=', from)
    .where('observed_from', '<=', to)
    .execute();
  return rows.map((r) => ({
    observedFrom: r.observed_from,
    category: r.category,
    agreementVersionId: r.agreement_version_id,
    lon: Number(r.lon),
    lat: Number(r.lat),
    flagged: Number(r.flagged) === 1,
    // SQLite answers 0/1, PostgreSQL a boolean.
    visible: r.visible === true || Number(r.visible) === 1,
  }));
}
