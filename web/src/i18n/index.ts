/**
 * Translation and formatting. Every user-visible string comes from a message catalogue through {@link t}:
 * English in `messages.ts`, Ukrainian in `messages.uk.ts` (same keys). The language is chosen from the
 * browser's languages on the first visit, then by the switch in the header, which is kept in
 * localStorage; `<html lang>` follows it. Plurals, numbers and dates follow the chosen locale (`Intl`).
 */
import { messages, type MessageKey, type Plural } from './messages.js';
import { uk } from './messages.uk.js';

export type { MessageKey, Plural } from './messages.js';

/** The languages the dashboard speaks. */
export const LOCALES = ['en', 'uk'] as const;
export type Locale = (typeof LOCALES)[number];

const STORAGE_KEY = 'truceline.locale';
const catalogues: Record<Locale, Record<MessageKey, string | Plural>> = { en: messages, uk };

const isLocale = (value: unknown): value is Locale => LOCALES.includes(value as Locale);

/** The first of the browser's languages the dashboard speaks (by its primary subtag), else English. */
export function localeFromLanguages(languages: readonly string[]): Locale {
  for (const tag of languages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

function storedLocale(): Locale | null {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : null;
  } catch {
    return null; // storage blocked (private mode, sandboxed frame): choose from the browser again
  }
}

function browserLanguages(): readonly string[] {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav) return [];
  return nav.languages?.length ? nav.languages : nav.language ? [nav.language] : [];
}

interface Formatters {
  plurals: Intl.PluralRules;
  number: Intl.NumberFormat;
  dateTime: Intl.DateTimeFormat;
  date: Intl.DateTimeFormat;
  percent: Intl.NumberFormat;
  km: Intl.NumberFormat;
  axis: Record<AxisDatePart, Intl.DateTimeFormat>;
}

/** How much of a date a chart's axis tick writes: "5 Dec", "Dec 2026", or "14:30" (all UTC). */
export type AxisDatePart = 'day' | 'month' | 'time';

function formattersFor(locale: Locale): Formatters {
  return {
    plurals: new Intl.PluralRules(locale),
    number: new Intl.NumberFormat(locale),
    dateTime: new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'UTC',
      timeZoneName: 'short',
      hourCycle: 'h23',
    }),
    date: new Intl.DateTimeFormat(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    }),
    percent: new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }),
    km: new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    axis: {
      day: new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }),
      month: new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }),
      time: new Intl.DateTimeFormat(locale, {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZone: 'UTC',
      }),
    },
  };
}

let current: Locale = storedLocale() ?? localeFromLanguages(browserLanguages());
let formatters = formattersFor(current);
const listeners = new Set<() => void>();

function applyToDocument(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}
applyToDocument(current);

/** The language the dashboard speaks now. */
export function getLocale(): Locale {
  return current;
}

/** Switches the language, remembers it in this browser and tells every subscriber. */
export function setLocale(locale: Locale): void {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, locale);
  } catch {
    // not kept across visits when storage is blocked; the switch still works for this visit
  }
  if (locale === current) return;
  current = locale;
  formatters = formattersFor(locale);
  applyToDocument(locale);
  for (const listener of listeners) listener();
}

/** Calls `listener` whenever the language changes; returns the unsubscribe function. */
export function subscribeLocale(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The message for `key`, with `{name}` placeholders filled in; plural messages choose by `count`. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const message: string | Plural = catalogues[current][key] ?? messages[key];
  const template =
    typeof message === 'string'
      ? message
      : (message[formatters.plurals.select(Number(values.count ?? 0)) as keyof Plural] ?? message.other);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

export const formatNumber = (n: number): string => formatters.number.format(n);

/** A timestamp in UTC, the time every party reads the same way. */
export function formatDateTime(iso: string | number | Date): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : formatters.dateTime.format(d);
}

export function formatDate(iso: string | number | Date): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : formatters.date.format(d);
}

/** A short date for a chart's axis tick, in the chosen language (UTC, as every date on the dashboard). */
export function formatAxisDate(d: Date, part: AxisDatePart): string {
  return formatters.axis[part].format(d);
}

export function formatPercent(share: number): string {
  return formatters.percent.format(share);
}

/** A label for an identifier-like value (snake_case), used when the message catalogue has none. */
export function humanise(id: string): string {
  const s = id.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Where a report lies from its nearest settlement ("6.2 km SW of Bakhmut"), in the chosen language.
 * The settlement's name is GeoNames' main name: the offline gazetteer has no names in other languages.
 */
export function formatNearestPlace(place: { name: string; distanceKm: number; direction: string }): string {
  // As the server's own text has it: "at" below 100 m, one decimal below 10 km, whole kilometres above.
  if (place.distanceKm < 0.1) return t('report.atPlace', { name: place.name });
  const compass = `compass.${place.direction}`;
  return t('report.nearestValue', {
    distance:
      place.distanceKm < 10
        ? formatters.km.format(place.distanceKm)
        : formatNumber(Math.round(place.distanceKm)),
    bearing: compass in messages ? t(compass as MessageKey) : place.direction,
    name: place.name,
  });
}
