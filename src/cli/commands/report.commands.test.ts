import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SECTIONS } from '../../daily/daily.text.js';
import { buildProgram, describeFailure } from '../program.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('truceline report', { timeout: 300_000 }, () => {
  let dir: string;
  const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

  /** The program in this process, with main.ts's error handling. */
  async function cli(args: string[]): Promise<Result> {
    const out: string[] = [];
    const err: string[] = [];
    const capture = (into: string[]) => (chunk: string | Uint8Array) => {
      into.push(String(chunk));
      return true;
    };
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture(out));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture(err));
    vi.stubEnv('TRUCELINE_DATA_DIR', dir);
    vi.stubEnv('TRUCELINE_SCRYPT_N', '1024');
    let code = 0;
    try {
      await buildProgram()
        .exitOverride()
        .configureOutput({ writeOut: capture(out), writeErr: capture(err) })
        .parseAsync(args, { from: 'user' });
      code = typeof process.exitCode === 'number' ? process.exitCode : 0;
    } catch (e) {
      if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
      else {
        err.push(`truceline: ${describeFailure(e)}\n`);
        code = 1;
      }
    } finally {
      process.exitCode = undefined;
      stdout.mockRestore();
      stderr.mockRestore();
      vi.unstubAllEnvs();
    }
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  async function ok(args: string[]): Promise<string> {
    const res = await cli(args);
    if (res.code !== 0) throw new Error(`${args.join(' ')}: ${res.stderr}`);
    return res.stdout;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-report-cli-'));
    await ok(['init', '--demo-reports', '0']);
    await ok(['demo', '--reports', '60', '--days', '3', '--seed', '7']);
    await ok(['user', 'create', '--org', 'JMVC', '--username', 'jmvc-analyst', '--roles', 'analyst']);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes a PDF with the sections, records it, and verifies the file against the log', async () => {
    const file = path.join(dir, 'daily.pdf');
    const said = await ok(['report', 'daily', '--date', day, '--format', 'pdf', '--out', file]);
    expect(said).toMatch(/public edition .* logged as daily-report\.published/s);
    const pdf = fs.readFileSync(file);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The outline (bookmarks) names each section as a PDF string; the page text is set in glyph ids.
    const raw = pdf.toString('latin1');
    for (const heading of Object.values(SECTIONS)) expect(raw).toContain(`(${heading})`);
    expect(raw).toContain('/FontFile2');

    const verified = await cli(['report', 'verify', file]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`public pdf edition of ${day}`);
    const again = await ok(['report', 'daily', '--date', day, '--format', 'pdf', '--out', file]);
    expect(again).toContain('the same bytes were logged before');

    fs.appendFileSync(file, '\n');
    const altered = await cli(['report', 'verify', file]);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toContain('NOT in the record');
  });

  it("writes the commission's edition with --as, and refuses bad usage", async () => {
    const file = path.join(dir, 'daily.html');
    const said = await ok([
      'report',
      'daily',
      '--date',
      day,
      '--format',
      'html',
      '--out',
      file,
      '--as',
      'jmvc-analyst',
    ]);
    expect(said).toContain('JMVC edition');
    expect(fs.readFileSync(file, 'utf8')).toContain('Edition for JMVC');
    expect((await cli(['report', 'daily', '--date', day, '--format', 'docx', '--out', file])).code).toBe(2);
    expect(
      (
        await cli([
          'report',
          'daily',
          '--date',
          day,
          '--format',
          'json',
          '--out',
          file,
          '--as',
          'x',
          '--public',
        ])
      ).code,
    ).toBe(2);
    const bad = await cli(['report', 'daily', '--date', '2026-02-30', '--format', 'json', '--out', file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('date');
  });
});
