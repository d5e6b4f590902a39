import type { Language } from '../core/language.js';
import { ENGLISH_LABELS, type ChartLabels } from './daily.figures.js';
import type { CountRow, DailyReport, NotableIncident } from './daily.model.js';
import { NO_SECTOR, UNCATEGORISED } from './daily.build.js';
import { UNDISCLOSED_CATEGORY } from '../verification/redaction.js';

/**
 * The words of the HTML and PDF editions, one catalogue per language. Numbers, dates and plurals
 * follow the language through `Intl` ("1 report, 2 reports"; "1 звіт, 2 звіти, 5 звітів"). The JSON
 * edition is data and speaks no language of its own.
 */

/** The section headings every edition carries, in order (the PDF's outline lists them too). */
export interface Sections {
  summary: string;
  categories: string;
  sectors: string;
  incidents: string;
  movement: string;
  weapons: string;
  map: string;
  omitted: string;
}

/** Plural forms by `Intl.PluralRules` category; `other` is required. */
type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Everything an HTML or PDF edition says, in one language. */
export interface DailyText {
  lang: Language;
  sections: Sections;
  /** The table's column heads (the PDF's narrower columns take `pdfTableHeads`). */
  tableHeads: [string, string, string, string];
  pdfTableHeads: [string, string, string, string];
  chart: ChartLabels;
  noIncidents: string;
  noMovement: string;
  noWeapons: string;
  /** The footer: how to check a copy. */
  verifyNote: string;
  /** The PDF's keywords. */
  keywords(r: DailyReport): string;
  /** A number as shown: whole numbers as they are, others to one decimal. */
  number(n: number): string;
  /** "Daily report, 25 November 2026". */
  title(r: DailyReport): string;
  /** Who the edition is for. */
  edition(r: DailyReport): string;
  /** The line under the title: the day observed and the record it comes from. */
  observed(r: DailyReport): string;
  /** The summary paragraph: the day's total against the day before and the week before. */
  summary(r: DailyReport): string;
  /** What the edition leaves out. */
  omitted(r: DailyReport): string;
  /** Where the incidents section's entries come from. */
  incidentBasis(r: DailyReport): string;
  /** The line under the tables when the reader may not read the agreement the reports were judged by. */
  unclassifiedNote(r: DailyReport): string | undefined;
  /** "3 on this day; 1 the day before." */
  countLine(count: number, previousDay: number): string;
  movementBasis: string;
  weaponsBasis: string;
  /** The charts' titles and the map's caption. */
  categoriesChart: string;
  sectorsChart: string;
  mapTitle(r: DailyReport): string;
  mapCaption(r: DailyReport): string;
  /** "Category (severity), attributed to X. Note" of a notable incident. */
  incident(i: NotableIncident): string;
  /** The name of a count row: the agreement's, or this language's for the rows the report makes up. */
  rowName(row: CountRow): string;
  /** "3.2 km NE of Horlivka"; "at Horlivka" within 100 m. */
  offset(place: string, distanceKm: number, bearingDeg: number): string;
}

function pluralOf(locale: string): (n: number, forms: Forms) => string {
  const rules = new Intl.PluralRules(locale);
  return (n, forms) => forms[rules.select(n)] ?? forms.other;
}

function numberOf(locale: string): (n: number) => string {
  const whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const tenth = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return (n) => (Number.isInteger(n) ? whole.format(n) : tenth.format(n));
}

function longDate(locale: string, date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

const COMPASS_INDEX = (bearingDeg: number) => Math.round((((bearingDeg % 360) + 360) % 360) / 45) % 8;

/** The fallback names of rows the report makes up (not the agreement's). */
function madeUpRow(row: CountRow, uncategorised: string, outside: string): string | undefined {
  if (row.id === UNCATEGORISED || row.id === UNDISCLOSED_CATEGORY) return uncategorised;
  if (row.id === NO_SECTOR) return outside;
  return undefined;
}

function english(): DailyText {
  const plural = pluralOf('en');
  const number = numberOf('en-GB');
  const count = (n: number, one: string, other: string) => `${number(n)} ${plural(n, { one, other })}`;
  const change = (now: number, before: number) => {
    if (now === before) return 'as many as';
    return now > before ? `${number(now - before)} more than` : `${number(before - now)} fewer than`;
  };
  const compass = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'];
  return {
    lang: 'en',
    sections: {
      summary: 'Summary',
      categories: 'Reports by category',
      sectors: 'Reports by sector',
      incidents: 'Notable verified incidents',
      movement: "Restrictions of the monitors' freedom of movement",
      weapons: 'Weapons in violation of withdrawal lines',
      map: 'Map of the day',
      omitted: 'What this edition leaves out',
    },
    tableHeads: ['', 'This day', 'Previous day', 'Mean of the 7 days before'],
    pdfTableHeads: ['', 'This day', 'Previous day', '7-day mean'],
    chart: ENGLISH_LABELS,
    noIncidents: 'No verified incident observed on this day.',
    noMovement: 'No restriction reported on this day.',
    noWeapons: 'No weapons seen in violation of withdrawal lines on this day.',
    verifyNote:
      "Each edition is recorded in Truceline's transparency log by the SHA-256 of its bytes: check a copy with `truceline report verify FILE`.",
    keywords: (r) => `daily report; ${r.date}; ${r.edition}; en`,
    number,
    title: (r) => `Daily report, ${longDate('en-GB', r.date)}`,
    edition: (r) =>
      r.edition === 'public'
        ? 'Public edition: only what is marked for the public (TLP:CLEAR).'
        : `Edition for ${r.audience}: everything this reader may see.`,
    observed: (r) =>
      `Observed ${r.date} 00:00–24:00 UTC. Compiled by Truceline from the reports, incidents and findings of the record${r.agreementVersionId !== null ? `, under agreement version ${r.agreementVersionId}` : ''}.`,
    summary: (r) => {
      const t = r.totals;
      return (
        `${count(t.day, 'report', 'reports')} observed on this day (UTC), ${change(t.day, t.previousDay)} the day before (${number(t.previousDay)}); ` +
        `the seven days before averaged ${number(t.previousWeekMean)} a day (${number(t.previousWeek)} in all). ` +
        `${count(r.incidents.length, 'verified incident', 'verified incidents')}; ` +
        `${count(r.freedomOfMovement.count, "restriction of the monitors' movement", "restrictions of the monitors' movement")}; ` +
        `${count(r.weaponsInZones.count, 'sighting', 'sightings')} of weapons in violation of withdrawal lines.`
      );
    },
    omitted: (r) => {
      const n = r.omitted.reports;
      if (n === 0) return 'This edition leaves out no report of the day.';
      const who =
        r.edition === 'public' ? 'marked for narrower audiences than the public' : 'this reader may not see';
      return plural(n, {
        one: `This edition leaves out ${number(n)} report of the day ${who}; it is counted nowhere else in it.`,
        other: `This edition leaves out ${number(n)} reports of the day ${who}; they are counted nowhere else in it.`,
      });
    },
    incidentBasis: (r) =>
      r.incidentBasis === 'incidents'
        ? 'Incidents the commission verified, observed on this day, gravest first.'
        : 'Adopted findings of verified incidents observed on this day, as far as this edition may show them.',
    unclassifiedNote: (r) =>
      r.agreementVersionId === null
        ? 'The agreement is not readable in this edition: categories and sectors are shown only where a report states them itself.'
        : undefined,
    countLine: (n, before) => `${number(n)} on this day; ${number(before)} the day before.`,
    movementBasis:
      "The agreement's report taxonomy has no type of its own for restrictions of the monitors' freedom of movement: reports in its obstruction categories are counted.",
    weaponsBasis:
      'Reports of weapons or equipment that their classification placed inside a zone whose restrictions they break (withdrawal bands, security zones).',
    categoriesChart: 'Reports by category: this day, the previous day and the mean of the 7 days before',
    sectorsChart: 'Reports by sector: this day, the previous day and the mean of the 7 days before',
    mapTitle: (r) => `Reports and verified incidents of ${r.date}`,
    mapCaption: (r) =>
      `box ${r.map.bbox.join(', ')} (west, south, east, north), web-mercator projection. Settlements: GeoNames.`,
    incident: (i) => {
      const note =
        i.corroboration !== undefined && i.reportCount !== undefined
          ? `${i.corroboration.replace(/_/g, ' ')}; ${count(i.reportCount, 'report', 'reports')}`
          : i.note;
      return `${i.categoryName} (${i.severity})${i.attributedTo !== undefined ? `, attributed to ${i.attributedTo}` : ''}. ${note}`;
    },
    rowName: (row) => madeUpRow(row, 'Category not shown to this reader', 'Outside the sectors') ?? row.name,
    offset: (place, km, bearing) => {
      if (km < 0.1) return `at ${place}`;
      const shown = km < 10 ? km.toFixed(1) : String(Math.round(km));
      return `${shown} km ${compass[COMPASS_INDEX(bearing)] ?? 'N'} of ${place}`;
    },
  };
}

const UK_SEVERITY: Record<string, string> = { grave: 'тяжкий', serious: 'серйозний', minor: 'незначний' };
const UK_CORROBORATION: Record<string, string> = {
  none: 'без підтвердження',
  single_source: 'одне джерело',
  corroborated: 'підтверджено',
  well_corroborated: 'добре підтверджено',
};

function ukrainian(): DailyText {
  const plural = pluralOf('uk');
  const number = numberOf('uk');
  const reports: Forms = { one: 'звіт', few: 'звіти', many: 'звітів', other: 'звіту' };
  const count = (n: number, forms: Forms) => `${number(n)} ${plural(n, forms)}`;
  const change = (now: number, before: number) => {
    if (now === before) return 'стільки ж, скільки за попередню';
    return now > before
      ? `на ${number(now - before)} більше, ніж за попередню`
      : `на ${number(before - now)} менше, ніж за попередню`;
  };
  // "на північний схід від": the direction from the place to the point.
  const compass = [
    'на північ',
    'на північний схід',
    'на схід',
    'на південний схід',
    'на південь',
    'на південний захід',
    'на захід',
    'на північний захід',
  ];
  return {
    lang: 'uk',
    sections: {
      summary: 'Підсумок',
      categories: 'Звіти за категоріями',
      sectors: 'Звіти за секторами',
      incidents: 'Помітні верифіковані інциденти',
      movement: 'Обмеження свободи пересування спостерігачів',
      weapons: 'Озброєння з порушенням ліній відведення',
      map: 'Мапа доби',
      omitted: 'Чого не містить це видання',
    },
    tableHeads: ['', 'Ця доба', 'Попередня доба', 'Середнє за 7 попередніх діб'],
    pdfTableHeads: ['', 'Ця доба', 'Попередня доба', 'Середнє за 7 діб'],
    chart: {
      day: 'ця доба',
      previousDay: 'попередня',
      mean: 'середнє за 7 попередніх діб',
      noReports: 'Звітів немає.',
      report: 'звіт',
      incident: 'верифікований інцидент',
    },
    noIncidents: 'За цю добу не спостерігалося жодного верифікованого інциденту.',
    noMovement: 'За цю добу не повідомлено про жодне обмеження.',
    noWeapons: 'За цю добу не помічено озброєння з порушенням ліній відведення.',
    verifyNote:
      'Кожне видання записано до журналу прозорості Truceline за SHA-256 його байтів: перевірити копію можна командою `truceline report verify ФАЙЛ`.',
    keywords: (r) => `щоденний звіт; ${r.date}; ${r.edition}; uk`,
    number,
    title: (r) => `Щоденний звіт, ${longDate('uk', r.date)}`,
    edition: (r) =>
      r.edition === 'public'
        ? 'Публічне видання: лише те, що позначено для громадськості (TLP:CLEAR).'
        : `Видання для ${r.audience}: усе, що може бачити цей читач.`,
    observed: (r) =>
      `Спостереження ${r.date} 00:00–24:00 UTC. Складено системою Truceline зі звітів, інцидентів і висновків, що є в записі${r.agreementVersionId !== null ? `, за версією угоди ${r.agreementVersionId}` : ''}.`,
    summary: (r) => {
      const t = r.totals;
      return (
        `За цю добу (UTC) зафіксовано ${count(t.day, reports)} — ${change(t.day, t.previousDay)} (${number(t.previousDay)}); ` +
        `за сім попередніх діб — у середньому ${number(t.previousWeekMean)} на добу (усього ${number(t.previousWeek)}). ` +
        `${count(r.incidents.length, { one: 'верифікований інцидент', few: 'верифіковані інциденти', many: 'верифікованих інцидентів', other: 'верифікованого інциденту' })}; ` +
        `${count(r.freedomOfMovement.count, { one: 'обмеження', few: 'обмеження', many: 'обмежень', other: 'обмеження' })} пересування спостерігачів; ` +
        `${count(r.weaponsInZones.count, { one: 'випадок', few: 'випадки', many: 'випадків', other: 'випадку' })} озброєння з порушенням ліній відведення.`
      );
    },
    omitted: (r) => {
      const n = r.omitted.reports;
      if (n === 0) return 'Це видання містить усі звіти за добу.';
      if (r.edition === 'public')
        return plural(n, {
          one: `Це видання не містить ${number(n)} звіту за добу, позначеного для вужчого кола, ніж громадськість; його ніде в ньому не враховано.`,
          other: `Це видання не містить ${number(n)} звітів за добу, позначених для вужчого кола, ніж громадськість; їх ніде в ньому не враховано.`,
        });
      return plural(n, {
        one: `Це видання не містить ${number(n)} звіту за добу, якого цей читач не може бачити; його ніде в ньому не враховано.`,
        other: `Це видання не містить ${number(n)} звітів за добу, яких цей читач не може бачити; їх ніде в ньому не враховано.`,
      });
    },
    incidentBasis: (r) =>
      r.incidentBasis === 'incidents'
        ? 'Інциденти цієї доби, верифіковані комісією, від найтяжчих.'
        : 'Ухвалені висновки щодо верифікованих інцидентів цієї доби, наскільки це видання може їх показати.',
    unclassifiedNote: (r) =>
      r.agreementVersionId === null
        ? 'Угода в цьому виданні недоступна: категорії й сектори показано лише там, де їх зазначено в самому звіті.'
        : undefined,
    countLine: (n, before) => `За цю добу: ${number(n)}; за попередню: ${number(before)}.`,
    movementBasis:
      'Класифікатор звітів угоди не має окремого типу для обмежень свободи пересування спостерігачів: враховано звіти з його категорій перешкоджання.',
    weaponsBasis:
      'Звіти про озброєння чи техніку, які за класифікацією перебувають у зоні, обмеження якої вони порушують (смуги відведення, зони безпеки).',
    categoriesChart: 'Звіти за категоріями: ця доба, попередня доба і середнє за 7 попередніх діб',
    sectorsChart: 'Звіти за секторами: ця доба, попередня доба і середнє за 7 попередніх діб',
    mapTitle: (r) => `Звіти та верифіковані інциденти за ${r.date}`,
    mapCaption: (r) =>
      `межі ${r.map.bbox.join(', ')} (захід, південь, схід, північ), проєкція Web Mercator. Населені пункти: GeoNames.`,
    incident: (i) => {
      const note =
        i.corroboration !== undefined && i.reportCount !== undefined
          ? `${UK_CORROBORATION[i.corroboration] ?? i.corroboration.replace(/_/g, ' ')}; ${count(i.reportCount, reports)}`
          : i.note;
      return `${i.categoryName} (${UK_SEVERITY[i.severity] ?? i.severity})${i.attributedTo !== undefined ? `, відповідальність покладено на ${i.attributedTo}` : ''}. ${note}`;
    },
    rowName: (row) => madeUpRow(row, 'Категорію не показано цьому читачеві', 'Поза секторами') ?? row.name,
    // "н. п." (населений пункт) keeps the name in the nominative, as Ukrainian official reports do.
    offset: (place, km, bearing) => {
      if (km < 0.1) return `у н. п. ${place}`;
      const shown = km < 10 ? number(Math.round(km * 10) / 10) : number(Math.round(km));
      return `${shown} км ${compass[COMPASS_INDEX(bearing)] ?? 'на північ'} від н. п. ${place}`;
    },
  };
}

const CATALOGUES: Record<Language, DailyText> = { en: english(), uk: ukrainian() };

/** The words of an edition in one language. */
export function dailyText(lang: Language): DailyText {
  return CATALOGUES[lang];
}

/** The counts of a table row as shown: name, day, previous day, 7-day mean. */
export function rowCells(text: DailyText, row: CountRow): [string, string, string, string] {
  return [
    text.rowName(row),
    text.number(row.day),
    text.number(row.previousDay),
    text.number(row.previousWeekMean),
  ];
}

/** "2026-11-25 21:40 UTC": the same in every language. */
export function timeOf(instant: string): string {
  return `${instant.slice(0, 10)} ${instant.slice(11, 16)} UTC`;
}
