import { describe, expect, it } from 'vitest';
import { formatDate, formatNearestPlace, formatNumber, localeFromLanguages, setLocale, t } from './index.js';
import { messages, type Plural } from './messages.js';
import { uk } from './messages.uk.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const forms = (message: string | Plural): string[] =>
  typeof message === 'string'
    ? [message]
    : Object.values(message).filter((f): f is string => f !== undefined);
const allPlaceholders = (message: string | Plural): string[] => [
  ...new Set(forms(message).flatMap(placeholders)),
];

describe('the Ukrainian catalogue', () => {
  const keys = Object.keys(messages) as (keyof typeof messages)[];

  it('has every English key and no other', () => {
    expect(Object.keys(uk).sort()).toEqual([...keys].sort());
  });

  it('gives every plural message the four forms Ukrainian uses (one, few, many, other)', () => {
    const plurals = keys.filter((k) => typeof messages[k] !== 'string');
    expect(plurals.length).toBeGreaterThan(30);
    for (const key of plurals) {
      const message = uk[key];
      expect(typeof message, key).toBe('object');
      expect(Object.keys(message).sort(), key).toEqual(['few', 'many', 'one', 'other']);
      for (const form of forms(message)) expect(form.trim(), key).not.toBe('');
    }
  });

  it('uses the same placeholders as English in every message', () => {
    const mismatched = keys.filter(
      (k) => allPlaceholders(uk[k]).join() !== allPlaceholders(messages[k]).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it('puts the same placeholders in each plural form', () => {
    for (const key of keys) {
      const message = uk[key];
      if (typeof message === 'string') continue;
      const [first, ...rest] = forms(message).map((f) => placeholders(f).join());
      for (const other of rest) expect(other, key).toBe(first);
    }
  });

  it('chooses the language from the browser by primary subtag, English otherwise', () => {
    expect(localeFromLanguages(['uk-UA', 'en'])).toBe('uk');
    expect(localeFromLanguages(['de-DE', 'UK'])).toBe('uk');
    expect(localeFromLanguages(['ru-RU', 'en-GB'])).toBe('en');
    expect(localeFromLanguages(['fr'])).toBe('en');
    expect(localeFromLanguages([])).toBe('en');
  });

  it('chooses Ukrainian plural forms and formats numbers and dates the Ukrainian way', () => {
    setLocale('uk');
    try {
      expect(t('reports.caption', { count: 1 })).toBe('1 звіт');
      expect(t('reports.caption', { count: 3 })).toBe('3 звіти');
      expect(t('reports.caption', { count: 11 })).toBe('11 звітів');
      expect(t('reports.caption', { count: 21 })).toBe('21 звіт');
      expect(formatNumber(12345.5).replace(/\s/g, ' ')).toBe('12 345,5');
      expect(formatDate('2026-12-04T12:00:00Z')).toMatch(/^4 груд\.? 2026/);
    } finally {
      setLocale('en');
    }
    expect(t('reports.caption', { count: 3 })).toBe('3 reports');
    expect(formatNumber(12345.5)).toBe('12,345.5');
  });

  it('says where a report lies from its settlement in the chosen language', () => {
    const place = { name: 'Bakhmut', distanceKm: 6.234, direction: 'SW' };
    expect(formatNearestPlace(place)).toBe('6.2 km SW of Bakhmut');
    expect(formatNearestPlace({ ...place, distanceKm: 12.6 })).toBe('13 km SW of Bakhmut');
    expect(formatNearestPlace({ ...place, distanceKm: 0.05 })).toBe('at Bakhmut');
    setLocale('uk');
    try {
      expect(formatNearestPlace(place)).toBe('6,2 км на південний захід від Bakhmut');
    } finally {
      setLocale('en');
    }
  });
});
