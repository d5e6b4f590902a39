import fs from 'node:fs';
import path from 'node:path';
import { generateSignerKey, parseSignerKey, type Ed25519NoteSigner } from './note.js';

/** Raised when the signing key file cannot be read or is not a key. */
export class LogKeyError extends Error {
  override name = 'LogKeyError';
}

/** Reads the commission's log signing key (C2SP signed-note `PRIVATE+KEY+…` text). */
export function readSigner(file: string): Ed25519NoteSigner {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new LogKeyError(
      `cannot read the log signing key ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  try {
    return parseSignerKey(text);
  } catch (err) {
    throw new LogKeyError(`${file}: not a log signing key (${(err as Error).message})`);
  }
}

/** Writes a new key for `origin` to `file` (mode 600); refuses to overwrite. Returns the signer. */
export function createSignerFile(file: string, origin: string): Ed25519NoteSigner {
  if (fs.existsSync(file))
    throw new LogKeyError(`${file} exists; use \`truceline keys rotate\` to replace it`);
  const { signerKey } = generateSignerKey(origin);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${signerKey}\n`, { mode: 0o600, flag: 'wx' });
  return parseSignerKey(signerKey);
}

/** The signer in `file`, creating it for `origin` on first run. */
export function loadOrCreateSigner(file: string, origin: string): Ed25519NoteSigner {
  return fs.existsSync(file) ? readSigner(file) : createSignerFile(file, origin);
}

/** Marker file of a process that signs with the key in `file`: `<file>.held-by-<pid>`. */
function holderMarker(file: string, pid: number): string {
  return `${file}.held-by-${pid}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks the key in `file` as held by this process (a running server signs checkpoints with it).
 * Returns the release; it also runs when the process exits.
 */
export function holdKey(file: string): () => void {
  const marker = holderMarker(file, process.pid);
  try {
    fs.writeFileSync(marker, `${new Date().toISOString()}\n`, { mode: 0o600 });
  } catch {
    return () => undefined; // a read-only key directory: nothing to guard (rotation writes there too)
  }
  const release = () => {
    fs.rmSync(marker, { force: true });
    process.off('exit', release);
  };
  process.on('exit', release);
  return release;
}

/**
 * Processes on this machine that hold the key in `file` (see {@link holdKey}). Markers of processes
 * that died without releasing are removed.
 */
export function keyHolders(file: string): number[] {
  const dir = path.dirname(path.resolve(file));
  const prefix = `${path.basename(file)}.held-by-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const live: number[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    if (isAlive(pid)) live.push(pid);
    else fs.rmSync(path.join(dir, name), { force: true });
  }
  return live;
}
