#!/usr/bin/env node
// `npm start` runs this first: it builds (`npm run build`) only when a source file is newer than
// the build, so a second start does not spend a minute recompiling what has not changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/** What the build reads: sources, the dashboard, and the files that say how to build them. */
const INPUTS = ['src', 'web', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** Never inputs: the dashboard's own build, its browser tests, and unit tests (not built). */
const SKIPPED_DIRS = new Set(['dist', 'node_modules', 'tests', 'testdata']);
const isTest = (name) => /\.test\.tsx?$/.test(name);

/** What the build writes: the server's and the dashboard's output. */
const OUTPUTS = ['dist', 'web/dist'];

/** The newest mtime (ms) of the files under `entry`, or undefined when there are none. */
function newest(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return undefined;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest;
  for (const child of fs.readdirSync(entry, { withFileTypes: true })) {
    if (child.isDirectory() ? SKIPPED_DIRS.has(child.name) : isTest(child.name)) continue;
    const t = newest(path.join(entry, child.name));
    if (t !== undefined && (latest === undefined || t > latest)) latest = t;
  }
  return latest;
}

/**
 * Why the build in `root` is stale (a sentence), or null when it is up to date: an output is
 * missing, or some input was changed after the older of the two outputs was written.
 */
export function staleReason(root) {
  let built = Infinity;
  for (const out of OUTPUTS) {
    const t = newest(path.join(root, out));
    if (t === undefined) return `${out}/ is missing`;
    built = Math.min(built, t);
  }
  for (const input of INPUTS) {
    const t = newest(path.join(root, input));
    if (t !== undefined && t > built) return `${input} changed since the last build`;
  }
  return null;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const reason = staleReason(root);
  if (reason === null) {
    process.stdout.write('Build is up to date (npm run build to force one).\n');
  } else {
    process.stdout.write(`Building: ${reason}.\n`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const res = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit' });
    process.exit(res.status ?? 1);
  }
}
