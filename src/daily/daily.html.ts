import type { CountRow, DailyReport, ListedReport } from './daily.model.js';
import { barChart, mapFigure, type Figure, type Shape } from './daily.figures.js';
import { rowCells, timeOf, type DailyText } from './daily.text.js';

/**
 * The printable HTML edition: one self-contained page (inline CSS and SVG, no script, nothing
 * fetched), which the server's Content-Security-Policy allows as it is.
 */

/** Escapes text for HTML and SVG. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const n = (v: number) => (Math.round(v * 100) / 100).toString();

function shapeSvg(s: Shape): string {
  switch (s.kind) {
    case 'rect':
      return `<rect x="${n(s.x)}" y="${n(s.y)}" width="${n(s.w)}" height="${n(s.h)}" fill="${s.fill}"${s.stroke !== undefined ? ` stroke="${s.stroke}"` : ''}${s.title !== undefined ? `><title>${esc(s.title)}</title></rect>` : '/>'}`;
    case 'circle':
      return `<circle cx="${n(s.x)}" cy="${n(s.y)}" r="${n(s.r)}" fill="${s.fill}"${s.stroke !== undefined ? ` stroke="${s.stroke}" stroke-width="0.8"` : ''}/>`;
    case 'line':
      return `<line x1="${n(s.x1)}" y1="${n(s.y1)}" x2="${n(s.x2)}" y2="${n(s.y2)}" stroke="${s.stroke}" stroke-width="${n(s.width)}"${s.dash === true ? ' stroke-dasharray="3 3"' : ''}/>`;
    case 'text':
      return `<text x="${n(s.x)}" y="${n(s.y)}" font-size="${s.size}" text-anchor="${s.anchor}" fill="${s.fill}"${s.bold === true ? ' font-weight="bold"' : ''}>${esc(s.text)}</text>`;
  }
}

/** A figure as an inline SVG element, scaled to its container. */
export function figureSvg(f: Figure): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="${esc(f.title)}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">${f.shapes.map(shapeSvg).join('')}</svg>`;
}

function countTable(text: DailyText, caption: string, rows: readonly CountRow[]): string {
  if (rows.length === 0) return `<p class="muted">${esc(text.chart.noReports)}</p>`;
  const body = rows
    .map(
      (r) =>
        `<tr>${rowCells(text, r)
          .map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`))
          .join('')}</tr>`,
    )
    .join('');
  const heads = text.tableHeads.map((h) => `<th scope="col">${esc(h)}</th>`).join('');
  return `<table><caption>${esc(caption)}</caption><thead><tr>${heads}</tr></thead><tbody>${body}</tbody></table>`;
}

function listing(rows: readonly ListedReport[], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<ul>${rows
    .map(
      (r) =>
        `<li><strong>${esc(r.place)}</strong>, ${esc(timeOf(r.observedFrom))}: ${esc(r.categoryName)}${r.what !== '' ? ` — ${esc(r.what)}` : ''}. ${r.why !== '' ? `<span class="muted">${esc(r.why)}</span> ` : ''}<span class="id">${esc(r.id)}</span></li>`,
    )
    .join('')}</ul>`;
}

const CSS = `
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1a1a1a; max-width: 46rem; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.45; font-size: 11pt; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; border-bottom: 1px solid #bbb; padding-bottom: .15rem; margin-top: 1.6rem; break-after: avoid; }
.edition { font-weight: bold; color: #1f4e79; }
.muted { color: #555; }
.id { color: #777; font-size: .8em; font-family: "DejaVu Sans Mono", monospace; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .25rem; }
th, td { border-bottom: 1px solid #ddd; padding: .2rem .4rem; text-align: right; }
th[scope="row"], thead th:first-child { text-align: left; font-weight: normal; }
figure { margin: .75rem 0; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .85rem; color: #555; }
li { margin-bottom: .3rem; }
footer { margin-top: 2rem; font-size: .8rem; color: #555; border-top: 1px solid #bbb; padding-top: .4rem; }
@media print { body { margin: 0; max-width: none; } }
`;

/** The HTML edition of a report in the language of `text` (same report, same bytes). */
export function renderHtml(r: DailyReport, text: DailyText): string {
  const title = text.title(r);
  const s = text.sections;
  const note = text.unclassifiedNote(r);
  const rows = (list: readonly CountRow[]) => list.map((row) => ({ ...row, name: text.rowName(row) }));
  const categoriesChart = barChart(text.categoriesChart, rows(r.byCategory), {
    labels: text.chart,
    format: (n) => text.number(n),
  });
  const sectorsChart = barChart(text.sectorsChart, rows(r.bySector), {
    labels: text.chart,
    format: (n) => text.number(n),
  });
  const map = mapFigure(text.mapTitle(r), r.map, text.chart);
  const incidents =
    r.incidents.length === 0
      ? `<p class="muted">${esc(text.noIncidents)}</p>`
      : `<ul>${r.incidents
          .map(
            (i) =>
              `<li><strong>${esc(i.place)}</strong>, ${esc(timeOf(i.observedFrom))}: ${esc(text.incident(i))} <span class="id">${esc(i.id)}</span></li>`,
          )
          .join('')}</ul>`;
  return `<!doctype html>
<html lang="${text.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} — Truceline</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
<p class="edition">${esc(text.edition(r))}</p>
<p class="muted">${esc(text.observed(r))}</p>
</header>
<main>
<section><h2>${esc(s.summary)}</h2><p>${esc(text.summary(r))}</p></section>
<section><h2>${esc(s.categories)}</h2>${note !== undefined ? `<p class="muted">${esc(note)}</p>` : ''}
<figure>${figureSvg(categoriesChart)}<figcaption>${esc(categoriesChart.title)}</figcaption></figure>
${countTable(text, s.categories, r.byCategory)}</section>
<section><h2>${esc(s.sectors)}</h2>
<figure>${figureSvg(sectorsChart)}<figcaption>${esc(sectorsChart.title)}</figcaption></figure>
${countTable(text, s.sectors, r.bySector)}</section>
<section><h2>${esc(s.incidents)}</h2><p class="muted">${esc(text.incidentBasis(r))}</p>${incidents}</section>
<section><h2>${esc(s.movement)}</h2><p>${esc(text.countLine(r.freedomOfMovement.count, r.freedomOfMovement.previousDay))}</p><p class="muted">${esc(text.movementBasis)}</p>
${listing(r.freedomOfMovement.reports, text.noMovement)}</section>
<section><h2>${esc(s.weapons)}</h2><p>${esc(text.countLine(r.weaponsInZones.count, r.weaponsInZones.previousDay))}</p><p class="muted">${esc(text.weaponsBasis)}</p>
${listing(r.weaponsInZones.reports, text.noWeapons)}</section>
<section><h2>${esc(s.map)}</h2><figure>${figureSvg(map)}<figcaption>${esc(map.title)}; ${esc(text.mapCaption(r))}</figcaption></figure></section>
<section><h2>${esc(s.omitted)}</h2><p>${esc(text.omitted(r))}</p></section>
</main>
<footer>${esc(text.verifyNote).replace(/`([^`]*)`/g, '<code>$1</code>')}</footer>
</body>
</html>
`;
}
