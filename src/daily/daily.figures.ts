import { scaleLinear } from 'd3-scale';
import type { CountRow, DayMap } from './daily.model.js';

/**
 * The daily report's charts and map as drawing primitives, laid out once: the HTML edition draws them
 * as SVG, the PDF edition with PDFKit's vector operations, so both show the same figure.
 */

export type Shape =
  | {
      kind: 'rect';
      x: number;
      y: number;
      w: number;
      h: number;
      fill: string;
      stroke?: string;
      /** What the mark stands for, in words: an SVG `<title>` (a tooltip); the PDF has no tooltips. */
      title?: string;
    }
  | { kind: 'circle'; x: number; y: number; r: number; fill: string; stroke?: string }
  | {
      kind: 'line';
      x1: number;
      y1: number;
      x2: number;
      y2: number;
      stroke: string;
      width: number;
      dash?: boolean;
    }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      anchor: 'start' | 'middle' | 'end';
      fill: string;
      bold?: boolean;
    };

/** A figure: its size in points (1/72 in) and what to draw, in order. */
export interface Figure {
  title: string;
  width: number;
  height: number;
  shapes: Shape[];
}

export const COLOURS = {
  day: '#1f4e79',
  previousDay: '#9dc3e6',
  mean: '#c55a11',
  text: '#1a1a1a',
  muted: '#666666',
  frame: '#999999',
  land: '#f4f1ea',
  grid: '#d9d4c7',
  report: '#1f4e79',
  incident: '#c00000',
  place: '#333333',
} as const;

/** The words of the charts' legends, in the edition's language. */
export interface ChartLabels {
  day: string;
  previousDay: string;
  mean: string;
  noReports: string;
  report: string;
  incident: string;
}

/** The charts' words in English (the default, and the dashboard's until it passes its own). */
export const ENGLISH_LABELS: ChartLabels = {
  day: 'this day',
  previousDay: 'previous day',
  mean: 'mean of the 7 days before',
  noReports: 'No reports.',
  report: 'report',
  incident: 'verified incident',
};

/** Rounds for display: whole numbers as they are, others to one decimal. */
export function shown(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export interface BarChartOptions {
  width?: number;
  maxRows?: number;
  /** The legend's words, in the edition's or the dashboard's language (English by default). */
  labels?: ChartLabels;
  /** How a count is written (ticks and bar ends); `shown` unless the reader's locale asks otherwise. */
  format?: (n: number) => string;
}

/** A rough width of `text` at `size` points in DejaVu Sans, to lay out a legend without measuring. */
const textWidth = (text: string, size: number) => text.length * size * 0.6;

/**
 * Horizontal bars per row: the day (dark), the previous day (light) and a tick at the mean of the
 * seven days before, over a count axis whose ticks d3-scale chooses (0, 5, 10 … never 0, 3.5, 7).
 * At most `maxRows` rows (the largest first, as the rows come).
 */
export function barChart(title: string, rows: readonly CountRow[], options: BarChartOptions = {}): Figure {
  const { width = 500, maxRows = 12, labels = ENGLISH_LABELS, format = shown } = options;
  const shown_ = rows.slice(0, maxRows);
  // The names' column: 190 points on a page, less on a narrow screen so that the bars keep room.
  const label = Math.min(190, Math.round(width * 0.4));
  const right = 40;
  const rowH = 22;
  const top = 22;
  const bottom = top + Math.max(1, shown_.length) * rowH;
  const max = Math.max(1, ...shown_.map((r) => Math.max(r.day, r.previousDay, r.previousWeekMean)));
  const x = scaleLinear()
    .domain([0, max])
    .nice(5)
    .range([label, width - right]);
  // Counts are whole: a tick at 0.5 would name a count no row can have.
  const ticks = x.ticks(5).filter((v) => Number.isInteger(v));
  const shapes: Shape[] = [];
  for (const v of ticks)
    shapes.push(
      { kind: 'line', x1: x(v), y1: top - 2, x2: x(v), y2: bottom, stroke: COLOURS.grid, width: 0.5 },
      {
        kind: 'text',
        x: x(v),
        y: bottom + 10,
        text: format(v),
        size: 7,
        anchor: 'middle',
        fill: COLOURS.muted,
      },
    );
  const legendY = 10;
  const keyWidth = (text: string, markWidth: number) => markWidth + 4 + textWidth(text, 8) + 12;
  const legendWidth =
    keyWidth(labels.day, 10) + keyWidth(labels.previousDay, 10) + keyWidth(labels.mean, 2) - 12;
  // Over the bars when it fits there, else moved left as far as it must (longer words in Ukrainian).
  let at = Math.max(0, Math.min(label, width - legendWidth));
  const key = (mark: Shape[], text: string, markWidth: number) => {
    shapes.push(...mark, {
      kind: 'text',
      x: at + markWidth + 4,
      y: legendY,
      text,
      size: 8,
      anchor: 'start',
      fill: COLOURS.text,
    });
    at += keyWidth(text, markWidth);
  };
  key([{ kind: 'rect', x: at, y: legendY - 7, w: 10, h: 8, fill: COLOURS.day }], labels.day, 10);
  key(
    [{ kind: 'rect', x: at, y: legendY - 7, w: 10, h: 8, fill: COLOURS.previousDay }],
    labels.previousDay,
    10,
  );
  key(
    [{ kind: 'line', x1: at, y1: legendY - 8, x2: at, y2: legendY + 1, stroke: COLOURS.mean, width: 2 }],
    labels.mean,
    2,
  );
  shown_.forEach((r, i) => {
    const y = top + i * rowH;
    const bar = (v: number) => Math.max(x(v) - label, 0.5);
    shapes.push(
      {
        kind: 'text',
        x: label - 6,
        y: y + 12,
        text: clip(r.name, Math.floor((label - 6) / 5)),
        size: 8,
        anchor: 'end',
        fill: COLOURS.text,
      },
      {
        kind: 'rect',
        x: label,
        y: y + 2,
        w: bar(r.day),
        h: 9,
        fill: COLOURS.day,
        title: `${r.name}: ${labels.day} ${format(r.day)}, ${labels.previousDay} ${format(r.previousDay)}, ${labels.mean} ${format(r.previousWeekMean)}`,
      },
      { kind: 'rect', x: label, y: y + 12, w: bar(r.previousDay), h: 6, fill: COLOURS.previousDay },
      {
        kind: 'line',
        x1: x(r.previousWeekMean),
        y1: y,
        x2: x(r.previousWeekMean),
        y2: y + 20,
        stroke: COLOURS.mean,
        width: 2,
      },
      {
        kind: 'text',
        x: x(Math.max(r.day, r.previousDay, r.previousWeekMean)) + 6,
        y: y + 10,
        text: format(r.day),
        size: 8,
        anchor: 'start',
        fill: COLOURS.text,
        bold: true,
      },
    );
  });
  if (shown_.length === 0)
    shapes.push({
      kind: 'text',
      x: label,
      y: top + 12,
      text: labels.noReports,
      size: 9,
      anchor: 'start',
      fill: COLOURS.muted,
    });
  shapes.push(
    { kind: 'line', x1: label, y1: top - 2, x2: label, y2: bottom, stroke: COLOURS.frame, width: 0.5 },
    { kind: 'line', x1: label, y1: bottom, x2: width - right, y2: bottom, stroke: COLOURS.frame, width: 0.5 },
  );
  return { title, width, height: bottom + 14, shapes };
}

const mercator = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

/**
 * The day's map on a web-mercator projection of its box: a graticule, the largest settlements with
 * their names, the reports (blue) and verified incidents (red).
 */
export function mapFigure(
  title: string,
  map: DayMap,
  labels: ChartLabels = ENGLISH_LABELS,
  width = 500,
): Figure {
  const [w, s, e, n] = map.bbox;
  const spanX = (e - w) * (Math.PI / 180);
  const spanY = mercator(n) - mercator(s);
  const height = Math.round(Math.min(Math.max((width * spanY) / spanX, 180), 520));
  // Fit the box into width × height keeping the projection's aspect: centre the shorter side.
  const k = Math.min(width / spanX, height / spanY);
  const offX = (width - spanX * k) / 2;
  const offY = (height - spanY * k) / 2;
  const x = (lon: number) => offX + (lon - w) * (Math.PI / 180) * k;
  const y = (lat: number) => offY + (mercator(n) - mercator(lat)) * k;
  const shapes: Shape[] = [
    { kind: 'rect', x: 0, y: 0, w: width, h: height, fill: COLOURS.land, stroke: COLOURS.frame },
  ];
  // Graticule lines where d3-scale puts nice ticks (1, 2 or 5 × a power of ten degrees), about one
  // per 100 points of the frame; labelled with their hemisphere.
  // A line on the frame's edge would be the frame, and its label would fall outside or on another's.
  const lonTicks = scaleLinear()
    .domain([w, e])
    .ticks(Math.max(2, Math.round(width / 100)))
    .filter((lon) => x(lon) > 4 && x(lon) < width - 24);
  const latTicks = scaleLinear()
    .domain([s, n])
    .ticks(Math.max(2, Math.round(height / 100)))
    .filter((lat) => y(lat) > 10 && y(lat) < height - 12);
  const degrees = (v: number, positive: string, negative: string) =>
    `${Math.abs(Math.round(v * 1000) / 1000)}°${v < 0 ? negative : positive}`;
  for (const lon of lonTicks) {
    shapes.push(
      {
        kind: 'line',
        x1: x(lon),
        y1: 0,
        x2: x(lon),
        y2: height,
        stroke: COLOURS.grid,
        width: 0.5,
        dash: true,
      },
      {
        kind: 'text',
        x: x(lon) + 2,
        y: height - 3,
        text: degrees(lon, 'E', 'W'),
        size: 6,
        anchor: 'start',
        fill: COLOURS.muted,
      },
    );
  }
  for (const lat of latTicks) {
    shapes.push(
      {
        kind: 'line',
        x1: 0,
        y1: y(lat),
        x2: width,
        y2: y(lat),
        stroke: COLOURS.grid,
        width: 0.5,
        dash: true,
      },
      {
        kind: 'text',
        x: 2,
        y: y(lat) - 2,
        text: degrees(lat, 'N', 'S'),
        size: 6,
        anchor: 'start',
        fill: COLOURS.muted,
      },
    );
  }
  for (const p of map.points.filter((p) => p.kind === 'report'))
    shapes.push({
      kind: 'circle',
      x: x(p.lon),
      y: y(p.lat),
      r: 2.5,
      fill: COLOURS.report,
      stroke: '#ffffff',
    });
  for (const p of map.points.filter((p) => p.kind === 'incident'))
    shapes.push({
      kind: 'circle',
      x: x(p.lon),
      y: y(p.lat),
      r: 4.5,
      fill: COLOURS.incident,
      stroke: '#ffffff',
    });
  // Names that would overlap a name already placed are left out (the largest places come first).
  const taken: { x0: number; y0: number; x1: number; y1: number }[] = [];
  for (const p of map.places) {
    const box = {
      x0: x(p.lon) - 3,
      y0: y(p.lat) - 8,
      x1: x(p.lon) + 8 + p.name.length * 5,
      y1: y(p.lat) + 5,
    };
    // A name that would run off the frame, or under the legend, is left out too.
    const inside = box.x0 >= 0 && box.y0 >= 0 && box.x1 <= width && box.y1 <= height - 26;
    if (!inside || taken.some((b) => box.x0 < b.x1 && b.x0 < box.x1 && box.y0 < b.y1 && b.y0 < box.y1))
      continue;
    taken.push(box);
    shapes.push(
      { kind: 'rect', x: x(p.lon) - 2, y: y(p.lat) - 2, w: 4, h: 4, fill: COLOURS.place },
      {
        kind: 'text',
        x: x(p.lon) + 5,
        y: y(p.lat) + 3,
        text: p.name,
        size: 8,
        anchor: 'start',
        fill: COLOURS.place,
        bold: true,
      },
    );
  }
  const legend = height - 14;
  // The frame grows with the words (Ukrainian's are longer), at about 4.4 points a character at 7 points.
  const incidentAt = Math.max(55, 30 + labels.report.length * 4.4);
  const legendW = Math.max(146, incidentAt + 13 + labels.incident.length * 4.4);
  const x0 = width - 4 - legendW;
  shapes.push(
    { kind: 'rect', x: x0, y: legend - 10, w: legendW, h: 20, fill: '#ffffff', stroke: COLOURS.frame },
    { kind: 'circle', x: x0 + 10, y: legend, r: 2.5, fill: COLOURS.report },
    {
      kind: 'text',
      x: x0 + 16,
      y: legend + 3,
      text: labels.report,
      size: 7,
      anchor: 'start',
      fill: COLOURS.text,
    },
    { kind: 'circle', x: x0 + incidentAt, y: legend, r: 4, fill: COLOURS.incident },
    {
      kind: 'text',
      x: x0 + incidentAt + 7,
      y: legend + 3,
      text: labels.incident,
      size: 7,
      anchor: 'start',
      fill: COLOURS.text,
    },
  );
  return { title, width, height, shapes };
}
