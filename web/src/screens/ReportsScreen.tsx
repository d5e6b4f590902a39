import { useMemo } from 'react';
import { casualtyTotals, listReports, REPORT_PAGE } from '../api/reports.js';
import { useAgreement } from '../agreement/useAgreement.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDateTime, formatNearestPlace, formatNumber, t } from '../i18n/index.js';
import { formatLonLat } from '../lib/position.js';
import { useLiveAsync } from '../reports/useLiveAsync.js';

/** Reports the principal may see, newest observation first. */
export default function ReportsScreen() {
  const session = useSession();
  const agreement = useAgreement();
  // New reports the viewer may see appear without a reload.
  const reports = useLiveAsync(() => listReports(), [], ['report.']);
  const names = useMemo(
    () => new Map((agreement.data?.agreement.report_taxonomy ?? []).map((c) => [c.id, c.name])),
    [agreement.data],
  );
  const rows = useMemo(
    () =>
      [...(reports.data?.reports ?? [])].sort(
        (a, b) => Date.parse(b.observed.from) - Date.parse(a.observed.from),
      ),
    [reports.data],
  );

  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('reports.title')}</h1>
        {session.can('reports:create') && (
          <Link to="/reports/new" className="button button-primary">
            {t('nav.newReport')}
          </Link>
        )}
      </div>
      {reports.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {reports.status === 'failed' && <Problem error={reports.error} />}
      {reports.status === 'done' && rows.length === 0 && (
        <div className="empty-state" data-testid="no-reports">
          <p className="empty-title">{t('reports.none')}</p>
          <p className="muted">{t('reports.noneVisible')}</p>
        </div>
      )}
      {reports.data?.more && <p className="notice">{t('reports.more', { count: REPORT_PAGE })}</p>}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data-table" data-testid="reports-table">
            <caption className="visually-hidden">{t('reports.caption', { count: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('report.observed')}</th>
                <th scope="col">{t('report.category')}</th>
                <th scope="col">{t('reports.place')}</th>
                <th scope="col">{t('report.casualties')}</th>
                <th scope="col">{t('report.grade')}</th>
                <th scope="col">{t('report.marking')}</th>
                <th scope="col">{t('report.possibleViolations')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">
                    <Link to={`/reports/${encodeURIComponent(r.id)}`}>{formatDateTime(r.observed.from)}</Link>
                  </td>
                  <td>{names.get(r.category ?? '') ?? r.category}</td>
                  <td>
                    {(r.classification.nearestPlace && formatNearestPlace(r.classification.nearestPlace)) ??
                      r.location.placeName ??
                      formatLonLat(r.location)}
                  </td>
                  <td>
                    {formatNumber(casualtyTotals(r).killed)} / {formatNumber(casualtyTotals(r).injured)}
                  </td>
                  <td>
                    {r.grade.reliability}
                    {r.grade.credibility}
                  </td>
                  <td>
                    <span className={`marking marking-${r.marking.toLowerCase().replace('+', '-')}`}>
                      TLP:{r.marking}
                    </span>
                  </td>
                  <td>
                    {r.classification.possibleViolations.length > 0 ? (
                      <span className="flag">
                        ⚠ {formatNumber(r.classification.possibleViolations.length)}
                      </span>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
