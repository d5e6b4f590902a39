import type { CheckpointSummary } from '../api/types.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';

const W = 640;
const H = 200;
const PAD = { left: 56, right: 16, top: 12, bottom: 36 };

/** The log's size over time as a step line, with the numbers in a table for those who cannot see it. */
export function SizeChart({ checkpoints }: { checkpoints: CheckpointSummary[] }) {
  const points = [...checkpoints].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  if (points.length === 0) return <p className="muted">{t('log.noCheckpoints')}</p>;
  if (points.length === 1) {
    const only = points[0]!;
    return (
      <p className="muted" data-testid="one-checkpoint">
        {t('log.oneCheckpoint', { count: only.size, at: formatDateTime(only.createdAt) })}
      </p>
    );
  }
  const t0 = Date.parse(points[0]!.createdAt);
  const t1 = Math.max(Date.parse(points[points.length - 1]!.createdAt), t0 + 1);
  const maxSize = Math.max(1, ...points.map((p) => p.size));
  const x = (ms: number) => PAD.left + ((ms - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (size: number) => H - PAD.bottom - (size / maxSize) * (H - PAD.top - PAD.bottom);
  let d = '';
  points.forEach((p, i) => {
    const px = x(Date.parse(p.createdAt));
    const py = y(p.size);
    d += i === 0 ? `M${px},${py}` : `H${px}V${py}`;
  });
  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={t('log.chartLabel', {
          count: points.length,
          size: points[points.length - 1]!.size,
        })}
      >
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text className="tick" x={PAD.left - 6} y={y(maxSize) + 4} textAnchor="end">
          {formatNumber(maxSize)}
        </text>
        <text className="tick" x={PAD.left - 6} y={y(0) + 4} textAnchor="end">
          0
        </text>
        <text className="tick" x={PAD.left} y={H - 12} textAnchor="start">
          {formatDateTime(t0)}
        </text>
        <text className="tick" x={W - PAD.right} y={H - 12} textAnchor="end">
          {formatDateTime(t1)}
        </text>
        <path className="series" d={d} />
        {points.map((p) => (
          <circle
            key={`${p.size}-${p.createdAt}`}
            className="dot"
            cx={x(Date.parse(p.createdAt))}
            cy={y(p.size)}
            r={3}
          />
        ))}
      </svg>
      <details>
        <summary>{t('log.chartTable')}</summary>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">{t('log.signedAt')}</th>
              <th scope="col">{t('log.size')}</th>
              <th scope="col">{t('log.rootHash')}</th>
            </tr>
          </thead>
          <tbody>
            {[...points].reverse().map((p) => (
              <tr key={`${p.size}-${p.createdAt}`}>
                <td>{formatDateTime(p.createdAt)}</td>
                <td>{formatNumber(p.size)}</td>
                <td className="mono hash">{p.rootHash}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
