import type { Report } from '../api/reports.js';
import type { ReportCategory } from '../api/types.js';
import { Link } from '../app/router.js';
import { formatDateTime, formatNearestPlace, t } from '../i18n/index.js';
import { formatLonLat } from '../lib/position.js';

/** The essentials of one report, for the map's selection panel. */
export function ReportSummary({ report, taxonomy }: { report: Report; taxonomy: ReportCategory[] }) {
  const category = taxonomy.find((c) => c.id === report.category);
  const flagged = report.classification.possibleViolations.length;
  return (
    <>
      <dl className="facts">
        <dt>{t('report.category')}</dt>
        <dd>{category?.name ?? report.category}</dd>
        <dt>{t('report.observed')}</dt>
        <dd>
          {formatDateTime(report.observed.from)} – {formatDateTime(report.observed.to)}
        </dd>
        <dt>{t('report.position')}</dt>
        <dd>
          {formatLonLat(report.location)} ± {t('conflicts.metres', { m: report.location.uncertaintyM })}
        </dd>
        {report.classification.nearestPlace && (
          <>
            <dt>{t('report.nearest')}</dt>
            <dd>{formatNearestPlace(report.classification.nearestPlace)}</dd>
          </>
        )}
        <dt>{t('report.grade')}</dt>
        <dd>
          {report.grade.reliability}
          {report.grade.credibility}
        </dd>
        {flagged > 0 && (
          <>
            <dt>{t('report.possibleViolations')}</dt>
            <dd className="flag">{t('report.possibleViolationsCount', { count: flagged })}</dd>
          </>
        )}
      </dl>
      <Link to={`/reports/${encodeURIComponent(report.id)}`}>{t('report.open')}</Link>
    </>
  );
}
