/**
 * The browser tests run against the built dashboard (web/dist), as `truceline serve` ships it. CI
 * builds first (`npm run build`); locally a missing or stale build is rebuilt once, under a lock so
 * parallel test files do not build at the same time.
 */
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../', import.meta.url));
const LOCK = join(tmpdir(), 'truceline-web-build.lock');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

function builtAt(): number {
  try {
    return statSync(join(WEB, 'dist', 'index.html')).mtimeMs;
  } catch {
    return 0;
  }
}

function isStale(): boolean {
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => newestMtime(join(WEB, p)));
  return builtAt() < Math.max(...sources);
}

export async function ensureWebBuilt(): Promise<void> {
  if (!isStale()) return;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 250)); // another test file is building
    }
  }
  try {
    if (!isStale()) return;
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would bundle React's development build; test what ships.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(WEB, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    rmdirSync(LOCK);
  }
}
