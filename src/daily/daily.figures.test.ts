import { describe, expect, it } from 'vitest';
import { barChart, mapFigure, type Figure, type Shape } from './daily.figures.js';
import { figureSvg } from './daily.html.js';
import type { CountRow } from './daily.model.js';

const row = (name: string, day: number, previousDay: number, previousWeekMean: number): CountRow => ({
  id: name,
  name,
  day,
  previousDay,
  previousWeek: Math.round(previousWeekMean * 7),
  previousWeekMean,
});

const texts = (f: Figure) =>
  f.shapes.filter((s): s is Extract<Shape, { kind: 'text' }> => s.kind === 'text').map((s) => s.text);

/** The count axis' labels: the small muted texts centred under the bars. */
const tickLabels = (f: Figure) =>
  f.shapes
    .filter((s): s is Extract<Shape, { kind: 'text' }> => s.kind === 'text' && s.anchor === 'middle')
    .map((s) => s.text);

describe('daily report figures', () => {
  it('puts the bar chart on a count axis with nice ticks, and scales the bars to it', () => {
    const f = barChart('By category', [row('Explosion', 9, 4, 2.3), row('Shooting', 3, 0, 1)]);
    expect(tickLabels(f)).toEqual(['0', '2', '4', '6', '8', '10']);
    const bars = f.shapes.filter(
      (s): s is Extract<Shape, { kind: 'rect' }> => s.kind === 'rect' && s.h === 9,
    );
    // label column 190, plot 500 - 190 - 40 = 270 points for 0..10: 9 → 243.
    expect(bars.map((b) => Math.round(b.w))).toEqual([243, 81]);
    expect(f.height).toBeGreaterThan(22 + 2 * 22);
  });

  it('writes whole ticks only, even for a day of one report', () => {
    const f = barChart('By sector', [row('North', 1, 0, 0.1)]);
    expect(tickLabels(f)).toEqual(['0', '1']);
  });

  it('has a legend of its three marks, in the words and number format it is given', () => {
    const english = barChart('x', [row('A', 1500, 0, 0)]);
    expect(texts(english)).toEqual(
      expect.arrayContaining(['this day', 'previous day', 'mean of the 7 days before']),
    );
    const uk = barChart('x', [row('A', 1500, 0, 0)], {
      labels: {
        day: 'цей день',
        previousDay: 'попередній день',
        mean: 'середнє',
        noReports: 'Немає.',
        report: 'звіт',
        incident: 'інцидент',
      },
      format: (n) => new Intl.NumberFormat('uk').format(n),
    });
    expect(texts(uk)).toEqual(expect.arrayContaining(['цей день', 'попередній день', 'середнє']));
    expect(tickLabels(uk)).toContain('1\u00a0500');
    expect(
      texts(
        barChart('x', [], {
          labels: {
            day: 'a',
            previousDay: 'b',
            mean: 'c',
            noReports: 'Немає.',
            report: 'звіт',
            incident: 'інцидент',
          },
        }),
      ),
    ).toContain('Немає.');
  });

  it("titles each day's bar with the row's figures, escaped in the HTML edition's SVG", () => {
    const f = barChart('x', [row('Fire <small arms>', 3, 1, 0.4)]);
    const titled = f.shapes.filter((s) => s.kind === 'rect' && s.title !== undefined);
    expect(titled.map((s) => s.kind === 'rect' && s.title)).toEqual([
      'Fire <small arms>: this day 3, previous day 1, mean of the 7 days before 0.4',
    ]);
    expect(figureSvg(f)).toContain('<title>Fire &#60;small arms&#62;: this day 3,');
  });

  it('keeps a long legend inside the figure', () => {
    const long = 'середнє за сім днів перед цим днем, округлене';
    const f = barChart('x', [row('A', 2, 1, 1)], {
      labels: {
        day: 'цей день',
        previousDay: 'попередній день',
        mean: long,
        noReports: '',
        report: '',
        incident: '',
      },
    });
    const keys = f.shapes.filter((s) => s.kind === 'text' && s.size === 8 && s.anchor === 'start');
    for (const k of keys) expect(k.kind === 'text' && k.x).toBeGreaterThanOrEqual(0);
  });

  it('draws the map graticule at nice degrees, named by hemisphere', () => {
    const f = mapFigure('Map', { bbox: [37.3, 47.9, 39.1, 48.8], points: [], places: [] });
    const labels = texts(f).filter((t) => t.includes('°'));
    expect(labels.filter((t) => t.endsWith('E'))).toEqual(['37.5°E', '38°E', '38.5°E', '39°E']);
    expect(labels.filter((t) => t.endsWith('N')).length).toBeGreaterThanOrEqual(2);
    // A box on round degrees: the lines on its edges are the frame, unlabelled.
    const round = mapFigure('Map', { bbox: [38, 48, 39, 48.5], points: [], places: [] });
    const graticule = round.shapes.filter(
      (s): s is Extract<Shape, { kind: 'text' }> => s.kind === 'text' && s.text.includes('°'),
    );
    expect(graticule.length).toBeGreaterThan(3);
    for (const label of graticule) {
      expect(label.x).toBeGreaterThanOrEqual(2);
      expect(label.x).toBeLessThan(round.width - 20);
      expect(label.y).toBeGreaterThan(7);
      expect(label.y).toBeLessThan(round.height);
    }
    expect(graticule.map((l) => l.text)).not.toContain('48°N');
    const west = mapFigure('Map', { bbox: [-2.2, 51, 0.4, 52], points: [], places: [] });
    expect(texts(west)).toEqual(expect.arrayContaining(['2°W', '0°E']));
  });
});
