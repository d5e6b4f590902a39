import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dailyText } from '../../daily/daily.text.js';
import { UA_PLACE_NAMES } from '../../../test/support/place-names.js';
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
  async function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
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
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
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

  async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
    const res = await cli(args, env);
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
    for (const heading of Object.values(dailyText('en').sections)) expect(raw).toContain(`(${heading})`);
    expect(raw).toContain('/FontFile2');

    const verified = await cli(['report', 'verify', file]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`public pdf edition in English of ${day}`);
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

  it('writes the Ukrainian edition with --lang uk, and verify says which language it is', async () => {
    const env = { TRUCELINE_PLACE_NAMES: UA_PLACE_NAMES };
    const pdf = path.join(dir, 'daily-uk.pdf');
    const said = await ok(
      ['report', 'daily', '--date', day, '--format', 'pdf', '--out', pdf, '--lang', 'uk'],
      env,
    );
    expect(said).toMatch(/public edition of .* \(pdf, Ukrainian, \d+ bytes\)/);
    const verified = await cli(['report', 'verify', pdf]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`public pdf edition in Ukrainian of ${day}`);
    const html = path.join(dir, 'daily-uk.html');
    await ok(['report', 'daily', '--date', day, '--format', 'html', '--out', html, '--lang', 'uk'], env);
    const text = fs.readFileSync(html, 'utf8');
    expect(text).toContain('<html lang="uk">');
    expect(text).toContain('<h1>Щоденний звіт, ');
    expect(text).not.toContain('(s)');
    const fr = await cli([
      'report',
      'daily',
      '--date',
      day,
      '--format',
      'html',
      '--out',
      html,
      '--lang',
      'fr',
    ]);
    expect(fr.code).toBe(2);
    expect(fr.stderr).toContain('--lang fr: must be one of en, uk');
  });

  it('refuses to start with a bad place names file, naming file:line, and writes nothing', async () => {
    const bad = path.join(dir, 'UA-bad.txt');
    fs.writeFileSync(bad, `${fs.readFileSync(UA_PLACE_NAMES, 'utf8')}1\t707753\tuk\n`);
    const out = path.join(dir, 'never.html');
    const before = (await cli(['report', 'verify', path.join(dir, 'daily-uk.pdf')])).stdout;
    const res = await cli(
      ['report', 'daily', '--date', day, '--format', 'html', '--out', out, '--lang', 'uk'],
      {
        TRUCELINE_PLACE_NAMES: `${UA_PLACE_NAMES},${bad}`,
      },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      `${bad}:22: expected 10 tab-separated fields (or 8, the older layout), found 3`,
    );
    expect(fs.existsSync(out)).toBe(false);
    expect((await cli(['report', 'verify', path.join(dir, 'daily-uk.pdf')])).stdout).toBe(before);
  });
});
