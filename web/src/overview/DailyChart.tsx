import { line } from 'd3-shape';
import {
  AxisBottomTime,
  AxisLeft,
  ChartLegend,
  ChartSvg,
  plotScales,
  countTicks,
  tickCount,
  useWidth,
  type Margin,
} from '../charts/chart.js';
import { formatDate, formatNumber, t } from '../i18n/index.js';
import type { Overview } from './api.js';
import { cellText } from './format.js';

const HEIGHT = 240;
const MARGIN: Margin = { top: 12, right: 16, bottom: 30, left: 44 };
const DAY_MS = 86_400_000;

/**
 * Violations per day as bars and flagged reports as a line, on a time axis and a count axis whose
 * ticks d3-scale chooses. Only what the reader may see exactly is drawn: the line follows the visible
 * flagged reports, never the restricted band (below the minimum cell it is no count at all), and each
 * day's title gives the same text as the table under the chart.
 */
export function DailyChart({ overview }: { overview: Overview }) {
  const series = overview.series;
  const k = overview.minCell;
  const [ref, width] = useWidth<HTMLDivElement>(720);
  const days = series.map((d) => Date.parse(`${d.day}T00:00:00Z`));
  const start = days[0] ?? Date.now();
  const end = (days[days.length - 1] ?? start) + DAY_MS;
  const { x, y } = plotScales(
    { width, height: HEIGHT, margin: MARGIN },
    new Date(start),
    new Date(end),
    Math.max(...series.map((d) => Math.max(d.violations, d.flagged.visible))),
  );
  const dayWidth = x(start + DAY_MS) - x(start);
  const centre = (i: number) => x(days[i]!) + dayWidth / 2;
  const flaggedLine = line<Overview['series'][number]>()
    .x((_, i) => centre(i))
    .y((d) => y(d.flagged.visible))(series);
  return (
    <figure className="chart overview-chart" data-testid="overview-chart">
      <div className="chart-plot" ref={ref}>
        <ChartSvg width={width} height={HEIGHT} label={t('overview.seriesLabel', { count: series.length })}>
          <AxisLeft
            y={y}
            ticks={countTicks(y, 5)}
            format={formatNumber}
            left={MARGIN.left}
            right={width - MARGIN.right}
          />
          {series.map((d, i) =>
            d.violations > 0 ? (
              <rect
                key={d.day}
                className="bar"
                x={x(days[i]!) + dayWidth * 0.15}
                y={y(d.violations)}
                width={Math.max(1, dayWidth * 0.7)}
                height={y(0) - y(d.violations)}
              />
            ) : null,
          )}
          {flaggedLine !== null && <path className="series" d={flaggedLine} />}
          <AxisBottomTime
            x={x}
            // Midnights that begin a day of the series, each under its day's bar (not the end's).
            ticks={x
              .ticks(tickCount(width - MARGIN.left - MARGIN.right, 90))
              .filter((d) => d.getTime() < end)}
            y={HEIGHT - MARGIN.bottom}
            width={width}
            offset={dayWidth / 2}
          />
          {/* One column per day over the whole height: its title is the day's tooltip. */}
          {series.map((d, i) => (
            <rect
              key={d.day}
              className="hit"
              data-testid="overview-chart-day"
              x={x(days[i]!)}
              y={MARGIN.top}
              width={dayWidth}
              height={HEIGHT - MARGIN.top - MARGIN.bottom}
            >
              <title>
                {`${formatDate(d.day)}: ${t('overview.violations')} ${formatNumber(d.violations)}; ${t('overview.flagged')} ${cellText(d.flagged, k)}; ${t('overview.reports')} ${cellText(d.reports, k)}`}
              </title>
            </rect>
          ))}
        </ChartSvg>
      </div>
      <ChartLegend
        items={[
          { swatch: 'swatch-bar', label: t('overview.legendViolations') },
          { swatch: 'swatch-rule', label: t('overview.legendFlagged') },
        ]}
      />
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
