import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from '../http/schema.js';
import { LANGUAGES } from '../core/language.js';
import { DAILY_FORMATS } from './daily.model.js';

export const DailyParams = Type.Object({
  date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'The UTC day, YYYY-MM-DD' }),
});

export const DailyQuery = Type.Object(
  {
    format: Type.Optional(
      StringEnum(
        DAILY_FORMATS,
        'json, html or pdf; when given it wins over the Accept header (links cannot set one)',
      ),
    ),
    lang: Type.Optional(
      StringEnum(
        LANGUAGES,
        'the language of an HTML or PDF edition (en or uk); when absent, the Accept-Language header chooses (uk: Ukrainian, otherwise English). JSON is the same in every language',
      ),
    ),
    edition: Type.Optional(
      StringEnum(['public'] as const, "public: the public edition, whoever asks (default: the caller's own)"),
    ),
  },
  { additionalProperties: false },
);
export type DailyQueryType = Static<typeof DailyQuery>;
