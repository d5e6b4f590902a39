import { clearChange } from '../../test/support/ledger.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from '../db/connect.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect, freshDatabase } from '../../test/support/databases.js';
import { openCheckpoint } from './checkpoint.js';
import { cosignatureVerifier } from './cosignature.js';
import type { CosigningError } from './cosigning.service.js';
import { cosignaturesAt, readEntries, upsertWitness } from './ledger.repository.js';
import { Ledger } from './ledger.service.js';
import { ed25519Verifier, generateSignerKey, parseSignerKey } from './note.js';
import { verifyReceipt } from './proof.js';
import { buildWitnessServer } from './witness.server.js';
import { addTrustedLog, initWitnessDir } from './witness.state.js';

const signer = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
const now = () => new Date('2026-11-26T10:00:00Z');

/** A witness in a temp dir, listening on 127.0.0.1 on a free port. */
async function startWitness(trust: string[] = [signer.verifierKey]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cosign-'));
  const { verifierKey } = await initWitnessDir(dir, 'witness.test/ua');
  for (const vkey of trust) await addTrustedLog(dir, vkey);
  const app: FastifyInstance = await buildWitnessServer({ dir });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    vkey: verifierKey,
    url,
    close: async () => {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function appendMany(db: Db, ledger: Ledger, n: number, tag = 'x'): Promise<void> {
  for (let i = 0; i < n; i += 1)
    await db.db.transaction().execute((tx) => ledger.record(tx, clearChange('test.cosigned', { tag, i })));
}

describeEachDialect('log-side cosigning', (dialect) => {
  let db: Db & { drop(): Promise<void> };
  let ledger: Ledger;
  let witness: Awaited<ReturnType<typeof startWitness>>;
  let errors: string[];
  beforeEach(async () => {
    db = await freshDatabase(dialect);
    ledger = new Ledger(db.db, dialect, signer, now, { batchSize: 100, intervalMs: 10 });
    errors = [];
    ledger.onError((err) => errors.push((err as CosigningError).message));
    witness = await startWitness();
    await upsertWitness(db.db, { name: 'ua', vkey: witness.vkey, url: witness.url });
  });
  afterEach(async () => {
    await ledger.stop();
    await witness.close();
    await db.drop();
  });

  it('stores verified cosignatures, attaches them to the checkpoint, and receipts meet a quorum of 1', async () => {
    await appendMany(db, ledger, 5);
    await ledger.integrateOnce();
    expect(await ledger.sequencer.cosigning.runOnce()).toEqual([
      { witness: 'ua', size: 5, status: 'cosigned' },
    ]);
    await appendMany(db, ledger, 4);
    await ledger.integrateOnce();
    expect((await ledger.sequencer.cosigning.runOnce())[0]?.status).toBe('cosigned');
    expect((await ledger.sequencer.cosigning.runOnce())[0]?.status).toBe('up-to-date');

    const checkpoint = await ledger.reader.checkpoint();
    const opened = openCheckpoint(checkpoint?.note ?? '', [ed25519Verifier(signer.verifierKey)], {
      otherVerifiers: [cosignatureVerifier(witness.vkey)],
    });
    expect(opened.note.signatures.filter((s) => s.verified).map((s) => s.name)).toEqual([
      'truceline.test/log',
      'witness.test/ua',
    ]);
    const [entry] = await readEntries(db.db, 2, 3);
    const policy = {
      log: ed25519Verifier(signer.verifierKey),
      witnesses: [cosignatureVerifier(witness.vkey)],
      quorum: 1,
    };
    expect(
      verifyReceipt(await ledger.reader.receipt(2), entry?.data ?? Buffer.alloc(0), policy).cosignatures,
    ).toEqual([
      {
        name: 'witness.test/ua',
        keyId: cosignatureVerifier(witness.vkey).keyId,
        timestamp: expect.any(Number),
      },
    ]);
    expect(errors).toEqual([]);
  });

  it('recovers when its record of the witness is lost: takes the size from the 409 and retries', async () => {
    await appendMany(db, ledger, 3);
    await ledger.integrateOnce();
    await ledger.sequencer.cosigning.runOnce();
    await db.db.deleteFrom('log_cosignatures').execute();
    await appendMany(db, ledger, 3);
    await ledger.integrateOnce();
    expect((await ledger.sequencer.cosigning.runOnce())[0]?.status).toBe('cosigned');
    expect((await cosignaturesAt(db.db, 6)).map((c) => c.witness)).toEqual(['ua']);
  });

  it('logs a witness that is down or refuses, and integration goes on', async () => {
    await upsertWitness(db.db, { name: 'down', vkey: witness.vkey, url: 'http://127.0.0.1:9' });
    const strict = await startWitness([]);
    try {
      await upsertWitness(db.db, { name: 'strict', vkey: strict.vkey, url: strict.url });
      await appendMany(db, ledger, 2);
      expect(await ledger.integrateOnce()).toBe(2);
      const outcomes = await ledger.sequencer.cosigning.runOnce();
      expect(outcomes.map((o) => [o.witness, o.status])).toEqual([
        ['down', 'failed'],
        ['strict', 'failed'],
        ['ua', 'cosigned'],
      ]);
      expect(errors.join('\n')).toMatch(
        /witness down \(http:\/\/127\.0\.0\.1:9\) did not cosign size 2: cannot reach/,
      );
      expect(errors.join('\n')).toMatch(/witness strict .* HTTP 404: unknown origin/);
      expect((await cosignaturesAt(db.db, 2)).map((c) => c.witness)).toEqual(['ua']);
      await appendMany(db, ledger, 1);
      expect(await ledger.integrateOnce()).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it('cannot get a fork cosigned: the witness refuses a second log under the same key', async () => {
    await appendMany(db, ledger, 4, 'honest');
    await ledger.integrateOnce();
    await ledger.sequencer.cosigning.runOnce();
    // The fork lives in another database (SQLite: two fresh PostgreSQL schemas at once trip Kysely's migrator).
    const other = await freshDatabase('sqlite');
    const fork = new Ledger(other.db, 'sqlite', signer, now);
    try {
      await upsertWitness(other.db, { name: 'ua', vkey: witness.vkey, url: witness.url });
      await appendMany(other, fork, 6, 'forked');
      await fork.integrateOnce();
      const [outcome] = await fork.sequencer.cosigning.runOnce();
      expect(outcome).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^HTTP 422/) });
      expect(await cosignaturesAt(other.db, 6)).toEqual([]);
    } finally {
      await fork.stop();
      await other.drop();
    }
  });
});

describeEachDialect('cosignatures over HTTP', (dialect) => {
  let t: TestApp;
  let witness: Awaited<ReturnType<typeof startWitness>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    witness = await startWitness([t.services.ledger.reader.verifierKey]);
  });
  afterEach(async () => {
    await t.close();
    await witness.close();
  });

  it('serves checkpoints the sequencer got cosigned, and receipts that verify with the witness', async () => {
    await upsertWitness(t.services.database.db, { name: 'ua', vkey: witness.vkey, url: witness.url });
    const admin = await t.tokenFor('JMVC', ['admin']);
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: `Bearer ${admin}`, prefer: 'receipt' },
      payload: { name: 'Monitoring NGO', kind: 'humanitarian', id: 'NGO' },
    });
    const index = Number(created.headers['x-log-entries']);
    const deadline = Date.now() + 5000;
    let note = '';
    while (Date.now() < deadline) {
      const size = (await t.services.ledger.reader.checkpoint())?.size ?? 0;
      note = (await t.app.inject({ url: '/log/checkpoint' })).body;
      if (size > index && note.includes('— witness.test/ua ')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(note).toContain('— witness.test/ua ');
    const receipt = (await t.app.inject({ url: `/api/v1/log/entries/${index}/receipt` })).body;
    const [entry] = await t.services.ledger.entries(index, index + 1);
    const verified = verifyReceipt(receipt, entry?.data ?? Buffer.alloc(0), {
      log: ed25519Verifier(t.services.ledger.reader.verifierKey),
      witnesses: [cosignatureVerifier(witness.vkey)],
      quorum: 1,
    });
    expect(verified.cosignatures.map((c) => c.name)).toEqual(['witness.test/ua']);
  });
});
