import { useState } from 'react';
import { getFinding, listFindings, type FindingDetail } from '../api/verification.js';
import { Link } from '../app/router.js';
import { useSession } from '../app/session.js';
import { Problem } from '../components/Problem.js';
import { formatDate, t } from '../i18n/index.js';
import { useAsync } from '../lib/useAsync.js';
import { FindingStateBadge, SeverityBadge, useAgreementNames, zonesOf } from '../verification/labels.js';

/** The body's findings the user may see: published ones for everyone; the body sees those in vote too. */
export default function FindingsScreen() {
  const session = useSession();
  const names = useAgreementNames();
  const insider = session.can('incidents:read');
  const [onlyPublished, setOnlyPublished] = useState(true);
  const findings = useAsync(() => listFindings(onlyPublished ? { published: true } : {}), [onlyPublished]);
  const rows = findings.data?.findings ?? [];
  // The list carries no opinions; each finding's own answer does (a page holds few findings).
  const details = useAsync(
    async () =>
      new Map<string, FindingDetail>(
        (await Promise.all((findings.data?.findings ?? []).slice(0, 100).map((f) => getFinding(f.id)))).map(
          (d) => [d.finding.id, d],
        ),
      ),
    [findings.data],
  );
  return (
    <section className="page">
      <div className="page-head">
        <h1>{t('findings.title')}</h1>
      </div>
      <p className="lede">{t('findings.lede')}</p>
      {insider && (
        <label className="toggle">
          <input
            type="checkbox"
            checked={onlyPublished}
            onChange={(e) => setOnlyPublished(e.target.checked)}
          />
          {t('findings.onlyPublished')}
        </label>
      )}
      {findings.status === 'loading' && <p role="status">{t('common.loading')}</p>}
      {findings.status === 'failed' && <Problem error={findings.error} />}
      {findings.status === 'done' && rows.length === 0 && (
        <div className="empty-state" data-testid="no-findings">
          <p className="empty-title">{t('findings.none')}</p>
        </div>
      )}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-on-phone" data-testid="findings-table">
            <caption className="visually-hidden">{t('findings.caption', { count: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('findings.date')}</th>
                <th scope="col">{t('incident.category')}</th>
                <th scope="col">{t('findings.outcome')}</th>
                <th scope="col">{t('incident.severity')}</th>
                <th scope="col">{t('incident.attribution')}</th>
                <th scope="col">{t('incident.zones')}</th>
                <th scope="col">{t('findings.state')}</th>
                <th scope="col">{t('findings.opinions')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr key={f.id} data-finding-id={f.id}>
                  <td data-label={t('findings.date')} className="nowrap">
                    <Link to={`/findings/${encodeURIComponent(f.id)}`}>
                      {f.decidedAt ? formatDate(f.decidedAt) : formatDate(f.proposedAt)}
                    </Link>
                    <div className="muted">
                      {f.publishedAt ? formatDate(f.publishedAt) : t('findings.notPublished')}
                    </div>
                  </td>
                  <td data-label={t('incident.category')}>{names.category(f.category)}</td>
                  <td data-label={t('findings.outcome')}>{t(`status.${f.outcome}`)}</td>
                  <td data-label={t('incident.severity')}>
                    <SeverityBadge severity={f.severity} />
                  </td>
                  <td data-label={t('incident.attribution')}>
                    {f.attribution
                      ? f.attribution.party
                        ? t('incident.attributionValue', {
                            party: names.party(f.attribution.party),
                            confidence: t(`confidence.${f.attribution.confidence}`),
                          })
                        : t('incident.attributionUnknownParty', {
                            confidence: t(`confidence.${f.attribution.confidence}`),
                          })
                      : '—'}
                  </td>
                  <td data-label={t('incident.zones')}>{zonesOf(f, names, '—')}</td>
                  <td data-label={t('findings.state')}>
                    <FindingStateBadge state={f.state} />
                  </td>
                  <td data-label={t('findings.opinions')} data-testid="finding-opinions-cell">
                    {(details.data?.get(f.id)?.opinions ?? []).map((o, n) => (
                      <div key={n}>
                        <strong>{o.organisationId}</strong> ({t(`vote.${o.choice}`)}): {o.opinion}
                      </div>
                    ))}
                    {details.data && (details.data.get(f.id)?.opinions.length ?? 0) === 0 && (
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
