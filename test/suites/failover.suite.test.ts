/**
 * Several server processes on one PostgreSQL database (issue 19, item 6): two real `truceline serve`
 * processes, written to through both at once. An event stream on B hears the reports written through
 * A (and only those its principal may see); then the process holding the sequencer's advisory lock is
 * killed with SIGKILL, and writing goes on through the survivor.
 *
 * Checked: the survivor holds the sequencer's lock within TAKEOVER_BOUND_MS of the kill (the figure
 * is printed), then the sweeps' lock; it answers every write and every receipt (some waiting across
 * the kill); the queue empties while it runs (it integrated what the dead holder left). Then, with
 * every process stopped: every report either process answered 201 for is stored; the database audit
 * finds every row bound to its log entry and the log rebuilding every stored checkpoint; every
 * checkpoint either process published is a prefix of the log.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleInput } from '../support/app.js';
import { PG_URL } from '../support/databases.js';
import {
  checkStore,
  cliOk,
  deployment,
  intake,
  kill,
  reportIdOf,
  serve,
  truceline,
  watchCheckpoints,
  type Deployment,
  type Published,
} from '../support/processes.js';
import { ELECTION_INTERVAL_MS } from '../../src/ledger/log-sequencer.service.js';
import { SWEEP_LOCK_KEY } from '../../src/server/election.js';
import { SEQUENCER_LOCK_KEY } from '../../src/ledger/ledger.repository.js';

/** The sequencer is taken over within a retry interval and the survivor's next query; 5 s is ample. */
const TAKEOVER_BOUND_MS = 5 * ELECTION_INTERVAL_MS;
/** Concurrent writers per process. */
const WRITERS = 4;

/** An open `GET /api/v1/events` stream: what it has said so far. */
async function openStream(url: string, token: string) {
  const abort = new AbortController();
  const res = await fetch(`${url}/api/v1/events`, {
    headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    signal: abort.signal,
  });
  if (res.status !== 200) throw new Error(`event stream answered ${res.status}`);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const reading = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value);
      }
    } catch {
      // closed
    }
  })();
  return {
    text: () => text,
    recordIds: () =>
      [...text.matchAll(/^data: (.*)$/gm)].map(
        (m) => (JSON.parse(m[1] ?? '{}') as { recordId?: string }).recordId,
      ),
    close: async () => {
      abort.abort();
      await reading;
    },
  };
}

/** Runs the CLI in the background; its output, or an error with its stderr when it fails. */
async function cliAsync(d: Deployment, args: string[]): Promise<string> {
  const proc = truceline(d, args);
  let out = '';
  let err = '';
  proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  if (code !== 0) throw new Error(`truceline ${args.join(' ')} exited ${code}: ${err || out}`);
  return out;
}

/** A user of `org` with `roles` and its API token (CLI processes, alongside the others). */
async function tokenFor(d: Deployment, org: string, username: string, roles: string): Promise<string> {
  await cliAsync(d, ['user', 'create', '--org', org, '--username', username, '--roles', roles]);
  const out = await cliAsync(d, ['token', 'create', '--user', username, '--name', 'failover', '--days', '1']);
  const secret = /Secret \(shown once\): (tl_\S+)/.exec(out)?.[1];
  if (secret === undefined) throw new Error(`no token in: ${out}`);
  return secret;
}

/**
 * Posts reports asking for their log receipt (`Prefer: receipt`) one after another until stopped: the
 * answer waits until the entry is integrated, by whichever process holds the sequencer.
 */
function receiptWriter(url: string, token: string) {
  const answers: { status: number; entries: string | null; reportId: string | undefined }[] = [];
  let stopped = false;
  const loop = (async () => {
    for (let n = 0; !stopped; n += 1) {
      const res = await fetch(`${url}/api/v1/reports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', prefer: 'receipt' },
        body: JSON.stringify(sampleInput({ narrative: `failover receipt ${n} ${Math.random()}` })),
      });
      const body = await res.text();
      answers.push({
        status: res.status,
        entries: res.headers.get('x-log-entries'),
        reportId: res.status === 201 ? reportIdOf(body) : undefined,
      });
    }
  })();
  return {
    answers,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** The application name (PGAPPNAME) of the session holding an advisory lock, if any. */
async function lockHolder(databaseUrl: string, key: number): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    // pg_try_advisory_lock(bigint): the key's high half is classid, its low half objid.
    const { rows } = await c.query<{ application_name: string }>(
      `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.classid = 0 and l.objid = $1 and l.objsubid = 1
          and l.database = (select oid from pg_database where datname = current_database())`,
      [key],
    );
    return rows[0]?.application_name;
  } finally {
    await c.end();
  }
}

/** Entries queued and not yet integrated into the log. */
async function queuedEntries(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ n: string }>('select count(*) as n from log_queue');
    return Number(rows[0]?.n);
  } finally {
    await c.end();
  }
}

async function until<T>(
  what: string,
  get: () => Promise<T | undefined> | T | undefined,
  ms: number,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

describe.skipIf(PG_URL === undefined)('two server processes on one PostgreSQL database', () => {
  let d: Deployment | undefined;
  const running: ChildProcess[] = [];
  afterAll(async () => {
    for (const proc of running) await kill(proc);
    await d?.drop();
  });

  it('streams across processes, survives the sequencer holder being killed, loses nothing', async () => {
    const started = performance.now();
    d = await deployment('postgres');
    const deployed = d;
    cliOk(deployed, ['init', '--demo-reports', '0']);
    const names = ['truceline-a', 'truceline-b'] as const;
    const [writer, outsider, a, b] = await Promise.all([
      tokenFor(deployed, 'UA', 'failover-ua', 'monitor'),
      // Another party's monitor: the UA reports (AMBER, owned by UA) are none of its business.
      tokenFor(deployed, 'RU', 'failover-ru', 'monitor'),
      serve(deployed, { PGAPPNAME: names[0], TRUCELINE_EVENT_HEARTBEAT_MS: '500' }),
      serve(deployed, { PGAPPNAME: names[1], TRUCELINE_EVENT_HEARTBEAT_MS: '500' }),
    ]);
    running.push(a.proc, b.proc);

    const setUpMs = Math.round(performance.now() - started);
    const streamB = await openStream(b.url, writer);
    const outsiderB = await openStream(b.url, outsider);
    const published: Published[] = [];
    const watchers = [watchCheckpoints(a.url, published), watchCheckpoints(b.url, published)];
    const ackedA = new Set<string>();
    const ackedB = new Set<string>();
    const refused = new Map<string, string[]>(names.map((n) => [n, []]));
    const holder = await until(
      'a sequencer',
      () => lockHolder(deployed.databaseUrl, SEQUENCER_LOCK_KEY),
      10_000,
    );
    const victim = holder === names[0] ? a : b;
    const survivor = holder === names[0] ? b : a;
    const survivorName = holder === names[0] ? names[1] : names[0];
    let victimDead = false;
    const answer = (name: string, dies: boolean) => (status: number, body: string) => {
      // The killed process's connections fail (status 0); that is the kill, not a failure to report.
      if (dies && victimDead) return 'stop' as const;
      refused.get(name)?.push(`${status} ${body.slice(0, 200)}`);
      return 'go-on' as const;
    };
    const loadA = intake(a.url, writer, ackedA, answer(names[0], victim === a), WRITERS);
    const loadB = intake(b.url, writer, ackedB, answer(names[1], victim === b), WRITERS);
    await Promise.all([loadA.firstAck, loadB.firstAck]);

    // B's stream hears a report written through A; the outsider's stream on B hears no report.
    const heard = await until(
      'a report written through A on the stream of B',
      () => streamB.recordIds().find((id) => id !== undefined && ackedA.has(id)),
      10_000,
    );
    expect(heard).toBeDefined();

    // Both processes under load, each with writes sequenced by the other's lock or its own.
    await until(
      'writes acknowledged by both processes',
      () => (ackedA.size >= 10 && ackedB.size >= 10 ? true : undefined),
      30_000,
    );
    // The survivor-to-be's receipts wait for a sequencer that is about to die.
    const receipts = receiptWriter(survivor.url, writer);
    await until('a receipt', () => (receipts.answers.length > 0 ? true : undefined), 20_000);
    const ackedBeforeKill = ackedA.size + ackedB.size;
    victimDead = true;
    const killedAt = performance.now();
    await kill(victim.proc);
    await until(
      'the survivor to hold the sequencer lock',
      async () =>
        (await lockHolder(deployed.databaseUrl, SEQUENCER_LOCK_KEY)) === survivorName ? true : undefined,
      TAKEOVER_BOUND_MS,
    );
    const takeoverMs = Math.round(performance.now() - killedAt);
    // The sweeps and webhook deliveries run in one process: the survivor, once the other is dead.
    await until(
      'the survivor to lead the sweeps',
      async () =>
        (await lockHolder(deployed.databaseUrl, SWEEP_LOCK_KEY)) === survivorName ? true : undefined,
      TAKEOVER_BOUND_MS,
    );
    const survivorAcked = survivor === a ? ackedA : ackedB;
    const survivorBefore = survivorAcked.size;
    // Writing goes on through the survivor, whose own sequencer now answers its writes.
    await until(
      'writes acknowledged after the takeover',
      () => (survivorAcked.size >= survivorBefore + 20 ? true : undefined),
      20_000,
    );
    await Promise.all([loadA.stop(), loadB.stop(), receipts.stop()]);
    for (const w of watchers) await w.stop();
    await streamB.close();
    await outsiderB.close();
    // What the dead holder left queued, and everything since, is integrated by the survivor.
    await until(
      'the survivor to integrate the whole queue',
      async () => ((await queuedEntries(deployed.databaseUrl)) === 0 ? true : undefined),
      15_000,
    );
    await kill(survivor.proc, 'SIGTERM');

    const acked = new Set([...ackedA, ...ackedB]);
    for (const r of receipts.answers) if (r.reportId !== undefined) acked.add(r.reportId);
    const check = await checkStore(deployed, acked, published);
    process.stdout.write(
      `failover: ${acked.size} reports acknowledged (${ackedBeforeKill} before the kill) and ` +
        `${receipts.answers.length} receipts, the survivor ` +
        `held the sequencer ${takeoverMs} ms after the SIGKILL (bound ${TAKEOVER_BOUND_MS} ms); ` +
        `log ${check.logSize} entries, ${check.reports} reports, ${check.queued} queued; ` +
        `${published.length} checkpoints watched; set-up ${setUpMs} ms, ` +
        `whole test ${Math.round(performance.now() - started)} ms\n`,
    );
    expect(check.lost).toEqual([]);
    expect(check.problems).toEqual([]);
    expect(check.inconsistent).toEqual([]);
    // The killed process may have stored reports it never answered for: one per writer at most.
    expect(check.reports).toBeGreaterThanOrEqual(acked.size);
    expect(check.reports).toBeLessThanOrEqual(acked.size + WRITERS);
    expect(refused.get(survivorName)).toEqual([]);
    // Every receipt was answered, with entries the log holds (before, across and after the takeover).
    expect(receipts.answers.filter((r) => r.status !== 201 || r.entries === null)).toEqual([]);
    for (const r of receipts.answers)
      for (const index of (r.entries ?? '').split(',')) expect(Number(index)).toBeLessThan(check.logSize);
    expect(takeoverMs).toBeLessThan(TAKEOVER_BOUND_MS);
    // The outsider's stream was open (heartbeats) and heard none of UA's reports.
    expect(outsiderB.text()).toContain(': heartbeat');
    expect(outsiderB.recordIds().filter((id) => id !== undefined)).toEqual([]);
  }, 180_000);
});
