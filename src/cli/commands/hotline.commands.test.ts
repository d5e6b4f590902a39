import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, describeFailure } from '../program.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe('truceline hotline', { timeout: 180_000 }, () => {
  let dir: string;

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
    } catch (e) {
      if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
      else {
        err.push(`truceline: ${describeFailure(e)}\n`);
        code = 1;
      }
    } finally {
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

  let channel = '';
  let message = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-hotline-cli-'));
    await ok(['init', '--demo-reports', '0']);
    for (const [org, username, role] of [
      ['JMVC', 'jmvc-analyst', 'analyst'],
      ['UA', 'ua-liaison', 'liaison'],
      ['RU', 'ru-liaison', 'liaison'],
      ['US', 'us-guarantor', 'guarantor'],
    ] as const)
      await ok(['user', 'create', '--org', org, '--username', username, '--roles', role]);
    channel = (
      JSON.parse(
        await ok([
          'hotline',
          'open',
          '--name',
          'UA–RU line',
          '--members',
          'UA,RU',
          '--as',
          'jmvc-analyst',
          '--json',
        ]),
      ) as { channel: { id: string } }
    ).channel.id;
    message = (
      JSON.parse(
        await ok([
          'hotline',
          'send',
          channel,
          '--body',
          'Hold fire in sector B',
          '--urgency',
          'flash',
          '--as',
          'ua-liaison',
          '--json',
        ]),
      ) as { id: string }
    ).id;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('sends, acknowledges and records status changes, printing the history', async () => {
    expect(await ok(['hotline', 'channels', '--as', 'ru-liaison'])).toMatch(
      /^1 channel\(s\)\n.*active .*UA–RU line \[RU, UA\]/,
    );
    expect(await ok(['hotline', 'messages', channel, '--pending', '--as', 'ru-liaison'])).toContain(
      'Hold fire in sector B',
    );
    expect(await ok(['hotline', 'ack', message, '--as', 'ru-liaison'])).toMatch(/acknowledged 20/);
    const history = await ok([
      'hotline',
      'status',
      channel,
      '--set',
      'suspended',
      '--cause',
      'line cut',
      '--as',
      'ru-liaison',
    ]);
    expect(history).toMatch(
      /\n {2}1\. \S+ active by \S+ \[JMVC\]: opened\n {2}2\. \S+ suspended by \S+ \[RU\]: line cut$/m,
    );
    // The commission sees the metadata, not the body.
    const seen = await ok(['hotline', 'messages', channel, '--as', 'jmvc-analyst']);
    expect(seen).toContain(`${message}  `);
    expect(seen).not.toContain('Hold fire');
    expect(await ok(['hotline', 'sweep'])).toBe(
      '0 missed acknowledgement(s) and 0 suspended channel(s) escalated\n',
    );
  });

  it('explains bad input in precise lines', async () => {
    const twice = await cli(['hotline', 'ack', message, '--as', 'ru-liaison']);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(
      /^truceline: acknowledged-once: message \S+ was acknowledged at \S+\n {2}\/params\/id: /,
    );
    const own = await cli(['hotline', 'ack', message, '--as', 'ua-liaison']);
    expect(own.stderr).toMatch(/^truceline: not-the-addressee: message \S+ is addressed to RU, not to UA/);
    const same = await cli([
      'hotline',
      'status',
      channel,
      '--set',
      'suspended',
      '--cause',
      'again',
      '--as',
      'ua-liaison',
    ]);
    expect(same.stderr).toMatch(/^truceline: status-unchanged: channel \S+ is suspended already/);
    await ok([
      'hotline',
      'status',
      channel,
      '--set',
      'restored',
      '--cause',
      'repaired',
      '--as',
      'ua-liaison',
    ]);
    const past = await cli([
      'hotline',
      'send',
      channel,
      '--body',
      'x',
      '--deadline',
      '2020-01-01T00:00:00Z',
      '--as',
      'ua-liaison',
    ]);
    expect(past.stderr).toMatch(
      /^truceline: the message cannot be sent\n {2}\/body\/ackDeadline: is in the past/,
    );
    const urgency = await cli([
      'hotline',
      'send',
      channel,
      '--body',
      'x',
      '--urgency',
      'loud',
      '--as',
      'ua-liaison',
    ]);
    expect(urgency.stderr).toBe('truceline: --urgency loud: must be one of routine, priority, flash\n');
  });

  it('tells a third organisation nothing about a channel or message it is not party to', async () => {
    expect(await ok(['hotline', 'channels', '--as', 'us-guarantor'])).toBe('0 channel(s)\n');
    const unknown = crypto.randomUUID();
    const probes: [(id: string) => string[], string][] = [
      [(id) => ['hotline', 'status', id, '--as', 'us-guarantor'], channel],
      [(id) => ['hotline', 'messages', id, '--as', 'us-guarantor'], channel],
      [(id) => ['hotline', 'send', id, '--body', 'x', '--as', 'us-guarantor'], channel],
      [
        (id) => ['hotline', 'status', id, '--set', 'suspended', '--cause', 'x', '--as', 'us-guarantor'],
        channel,
      ],
      [(id) => ['hotline', 'ack', id, '--as', 'us-guarantor'], message],
    ];
    for (const [args, real] of probes) {
      const seen = await cli(args(real));
      const none = await cli(args(unknown));
      expect(seen.code, args(real).join(' ')).toBe(1);
      expect(seen.stderr, args(real).join(' ')).toMatch(/not found\n$/);
      expect(seen.stderr.replaceAll(real, 'ID')).toBe(none.stderr.replaceAll(unknown, 'ID'));
    }
  });
});
