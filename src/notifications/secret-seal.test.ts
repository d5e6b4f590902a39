import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSealed, SecretSealer } from './secret-seal.js';

describe('SecretSealer', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-seal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('seals a secret so that only the same key and record open it', () => {
    const file = path.join(dir, 'secrets.key');
    const sealer = new SecretSealer(file);
    const sealed = sealer.seal('sub-1', 'hunter2-hunter2');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('hunter2');
    // A fresh nonce each time: the same secret never seals to the same text.
    expect(sealer.seal('sub-1', 'hunter2-hunter2')).not.toBe(sealed);
    expect(sealer.open('sub-1', sealed)).toBe('hunter2-hunter2');
    // Another process reading the same key file opens it too.
    expect(new SecretSealer(file).open('sub-1', sealed)).toBe('hunter2-hunter2');
    expect(() => sealer.open('sub-2', sealed)).toThrow(/cannot be opened/);
    expect(() => new SecretSealer(path.join(dir, 'other.key')).open('sub-1', sealed)).toThrow(
      /cannot be opened with the key in .*other\.key/,
    );
    expect(() => sealer.open('sub-1', `${sealed.slice(0, -2)}AA`)).toThrow(/cannot be opened/);
    expect(() => sealer.open('sub-1', 'sealed:v1:garbage')).toThrow(/cannot be opened/);
  });

  it('creates its key on first use, readable by its owner only, and never replaces one', () => {
    const file = path.join(dir, 'nested', 'secrets.key');
    expect(fs.existsSync(file)).toBe(false);
    new SecretSealer(file).seal('x', 'y');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file, 'utf8');
    new SecretSealer(file).seal('x', 'y');
    expect(fs.readFileSync(file, 'utf8')).toBe(key);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['secrets.key']);
  });

  it('reads a secret stored before sealing as it is, and refuses a damaged key file', () => {
    const file = path.join(dir, 'secrets.key');
    const sealer = new SecretSealer(file);
    expect(sealer.open('sub-1', 'plain-old-secret')).toBe('plain-old-secret');
    fs.writeFileSync(file, 'c2hvcnQ=\n');
    expect(() => new SecretSealer(file).seal('x', 'y')).toThrow(/does not hold a 32-byte key/);
  });
});
