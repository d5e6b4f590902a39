import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Raised when a file exceeds the size limit; nothing is kept. */
export class EvidenceTooLargeError extends Error {
  override name = 'EvidenceTooLargeError';
}

/** Raised when the bytes do not hash to the SHA-256 they were expected to; nothing is kept. */
export class EvidenceHashMismatchError extends Error {
  override name = 'EvidenceHashMismatchError';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`expected ${expected}, the content hashes to ${actual}`);
  }
}

/** Where evidence bytes live, by SHA-256. Stored objects are never modified or overwritten. */
export interface EvidenceStore {
  /**
   * Stores the bytes; returns their SHA-256 (hex) and size. Throws EvidenceTooLargeError past `maxBytes`
   * and, when `expectedSha256` is given, EvidenceHashMismatchError if they hash to anything else; a
   * refused file leaves nothing behind.
   */
  put(
    content: Buffer | Readable,
    maxBytes: number,
    expectedSha256?: string,
  ): Promise<{ sha256: string; sizeBytes: number }>;
  has(sha256: string): Promise<boolean>;
  /** The stored bytes as a stream; undefined when not stored. */
  open(sha256: string): Promise<Readable | undefined>;
  /** Re-hashes stored bytes (integrity check); undefined when not stored. */
  rehash(sha256: string): Promise<string | undefined>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed files under a directory: `sha256/ab/cd/abcd…`. Files are written to a temporary
 * name while hashing, then renamed into place read-only, so a crash never leaves a partial object
 * under a hash name.
 */
export class LocalEvidenceStore implements EvidenceStore {
  constructor(readonly root: string) {}

  #pathOf(sha256: string): string {
    if (!HEX64.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return path.join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(
    content: Buffer | Readable,
    maxBytes: number,
    expectedSha256?: string,
  ): Promise<{ sha256: string; sizeBytes: number }> {
    const tmpDir = path.join(this.root, 'tmp');
    await fs.promises.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const out = await fs.promises.open(tmp, 'wx', 0o600);
    try {
      const chunks: AsyncIterable<Buffer> | Buffer[] = Buffer.isBuffer(content)
        ? [content]
        : (content as AsyncIterable<Buffer>);
      for await (const chunk of chunks) {
        size += chunk.length;
        if (size > maxBytes)
          throw new EvidenceTooLargeError(`the file is larger than the limit of ${maxBytes} bytes`);
        hash.update(chunk);
        await out.write(chunk);
      }
      await out.sync();
    } catch (err) {
      await out.close();
      await fs.promises.rm(tmp, { force: true });
      if (!Buffer.isBuffer(content)) content.resume();
      throw err;
    }
    await out.close();
    const sha256 = hash.digest('hex');
    if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
      await fs.promises.rm(tmp, { force: true });
      throw new EvidenceHashMismatchError(expectedSha256, sha256);
    }
    const final = this.#pathOf(sha256);
    if (fs.existsSync(final)) {
      await fs.promises.rm(tmp, { force: true });
    } else {
      await fs.promises.mkdir(path.dirname(final), { recursive: true });
      await fs.promises.chmod(tmp, 0o444);
      await fs.promises.rename(tmp, final);
    }
    return { sha256, sizeBytes: size };
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await fs.promises.access(this.#pathOf(sha256));
      return true;
    } catch {
      return false;
    }
  }

  async open(sha256: string): Promise<Readable | undefined> {
    return (await this.has(sha256)) ? fs.createReadStream(this.#pathOf(sha256)) : undefined;
  }

  async rehash(sha256: string): Promise<string | undefined> {
    const stream = await this.open(sha256);
    if (stream === undefined) return undefined;
    const hash = crypto.createHash('sha256');
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }
}
