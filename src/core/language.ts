/**
 * The languages Truceline's documents speak (the daily report's HTML and PDF editions, place names):
 * English and Ukrainian, chosen by an explicit `lang` or else the request's `Accept-Language`.
 */

/** The languages documents are written in. */
export const LANGUAGES = ['en', 'uk'] as const;
/** One language, by its ISO 639-1 code. */
export type Language = (typeof LANGUAGES)[number];

/** Whether a string is one of the languages. */
export function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The language an `Accept-Language` header prefers among those we speak (by primary subtag, highest
 * quality first, then order); English when it names none of them.
 */
export function languageFromAccept(header: string | undefined): Language {
  if (header === undefined) return 'en';
  let best: { lang: Language; q: number; at: number } | undefined;
  header.split(',').forEach((part, at) => {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const primary = tag.trim().split('-')[0] ?? '';
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? '1',
    );
    if (!isLanguage(primary) || !(q > 0)) return;
    if (best === undefined || q > best.q || (q === best.q && at < best.at)) best = { lang: primary, q, at };
  });
  return best?.lang ?? 'en';
}
