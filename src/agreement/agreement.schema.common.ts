import type { TLiteral, TUnion } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';

/** A union of string literals; rendered in JSON Schema as `anyOf` of `const`s. */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v: T[number]) => Type.Literal(v)),
    options,
  );
}

/** Options shared by every object in the format: unknown fields are errors. */
export const strict = { additionalProperties: false } as const;

/** A stable identifier, unique across the whole agreement file. */
export const Id = Type.String({
  pattern: '^[A-Za-z][A-Za-z0-9_.:-]{0,63}$',
  description: 'Stable identifier: a letter, then up to 63 letters, digits, "_", "-", "." or ":".',
  errorMessage: 'must be an id: a letter, then up to 63 letters, digits, "_", "-", "." or ":"',
});

export const IdList = Type.Array(Id, { uniqueItems: true });

export const Text = Type.String({ minLength: 1 });

/**
 * A point in time: an anchor with an optional offset (`D`, `D+14d`, `D-72h`, `S+1w`), an RFC 3339
 * date-time with offset (`2026-01-15T00:00:00+02:00`), a local date-time in the agreement's time
 * zone (`2026-01-15T00:00`), or a date (`2025-12-31`, meaning the end of that day when a deadline).
 */
export const When = Type.String({
  minLength: 1,
  description:
    'Anchor with offset (D, D+14d, D-72h), RFC 3339 date-time, local date-time in the agreement time zone, or date.',
});

/** A duration: a number and a unit (min, h, d, w), e.g. `72h`, `14d`, `30min`. */
export const Duration = Type.String({
  pattern: '^[0-9]+(\\.[0-9]+)?(min|h|d|w)$',
  description: 'Duration: a number and a unit min, h, d or w, e.g. 72h, 14d.',
  errorMessage: 'must be a duration such as 30min, 72h, 14d or 2w',
});

export const DateOnly = Type.String({
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$',
  description: 'Calendar date YYYY-MM-DD.',
  errorMessage: 'must be a date YYYY-MM-DD',
});

/** GeoJSON position [longitude, latitude] (optional altitude). */
export const PositionSchema = Type.Array(Type.Number(), {
  minItems: 2,
  maxItems: 3,
  description: 'GeoJSON position [longitude, latitude] in WGS84 degrees.',
});

export const PointSchema = Type.Object({ type: Type.Literal('Point'), coordinates: PositionSchema }, strict);

export const LineStringSchema = Type.Object(
  { type: Type.Literal('LineString'), coordinates: Type.Array(PositionSchema) },
  strict,
);

export const PolygonSchema = Type.Object(
  { type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Array(PositionSchema), { minItems: 1 }) },
  strict,
);

export const MultiPolygonSchema = Type.Object(
  {
    type: Type.Literal('MultiPolygon'),
    coordinates: Type.Array(Type.Array(Type.Array(PositionSchema), { minItems: 1 }), { minItems: 1 }),
  },
  strict,
);

/** Per-party map, e.g. `{ UA: agreed, RU: disputed }`; keys must be party ids. */
export function PerParty<T extends Parameters<typeof Type.Record>[1]>(value: T, description: string) {
  return Type.Record(Type.String(), value, { description });
}
