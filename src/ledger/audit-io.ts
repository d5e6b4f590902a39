/**
 * Where an audit reads a log from (an exported directory or the `/log/` URL of a server) and where it
 * keeps what it verified last (the state file).
 */
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { decodeBase64Strict, isSafeUint } from './encoding.js';
import { isHash } from './merkle-hash.js';

/** A log laid out as c2sp.org/tlog-tiles, read by relative path (`checkpoint`, `vkey`, `tile/…`). */
export interface LogSource {
  /** The directory or URL, for messages. */
  readonly location: string;
  /** The bytes at `relative`, or undefined if there is nothing there. */
  read(relative: string): Promise<Buffer | undefined>;
}

/**
 * A log exported to (or mirrored in) a directory. Reads are synchronous: thousands of small files
 * read back to back cost several times less that way than through the thread pool.
 */
export function directorySource(dir: string): LogSource {
  return {
    location: dir,
    read(relative) {
      try {
        return Promise.resolve(readFileSync(path.join(dir, relative)));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return Promise.resolve(undefined);
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
  };
}

/** A log served over HTTP, e.g. `https://host/log/`. Retries politely when rate-limited. */
export function httpSource(url: string, timeoutMs = 30_000): LogSource {
  const base = url.endsWith('/') ? url : `${url}/`;
  return {
    location: base,
    async read(relative) {
      const target = new URL(relative, base).toString();
      for (let attempt = 0; ; attempt += 1) {
        let response: Response;
        try {
          response = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
        } catch (err) {
          const cause = (err as { cause?: { code?: string } }).cause?.code;
          throw new Error(`cannot fetch ${target}: ${cause ?? (err as Error).message}`);
        }
        if (response.status === 404) return undefined;
        if (response.status === 429 && attempt < 20) {
          const wait = Number(response.headers.get('retry-after') ?? '1');
          await new Promise((r) => setTimeout(r, Math.min(60, Number.isFinite(wait) ? wait : 1) * 1000));
          continue;
        }
        if (response.status !== 200) throw new Error(`${target}: HTTP ${response.status}`);
        return Buffer.from(await response.arrayBuffer());
      }
    },
  };
}

/** `http(s)://…` → {@link httpSource}, anything else → {@link directorySource}. */
export function openLogSource(target: string): LogSource {
  return /^https?:\/\//i.test(target) ? httpSource(target) : directorySource(path.resolve(target));
}

/**
 * Reads `paths` in order, keeping up to `window` reads in flight (HTTP round trips overlap; a
 * directory read is cheap either way).
 */
export async function* readAhead(
  source: LogSource,
  paths: readonly string[],
  window = 16,
): AsyncGenerator<Buffer | undefined, void> {
  const pending: Promise<Buffer | undefined>[] = [];
  let next = 0;
  const start = () => {
    const read = source.read(paths[next] as string);
    // Reads abandoned when the audit stops early must not become unhandled rejections.
    read.catch(() => undefined);
    pending.push(read);
    next += 1;
  };
  while (next < paths.length && pending.length < window) start();
  while (pending.length > 0) {
    const result = await (pending.shift() as Promise<Buffer | undefined>);
    if (next < paths.length) start();
    yield result;
  }
}

/** What an audit verified last for one log origin. */
export interface AuditedState {
  readonly size: number;
  readonly rootHash: Buffer;
  readonly verifiedAt?: string;
}

/** The audit state file: the last verified size and root per origin. */
export interface AuditStateFile {
  get(origin: string): AuditedState | undefined;
  /** Records a verified checkpoint and writes the file atomically. */
  save(origin: string, state: AuditedState): Promise<void>;
}

/** Raised when the state file exists but cannot be used. */
export class AuditStateError extends Error {
  override name = 'AuditStateError';
}

/** Reads the state file (missing = nothing verified yet). */
export async function openAuditState(file: string): Promise<AuditStateFile> {
  let logs: Record<string, { size: number; rootHash: string; verifiedAt?: string }> = {};
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as { logs?: typeof logs };
    if (typeof parsed.logs !== 'object' || parsed.logs === null) throw new Error('no "logs" object');
    logs = parsed.logs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new AuditStateError(`${file}: not an audit state file (${(err as Error).message})`);
  }
  return {
    get(origin) {
      const entry = logs[origin];
      if (entry === undefined) return undefined;
      const rootHash = decodeBase64Strict(entry.rootHash);
      if (!isSafeUint(entry.size) || rootHash === undefined || !isHash(rootHash))
        throw new AuditStateError(`${file}: malformed state for ${origin}`);
      return { size: entry.size, rootHash, ...(entry.verifiedAt ? { verifiedAt: entry.verifiedAt } : {}) };
    },
    async save(origin, state) {
      logs = {
        ...logs,
        [origin]: {
          size: state.size,
          rootHash: state.rootHash.toString('base64'),
          verifiedAt: state.verifiedAt ?? new Date().toISOString(),
        },
      };
      await writeFileAtomic(file, `${JSON.stringify({ version: 1, logs }, null, 2)}\n`);
    },
  };
}
