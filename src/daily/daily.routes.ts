import { Type } from '@sinclair/typebox';
import { ANONYMOUS } from '../access/policy.js';
import { languageFromAccept } from '../core/language.js';
import type { App } from '../http/app.js';
import { DAILY_FORMATS, type DailyFormat } from './daily.model.js';
import { DailyParams, DailyQuery } from './daily.schemas.js';
import type { DailyReportService } from './daily.service.js';

const tags = ['daily-reports'];

const ACCEPTED: [string, DailyFormat][] = [
  ['application/pdf', 'pdf'],
  ['text/html', 'html'],
  ['application/json', 'json'],
];

/**
 * The format an `Accept` header asks for: the first of PDF, HTML and JSON it names with the highest
 * quality; JSON when it names none of them (or `*\/*`).
 */
export function formatFromAccept(accept: string | undefined): DailyFormat {
  if (accept === undefined || accept.trim() === '') return 'json';
  let best: { format: DailyFormat; q: number; at: number } | undefined;
  accept.split(',').forEach((part, at) => {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? '1',
    );
    const hit = ACCEPTED.find(([media]) => media === type.trim());
    if (hit === undefined || !(q > 0)) return;
    if (best === undefined || q > best.q || (q === best.q && at < best.at)) best = { format: hit[1], q, at };
  });
  return best?.format ?? 'json';
}

/**
 * `GET /daily-reports/{date}`: the caller's edition of a UTC day (the public's when nobody signs in),
 * as JSON, HTML or PDF by `?format=` or else `Accept`. Each edition served is recorded by its SHA-256
 * and logged once. Registered inside the `/api/v1` block.
 */
export function registerDailyRoutes(app: App, daily: DailyReportService): void {
  app.get(
    '/daily-reports/:date',
    {
      schema: {
        tags,
        summary: "A day's report for the caller (public edition without sign-in): JSON, HTML or PDF",
        description:
          'The format is `?format=` when given, else the first of application/pdf, text/html and application/json that Accept prefers (default JSON). HTML and PDF are written in `?lang=` when given, else the language Accept-Language prefers (uk: Ukrainian, otherwise English). The served bytes are logged as `daily-report.published` (once per distinct document, with its language); their SHA-256 is in `x-content-sha256`.',
        params: DailyParams,
        querystring: DailyQuery,
        produces: ['application/json', 'text/html', 'application/pdf'],
        response: {
          200: Type.Unsafe<Buffer>({
            type: 'string',
            format: 'binary',
            description: `The edition, in one of ${DAILY_FORMATS.join(', ')}`,
          }),
        },
      },
      config: { permission: 'reports:read' },
    },
    async (request, reply) => {
      const format = request.query.format ?? formatFromAccept(request.headers.accept);
      const principal = request.query.edition === 'public' ? ANONYMOUS : request.principal;
      const lang = request.query.lang ?? languageFromAccept(request.headers['accept-language']);
      const out = await daily.render(principal, request.params.date, format, lang);
      const e = out.edition;
      if (e.lang !== null) void reply.header('content-language', e.lang);
      return reply
        .type(out.mediaType)
        .header('x-content-sha256', e.sha256)
        .header('vary', 'Accept, Accept-Language, Authorization, Cookie')
        .header('cache-control', 'private, no-store')
        .header(
          'content-disposition',
          `inline; filename="truceline-daily-${e.date}-${e.edition}${e.lang !== null ? `-${e.lang}` : ''}.${format}"`,
        )
        .send(out.bytes);
    },
  );
}
