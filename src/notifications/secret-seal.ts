/**
 * Sealing the secrets Truceline must keep but never show again (webhook signing secrets): stored in
 * the database only encrypted (AES-256-GCM) under a key kept in the data directory, so a copy of the
 * database alone — a PostgreSQL replica, a dump, a stolen disk of the database host — does not let
 * anyone sign events as Truceline. The row's id is bound as associated data: a sealed secret copied
 * into another row does not open there.
 *
 * Stored form: `sealed:v1:<iv>:<ciphertext>:<tag>` (base64url). A value without the prefix is a
 * secret stored before sealing existed; it is still read, and `WebhookService.sealStored` seals it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../core/errors.js';

const PREFIX = 'sealed:v1:';
const KEY_BYTES = 32;

/** Whether a stored value is sealed (rather than a plaintext secret from before sealing). */
export function isSealed(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** Seals and opens secrets with the key in one file, created (mode 600) on first use. */
export class SecretSealer {
  #key: Buffer | undefined;

  /** @param keyFile where the key is kept (TRUCELINE_SECRETS_KEY_FILE, `<dataDir>/secrets.key`) */
  constructor(readonly keyFile: string) {}

  /** The sealed form of `secret`, bound to the record `id` it is stored in. */
  seal(id: string, secret: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.#keyOrCreate(), iv);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${PREFIX}${[iv, body, cipher.getAuthTag()].map((b) => b.toString('base64url')).join(':')}`;
  }

  /**
   * The secret stored for `id`: opened when sealed, as stored when it predates sealing.
   *
   * @throws AppError (`conflict`) when it was sealed under another key or for another record
   */
  open(id: string, stored: string): string {
    if (!isSealed(stored)) return stored;
    const [iv, body, tag] = stored
      .slice(PREFIX.length)
      .split(':')
      .map((p) => Buffer.from(p, 'base64url'));
    const cannot = () =>
      new AppError(
        'conflict',
        `the secret of ${id} cannot be opened with the key in ${this.keyFile} (sealed under another key, or copied from another record): create the subscription again`,
      );
    if (iv === undefined || body === undefined || tag === undefined || tag.length !== 16) throw cannot();
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.#keyOrCreate(), iv);
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw cannot();
    }
  }

  #keyOrCreate(): Buffer {
    if (this.#key !== undefined) return this.#key;
    if (!fs.existsSync(this.keyFile)) createKeyFile(this.keyFile);
    const key = Buffer.from(fs.readFileSync(this.keyFile, 'utf8').trim(), 'base64');
    if (key.length !== KEY_BYTES)
      throw new AppError(
        'conflict',
        `${this.keyFile} does not hold a ${KEY_BYTES}-byte key in base64: restore it from a backup`,
      );
    this.#key = key;
    return key;
  }
}

/**
 * Writes a fresh key to `file` unless one is there: written to a temporary file and linked into
 * place, so two processes starting at once end up with the same key, never a torn or replaced one.
 */
function createKeyFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${crypto.randomBytes(KEY_BYTES).toString('base64')}\n`);
    // On disk before any secret is sealed with it: a crash must not keep the secrets and lose the key.
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(temp, file);
    const dir = fs.openSync(path.dirname(file), 'r');
    try {
      fs.fsyncSync(dir);
    } finally {
      fs.closeSync(dir);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
