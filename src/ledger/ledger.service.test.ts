import { clearChange } from '../../test/support/ledger.js';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from '../db/connect.js';
import { describeEachDialect, freshDatabase } from '../../test/support/databases.js';
import { canonicalBytes } from './canonical-json.js';
import { openCheckpoint } from './checkpoint.js';
import { countQueued, findCommitmentSalts, readEntries } from './ledger.repository.js';
import { Ledger, recordCommitment } from './ledger.service.js';
import { verifyInclusion } from './merkle-verify.js';
import { hashLeaf } from './merkle.js';
import { ed25519Verifier, generateSignerKey, parseSignerKey } from './note.js';
import { verifyReceipt } from './proof.js';

const signer = parseSignerKey(generateSignerKey('truceline.test/log').signerKey);
const now = () => new Date('2026-11-26T10:00:00Z');

describeEachDialect('ledger service', (dialect) => {
  let db: Db & { drop(): Promise<void> };
  let ledger: Ledger;
  beforeEach(async () => {
    db = await freshDatabase(dialect);
    ledger = new Ledger(db.db, dialect, signer, now, { batchSize: 100, intervalMs: 10 });
  });
  afterEach(async () => {
    await ledger.stop();
    await db.drop();
  });

  it('writes an entry only if the state change commits', async () => {
    await expect(
      db.db.transaction().execute(async (tx) => {
        await ledger.record(tx, clearChange('test.rolled-back', { n: 1 }));
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow(/state change failed/);
    await db.db.transaction().execute((tx) => ledger.record(tx, clearChange('test.committed', { n: 2 })));
    expect(await ledger.integrateOnce()).toBe(1);
    const [entry] = await readEntries(db.db, 0, 10);
    expect(entry?.kind).toBe('test.committed');
    expect(JSON.parse(entry?.data.toString() ?? '{}')).toEqual({
      at: now().toISOString(),
      kind: 'test.committed',
      // Its queue number: the rolled-back entry's may or may not be taken again (SQLite, PostgreSQL).
      q: entry?.queueSeq,
      record: { n: 2 },
      v: 1,
    });
  });

  it('numbers concurrent appends contiguously, in batches, each batch with a signed checkpoint', async () => {
    await Promise.all(
      Array.from({ length: 250 }, (_, i) =>
        db.db.transaction().execute((tx) => ledger.record(tx, clearChange('test.concurrent', { i }))),
      ),
    );
    expect(await ledger.integrateOnce()).toBe(100);
    expect(await ledger.integrateOnce()).toBe(100);
    expect(await ledger.integrateOnce()).toBe(50);
    expect(await ledger.integrateOnce()).toBe(0);
    const entries = await readEntries(db.db, 0, 1000);
    expect(entries.map((e) => e.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const records = entries
      .map((e) => (JSON.parse(e.data.toString()) as { record: { i: number } }).record.i)
      .sort((a, b) => a - b);
    expect(records).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const checkpoint = await ledger.reader.checkpoint();
    const opened = openCheckpoint(checkpoint?.note ?? '', [ed25519Verifier(signer.verifierKey)], {
      origin: 'truceline.test/log',
    });
    expect(opened.checkpoint.size).toBe(250);
    const proof = ledger.reader.inclusionProof(123, 250);
    expect(
      verifyInclusion(
        123,
        250,
        entries[123]?.leafHash ?? Buffer.alloc(32),
        proof,
        opened.checkpoint.rootHash,
      ),
    ).toBe(true);
  });

  it('integrates entries committed in quick succession together, not one checkpoint per commit', async () => {
    const paced = new Ledger(db.db, dialect, signer, now, {
      batchSize: 100,
      intervalMs: 10_000,
      minGapMs: 300,
    });
    paced.start();
    try {
      for (let i = 0; i < 6; i++) {
        await db.db.transaction().execute((tx) => paced.record(tx, clearChange('test.paced', { i })));
        await new Promise((r) => setTimeout(r, 20));
      }
      await paced.awaiter.waitForIndices([1, 2, 3, 4, 5, 6], 5000);
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from log_checkpoints`.execute(
        db.db,
      );
      // Without the gap each commit's wake integrated 2 ms later: six checkpoints.
      expect(Number(rows[0]?.n)).toBeLessThanOrEqual(2);
    } finally {
      await paced.stop();
    }
  });

  it('issues receipts that verify offline with the published key', async () => {
    await db.db
      .transaction()
      .execute((tx) => ledger.record(tx, clearChange('test.receipt', { hello: 'world' })));
    ledger.start();
    const [index] = await ledger.awaiter.waitForIndices([1], 5000);
    expect(index).toBe(0);
    const receipt = await ledger.reader.receipt(0);
    const [entry] = await readEntries(db.db, 0, 1);
    const verified = verifyReceipt(receipt, entry?.data ?? Buffer.alloc(0), {
      log: ed25519Verifier(signer.verifierKey),
    });
    expect(verified.index).toBe(0);
    expect(() =>
      verifyReceipt(receipt, Buffer.from('something else'), { log: ed25519Verifier(signer.verifierKey) }),
    ).toThrow();
  });

  it('continues after a restart: queued entries of a crashed process are integrated by the next one', async () => {
    await db.db.transaction().execute((tx) => ledger.record(tx, clearChange('test.before', { n: 1 })));
    await ledger.integrateOnce();
    await db.db.transaction().execute((tx) => ledger.record(tx, clearChange('test.queued', { n: 2 })));
    // The first process dies here; a new one starts over the same database.
    const next = new Ledger(db.db, dialect, signer, now);
    await next.refresh();
    expect(next.reader.size).toBe(1);
    expect(await next.integrateOnce()).toBe(1);
    expect(next.reader.size).toBe(2);
    expect(await countQueued(db.db)).toBe(0);
    const checkpoint = await next.reader.checkpoint();
    expect(checkpoint?.size).toBe(2);
  });

  it('lets two processes share one log without gaps or duplicates', async () => {
    const other = new Ledger(db.db, dialect, signer, now, { batchSize: 7, intervalMs: 5 });
    ledger.start();
    other.start();
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        db.db
          .transaction()
          .execute((tx) => (i % 2 ? ledger : other).record(tx, clearChange('test.shared', { i }))),
      ),
    );
    const deadline = Date.now() + 10_000;
    while ((await countQueued(db.db)) > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    await other.stop();
    await ledger.stop();
    const entries = await readEntries(db.db, 0, 1000);
    expect(entries.map((e) => e.index)).toEqual(Array.from({ length: 120 }, (_, i) => i));
    await other.refresh();
    await ledger.refresh();
    expect(other.reader.size).toBe(120);
    expect(ledger.reader.inclusionProof(5, 120)).toEqual(other.reader.inclusionProof(5, 120));
  });

  it('logs a salted commitment for a confidential record, checkable by whoever holds the salt', async () => {
    const site = { id: 'site-7', name: 'Field hospital', position: [37.8012, 48.0123] };
    const seq = await db.db.transaction().execute((tx) =>
      ledger.record(tx, {
        kind: 'notification.site',
        recordKind: 'notification',
        recordId: 'site-7',
        marking: 'AMBER',
        record: site,
      }),
    );
    await ledger.integrateOnce();
    const [entry] = await readEntries(db.db, 0, 1);
    const text = entry?.data.toString() ?? '';
    expect(text).not.toContain('48.0123');
    expect(text).not.toContain('Field hospital');
    const [salt] = await findCommitmentSalts(db.db, 'notification', 'site-7');
    expect(salt?.queueSeq).toBe(seq);
    const logged = JSON.parse(text) as { confidential: { commitment: string } };
    expect(logged.confidential.commitment).toBe(recordCommitment(salt?.salt ?? Buffer.alloc(0), site));
    expect(logged.confidential.commitment).not.toBe(
      recordCommitment(salt?.salt ?? Buffer.alloc(0), { ...site, name: 'Depot' }),
    );
  });

  it('refuses an entry over 65,535 bytes and writes nothing', async () => {
    await expect(
      db.db
        .transaction()
        .execute((tx) => ledger.record(tx, clearChange('test.huge', { blob: 'x'.repeat(70_000) }))),
    ).rejects.toThrow(/at most 65535/);
    expect(await countQueued(db.db)).toBe(0);
  });

  it('hashes exactly the canonical bytes it stores', async () => {
    await db.db
      .transaction()
      .execute((tx) => ledger.record(tx, clearChange('test.canon', { b: 1, a: [true, null, 'é'] })));
    await ledger.integrateOnce();
    const [entry] = await readEntries(db.db, 0, 1);
    expect(entry?.data).toEqual(
      canonicalBytes({
        v: 1,
        kind: 'test.canon',
        at: now().toISOString(),
        q: entry?.queueSeq,
        record: { a: [true, null, 'é'], b: 1 },
      }),
    );
    expect(entry?.leafHash).toEqual(hashLeaf(entry?.data ?? Buffer.alloc(0)));
  });

  it('returns the queue numbers a bulk append was stored under, across statement chunks', async () => {
    const items = Array.from({ length: 1_234 }, (_, i) => clearChange('test.bulk', { i }, `r${i}`));
    const seqs = await db.db.transaction().execute((tx) => ledger.recordMany(tx, items));
    while ((await ledger.integrateOnce()) > 0);
    const entries = await readEntries(db.db, 0, 2_000);
    expect(entries.map((e) => e.queueSeq)).toEqual(seqs);
    // Each entry logs the queue number it was stored under.
    expect(entries.map((e) => (JSON.parse(e.data.toString()) as { q: number }).q)).toEqual(seqs);
    expect(entries.map((e) => (JSON.parse(e.data.toString()) as { record: { i: number } }).record.i)).toEqual(
      items.map((_, i) => i),
    );
  });

  it('integrates around a gap in the queue and takes the late entry in the next batch', async () => {
    // On PostgreSQL a transaction can commit queue number 12 after 13 and 14 are visible.
    const queue = (seq: number) => {
      const data = canonicalBytes({ v: 1, kind: 'test.gap', at: now().toISOString(), record: { seq } });
      return { seq, kind: 'test.gap', data, leaf_hash: hashLeaf(data), created_at: now().toISOString() };
    };
    await db.db.insertInto('log_queue').values([10, 11, 13, 14].map(queue)).execute();
    expect(await ledger.integrateOnce()).toBe(4);
    await db.db.insertInto('log_queue').values(queue(12)).execute();
    expect(await ledger.integrateOnce()).toBe(1);
    const entries = await readEntries(db.db, 0, 10);
    expect(entries.map((e) => [e.index, e.queueSeq])).toEqual([
      [0, 10],
      [1, 11],
      [2, 13],
      [3, 14],
      [4, 12],
    ]);
    for (const e of entries) expect(e.leafHash).toEqual(queue(e.queueSeq).leaf_hash);
    expect(await countQueued(db.db)).toBe(0);
  });
});
