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
