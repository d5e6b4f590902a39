import type { Principal } from './policy.js';

/**
 * Values built at one access generation (see `readAccessGeneration`), each kept for at most `ttlMs`:
 * a value is returned only while the generation the caller has just read is the one it was built at,
 * so any change to tokens, users, organisations, ceilings or agreement versions, in any process,
 * retires it at the next request. At most `max` entries (all dropped when it is reached: they rebuild
 * from one query each).
 */
export class GenerationCache<V> {
  readonly #entries = new Map<string, { generation: number; at: number; value: V }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  get(key: string, generation: number, nowMs: number): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.generation !== generation || nowMs - entry.at >= this.ttlMs || nowMs < entry.at) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, generation: number, nowMs: number, value: V): void {
    if (this.#entries.size >= this.max) this.#entries.clear();
    this.#entries.set(key, { generation, at: nowMs, value });
  }
}

/** The access generation each principal was checked at in its request (principals from tokens). */
const checkedAt = new WeakMap<Principal, number>();

/** Records that `principal` was found valid at `generation` (by the request now resolving it). */
export function markCheckedAt(principal: Principal, generation: number): void {
  checkedAt.set(principal, generation);
}

/**
 * The access generation the principal was checked at, when it came from a bearer token: what
 * caches of its context (readable versions, ceiling) may be validated against without reading the
 * generation again. Undefined for other principals (sessions, the console), whose context is read afresh.
 */
export function accessGenerationOf(principal: Principal): number | undefined {
  return checkedAt.get(principal);
}
