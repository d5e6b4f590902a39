import { Type } from '@sinclair/typebox';
import { invalid } from '../core/errors.js';

/** A string enum as one JSON Schema `enum` (clearer in OpenAPI than a union of literals). */
export const StringEnum = <T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

/**
 * A raw request body (file bytes of any content type, streamed): documented in OpenAPI as binary and
 * never validated as JSON (`validatorCompiler` passes a schema marked `x-raw-body`).
 */
export const RawBody = Type.Unsafe<unknown>({
  type: 'string',
  format: 'binary',
  'x-raw-body': true,
  description: 'The file bytes',
});

/** A problem+json body, for documenting error responses. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          path: Type.String(),
          reason: Type.String(),
          line: Type.Optional(Type.Integer()),
          file: Type.Optional(Type.String()),
          rule: Type.Optional(Type.String()),
        }),
      ),
    ),
  },
  { description: 'RFC 9457 problem details' },
);

/** A `bbox` query parameter: `minLon,minLat,maxLon,maxLat` (parse it with {@link bboxOf}). */
export const BBoxQuery = Type.String({
  pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$',
  description: 'minLon,minLat,maxLon,maxLat',
});

/** The numbers of a `bbox` query parameter; refuses a box whose minimum exceeds its maximum. */
export function bboxOf(text: string | undefined): [number, number, number, number] | undefined {
  const bbox = text?.split(',').map(Number) as [number, number, number, number] | undefined;
  if (bbox !== undefined && (bbox[0] > bbox[2] || bbox[1] > bbox[3]))
    throw invalid('bbox is minLon,minLat,maxLon,maxLat', [
      { path: '/querystring/bbox', reason: 'min must not exceed max' },
    ]);
  return bbox;
}
