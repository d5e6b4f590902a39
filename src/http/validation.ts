import Ajv, { type ErrorObject } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldProblem } from '../core/errors.js';

/** Base64 text (RFC 4648 §4; padding optional): what `format: 'base64'` accepts. */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

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
  ajv.addFormat('base64', BASE64);
}

/** The deepest nesting a request may have: deeper input is refused before recursive code meets it. */
export const MAX_DEPTH = 64;

/**
 * Text no store can keep faithfully, as Ajv errors so that they join the schema's own: lone
 * surrogates (ill-formed UTF-16, which has no UTF-8 form) and NUL characters (PostgreSQL text cannot
 * hold them), in values and in property names alike; and nesting deeper than MAX_DEPTH. Walks with
 * its own stack, so no input is too deep for it.
 */
export function textErrors(data: unknown): ErrorObject[] {
  const errors: ErrorObject[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: data, path: '', depth: 0 }];
  const check = (text: string, path: string, what: string) => {
    const reason = !text.isWellFormed()
      ? `${what}must be well-formed Unicode text (it has a lone surrogate)`
      : text.includes('\u0000')
        ? `${what}must not contain NUL characters (U+0000)`
        : undefined;
    if (reason !== undefined)
      errors.push({ instancePath: path, schemaPath: '#', keyword: 'text', params: {}, message: reason });
  };
  for (let item = stack.pop(); item !== undefined && errors.length < 20; item = stack.pop()) {
    const { value, path, depth } = item;
    if (typeof value === 'string') check(value, path, '');
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      const message = `is nested more than ${MAX_DEPTH} levels deep`;
      errors.push({ instancePath: path, schemaPath: '#', keyword: 'depth', params: {}, message });
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (!Array.isArray(value)) check(key, at, 'the property name ');
      stack.push({ value: child, path: at, depth: depth + 1 });
    }
  }
  return errors;
}

/**
 * Fastify validator compiler: strict for bodies, coercing for query strings, params and headers;
 * every part is also checked for text no store can keep (`textErrors`).
 */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  if ((schema as { 'x-raw-body'?: boolean })['x-raw-body'] === true) return () => true;
  const ajv = httpPart === 'body' ? strict : coercing;
  const validate = ajv.compile(schema as object);
  const validator = Object.assign(
    (data: unknown, context?: Parameters<typeof validate>[1]): boolean => {
      const text = textErrors(data);
      const valid = validate(data, context);
      if (valid && text.length === 0) return true;
      validator.errors = [...(validate.errors ?? []), ...text];
      return false;
    },
    { errors: null as ErrorObject[] | null, schemaEnv: validate.schemaEnv },
  );
  return validator;
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
