import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_IMPORT_HEAP_MB, importHeapMb } from './import-heap.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-import-heap-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * An entry named as the CLI's (`main.ts`) that runs itself again the way `truceline import` does and,
 * in the process that does the work, prints that process's heap limit.
 */
const entry = path.join(dir, 'main.ts');
fs.writeFileSync(
  entry,
  `import v8 from 'node:v8';
import { runImportInCappedHeap } from ${JSON.stringify(path.resolve('src/cli/import-heap.ts'))};
const code = runImportInCappedHeap([]);
if (code !== undefined) process.exit(code);
process.stdout.write(String(v8.getHeapStatistics().heap_size_limit / 1048576));
`,
);

function run(env: Record<string, string>) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe('the import’s capped heap', () => {
  it('runs the work in a process whose heap is capped, by default and as TRUCELINE_IMPORT_HEAP_MB says', () => {
    const byDefault = run({});
    expect(byDefault.code, byDefault.stderr).toBe(0);
    // The old generation's cap plus the young generation's semi-spaces.
    expect(Number(byDefault.stdout)).toBeGreaterThanOrEqual(DEFAULT_IMPORT_HEAP_MB);
    expect(Number(byDefault.stdout)).toBeLessThan(DEFAULT_IMPORT_HEAP_MB + 100);
    const set = run({ TRUCELINE_IMPORT_HEAP_MB: '128' });
    expect(Number(set.stdout)).toBeLessThan(128 + 100);
    // 0: Node's own limit (gigabytes on this machine), in this process.
    expect(Number(run({ TRUCELINE_IMPORT_HEAP_MB: '0' }).stdout)).toBeGreaterThan(1024);
    // The caller's own limit is kept.
    expect(Number(run({ NODE_OPTIONS: '--max-old-space-size=1500' }).stdout)).toBeGreaterThan(1500);
  });

  it('refuses a limit it cannot use, naming the variable', () => {
    for (const bad of ['abc', '-1', '12.5', '32']) {
      expect(() => importHeapMb({ TRUCELINE_IMPORT_HEAP_MB: bad })).toThrow(/TRUCELINE_IMPORT_HEAP_MB/);
      const res = run({ TRUCELINE_IMPORT_HEAP_MB: bad });
      expect(res.code).not.toBe(0);
      expect(res.stderr).toContain(`TRUCELINE_IMPORT_HEAP_MB=${bad}`);
    }
    expect(importHeapMb({})).toBe(DEFAULT_IMPORT_HEAP_MB);
    expect(importHeapMb({ TRUCELINE_IMPORT_HEAP_MB: '0' })).toBe(0);
  });
});
