import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { initialise } from '../access/bootstrap.js';
import { checkCheckpoint, checkQuorum } from '../ledger/audit-trust.js';
import { formatCheckpoint, parseCheckpoint } from '../ledger/checkpoint.js';
import { listLocalWitnesses } from '../ledger/local-witnesses.js';
import { parseNote, signNote } from '../ledger/note.js';
import { formatAddCheckpointRequest } from '../ledger/witness-core.js';
import { seedDemo } from './commands/server.commands.js';
import { demoWitnessRoot, runDemoWitnesses } from './demo-witnesses.js';
import { CONSOLE_ACTOR, openRuntime } from './runtime.js';

type Runtime = Awaited<ReturnType<typeof openRuntime>>;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `truceline start` on a fresh data directory, in this process: the first-run demo (few reports). */
async function firstStart(): Promise<Runtime> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-demo-witnesses-'));
  const services = await openRuntime({
    dataDir,
    databaseUrl: `sqlite:${path.join(dataDir, 'truceline.db')}`,
    logKeyFile: path.join(dataDir, 'log-signer.key'),
    passwordCostN: 1024,
  });
  cleanups.push(async () => {
    await services.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  await initialise(services, CONSOLE_ACTOR, { adminUsername: 'admin', demo: true });
  await seedDemo(services, 20);
  return services;
}

async function runWitnesses(services: Runtime, enabled: boolean): Promise<void> {
  const witnesses = await runDemoWitnesses(services, enabled);
  // After the runtime's close (registered first, run last): its cosigning round may still need them.
  cleanups.unshift(witnesses.close);
}

/** Waits until the latest checkpoint carries `count` cosignatures (or the time is up); returns its note. */
async function cosignedCheckpoint(services: Runtime, count: number, withinMs: number): Promise<string> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const latest = await services.ledger.reader.checkpoint();
    const note = latest?.note ?? '';
    const signatures = note === '' ? 0 : parseNote(note).signatures.length;
    if (signatures >= count + 1 || Date.now() > deadline) return note;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the demo witnesses', { timeout: 60_000 }, () => {
  it('cosign the first start’s checkpoints, verifiably with their verifier keys', async () => {
    const services = await firstStart();
    const local = await listLocalWitnesses(demoWitnessRoot(services.config.dataDir));
    // The agreement's three (UA, RU and the coalition), each with its own directory and key.
    expect(local.map((w) => w.name).sort()).toEqual([
      'witness.coalition.truceline.example',
      'witness.ru.truceline.example',
      'witness.ua.truceline.example',
    ]);
    expect(new Set(local.map((w) => w.dir)).size).toBe(3);
    const registered = await services.witnesses.list();
    expect(registered.map((w) => w.vkey).sort()).toEqual(local.map((w) => w.vkey).sort());

    await runWitnesses(services, true);
    services.ledger.start();
    const started = Date.now();
    const note = await cosignedCheckpoint(services, 3, 10_000);
    const tookMs = Date.now() - started;

    const logKey = services.ledger.sequencer.signer.verifierKey;
    const witnessKeys = local.map((w) => w.vkey);
    const checked = checkCheckpoint(note, [logKey], witnessKeys);
    expect([...checked.cosignedBy].sort()).toEqual([...witnessKeys].sort());
    expect(() =>
      checkQuorum(checked, { logKeys: [logKey], witnesses: witnessKeys, quorum: 3 }),
    ).not.toThrow();
    expect(checked.checkpoint.size).toBeGreaterThan(20);
    expect(tookMs).toBeLessThan(10_000);
  });

  it('with --no-witnesses, the log asks nobody and its checkpoints carry no cosignature', async () => {
    const services = await firstStart();
    await runWitnesses(services, false);
    services.ledger.start();
    await services.ledger.integrateOnce();
    const outcomes = await services.ledger.sequencer.cosigning.runOnce();
    expect(outcomes).toEqual([]);
    const latest = await services.ledger.reader.checkpoint();
    expect(latest).toBeDefined();
    expect(parseNote(latest!.note).signatures.map((s) => s.name)).toEqual([
      services.ledger.sequencer.signer.name,
    ]);
    expect((await services.witnesses.list()).every((w) => w.url === null)).toBe(true);
  });

  it('refuse a checkpoint that rolls the log back or forks it, and keep their state', async () => {
    const services = await firstStart();
    await runWitnesses(services, true);
    services.ledger.start();
    const note = await cosignedCheckpoint(services, 3, 10_000);
    const { size, rootHash } = parseCheckpoint(parseNote(note).text);
    const signer = services.ledger.sequencer.signer;
    const origin = signer.name;
    const [witness] = await services.witnesses.list();
    expect(witness?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const post = (body: string) =>
      fetch(`${witness!.url!}/add-checkpoint`, { method: 'POST', body }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      }));
    const cosignedSize = Number(
      (await post(formatAddCheckpointRequest(0, [], note))).body.trim(), // 409 names its latest size
    );
    expect(cosignedSize).toBeGreaterThanOrEqual(size);

    // Rolled back: a smaller tree, presented as if it followed what the witness cosigned.
    const smaller = signNote(formatCheckpoint({ origin, size: 3, rootHash }), [signer]);
    const rollback = await post(formatAddCheckpointRequest(cosignedSize, [], smaller));
    expect(rollback.status).toBe(400);
    const asFresh = await post(formatAddCheckpointRequest(3, [], smaller));
    expect(asFresh).toEqual({ status: 409, body: `${cosignedSize}\n` });

    // Forked: the size it cosigned, another root.
    const forkRoot = Buffer.alloc(32, 7);
    const fork = signNote(formatCheckpoint({ origin, size: cosignedSize, rootHash: forkRoot }), [signer]);
    const forked = await post(formatAddCheckpointRequest(cosignedSize, [], fork));
    expect(forked).toEqual({ status: 409, body: `${cosignedSize}\n` });

    // The witness still stands where it was: the genuine log goes on being cosigned from there.
    const again = await post(formatAddCheckpointRequest(0, [], note));
    expect(again).toEqual({ status: 409, body: `${cosignedSize}\n` });
  });
});
