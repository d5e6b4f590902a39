/**
 * Notices as GeoJSON: export (each notice a Feature: the notifier's in full, an addressee's copy as
 * released to it) and import (a FeatureCollection of notices to submit; geometry from the Feature,
 * the rest from its properties).
 */
import { invalid, type FieldProblem } from '../core/errors.js';
import { fieldProblems, validatorCompiler } from '../http/validation.js';
import { NoticeInputSchema } from './notice.schemas.js';

/** The same check as `POST /notices` applies to its body. */
const validNotice = validatorCompiler({ schema: NoticeInputSchema, httpPart: 'body' } as Parameters<
  typeof validatorCompiler
>[0]) as ((data: unknown) => boolean) & { errors: Parameters<typeof fieldProblems>[1] | null };
import type { NoticeInput } from './notice.input.js';
import type { Delivery, Notice } from './notice.model.js';

/** A page of notices (own and addressed) as one FeatureCollection. */
export function noticesToGeoJson(page: {
  notices: (Notice & { deliveries: Delivery[] })[];
  addressed: (Delivery & { noticeState: string })[];
}) {
  const features = [
    ...page.notices.map((n) => {
      const { geometry, ...properties } = n;
      return {
        type: 'Feature' as const,
        id: n.id,
        geometry,
        properties: { role: 'notifier', ...properties },
      };
    }),
    ...page.addressed.flatMap((d) => {
      if (d.view === null) return [];
      const { geometry, ...view } = d.view;
      return [
        {
          type: 'Feature' as const,
          id: d.noticeId,
          geometry,
          properties: {
            role: 'addressee',
            ...view,
            noticeState: d.noticeState,
            delivery: { ...d, view: undefined },
          },
        },
      ];
    }),
  ];
  return { type: 'FeatureCollection' as const, features };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The notices of a FeatureCollection: a Point is a site (`properties.site` gives precisionM and
 * function), a LineString a movement's or flight's route (`properties.corridorM`).
 *
 * @throws AppError validation_failed naming each feature that is not a notice
 */
export function noticesFromGeoJson(body: unknown): NoticeInput[] {
  if (!isObject(body) || body.type !== 'FeatureCollection' || !Array.isArray(body.features))
    throw invalid('expected a GeoJSON FeatureCollection', [
      { path: '', reason: 'type must be FeatureCollection with features' },
    ]);
  const problems: FieldProblem[] = [];
  const out: NoticeInput[] = [];
  body.features.forEach((f: unknown, i) => {
    const at = `/features/${i}`;
    if (!isObject(f) || f.type !== 'Feature' || !isObject(f.geometry) || !isObject(f.properties)) {
      problems.push({ path: at, reason: 'is not a Feature with geometry and properties' });
      return;
    }
    const p = f.properties;
    const g = f.geometry;
    const { corridorM, site, ...rest } = p as Record<string, unknown> & {
      corridorM?: unknown;
      site?: unknown;
    };
    const input = { ...rest } as Record<string, unknown>;
    if (g.type === 'Point' && Array.isArray(g.coordinates)) {
      const [lon, lat] = g.coordinates as unknown[];
      input.site = { lon, lat, ...(isObject(site) ? site : {}) };
      input.kind ??= 'site';
    } else if (g.type === 'LineString' && Array.isArray(g.coordinates)) {
      input.route = { coordinates: g.coordinates, corridorM };
    } else {
      problems.push({ path: `${at}/geometry`, reason: 'a notice is a Point (site) or a LineString (route)' });
      return;
    }
    // The same schema as POST /notices: a feature that does not fit it is named, never half-read.
    if (validNotice(input)) out.push(input as unknown as NoticeInput);
    else problems.push(...fieldProblems(`features/${i}/properties`, (validNotice.errors ?? []).slice(0, 10)));
  });
  if (problems.length > 0)
    throw invalid(`${problems.length} feature(s) are not notices; nothing was submitted`, problems);
  return out;
}
