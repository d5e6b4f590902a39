import type { Case } from '../api/response.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { formatDateTime, t } from '../i18n/index.js';
import { SeverityBadge, useAgreementNames } from '../verification/labels.js';
import type { Severity } from '../api/verification.js';

const logLink = (index: number | null) =>
  index === null ? (
    <span className="muted">{t('evidence.notLogged')}</span>
  ) : (
    <Link to={`/transparency-log?entry=${index}`} className="mono">
      #{index}
    </Link>
  );

/** What the case rests on: the findings, their incidents and reports, evidence hashes and log entries. */
export function EvidencePackage({ c }: { c: Case }) {
  const session = useSession();
  const names = useAgreementNames();
  const e = c.evidence;
  const incidents = session.can('incidents:read');
  const reports = session.can('reports:read');
  return (
    <div className="evidence-package" data-testid="evidence-package">
      <div className="table-wrap">
        <table className="data-table stack-on-phone">
          <caption>{t('evidence.findings', { count: e.findings.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('evidence.finding')}</th>
              <th scope="col">{t('incident.category')}</th>
              <th scope="col">{t('incident.severity')}</th>
              <th scope="col">{t('evidence.party')}</th>
              <th scope="col">{t('evidence.decided')}</th>
              <th scope="col">{t('evidence.logIndex')}</th>
            </tr>
          </thead>
          <tbody>
            {e.findings.map((f) => (
              <tr key={f.id} data-finding-id={f.id}>
                <td data-label={t('evidence.finding')}>
                  <Link to={`/findings/${encodeURIComponent(f.id)}`} className="mono">
                    {f.id.slice(0, 8)}
                  </Link>
                  {incidents && (
                    <div>
                      <Link to={`/incidents/${encodeURIComponent(f.incidentId)}`}>
                        {t('evidence.incident')}
                      </Link>
                    </div>
                  )}
                </td>
                <td data-label={t('incident.category')}>{names.category(f.category)}</td>
                <td data-label={t('incident.severity')}>
                  <SeverityBadge severity={f.severity as Severity} />
                </td>
                <td data-label={t('evidence.party')}>{f.party ? names.party(f.party) : '—'}</td>
                <td data-label={t('evidence.decided')}>{formatDateTime(f.decidedAt)}</td>
                <td data-label={t('evidence.logIndex')}>{logLink(f.logIndex)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="facts">
        <dt>{t('evidence.incidents', { count: e.incidents.length })}</dt>
        <dd>
          {e.incidents.length === 0
            ? '—'
            : e.incidents.map((id, n) => (
                <span key={id}>
                  {n > 0 && ', '}
                  {incidents ? (
                    <Link to={`/incidents/${encodeURIComponent(id)}`} className="mono">
                      {id.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="mono">{id.slice(0, 8)}</span>
                  )}
                </span>
              ))}
        </dd>
        <dt>{t('evidence.reports', { count: e.reports.length })}</dt>
        <dd>
          {e.reports.length === 0
            ? '—'
            : e.reports.map((id, n) => (
                <span key={id}>
                  {n > 0 && ', '}
                  {reports ? (
                    <Link to={`/reports/${encodeURIComponent(id)}`} className="mono">
                      {id.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="mono">{id.slice(0, 8)}</span>
                  )}
                </span>
              ))}
        </dd>
      </dl>
      {e.evidence.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-on-phone">
            <caption>{t('evidence.items', { count: e.evidence.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('evidence.sha256')}</th>
                <th scope="col">{t('evidence.report')}</th>
                <th scope="col">{t('evidence.logIndex')}</th>
              </tr>
            </thead>
            <tbody>
              {e.evidence.map((x) => (
                <tr key={x.id}>
                  <td data-label={t('evidence.sha256')} className="mono hash">
                    {x.sha256}
                  </td>
                  <td data-label={t('evidence.report')} className="mono">
                    {x.reportId.slice(0, 8)}
                  </td>
                  <td data-label={t('evidence.logIndex')}>{logLink(x.logIndex)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
