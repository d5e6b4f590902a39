import Ajv, { type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldProblem } from '../core/errors.js';

// Bodies are validated strictly (no type coercion, unknown fields rejected, nothing silently removed);
// query strings and path parameters arrive as text, so there numbers and booleans are coerced.
const strict = new Ajv.default({
  allErrors: true,
  removeAdditional: false,
  coerceTypes: false,
  useDefaults: true,
  strict: false,
});
const coercing = new Ajv.default({
  allErrors: true,
  removeAdditional: false,
  coerceTypes: 'array',
  useDefaults: true,
  strict: false,
});
for (const ajv of [strict, coercing]) {
  ajv.addKeyword({ keyword: 'x-typebox', schemaType: 'boolean' });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s),
  });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
}

/** Fastify validator compiler: strict for bodies, coercing for query strings, params and headers. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if ((schema as { 'x-raw-body'?: boolean })['x-raw-body'] === true) return () => true;
  const ajv = httpPart === 'body' ? strict : coercing;
  return ajv.compile(schema as object);
};

/** Turns Ajv errors into field problems with a JSON pointer and a plain reason. */
export function fieldProblems(part: string, errors: ErrorObject[]): FieldProblem[] {
  return errors.map((e) => {
    const base = `/${part}${e.instancePath}`;
    switch (e.keyword) {
      case 'additionalProperties': {
        const field = (e.params as { additionalProperty: string }).additionalProperty;
        return { path: `${base}/${field}`, reason: `unknown field "${field}"` };
      }
      case 'required': {
        const field = (e.params as { missingProperty: string }).missingProperty;
        return { path: `${base}/${field}`, reason: 'is required' };
      }
      case 'type':
        return { path: base, reason: `must be ${(e.params as { type: string }).type}` };
      case 'enum':
        return {
          path: base,
          reason: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`,
        };
      default:
        return { path: base, reason: e.message ?? e.keyword };
    }
  });
}
