import type { SummaryRow } from '../api/commitments.js';
import { formatNumber, formatPercent, humanise, t } from '../i18n/index.js';

/**
 * Pledged against delivered for one unit, one bar per guarantor and category: the track is the pledge,
 * the filled part what was delivered. The same numbers follow in a table for those who cannot see bars.
 */
export function PledgeBars({
  unit,
  rows,
  actor,
}: {
  unit: string;
  rows: SummaryRow[];
  actor: (id: string) => string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.pledged));
  const label = (r: SummaryRow) =>
    `${r.guarantor ? actor(r.guarantor) : '—'} · ${r.category ? humanise(r.category) : '—'}`;
  return (
    <figure className="pledge-chart" data-testid="pledge-chart" data-unit={unit}>
      <figcaption>
        <h3>{t('commitments.unit', { unit })}</h3>
      </figcaption>
      <ul className="bars" aria-label={t('commitments.chartLabel', { unit })}>
        {rows.map((r) => (
          <li key={`${r.guarantor}-${r.category}`} className="bar-row">
            <span className="bar-label">{label(r)}</span>
            <span className="bar-track" style={{ width: `${(r.pledged / max) * 100}%` }} aria-hidden="true">
              <span className="bar-delivered" style={{ width: `${r.deliveredShare * 100}%` }} />
            </span>
            <span className="bar-text">
              {t('commitments.barText', {
                delivered: r.delivered,
                pledged: r.pledged,
                share: formatPercent(r.deliveredShare),
              })}
            </span>
          </li>
        ))}
      </ul>
      <p className="legend-swatches muted" aria-hidden="true">
        <span className="swatch-key swatch-pledged" /> {t('commitments.pledged')}{' '}
        <span className="swatch-key swatch-delivered" /> {t('commitments.delivered')}
      </p>
      <div className="table-wrap">
        <table className="data-table stack-on-phone" data-testid="pledge-table">
          <caption>{t('commitments.tableCaption', { unit })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('commitments.guarantor')}</th>
              <th scope="col">{t('commitments.category')}</th>
              <th scope="col">{t('commitments.pledges')}</th>
              <th scope="col">{t('commitments.pledged')}</th>
              <th scope="col">{t('commitments.delivered')}</th>
              <th scope="col">{t('commitments.remaining')}</th>
              <th scope="col">{t('commitments.share')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.guarantor}-${r.category}`}>
                <td data-label={t('commitments.guarantor')}>{r.guarantor ? actor(r.guarantor) : '—'}</td>
                <td data-label={t('commitments.category')}>{r.category ? humanise(r.category) : '—'}</td>
                <td data-label={t('commitments.pledges')}>{formatNumber(r.pledges)}</td>
                <td data-label={t('commitments.pledged')}>{formatNumber(r.pledged)}</td>
                <td data-label={t('commitments.delivered')}>{formatNumber(r.delivered)}</td>
                <td data-label={t('commitments.remaining')}>{formatNumber(r.remaining)}</td>
                <td data-label={t('commitments.share')}>{formatPercent(r.deliveredShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
