/**
 * Child processes for the benchmarks that time a real server: a free port, a process started with
 * tsx and awaited until it answers, and what /proc says of its CPU time and memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** The repository's root: child processes run from it. */
export const ROOT = path.resolve(import.meta.dirname, '..');

/** CPU time (µs, user + system) a process has used so far, from /proc; undefined where there is none. */
export function cpuMicrosOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1e6) / CLOCK_TICKS_PER_S : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: Linux reports /proc CPU times in these ticks (100 on every mainstream kernel). */
const CLOCK_TICKS_PER_S = 100;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/** Waits until `url` answers (any status), or throws after `timeoutMs` naming the server's last words. */
async function waitUntilUp(url: string, child: ChildProcess, output: () => string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited (${child.exitCode}): ${output().slice(-800)}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`server did not answer at ${url}: ${output().slice(-800)}`);
}

/** Starts a child process running `args` with node (tsx loaded), waits for `readyPath`; returns a stopper. */
export async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  readyPath: string,
): Promise<{ pid: number | undefined; stop(): Promise<void> }> {
  const prof = process.env.TRUCELINE_BENCH_CPU_PROF;
  const nodeArgs = [
    ...(prof !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
    '--import',
    'tsx',
    ...args,
  ];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitUntilUp(`http://127.0.0.1:${port}${readyPath}`, child, () => output);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** A process's resident memory now and at its peak (VmRSS, VmHWM; MB), from /proc; undefined elsewhere. */
export function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    const rss = kib('VmRSS');
    const peak = kib('VmHWM');
    return Number.isFinite(rss) && Number.isFinite(peak)
      ? { rssMb: rss / 1024, peakMb: peak / 1024 }
      : undefined;
  } catch {
    return undefined;
  }
}
