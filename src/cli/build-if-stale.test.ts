import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve('scripts/build-if-stale.mjs');

/**
 * `npm start` builds only when a source is newer than the build (scripts/build-if-stale.mjs). Run
 * on a copy of the script in a scratch project whose `npm` is a stand-in that records the call and
 * writes the outputs, as `npm run build` would.
 */
describe('npm start: build only what changed', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-stale-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.copyFileSync(SCRIPT, path.join(root, 'scripts', 'build-if-stale.mjs'));
    fs.mkdirSync(path.join(root, 'bin'));
    fs.writeFileSync(
      path.join(root, 'bin', 'npm'),
      '#!/bin/sh\necho "$@" >> built.log\nmkdir -p dist/cli web/dist\necho x > dist/cli/main.js\necho x > web/dist/index.html\n',
      { mode: 0o755 },
    );
    for (const file of ['src/cli/main.ts', 'src/cli/main.test.ts', 'web/src/main.tsx', 'package.json'])
      touch(file, Date.now() - 60_000);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function touch(file: string, ms: number): void {
    const at = path.join(root, file);
    fs.mkdirSync(path.dirname(at), { recursive: true });
    if (!fs.existsSync(at)) fs.writeFileSync(at, '\n');
    fs.utimesSync(at, ms / 1000, ms / 1000);
  }
  function start(): { stdout: string; builds: number } {
    const res = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], {
      cwd: root,
      env: { ...process.env, PATH: `${path.join(root, 'bin')}:${process.env.PATH ?? ''}` },
      encoding: 'utf8',
    });
    expect(res.status, res.stderr).toBe(0);
    const log = path.join(root, 'built.log');
    const builds = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').length : 0;
    return { stdout: res.stdout, builds };
  }

  it('builds when there is no build, then not again until a source changes', () => {
    expect(start()).toEqual({ stdout: 'Building: dist/ is missing.\n', builds: 1 });
    expect(start()).toEqual({ stdout: 'Build is up to date (npm run build to force one).\n', builds: 1 });
    touch('dist/cli/main.js', Date.now() - 30_000);
    touch('web/dist/index.html', Date.now() - 30_000);
    touch('web/src/main.tsx', Date.now() - 1_000);
    expect(start()).toEqual({ stdout: 'Building: web changed since the last build.\n', builds: 2 });
    expect(start().builds).toBe(2);
  });

  it('ignores tests (not built) but not the package or a missing dashboard build', () => {
    start();
    touch('dist/cli/main.js', Date.now() - 30_000);
    touch('web/dist/index.html', Date.now() - 30_000);
    touch('src/cli/main.test.ts', Date.now() - 10_000);
    expect(start().builds).toBe(1);
    touch('package.json', Date.now() - 10_000);
    expect(start()).toMatchObject({
      stdout: 'Building: package.json changed since the last build.\n',
      builds: 2,
    });
    fs.rmSync(path.join(root, 'web', 'dist'), { recursive: true });
    expect(start()).toMatchObject({ stdout: 'Building: web/dist/ is missing.\n', builds: 3 });
  });
});
