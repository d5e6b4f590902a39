import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatCheckpoint } from './checkpoint.js';
import { verifyCosignature } from './cosignature.js';
import { MerkleTree, hashLeaf } from './merkle.js';
import { generateSignerKey, parseSignerKey, signNote, type Ed25519NoteSigner } from './note.js';
import { formatAddCheckpointRequest } from './witness-core.js';
import { buildWitnessServer } from './witness.server.js';
import {
  addTrustedLog,
  commitWitnessState,
  initWitnessDir,
  readTrustedLogs,
  readWitnessState,
  StaleWitnessStateError,
} from './witness.state.js';

const ORIGIN = 'truceline.test/log';
const logSigner = parseSignerKey(generateSignerKey(ORIGIN).signerKey);

function tree(size: number, variant = ''): MerkleTree {
  const t = new MerkleTree();
  for (let i = 0; i < size; i += 1) t.append(hashLeaf(Buffer.from(`${variant}entry ${i}`)));
  return t;
}

function note(t: MerkleTree, size: number, signer: Ed25519NoteSigner = logSigner): string {
  return signNote(formatCheckpoint({ origin: signer.name, size, rootHash: t.root(size) }), [signer]);
}

function body(old: number, t: MerkleTree, size: number, signer?: Ed25519NoteSigner): string {
  return formatAddCheckpointRequest(
    old,
    old === 0 ? [] : t.consistencyProof(old, size),
    note(t, size, signer),
  );
}

describe('witness server (c2sp.org/tlog-witness add-checkpoint)', () => {
  let dir: string;
  let vkey: string;
  let app: FastifyInstance;
  const now = () => new Date('2026-11-26T10:00:00Z');

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-witness-'));
    ({ verifierKey: vkey } = await initWitnessDir(dir, 'witness.test/ua'));
    await addTrustedLog(dir, logSigner.verifierKey);
    app = await buildWitnessServer({ dir, now });
  });
  afterEach(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function post(payload: string) {
    const res = await app.inject({
      method: 'POST',
      url: '/add-checkpoint',
      payload,
      headers: { 'content-type': 'text/plain' },
    });
    return { status: res.statusCode, body: res.body, type: res.headers['content-type'] };
  }

  async function stored() {
    const state = await readWitnessState(dir, ORIGIN);
    return state && { size: state.size, root: state.rootHash.toString('base64') };
  }

  it('cosigns a first checkpoint and each consistent successor, storing the size before replying', async () => {
    const t = tree(20);
    const first = await post(body(0, t, 10));
    expect(first.status).toBe(200);
    const text = formatCheckpoint({ origin: ORIGIN, size: 10, rootHash: t.root(10) });
    expect(verifyCosignature(text, first.body, vkey)).toMatchObject({
      name: 'witness.test/ua',
      timestamp: now().getTime() / 1000,
    });
    expect(await stored()).toEqual({ size: 10, root: t.root(10).toString('base64') });
    expect((await post(body(10, t, 20))).status).toBe(200);
    expect((await post(body(20, t, 20))).status).toBe(200);
    expect(await stored()).toEqual({ size: 20, root: t.root(20).toString('base64') });
  });

  it('answers 409 with its latest size when the log names another old size', async () => {
    const t = tree(20);
    await post(body(0, t, 10));
    const res = await post(body(5, t, 20));
    expect(res).toMatchObject({ status: 409, body: '10\n', type: 'text/x.tlog.size' });
    expect((await stored())?.size).toBe(10);
  });

  it('rejects a rollback to a smaller tree and keeps its state', async () => {
    const t = tree(20);
    await post(body(0, t, 20));
    expect((await post(formatAddCheckpointRequest(20, [], note(t, 10)))).status).toBe(400);
    expect((await post(body(5, t, 10))).status).toBe(409);
    expect(await stored()).toEqual({ size: 20, root: t.root(20).toString('base64') });
  });

  it('rejects a fork shown to it, at the same size (409) and beyond it (422)', async () => {
    const honest = tree(30);
    await post(body(0, honest, 20));
    const fork = tree(30, 'forked ');
    const sameSize = await post(formatAddCheckpointRequest(20, [], note(fork, 20)));
    expect(sameSize).toMatchObject({ status: 409, body: '20\n' });
    // The forked tree's own proof cannot connect it to the root the witness holds.
    const larger = await post(body(20, fork, 30));
    expect(larger.status).toBe(422);
    expect(larger.body).toMatch(/consistency proof/);
    expect(await stored()).toEqual({ size: 20, root: honest.root(20).toString('base64') });
  });

  it('answers 403 for a bad or untrusted signature and 404 for an unknown origin', async () => {
    const t = tree(5);
    const forged = note(t, 5).replace(/ (\S{10})\S{4}(\S+)\n$/, ' $1AAAA$2\n');
    expect((await post(formatAddCheckpointRequest(0, [], forged))).status).toBe(403);
    const impostor = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    expect((await post(body(0, t, 5, impostor))).status).toBe(403);
    const other = parseSignerKey(generateSignerKey('other.test/log').signerKey);
    expect((await post(body(0, t, 5, other))).status).toBe(404);
    expect((await post('not a request')).status).toBe(400);
    expect(await stored()).toBeUndefined();
  });

  it('serialises concurrent requests: of two built on the same old size, one wins', async () => {
    const t = tree(40);
    await post(body(0, t, 10));
    const results = await Promise.all([post(body(10, t, 20)), post(body(10, t, 30))]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results[0]?.status === 200 ? 20 : 30;
    expect((await stored())?.size).toBe(winner);
  });

  it('remembers its state across restarts', async () => {
    const t = tree(20);
    await post(body(0, t, 20));
    await app.close();
    app = await buildWitnessServer({ dir, now });
    expect((await post(body(0, t, 10))).status).toBe(409);
  });
});

describe('witness directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-witness-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses to overwrite a key and keeps every trusted key of an origin', async () => {
    await initWitnessDir(dir, 'w.test/a');
    await expect(initWitnessDir(dir, 'w.test/a')).rejects.toThrow(/already has a witness key/);
    const rotated = parseSignerKey(generateSignerKey(ORIGIN).signerKey);
    await addTrustedLog(dir, logSigner.verifierKey);
    await addTrustedLog(dir, logSigner.verifierKey);
    await addTrustedLog(dir, rotated.verifierKey);
    expect(await readTrustedLogs(dir)).toEqual([
      { origin: ORIGIN, vkeys: [logSigner.verifierKey, rotated.verifierKey] },
    ]);
    await expect(addTrustedLog(dir, 'nonsense')).rejects.toThrow(/not a log verifier key/);
  });

  it('writes state only over the size the caller read', async () => {
    await initWitnessDir(dir, 'w.test/a');
    const root = tree(3).root();
    await commitWitnessState(dir, ORIGIN, 0, { size: 3, rootHash: root });
    await expect(commitWitnessState(dir, ORIGIN, 0, { size: 5, rootHash: root })).rejects.toBeInstanceOf(
      StaleWitnessStateError,
    );
    expect((await readWitnessState(dir, ORIGIN))?.size).toBe(3);
    expect(fs.readdirSync(path.join(dir, 'state')).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
