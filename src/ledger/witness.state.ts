/**
 * A witness's directory: its cosigning key, the logs it trusts and, per log origin, the latest
 * checkpoint it cosigned.
 *
 * ```
 * DIR/witness.key                  PRIVATE+KEY+<name>+<id>+base64(0x04 ‖ seed), mode 600
 * DIR/witness.vkey                 the cosignature/v1 vkey, to hand to logs and auditors
 * DIR/logs.json                    {"logs":[{"origin":"…","vkeys":["…"]}]}
 * DIR/state/<sha256(origin)>.json  {"origin":"…","size":N,"rootHash":"base64","updatedAt":"…"}
 * ```
 *
 * Every file is replaced atomically (temporary file + rename), and a state file only moves forward
 * from the size the caller read: {@link commitWitnessState} refuses if another writer got there first.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import { generateCosignerKey, parseCosignerKey, type Cosigner } from './cosignature.js';
import { decodeBase64Strict, isSafeUint } from './encoding.js';
import { isHash } from './merkle-hash.js';
import { ed25519Verifier, isValidKeyName, parseVerifierKey } from './note.js';
import type { WitnessState } from './witness-core.js';

/** A witness directory problem, worded for the operator. */
export class WitnessDirError extends Error {
  override name = 'WitnessDirError';
}

/** Raised by {@link commitWitnessState} when the stored size is no longer the one the request saw. */
export class StaleWitnessStateError extends Error {
  override name = 'StaleWitnessStateError';
  constructor(readonly storedSize: number) {
    super(`the stored size is now ${storedSize}`);
  }
}

/** A log the witness cosigns for: its origin and the vkeys whose signatures it accepts. */
export interface TrustedLog {
  readonly origin: string;
  readonly vkeys: readonly string[];
}

const KEY_FILE = 'witness.key';
const VKEY_FILE = 'witness.vkey';
const LOGS_FILE = 'logs.json';

/** Creates `dir` (if needed) and a new cosigning key named `name` in it; refuses to overwrite one. */
export async function initWitnessDir(dir: string, name: string): Promise<{ verifierKey: string }> {
  if (!isValidKeyName(name)) throw new WitnessDirError(`invalid witness name ${JSON.stringify(name)}`);
  const keyFile = path.join(dir, KEY_FILE);
  await fs.mkdir(dir, { recursive: true });
  const { signerKey, verifierKey } = generateCosignerKey(name);
  try {
    await fs.writeFile(keyFile, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new WitnessDirError(`${keyFile} exists: this directory already has a witness key`);
    throw err;
  }
  await writeFileAtomic(path.join(dir, VKEY_FILE), `${verifierKey}\n`);
  return { verifierKey };
}

/** The witness's cosigning key. */
export async function loadCosigner(dir: string): Promise<Cosigner> {
  const keyFile = path.join(dir, KEY_FILE);
  let text: string;
  try {
    text = (await fs.readFile(keyFile, 'utf8')).trim();
  } catch (err) {
    throw new WitnessDirError(
      `cannot read ${keyFile} (${(err as NodeJS.ErrnoException).code ?? 'error'}); run \`truceline witness init\` first`,
    );
  }
  try {
    return parseCosignerKey(text);
  } catch (err) {
    throw new WitnessDirError(`${keyFile}: not a witness key (${(err as Error).message})`);
  }
}

/** The logs the witness trusts (empty before the first `add-log`). */
export async function readTrustedLogs(dir: string): Promise<TrustedLog[]> {
  const file = path.join(dir, LOGS_FILE);
  const parsed = await readJson(file);
  if (parsed === undefined) return [];
  const logs = (parsed as { logs?: unknown }).logs;
  if (!Array.isArray(logs) || !logs.every(isTrustedLog)) throw new WitnessDirError(`${file}: malformed`);
  return logs;
}

/**
 * Trusts a log key (type 0x01 vkey) for `origin` (default: the key's name, which is the log's origin).
 * A second key for a known origin is added beside the first: that is how a witness follows a key
 * rotation.
 */
export async function addTrustedLog(dir: string, vkey: string, origin?: string): Promise<TrustedLog> {
  await loadCosigner(dir);
  let name: string;
  try {
    ed25519Verifier(vkey);
    name = parseVerifierKey(vkey).name;
  } catch (err) {
    throw new WitnessDirError(`not a log verifier key: ${(err as Error).message}`);
  }
  const logOrigin = origin ?? name;
  if (logOrigin.length === 0 || /[\n\r]/.test(logOrigin)) throw new WitnessDirError('invalid origin');
  const logs = await readTrustedLogs(dir);
  const existing = logs.find((l) => l.origin === logOrigin);
  if (existing?.vkeys.includes(vkey) === true) return existing;
  const updated: TrustedLog = { origin: logOrigin, vkeys: [...(existing?.vkeys ?? []), vkey] };
  const next = [...logs.filter((l) => l.origin !== logOrigin), updated];
  await writeFileAtomic(path.join(dir, LOGS_FILE), `${JSON.stringify({ logs: next }, null, 2)}\n`);
  return updated;
}

/** The latest checkpoint cosigned for `origin`, or undefined if none was. */
export async function readWitnessState(dir: string, origin: string): Promise<WitnessState | undefined> {
  const file = stateFile(dir, origin);
  const parsed = (await readJson(file)) as
    { origin?: unknown; size?: unknown; rootHash?: unknown } | undefined;
  if (parsed === undefined) return undefined;
  const rootHash = typeof parsed.rootHash === 'string' ? decodeBase64Strict(parsed.rootHash) : undefined;
  if (parsed.origin !== origin || !isSafeUint(parsed.size) || rootHash === undefined || !isHash(rootHash)) {
    throw new WitnessDirError(`${file}: malformed witness state`);
  }
  return { size: parsed.size, rootHash };
}

/**
 * Stores the new latest cosigned checkpoint for `origin`, but only if the stored size still equals
 * `expectedSize` (0 when nothing is stored). Callers serialise commits within a process; this check
 * guards against anything else that wrote the file meanwhile.
 *
 * @throws StaleWitnessStateError with the stored size if it moved
 */
export async function commitWitnessState(
  dir: string,
  origin: string,
  expectedSize: number,
  next: WitnessState,
  now: Date = new Date(),
): Promise<void> {
  const stored = await readWitnessState(dir, origin);
  const storedSize = stored?.size ?? 0;
  if (storedSize !== expectedSize) throw new StaleWitnessStateError(storedSize);
  if (stored !== undefined && stored.size === next.size && stored.rootHash.equals(next.rootHash)) return;
  const content = {
    origin,
    size: next.size,
    rootHash: Buffer.from(next.rootHash).toString('base64'),
    updatedAt: now.toISOString(),
  };
  await writeFileAtomic(stateFile(dir, origin), `${JSON.stringify(content, null, 2)}\n`);
}

function stateFile(dir: string, origin: string): string {
  return path.join(dir, 'state', `${crypto.createHash('sha256').update(origin).digest('hex')}.json`);
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WitnessDirError(`${file}: not valid JSON`);
  }
}

function isTrustedLog(value: unknown): value is TrustedLog {
  const log = value as Partial<TrustedLog> | null;
  return (
    typeof log?.origin === 'string' &&
    Array.isArray(log.vkeys) &&
    log.vkeys.every((k): k is string => typeof k === 'string')
  );
}
