/**
 * The daily report: the client side of `src/daily/daily.routes.ts`. The page reads the JSON edition;
 * the downloads are plain links to the HTML and PDF editions (the session cookie goes along).
 */
import type { DailyReport } from '../../../src/wire.js';
import { getJson } from '../api/client.js';
import type { Locale } from '../i18n/index.js';

export type { DailyReport };

/**
 * The URL of one day's edition in a format; HTML and PDF in `lang` (the dashboard's language), since
 * a link cannot choose by Accept-Language. JSON is the same in every language.
 */
export function dailyUrl(date: string, format: 'json' | 'html' | 'pdf', lang?: Locale): string {
  const base = `/api/v1/daily-reports/${encodeURIComponent(date)}?format=${format}`;
  return format === 'json' || lang === undefined ? base : `${base}&lang=${lang}`;
}

/** The caller's edition of one UTC day, as data. */
export function getDailyReport(date: string): Promise<DailyReport> {
  return getJson(dailyUrl(date, 'json'));
}

/** Yesterday, UTC, as YYYY-MM-DD: the last whole day. */
export function yesterdayUtc(now = new Date()): string {
  return new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
}
