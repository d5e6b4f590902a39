import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { unavailable } from '../core/errors.js';
import type { CountRow, DailyReport, ListedReport } from './daily.model.js';
import { COLOURS, barChart, mapFigure, type Figure } from './daily.figures.js';
import { rowCells, timeOf, type DailyText } from './daily.text.js';

/**
 * The PDF edition, drawn with PDFKit (pure JavaScript: no native build, no browser). The standard
 * Helvetica has no Cyrillic, so the text is set in DejaVu Sans from the `dejavu-fonts-ttf` package
 * (subset into the file). The creation date is the report's day, so the same report gives the same bytes.
 */

/** The one line printed when the PDF path cannot work on this machine. */
export const PDF_MISSING =
  'PDF output needs the npm packages pdfkit and dejavu-fonts-ttf: run `npm install` in the Truceline directory';

interface Fonts {
  regular: string;
  bold: string;
}

function fonts(): Fonts {
  try {
    const dir = path.join(
      path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
      'ttf',
    );
    const regular = path.join(dir, 'DejaVuSans.ttf');
    const bold = path.join(dir, 'DejaVuSans-Bold.ttf');
    if (!fs.existsSync(regular) || !fs.existsSync(bold)) throw new Error('fonts missing');
    return { regular, bold };
  } catch {
    throw unavailable(PDF_MISSING);
  }
}

// PDFKit's constructor, loaded on first use so that a machine without it still serves everything else.
type PdfDocument = PDFKit.PDFDocument;
async function pdfkit(): Promise<new (options?: PDFKit.PDFDocumentOptions) => PdfDocument> {
  try {
    return (await import('pdfkit')).default;
  } catch {
    throw unavailable(PDF_MISSING);
  }
}

const MARGIN = 50;
const WIDTH = 595.28 - 2 * MARGIN;

/** The text cut with "…" to fit `width` in the current font, so that it never wraps. */
function fit(doc: PdfDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text.length;
  while (cut > 0 && doc.widthOfString(`${text.slice(0, cut).trimEnd()}…`) > width) cut -= 1;
  return `${text.slice(0, cut).trimEnd()}…`;
}

class Writer {
  constructor(
    readonly doc: PdfDocument,
    readonly f: Fonts,
    readonly text: DailyText,
  ) {}

  room(height: number): void {
    if (this.doc.y + height > this.doc.page.height - this.doc.page.margins.bottom) this.doc.addPage();
  }

  /** A section heading, kept on one page with the first `keep` points of what follows. */
  heading(text: string, keep = 60): void {
    this.room(keep + 30);
    const { doc } = this;
    doc.moveDown(0.8);
    doc.font(this.f.bold).fontSize(13).fillColor(COLOURS.text).text(text, MARGIN, doc.y, { width: WIDTH });
    const y = doc.y + 1;
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + WIDTH, y)
      .lineWidth(0.5)
      .strokeColor(COLOURS.frame)
      .stroke();
    doc.moveDown(0.4);
    doc.outline.addItem(text);
  }

  para(text: string, options: { muted?: boolean; size?: number } = {}): void {
    this.doc
      .font(this.f.regular)
      .fontSize(options.size ?? 10)
      .fillColor(options.muted === true ? COLOURS.muted : COLOURS.text)
      .text(text, MARGIN, this.doc.y, { width: WIDTH });
    this.doc.moveDown(0.3);
  }

  figure(fig: Figure): void {
    const scale = Math.min(1, WIDTH / fig.width);
    const h = fig.height * scale;
    this.room(h + 24);
    const { doc } = this;
    const x0 = MARGIN;
    const y0 = doc.y;
    doc.save();
    doc.translate(x0, y0).scale(scale);
    for (const s of fig.shapes) {
      switch (s.kind) {
        case 'rect':
          doc.rect(s.x, s.y, s.w, s.h);
          if (s.stroke !== undefined) doc.lineWidth(0.5).fillAndStroke(s.fill, s.stroke);
          else doc.fill(s.fill);
          break;
        case 'circle':
          doc.circle(s.x, s.y, s.r);
          if (s.stroke !== undefined) doc.lineWidth(0.8).fillAndStroke(s.fill, s.stroke);
          else doc.fill(s.fill);
          break;
        case 'line':
          doc.moveTo(s.x1, s.y1).lineTo(s.x2, s.y2).lineWidth(s.width);
          if (s.dash === true) doc.dash(3, { space: 3 });
          doc.stroke(s.stroke);
          doc.undash();
          break;
        case 'text': {
          doc
            .font(s.bold === true ? this.f.bold : this.f.regular)
            .fontSize(s.size)
            .fillColor(s.fill);
          const w = doc.widthOfString(s.text);
          const x = s.anchor === 'start' ? s.x : s.anchor === 'end' ? s.x - w : s.x - w / 2;
          // SVG places text by its baseline; PDFKit by the top of the line.
          doc.text(s.text, x, s.y - s.size * 0.8, { lineBreak: false });
          break;
        }
      }
    }
    doc.restore();
    doc.x = MARGIN;
    doc.y = y0 + h + 4;
    this.para(fig.title, { muted: true, size: 8 });
  }

  table(rows: readonly CountRow[]): void {
    const { doc } = this;
    // Ukrainian heads are longer than English ones: the name column gives way.
    const cols = [WIDTH - 300, 70, 105, 125];
    const heads = this.text.pdfTableHeads;
    const line = (cells: readonly string[], bold: boolean) => {
      this.room(16);
      const y = doc.y;
      let x = MARGIN;
      cells.forEach((c, i) => {
        const w = cols[i] ?? 60;
        doc
          .font(bold ? this.f.bold : this.f.regular)
          .fontSize(9)
          .fillColor(COLOURS.text);
        // One line per row, always: a cell that wrapped would spill past the page's end onto a new page.
        doc.text(fit(doc, c, w - 4), x, y, {
          width: w - 4,
          align: i === 0 ? 'left' : 'right',
          lineBreak: false,
          ellipsis: true,
        });
        x += w;
      });
      doc.y = y + 13;
    };
    if (rows.length === 0) {
      this.para(this.text.chart.noReports, { muted: true });
      return;
    }
    // The head stays on the page with the first rows under it.
    this.room(13 * Math.min(rows.length + 1, 4));
    line(heads, true);
    for (const r of rows) line(rowCells(this.text, r), false);
    doc.x = MARGIN;
    doc.moveDown(0.3);
  }

  list(rows: readonly ListedReport[], empty: string): void {
    if (rows.length === 0) {
      this.para(empty, { muted: true });
      return;
    }
    for (const r of rows)
      this.para(
        `• ${r.place}, ${timeOf(r.observedFrom)}: ${r.categoryName}${r.what !== '' ? ` — ${r.what}` : ''}.${r.why !== '' ? ` ${r.why}` : ''} [${r.id}]`,
        { size: 9 },
      );
  }
}

/** The PDF edition of a report in the language of `text` (same report, same bytes). */
export async function renderPdf(r: DailyReport, text: DailyText): Promise<Buffer> {
  const f = fonts();
  const PDFDocument = await pdfkit();
  const day = new Date(`${r.date}T00:00:00Z`);
  const title = text.title(r);
  const s = text.sections;
  const rows = (list: readonly CountRow[]) => list.map((row) => ({ ...row, name: text.rowName(row) }));
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    pdfVersion: '1.7',
    displayTitle: true,
    lang: text.lang,
    info: {
      Title: title,
      Author: 'Truceline',
      Subject: text.edition(r),
      Keywords: text.keywords(r),
      Creator: 'Truceline',
      Producer: 'Truceline (PDFKit)',
      CreationDate: day,
      ModDate: day,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const w = new Writer(doc, f, text);
  doc.font(f.bold).fontSize(18).fillColor(COLOURS.text).text(title, MARGIN, MARGIN, { width: WIDTH });
  doc.outline.addItem(title);
  w.para(text.edition(r), { size: 10 });
  w.para(text.observed(r), { muted: true, size: 9 });

  w.heading(s.summary);
  w.para(text.summary(r));

  w.heading(s.categories);
  const note = text.unclassifiedNote(r);
  if (note !== undefined) w.para(note, { muted: true, size: 9 });
  w.figure(
    barChart(text.categoriesChart, rows(r.byCategory), { labels: text.chart, format: (n) => text.number(n) }),
  );
  w.table(r.byCategory);

  w.heading(s.sectors);
  w.figure(
    barChart(text.sectorsChart, rows(r.bySector), { labels: text.chart, format: (n) => text.number(n) }),
  );
  w.table(r.bySector);

  w.heading(s.incidents);
  w.para(text.incidentBasis(r), { muted: true, size: 9 });
  if (r.incidents.length === 0) w.para(text.noIncidents, { muted: true });
  for (const i of r.incidents)
    w.para(`• ${i.place}, ${timeOf(i.observedFrom)}: ${text.incident(i)} [${i.id}]`, { size: 9 });

  w.heading(s.movement);
  w.para(text.countLine(r.freedomOfMovement.count, r.freedomOfMovement.previousDay));
  w.para(text.movementBasis, { muted: true, size: 9 });
  w.list(r.freedomOfMovement.reports, text.noMovement);

  w.heading(s.weapons);
  w.para(text.countLine(r.weaponsInZones.count, r.weaponsInZones.previousDay));
  w.para(text.weaponsBasis, { muted: true, size: 9 });
  w.list(r.weaponsInZones.reports, text.noWeapons);

  const map = mapFigure(`${text.mapTitle(r)}; ${text.mapCaption(r)}`, r.map, text.chart);
  w.heading(s.map, map.height * Math.min(1, WIDTH / map.width) + 24);
  w.figure(map);

  w.heading(s.omitted);
  w.para(text.omitted(r));
  w.para(text.verifyNote, { muted: true, size: 8 });
  doc.end();
  return done;
}
