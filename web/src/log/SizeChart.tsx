import { curveStepAfter, line } from 'd3-shape';
import type { CheckpointSummary } from '../api/types.js';
import {
  AxisBottomTime,
  AxisLeft,
  ChartSvg,
  plotScales,
  countTicks,
  tickCount,
  useWidth,
  type Margin,
} from '../charts/chart.js';
import { formatDateTime, formatNumber, t } from '../i18n/index.js';

const HEIGHT = 220;
const MARGIN: Margin = { top: 12, right: 16, bottom: 30, left: 56 };

/** The log's size over time as a step line, with the numbers in a table for those who cannot see it. */
export function SizeChart({ checkpoints }: { checkpoints: CheckpointSummary[] }) {
  const [ref, width] = useWidth<HTMLDivElement>(640);
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
  const { x, y } = plotScales(
    { width, height: HEIGHT, margin: MARGIN },
    new Date(t0),
    new Date(t1),
    Math.max(...points.map((p) => p.size)),
  );
  const path = line<CheckpointSummary>()
    .curve(curveStepAfter)
    .x((p) => x(Date.parse(p.createdAt)))
    .y((p) => y(p.size))(points);
  return (
    <figure className="chart size-chart" data-testid="size-chart">
      <div className="chart-plot" ref={ref}>
        <ChartSvg
          width={width}
          height={HEIGHT}
          label={t('log.chartLabel', {
            count: points.length,
            size: points[points.length - 1]!.size,
          })}
        >
          <AxisLeft
            y={y}
            ticks={countTicks(y, 5)}
            format={formatNumber}
            left={MARGIN.left}
            right={width - MARGIN.right}
          />
          <AxisBottomTime
            x={x}
            ticks={x.ticks(tickCount(width - MARGIN.left - MARGIN.right, 110))}
            y={HEIGHT - MARGIN.bottom}
            width={width}
          />
          {path !== null && <path className="series" d={path} />}
          {points.map((p) => (
            <circle
              key={`${p.size}-${p.createdAt}`}
              className="dot"
              cx={x(Date.parse(p.createdAt))}
              cy={y(p.size)}
              r={4}
            >
              <title>{`${formatDateTime(p.createdAt)}: ${t('log.size')} ${formatNumber(p.size)}`}</title>
            </circle>
          ))}
        </ChartSvg>
      </div>
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
