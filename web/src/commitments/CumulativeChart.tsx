import type { TimelinePoint } from '../api/commitments.js';
import { formatNumber, t } from '../i18n/index.js';

const W = 640;
const H = 200;
const PAD = { left: 64, right: 16, top: 12, bottom: 36 };

/** Cumulative pledged and delivered month by month for one unit, as two step lines and a table. */
export function CumulativeChart({ unit, points }: { unit: string; points: TimelinePoint[] }) {
  const max = Math.max(1, ...points.map((p) => Math.max(p.cumulativePledged, p.cumulativeDelivered)));
  const n = points.length;
  const x = (i: number) => PAD.left + (n <= 1 ? 0.5 : i / (n - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / max) * (H - PAD.top - PAD.bottom);
  const path = (value: (p: TimelinePoint) => number) =>
    points
      .map((p, i) => `${i === 0 ? 'M' : 'H'}${x(i)}${i === 0 ? `,${y(value(p))}` : `V${y(value(p))}`}`)
      .join('');
  const first = points[0];
  const last = points[n - 1];
  return (
    <figure className="chart cumulative-chart" data-testid="cumulative-chart" data-unit={unit}>
      <figcaption>
        <h3>{t('commitments.unit', { unit })}</h3>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('commitments.timelineLabel', { unit })}>
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text className="tick" x={PAD.left - 6} y={y(max) + 4} textAnchor="end">
          {formatNumber(max)}
        </text>
        <text className="tick" x={PAD.left - 6} y={y(0) + 4} textAnchor="end">
          0
        </text>
        {first && (
          <text className="tick" x={PAD.left} y={H - 12} textAnchor="start">
            {first.month}
          </text>
        )}
        {last && n > 1 && (
          <text className="tick" x={W - PAD.right} y={H - 12} textAnchor="end">
            {last.month}
          </text>
        )}
        <path className="series series-pledged" d={path((p) => p.cumulativePledged)} />
        <path className="series series-delivered" d={path((p) => p.cumulativeDelivered)} />
        {points.map((p, i) => (
          <g key={p.month}>
            <circle className="dot dot-pledged" cx={x(i)} cy={y(p.cumulativePledged)} r={3} />
            <circle className="dot dot-delivered" cx={x(i)} cy={y(p.cumulativeDelivered)} r={3} />
          </g>
        ))}
      </svg>
      <p className="legend-swatches muted" aria-hidden="true">
        <span className="swatch-key swatch-pledged" /> {t('commitments.cumulativePledged')}{' '}
        <span className="swatch-key swatch-delivered" /> {t('commitments.cumulativeDelivered')}
      </p>
      <details>
        <summary>{t('commitments.timeline')}</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('commitments.month')}</th>
              <th scope="col">{t('commitments.pledged')}</th>
              <th scope="col">{t('commitments.delivered')}</th>
              <th scope="col">{t('commitments.cumulativePledged')}</th>
              <th scope="col">{t('commitments.cumulativeDelivered')}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr key={p.month}>
                <td>{p.month}</td>
                <td>{formatNumber(p.pledged)}</td>
                <td>{formatNumber(p.delivered)}</td>
                <td>{formatNumber(p.cumulativePledged)}</td>
                <td>{formatNumber(p.cumulativeDelivered)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
