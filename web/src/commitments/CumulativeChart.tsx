import { curveStepAfter, line } from 'd3-shape';
import type { TimelinePoint } from '../api/commitments.js';
import {
  AxisBottomTime,
  AxisLeft,
  ChartLegend,
  ChartSvg,
  plotScales,
  tickCount,
  useWidth,
  type Margin,
} from '../charts/chart.js';
import { formatAxisDate, formatNumber, t } from '../i18n/index.js';

const HEIGHT = 220;
const MARGIN: Margin = { top: 12, right: 20, bottom: 30, left: 64 };

/** The first instant of a month given as YYYY-MM, in UTC. */
const monthStart = (month: string) => new Date(`${month}-01T00:00:00Z`);

/** Cumulative pledged and delivered month by month for one unit, as two step lines and a table. */
export function CumulativeChart({ unit, points }: { unit: string; points: TimelinePoint[] }) {
  const [ref, width] = useWidth<HTMLDivElement>(640);
  const months = points.map((p) => monthStart(p.month));
  const first = months[0] ?? new Date();
  const last = months[months.length - 1] ?? first;
  // One month alone still gets a month of axis, so that its point has room.
  const end = last > first ? last : new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1));
  const { x, y } = plotScales(
    { width, height: HEIGHT, margin: MARGIN },
    first,
    end,
    Math.max(...points.map((p) => Math.max(p.cumulativePledged, p.cumulativeDelivered))),
  );
  // Amounts may be fractional (tonnes, millions): the ticks are whatever d3-scale finds nice.
  const yTicks = y.ticks(5);
  // Ticks on the months themselves, every so many so that their labels do not collide.
  const every = Math.ceil(months.length / tickCount(width - MARGIN.left - MARGIN.right, 80));
  const xTicks = months.filter((_, i) => i % every === 0);
  const path = (value: (p: TimelinePoint) => number) =>
    line<TimelinePoint>()
      .curve(curveStepAfter)
      .x((_, i) => x(months[i]!))
      .y((p) => y(value(p)))(points) ?? undefined;
  const title = (p: TimelinePoint) =>
    `${formatAxisDate(monthStart(p.month), 'month')}: ${t('commitments.cumulativePledged')} ${formatNumber(p.cumulativePledged)}; ${t('commitments.cumulativeDelivered')} ${formatNumber(p.cumulativeDelivered)}`;
  return (
    <figure className="chart cumulative-chart" data-testid="cumulative-chart" data-unit={unit}>
      <figcaption>
        <h3>{t('commitments.unit', { unit })}</h3>
      </figcaption>
      <div className="chart-plot" ref={ref}>
        <ChartSvg width={width} height={HEIGHT} label={t('commitments.timelineLabel', { unit })}>
          <AxisLeft
            y={y}
            ticks={yTicks}
            format={formatNumber}
            left={MARGIN.left}
            right={width - MARGIN.right}
          />
          <AxisBottomTime x={x} ticks={xTicks} y={HEIGHT - MARGIN.bottom} width={width} />
          <path className="series series-pledged" d={path((p) => p.cumulativePledged)} />
          <path className="series series-delivered" d={path((p) => p.cumulativeDelivered)} />
          {points.map((p, i) => (
            <g key={p.month}>
              <title>{title(p)}</title>
              <circle className="dot dot-pledged" cx={x(months[i]!)} cy={y(p.cumulativePledged)} r={4} />
              <circle className="dot dot-delivered" cx={x(months[i]!)} cy={y(p.cumulativeDelivered)} r={4} />
            </g>
          ))}
        </ChartSvg>
      </div>
      <ChartLegend
        items={[
          { swatch: 'swatch-pledged', label: t('commitments.cumulativePledged') },
          { swatch: 'swatch-delivered', label: t('commitments.cumulativeDelivered') },
        ]}
      />
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
