import type { CountRow, DailyReport } from './daily.model.js';
import { shown } from './daily.figures.js';

/** The section headings every edition carries, in order (the PDF's outline lists them too). */
export const SECTIONS = {
  summary: 'Summary',
  categories: 'Reports by category',
  sectors: 'Reports by sector',
  incidents: 'Notable verified incidents',
  movement: "Restrictions of the monitors' freedom of movement",
  weapons: 'Weapons in violation of withdrawal lines',
  map: 'Map of the day',
  omitted: 'What this edition leaves out',
} as const;

/** "Daily report, 25 November 2026". */
export function titleOf(r: DailyReport): string {
  const d = new Date(`${r.date}T00:00:00Z`);
  const long = d.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  return `Daily report, ${long}`;
}

/** Who the edition is for. */
export function editionLine(r: DailyReport): string {
  return r.edition === 'public'
    ? 'Public edition: only what is marked for the public (TLP:CLEAR).'
    : `Edition for ${r.audience}: everything this reader may see.`;
}

function change(now: number, before: number): string {
  if (now === before) return 'as many as';
  return now > before ? `${shown(now - before)} more than` : `${shown(before - now)} fewer than`;
}

/** The summary paragraph: the day's total against the day before and the week before. */
export function summaryText(r: DailyReport): string {
  const t = r.totals;
  return (
    `${t.day} report(s) observed on this day (UTC), ${change(t.day, t.previousDay)} the day before (${t.previousDay}); ` +
    `the seven days before averaged ${shown(t.previousWeekMean)} a day (${t.previousWeek} in all). ` +
    `${r.incidents.length} verified incident(s); ${r.freedomOfMovement.count} restriction(s) of the monitors' movement; ` +
    `${r.weaponsInZones.count} sighting(s) of weapons in violation of withdrawal lines.`
  );
}

/** What the edition leaves out. */
export function omittedText(r: DailyReport): string {
  const n = r.omitted.reports;
  const who =
    r.edition === 'public' ? 'marked for narrower audiences than the public' : 'this reader may not see';
  return n === 0
    ? 'This edition leaves out no report of the day.'
    : `This edition leaves out ${n} report(s) of the day ${who}; they are counted nowhere else in it.`;
}

/** The counts of a table row as shown: day, previous day, 7-day mean. */
export function rowCells(row: CountRow): [string, string, string, string] {
  return [row.name, String(row.day), String(row.previousDay), shown(row.previousWeekMean)];
}

/** "25 Nov 2026 21:40 UTC". */
export function timeOf(instant: string): string {
  return `${instant.slice(0, 10)} ${instant.slice(11, 16)} UTC`;
}

/** Where the basis of the incidents section comes from. */
export function incidentBasisText(r: DailyReport): string {
  return r.incidentBasis === 'incidents'
    ? 'Incidents the commission verified, observed on this day, gravest first.'
    : 'Adopted findings of verified incidents observed on this day, as far as this edition may show them.';
}

/** The line under the tables when the reader may not read the agreement the reports were judged by. */
export function unclassifiedNote(r: DailyReport): string | undefined {
  return r.agreementVersionId === null
    ? 'The agreement is not readable in this edition: categories and sectors are shown only where a report states them itself.'
    : undefined;
}
