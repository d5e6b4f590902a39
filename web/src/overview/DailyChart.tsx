import { formatDate, formatNumber, t } from '../i18n/index.js';
import type { Overview } from './api.js';
import { cellText } from './format.js';

const W = 720;
const H = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 32 };

/**
 * Violations per day as bars and flagged reports as a line, drawn as SVG (no script or style is
 * injected, so the strict CSP holds); every figure is also in the table under it.
 */
export function DailyChart({ overview }: { overview: Overview }) {
  const series = overview.series;
  const k = overview.minCell;
  const max = Math.max(1, ...series.map((d) => Math.max(d.violations, d.flagged.visible)));
  const step = (W - PAD.left - PAD.right) / Math.max(1, series.length);
  const x = (i: number) => PAD.left + i * step;
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const line = series
    .map((d, i) => `${i === 0 ? 'M' : 'L'}${(x(i) + step / 2).toFixed(1)},${y(d.flagged.visible).toFixed(1)}`)
    .join('');
  return (
    <figure className="chart overview-chart" data-testid="overview-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={t('overview.seriesLabel', { count: series.length })}
      >
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text className="tick" x={PAD.left - 6} y={y(max) + 4} textAnchor="end">
          {formatNumber(max)}
        </text>
        <text className="tick" x={PAD.left - 6} y={y(0) + 4} textAnchor="end">
          0
        </text>
        {series.length > 0 && (
          <>
            <text className="tick" x={PAD.left} y={H - 10} textAnchor="start">
              {formatDate(series[0]!.day)}
            </text>
            <text className="tick" x={W - PAD.right} y={H - 10} textAnchor="end">
              {formatDate(series[series.length - 1]!.day)}
            </text>
          </>
        )}
        {series.map((d, i) =>
          d.violations > 0 ? (
            <rect
              key={d.day}
              className="bar"
              x={x(i) + step * 0.15}
              y={y(d.violations)}
              width={Math.max(1, step * 0.7)}
              height={y(0) - y(d.violations)}
            />
          ) : null,
        )}
        <path className="series" d={line} />
      </svg>
      <ul className="chart-legend">
        <li>
          <span className="swatch swatch-bar" aria-hidden="true" /> {t('overview.legendViolations')}
        </li>
        <li>
          <span className="swatch swatch-line" aria-hidden="true" /> {t('overview.legendFlagged')}
        </li>
      </ul>
      <details>
        <summary>{t('overview.seriesTable')}</summary>
        <div className="table-wrap">
          <table className="data-table" data-testid="overview-series-table">
            <thead>
              <tr>
                <th scope="col">{t('overview.day')}</th>
                <th scope="col">{t('overview.reports')}</th>
                <th scope="col">{t('overview.flagged')}</th>
                <th scope="col">{t('overview.violations')}</th>
              </tr>
            </thead>
            <tbody>
              {[...series].reverse().map((d) => (
                <tr key={d.day}>
                  <th scope="row">{formatDate(d.day)}</th>
                  <td>{cellText(d.reports, k)}</td>
                  <td>{cellText(d.flagged, k)}</td>
                  <td>{formatNumber(d.violations)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
