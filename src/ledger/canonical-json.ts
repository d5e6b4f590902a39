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
 *
 * Every log entry goes through here, so it is written as one pass that appends to a single string
 * and builds no per-member path strings: the path of a rejected value (`$.a[2].b`) is assembled only
 * when something fails, as the failure unwinds through the containers.
 */
import { LedgerError } from './errors.js';

/** A JSON value as RFC 8785 understands it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A value that cannot be canonicalised: the message reads `$.a[2]: reason`. */
export class CanonicalJsonError extends LedgerError {
  constructor(
    /** Where, as an RFC 6901 JSON pointer (`/a/2`; empty for the value itself). */
    readonly pointer: string,
    readonly reason: string,
    path: string,
  ) {
    super('not-canonical-json', `$${path}: ${reason}`);
  }
}

/** Serialises `value` as RFC 8785 canonical JSON text. */
export function canonicalize(value: unknown): string {
  try {
    return serialize(value, []);
  } catch (err) {
    if (err instanceof Rejection) throw err.located();
    throw err;
  }
}

/** The UTF-8 bytes of {@link canonicalize}, ready for hashing or signing. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}

/** A rejected value; each container it unwinds through adds its step (member name or index). */
class Rejection extends Error {
  readonly #steps: (string | number)[] = [];
  constructor(readonly reason: string) {
    super(reason);
  }
  within(step: string | number): this {
    this.#steps.push(step);
    return this;
  }
  /** The error with the path from the top: `$.a[2]` in the message, `/a/2` as the pointer. */
  located(): CanonicalJsonError {
    const steps = [...this.#steps].reverse();
    const path = steps.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
    const pointer = steps.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
    return new CanonicalJsonError(pointer, this.reason, path);
  }
}

function serialize(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new Rejection(`${value} is not a JSON number`);
      return String(value);
    case 'string':
      return serializeString(value);
    case 'object':
      if (value === null) return 'null';
      if (ancestors.includes(value)) throw new Rejection('cyclic structure');
      ancestors.push(value);
      try {
        return Array.isArray(value) ? serializeArray(value, ancestors) : serializeObject(value, ancestors);
      } finally {
        ancestors.pop();
      }
    case 'undefined':
    case 'bigint':
    case 'symbol':
    case 'function':
      throw new Rejection(`${typeof value} is not a JSON value`);
  }
}

/** Characters a JSON string must escape, and surrogates (which need the well-formedness check). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

function serializeString(value: string): string {
  if (!NEEDS_CARE.test(value)) return `"${value}"`;
  if (!value.isWellFormed()) throw new Rejection('string contains a lone surrogate');
  // JSON.stringify implements exactly RFC 8785 §3.2.2.2 for well-formed strings.
  return JSON.stringify(value);
}

function serializeArray(value: readonly unknown[], ancestors: object[]): string {
  let out = '[';
  let i = 0;
  try {
    for (; i < value.length; i += 1) {
      if (!(i in value)) throw new Rejection('sparse array hole');
      const element: unknown = value[i];
      if (element === undefined) throw new Rejection('undefined array element');
      if (i > 0) out += ',';
      out += serialize(element, ancestors);
    }
  } catch (err) {
    throw err instanceof Rejection ? err.within(i) : err;
  }
  return `${out}]`;
}

function serializeObject(value: object, ancestors: object[]): string {
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new Rejection('not a plain object');
  if (Object.getOwnPropertySymbols(value).length > 0) throw new Rejection('symbol-keyed property');
  const record = value as Record<string, unknown>;
  const keys = sortedKeys(record);
  let out = '{';
  let key = '';
  try {
    for (key of keys) {
      const member = record[key];
      if (member === undefined) continue;
      if (out.length > 1) out += ',';
      out += serializeString(key);
      out += ':';
      out += serialize(member, ancestors);
    }
  } catch (err) {
    throw err instanceof Rejection ? err.within(key) : err;
  }
  return `${out}}`;
}

/**
 * The object's own enumerable keys in UTF-16 code-unit order (RFC 8785 §3.2.3). Relational comparison
 * of strings compares code units; records are small, so an insertion sort beats Array.prototype.sort.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 24) return keys.sort();
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j -= 1) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}
