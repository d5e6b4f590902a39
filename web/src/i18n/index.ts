/**
 * Translation and formatting. Every user-visible string comes from `messages.ts` through {@link t};
 * a translation is another object of the same shape.
 */
import { messages, type MessageKey, type Plural } from './messages.js';

export type { MessageKey } from './messages.js';

export const LOCALE = 'en';
const plurals = new Intl.PluralRules(LOCALE);

/** The message for `key`, with `{name}` placeholders filled in; plural messages choose by `count`. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  const message: string | Plural = messages[key];
  const template =
    typeof message === 'string'
      ? message
      : (message[plurals.select(Number(values.count ?? 0)) as keyof Plural] ?? message.other);
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

const numberFormat = new Intl.NumberFormat(LOCALE);
const dateTimeFormat = new Intl.DateTimeFormat(LOCALE, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
  hourCycle: 'h23',
});
const dateFormat = new Intl.DateTimeFormat(LOCALE, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

export const formatNumber = (n: number): string => numberFormat.format(n);

/** A timestamp in UTC, the time every party reads the same way. */
export function formatDateTime(iso: string | number | Date): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateTimeFormat.format(d);
}

export function formatDate(iso: string | number | Date): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d);
}

export function formatPercent(share: number): string {
  return new Intl.NumberFormat(LOCALE, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}

/** A label for an identifier-like value (snake_case), used when the message catalogue has none. */
export function humanise(id: string): string {
  const s = id.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}
