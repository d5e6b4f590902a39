/**
 * RFC 8785 JSON Canonicalization Scheme (JCS).
 *
 * - Object members sorted by their names as UTF-16 code-unit sequences; no whitespace.
 * - Numbers in the ECMAScript shortest round-trip form (`Number.prototype.toString`), -0 as `0`;
 *   NaN and ±Infinity are rejected.
 * - Strings escaped as ECMAScript `JSON.stringify` does (RFC 8785 §3.2.2.2); strings and member
 *   names containing lone surrogates are rejected.
 *
 * Input domain (everything else throws `LedgerError('not-canonical-json')`): `null`, booleans,
 * finite numbers, strings, arrays (no holes, no `undefined` elements) and plain objects (prototype
 * `Object.prototype` or `null`, no symbol keys). Object members whose value is `undefined` are
 * omitted, as `JSON.stringify` does, so optional TypeScript properties canonicalise naturally.
 * Dates, Maps, class instances, boxed primitives, bigints, functions and cycles are rejected.
 */
import { hasLoneSurrogate } from './encoding.js';
import { LedgerError } from './errors.js';

/** A JSON value as RFC 8785 understands it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Serialises `value` as RFC 8785 canonical JSON text. */
export function canonicalize(value: unknown): string {
  return serialize(value, new Set<object>(), '$');
}

/** The UTF-8 bytes of {@link canonicalize}, ready for hashing or signing. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

function fail(path: string, reason: string): never {
  throw new LedgerError('not-canonical-json', `${path}: ${reason}`);
}

function serialize(value: unknown, ancestors: Set<object>, path: string): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(path, `${value} is not a JSON number`);
      return String(value);
    case 'string':
      return serializeString(value, path);
    case 'object':
      if (value === null) return 'null';
      return serializeContainer(value, ancestors, path);
    case 'undefined':
    case 'bigint':
    case 'symbol':
    case 'function':
      return fail(path, `${typeof value} is not a JSON value`);
  }
}

function serializeString(value: string, path: string): string {
  if (hasLoneSurrogate(value)) fail(path, 'string contains a lone surrogate');
  // JSON.stringify implements exactly RFC 8785 §3.2.2.2 for well-formed strings.
  return JSON.stringify(value);
}

function serializeContainer(value: object, ancestors: Set<object>, path: string): string {
  if (ancestors.has(value)) fail(path, 'cyclic structure');
  ancestors.add(value);
  try {
    return Array.isArray(value)
      ? serializeArray(value, ancestors, path)
      : serializeObject(value, ancestors, path);
  } finally {
    ancestors.delete(value);
  }
}

function serializeArray(value: readonly unknown[], ancestors: Set<object>, path: string): string {
  const parts: string[] = [];
  for (let i = 0; i < value.length; i += 1) {
    const elementPath = `${path}[${i}]`;
    if (!(i in value)) fail(elementPath, 'sparse array hole');
    const element: unknown = value[i];
    if (element === undefined) fail(elementPath, 'undefined array element');
    parts.push(serialize(element, ancestors, elementPath));
  }
  return `[${parts.join(',')}]`;
}

function serializeObject(value: object, ancestors: Set<object>, path: string): string {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) fail(path, 'not a plain object');
  if (Object.getOwnPropertySymbols(value).length > 0) fail(path, 'symbol-keyed property');
  const record = value as Record<string, unknown>;
  // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 requires.
  const keys = Object.keys(record).sort();
  const parts: string[] = [];
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    const memberPath = `${path}.${key}`;
    parts.push(`${serializeString(key, memberPath)}:${serialize(member, ancestors, memberPath)}`);
  }
  return `{${parts.join(',')}}`;
}
