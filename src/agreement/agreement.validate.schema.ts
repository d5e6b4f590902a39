import type { TSchema } from '@sinclair/typebox';
import { Kind } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/value';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import type { PathSegment, ProblemSink } from './agreement.problems.js';
import { closest } from './agreement.suggest.js';

/**
 * Reports every schema violation of `value` with a readable reason. Unions are resolved to the
 * variant the value was evidently meant to be (by its literal fields, e.g. a geometry's `type`),
 * so errors point inside it rather than saying "expected union value".
 */
export function reportSchemaErrors(
  schema: TSchema,
  value: unknown,
  sink: ProblemSink,
  prefix: readonly PathSegment[] = [],
): void {
  const errors = [...Value.Errors(schema, value)];
  const missing = new Set(
    errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path),
  );
  for (const e of errors) {
    if (e.type !== ValueErrorType.ObjectRequiredProperty && missing.has(e.path)) continue;
    const path = [...prefix, ...pointerToPath(e.path, value)];
    if (e.type === ValueErrorType.Union) {
      reportUnion(e, path, sink);
      continue;
    }
    const [code, reason] = describe(e);
    sink.add(path, code, reason);
  }
}

function reportUnion(e: ValueError, path: PathSegment[], sink: ProblemSink): void {
  const variants = (e.schema as { anyOf?: TSchema[] }).anyOf ?? [];
  const literals = variants.filter(isLiteral).map((v) => (v as { const?: unknown }).const);
  if (literals.length === variants.length) {
    sink.add(
      path,
      'invalid_value',
      `must be one of: ${literals.map(String).join(', ')} (got ${show(e.value)})`,
    );
    return;
  }
  const value = e.value;
  if (isPlainObject(value)) {
    const candidates = variants.filter((v) => discriminantsMatch(v, value));
    if (candidates.length === 0) {
      const tags = variants
        .map((v) => literalProperty(v, 'type'))
        .filter((t): t is string => t !== undefined);
      if (tags.length > 0) {
        const got = value.type;
        sink.add([...path, 'type'], 'invalid_value', `must be one of: ${tags.join(', ')} (got ${show(got)})`);
        return;
      }
    }
    const best = (candidates.length > 0 ? candidates : variants)
      .map((v) => ({ v, n: [...Value.Errors(v, e.value)].length }))
      .sort((a, b) => a.n - b.n)[0];
    if (best !== undefined) {
      reportSchemaErrors(best.v, e.value, sink, path);
      return;
    }
  }
  const hints = variants.map(describeSchema).join(' or ');
  sink.add(path, 'wrong_type', `must be ${hints} (got ${show(e.value)})`);
}

type SchemaCode = 'unknown_field' | 'missing_field' | 'wrong_type' | 'invalid_value';

const TYPE_ERRORS = new Set<ValueErrorType>([
  ValueErrorType.String,
  ValueErrorType.Number,
  ValueErrorType.Integer,
  ValueErrorType.Boolean,
  ValueErrorType.Object,
  ValueErrorType.Array,
]);

type Reason = (s: Record<string, unknown>, value: unknown) => string;
const atLeast: Reason = (s, v) => `must be at least ${String(s.minimum)} (got ${show(v)})`;
const atMost: Reason = (s, v) => `must be at most ${String(s.maximum)} (got ${show(v)})`;
const above: Reason = (s, v) => `must be greater than ${String(s.exclusiveMinimum)} (got ${show(v)})`;

/** Readable reasons for the value errors an agreement file can produce; others keep TypeBox's text. */
const REASONS = new Map<ValueErrorType, Reason>([
  [ValueErrorType.Literal, (s, v) => `must be ${show(s.const)} (got ${show(v)})`],
  [
    ValueErrorType.StringPattern,
    (s, v) =>
      `${typeof s.errorMessage === 'string' ? s.errorMessage : `must match ${String(s.pattern)}`} (got ${show(v)})`,
  ],
  [ValueErrorType.StringMinLength, () => 'must not be empty'],
  [ValueErrorType.ArrayMinItems, (s) => `must have at least ${String(s.minItems)} item(s)`],
  [ValueErrorType.ArrayMaxItems, (s) => `must have at most ${String(s.maxItems)} item(s)`],
  [ValueErrorType.ArrayUniqueItems, () => 'must not list the same item twice'],
  [ValueErrorType.NumberMinimum, atLeast],
  [ValueErrorType.IntegerMinimum, atLeast],
  [ValueErrorType.NumberMaximum, atMost],
  [ValueErrorType.IntegerMaximum, atMost],
  [ValueErrorType.NumberExclusiveMinimum, above],
  [ValueErrorType.IntegerExclusiveMinimum, above],
]);

function describe(e: ValueError): [code: SchemaCode, reason: string] {
  const s = e.schema as Record<string, unknown>;
  const name = unescape(e.path.split('/').pop() ?? '');
  if (e.type === ValueErrorType.ObjectAdditionalProperties) {
    const allowed = Object.keys((s.properties as Record<string, unknown> | undefined) ?? {});
    const guess = closest(name, allowed, Math.max(2, Math.floor(name.length / 3)));
    return [
      'unknown_field',
      `unknown field '${name}'${guess === undefined ? '' : ` (did you mean '${guess}'?)`}`,
    ];
  }
  if (e.type === ValueErrorType.ObjectRequiredProperty)
    return ['missing_field', `missing required field '${name}'`];
  if (TYPE_ERRORS.has(e.type))
    return ['wrong_type', `expected ${describeSchema(e.schema)}, got ${show(e.value)}`];
  const reason = REASONS.get(e.type);
  return ['invalid_value', reason === undefined ? e.message : reason(s, e.value)];
}

function describeSchema(schema: TSchema): string {
  const s = schema as unknown as Record<string | symbol, unknown>;
  if (isLiteral(schema)) return show(s.const);
  switch (s[Kind]) {
    case 'String':
      return 'a string';
    case 'Number':
      return 'a number';
    case 'Integer':
      return 'an integer';
    case 'Boolean':
      return 'true or false';
    case 'Array':
      return 'a list';
    case 'Object':
    case 'Record':
      return 'a mapping';
    default:
      return typeof s[Kind] === 'string' ? s[Kind].toLowerCase() : 'a value';
  }
}

function isLiteral(schema: TSchema): boolean {
  return (schema as unknown as Record<symbol, unknown>)[Kind] === 'Literal';
}

function literalProperty(schema: TSchema, key: string): string | undefined {
  const prop = (schema as { properties?: Record<string, TSchema> }).properties?.[key];
  if (prop === undefined || !isLiteral(prop)) return undefined;
  const value = (prop as { const?: unknown }).const;
  return typeof value === 'string' ? value : undefined;
}

/** A variant matches when each of its literal-valued fields present in the value has that literal. */
function discriminantsMatch(schema: TSchema, value: Record<string, unknown>): boolean {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (props === undefined) return false;
  for (const [key, prop] of Object.entries(props)) {
    if (isLiteral(prop) && (prop as { const?: unknown }).const !== value[key]) return false;
  }
  return true;
}

/** JSON Pointer (as TypeBox reports it) to path segments, with list indices as numbers. */
export function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const out: PathSegment[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = unescape(raw);
    if (Array.isArray(node) && /^[0-9]+$/.test(key)) {
      out.push(Number(key));
      node = (node as unknown[])[Number(key)];
    } else {
      out.push(key);
      node = isPlainObject(node) ? node[key] : undefined;
    }
  }
  return out;
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}
