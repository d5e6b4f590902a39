/**
 * The dashboard's chart kit: d3-scale chooses the scales and their ticks, d3-shape the lines, React
 * draws the SVG (no script or style is injected, so the strict CSP holds). Every chart is as wide as
 * its container, so it stays readable from a 360 px phone to a laptop without scrolling sideways.
 */
import { scaleLinear, scaleUtc, type ScaleLinear, type ScaleTime } from 'd3-scale';
import { useLayoutEffect, useState, type ReactNode } from 'react';
import { formatAxisDate } from '../i18n/index.js';
import './charts.css';

/** Room around the plot for the axes' labels, in CSS pixels. */
export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * The width of the element given to the returned callback ref, followed as the window or the layout
 * changes. `fallback` until it is first measured (and where ResizeObserver is missing).
 */
export function useWidth<T extends HTMLElement>(fallback: number): [(el: T | null) => void, number] {
  const [el, setEl] = useState<T | null>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    if (el === null) return;
    const measure = () => {
      const w = Math.floor(el.getBoundingClientRect().width);
      if (w > 0) setWidth(w);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [el]);
  return [setEl, width];
}

/**
 * A chart's two scales: UTC time across the plot from `from` to `to`, and up it counts from 0 to `max`
 * (at least 1) rounded to a nice number.
 */
export function plotScales(
  plot: { width: number; height: number; margin: Margin },
  from: Date,
  to: Date,
  max: number,
): { x: ScaleTime<number, number>; y: ScaleLinear<number, number> } {
  const { width, height, margin } = plot;
  return {
    x: scaleUtc()
      .domain([from, to])
      .range([margin.left, width - margin.right]),
    y: scaleLinear()
      .domain([0, Math.max(1, max)])
      .nice(5)
      .range([height - margin.bottom, margin.top]),
  };
}

/** About one tick per `spacing` pixels of `length`, and at least three (weeks, not one month, on a phone). */
export const tickCount = (length: number, spacing: number): number =>
  Math.max(3, Math.floor(length / spacing));

/** The ticks of a count scale: whole numbers only (a count of 2.5 does not exist). */
export function countTicks(y: ScaleLinear<number, number>, count: number): number[] {
  return y.ticks(count).filter((v) => Number.isInteger(v));
}

const DAY_MS = 86_400_000;
const atMidnight = (d: Date) =>
  d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;

/**
 * Labels for a time axis' ticks in the chosen language, as d3's multi-scale format does it: a tick at
 * midnight writes its day (its month when the ticks are months apart), any other its time of day.
 */
export function timeTickLabels(ticks: readonly Date[]): string[] {
  const months =
    ticks.length > 1 &&
    ticks.every((d) => atMidnight(d) && d.getUTCDate() === 1) &&
    ticks[1]!.getTime() - ticks[0]!.getTime() >= 28 * DAY_MS;
  return ticks.map((d) => formatAxisDate(d, !atMidnight(d) ? 'time' : months ? 'month' : 'day'));
}

/** The left axis of a count: gridlines across the plot and the values beside them. */
export function AxisLeft({
  y,
  ticks,
  format,
  left,
  right,
}: {
  y: ScaleLinear<number, number>;
  ticks: readonly number[];
  format: (v: number) => string;
  left: number;
  right: number;
}) {
  return (
    <g className="axis-y" data-testid="axis-y">
      {ticks.map((v) => (
        <g key={v}>
          <line className={v === 0 ? 'axis' : 'grid'} x1={left} x2={right} y1={y(v)} y2={y(v)} />
          <text className="tick" x={left - 6} y={y(v)} dy="0.32em" textAnchor="end">
            {format(v)}
          </text>
        </g>
      ))}
    </g>
  );
}

/**
 * The bottom axis of a time scale: a tick mark and a label per tick, kept inside the figure. `offset`
 * moves the ticks right, e.g. by half a day so that a day's tick stands under that day's bar.
 */
export function AxisBottomTime({
  x,
  ticks,
  y,
  width,
  offset = 0,
}: {
  x: ScaleTime<number, number>;
  ticks: readonly Date[];
  y: number;
  width: number;
  offset?: number;
}) {
  // Labels differ in length by language ("Nov 29", "29 лист."): keep every k-th tick so that the
  // longest label (about 6.5 px a character at 11 px) has room between two ticks.
  const all = timeTickLabels(ticks);
  const gap = ticks.length > 1 ? x(ticks[1]!) - x(ticks[0]!) : Infinity;
  const longest = Math.max(0, ...all.map((l) => l.length)) * 6.5 + 8;
  const every = Math.max(1, Math.ceil(longest / gap));
  const kept = ticks.filter((_, i) => i % every === 0);
  const labels = all.filter((_, i) => i % every === 0);
  return (
    <g className="axis-x" data-testid="axis-x">
      <line className="axis" x1={x.range()[0]} x2={x.range()[1]} y1={y} y2={y} />
      {kept.map((d, i) => {
        const px = x(d) + offset;
        const half = (labels[i]!.length * 6.5) / 2;
        // A label that would be cut off at either edge is left out; its tick mark stays.
        const fits = px - half >= 0 && px + half <= width;
        return (
          <g key={d.getTime()}>
            <line className="axis" x1={px} x2={px} y1={y} y2={y + 5} />
            {fits && (
              <text className="tick" x={px} y={y + 18} textAnchor="middle">
                {labels[i]}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}

/** The chart's SVG: as wide as its container, an image with a name for screen readers. */
export function ChartSvg({
  width,
  height,
  label,
  children,
}: {
  width: number;
  height: number;
  label: string;
  children: ReactNode;
}) {
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      {children}
    </svg>
  );
}

/** A legend of a chart's series (shown when there are two or more); the swatch classes set their look. */
export function ChartLegend({ items }: { items: readonly { swatch: string; label: string }[] }) {
  return (
    <ul className="chart-legend" data-testid="chart-legend">
      {items.map((item) => (
        <li key={item.swatch}>
          <span className={`chart-swatch ${item.swatch}`} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
