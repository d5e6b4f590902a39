import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { withEditRolledBack } from '../../test/support/rolled-back.js';
import { formatCheckpoint, parseCheckpoint } from './checkpoint.js';
import { previousCheckpointLine } from './checkpoint-chain.js';
import { auditDatabase } from './database-audit.js';
import { enqueueEntries, reserveQueueNumbers } from './ledger.repository.js';
import { toLogItem } from './log-item.js';
import { parseNote, signNote } from './note.js';

describeEachDialect('database audit: queue numbers and stored checkpoints', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.tokenFor('JMVC', ['analyst']);
    while ((await t.services.ledger.integrateOnce()) > 0);
  });
  afterEach(() => t.close());

  // The log drained first: the audit reads log_entries and log_queue apart, so an entry the running
  // sequencer moves between the two reads would be missed.
  const logKey = () => t.services.ledger.sequencer.signer.verifierKey;
  const audit = async () => {
    while ((await t.services.ledger.integrateOnce()) > 0);
    return auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS, logKeys: [logKey()] });
  };
  /** The log entries whose records are logged in full, in log order. */
  const clearEntries = async () =>
    (
      await t.services.database.db
        .selectFrom('log_entries')
        .select(['idx', 'queue_seq', 'data'])
        .orderBy('idx')
        .execute()
    ).filter((e) => !e.data.toString('utf8').includes('"confidential"'));
  /** Integrates what is queued now as its own batch: one more stored checkpoint. */
  const newCheckpoint = async (organisationId: string) => {
    await t.tokenFor(organisationId, ['observer']);
    while ((await t.services.ledger.integrateOnce()) > 0);
  };
  const storedSizes = async () =>
    (await t.services.database.db.selectFrom('log_checkpoints').select('size').orderBy('size').execute()).map(
      (r) => Number(r.size),
    );

  it("finds a CLEAR entry's queue number moved to an unused one, or swapped with another's", async () => {
    expect((await audit()).logProblems).toEqual([]);
    const db = t.services.database.db;
    const [first, second] = await clearEntries();
    if (first === undefined || second === undefined) throw new Error('the app logged no CLEAR entries');
    const moved = Number(first.queue_seq) + 100_000;
    await sql`update log_entries set queue_seq = ${moved} where idx = ${first.idx}`.execute(db);
    expect((await audit()).logProblems).toEqual([
      `log_entries: entry ${Number(first.idx)}: queue_seq column says ${moved}, its data ${Number(first.queue_seq)}`,
    ]);
    // The swap (the first entry's number parked at `moved`, as queue_seq is unique).
    await sql`update log_entries set queue_seq = ${first.queue_seq} where idx = ${second.idx}`.execute(db);
    await sql`update log_entries set queue_seq = ${second.queue_seq} where idx = ${first.idx}`.execute(db);
    const problems = (await audit()).logProblems.join('\n');
    expect(problems).toContain(
      `log_entries: entry ${Number(first.idx)}: queue_seq column says ${Number(second.queue_seq)}`,
    );
    expect(problems).toContain(
      `log_entries: entry ${Number(second.idx)}: queue_seq column says ${Number(first.queue_seq)}`,
    );
  });

  it('finds a queued entry stored under another queue number than it logs', async () => {
    const db = t.services.database.db;
    await t.tokenFor('UA', ['observer']);
    const queued = await db.selectFrom('log_queue').select('seq').orderBy('seq').execute();
    const last = queued.at(-1);
    if (last === undefined) throw new Error('nothing queued');
    await sql`update log_queue set seq = seq + 100000 where seq = ${last.seq}`.execute(db);
    const report = await auditDatabase(db, { bindings: ROW_BINDINGS });
    expect(report.logProblems.join('\n')).toContain(
      `log_queue: queued entry ${Number(last.seq) + 100_000}: its entry logs queue number ${Number(last.seq)}`,
    );
  });

  it('never gives a queue number twice, also after the queue emptied', async () => {
    const db = t.services.database.db;
    const before = await clearEntries();
    const highest = Math.max(...before.map((e) => Number(e.queue_seq)));
    expect(await db.selectFrom('log_queue').select('seq').execute()).toEqual([]);
    await newCheckpoint('UA');
    const after = await db
      .selectFrom('log_entries')
      .select(['queue_seq', 'data'])
      .where('idx', '>=', before.length)
      .execute();
    expect(after.length).toBeGreaterThan(0);
    for (const e of after) {
      expect(Number(e.queue_seq)).toBeGreaterThan(highest);
      expect((JSON.parse(e.data.toString('utf8')) as { q: unknown }).q).toBe(Number(e.queue_seq));
    }
  });

  it('accepts an entry written before entries logged their queue number, under any number', async () => {
    const db = t.services.database.db;
    const change = {
      kind: 'organisation.renamed',
      recordKind: 'organisation',
      recordId: 'an-old-one',
      marking: 'CLEAR' as const,
      record: { id: 'an-old-one', name: 'Old', kind: 'party' },
    };
    // An entry in the shape of earlier releases: no `q`.
    const legacy = toLogItem(change, '2026-11-01T00:00:00.000Z');
    expect(JSON.parse(legacy.data.toString('utf8'))).not.toHaveProperty('q');
    await db.transaction().execute(async (tx) => {
      const [seq] = (await reserveQueueNumbers(tx, 1)) as [number];
      await enqueueEntries(tx, [{ seq, ...legacy, createdAt: '2026-11-01T00:00:00.000Z' }]);
    });
    expect((await audit()).logProblems).toEqual([]);
    await sql`update log_entries set queue_seq = queue_seq + 100000 where data = ${legacy.data}`.execute(db);
    expect((await audit()).logProblems).toEqual([]);
  });

  it('finds a stored checkpoint deleted in the middle, or the oldest, that no witness cosigned', async () => {
    for (const org of ['UA', 'RU', 'US']) await newCheckpoint(org);
    const sizes = await storedSizes();
    expect(sizes.length).toBeGreaterThan(3);
    expect((await audit()).logProblems).toEqual([]);
    for (const deleted of [sizes[1], sizes[0]] as number[]) {
      const report = await withEditRolledBack(
        t.services.database.db,
        (tx) => tx.deleteFrom('log_checkpoints').where('size', '=', deleted).execute(),
        (tx) => auditDatabase(tx, { bindings: ROW_BINDINGS, logKeys: [logKey()] }),
      );
      const successor = sizes[sizes.indexOf(deleted) + 1] as number;
      expect(report.logProblems).toEqual([
        `log_checkpoints: checkpoint at size ${successor}: names its predecessor at size ${deleted}, which is not stored (the checkpoint at size ${deleted} deleted?)`,
      ]);
    }
  });

  it('accepts checkpoints signed before the chain, only before the first chained one', async () => {
    for (const org of ['UA', 'RU', 'US']) await newCheckpoint(org);
    const db = t.services.database.db;
    const stored = await db.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size').execute();
    const signer = t.services.ledger.sequencer.signer;
    /** The stored checkpoints signed again, the first `legacy` of them without the chain's line. */
    const resign = async (legacy: number, without: number[] = []) => {
      let previous: { size: number; note: string } | undefined;
      for (const [i, row] of stored.entries()) {
        const { origin, size, rootHash } = parseCheckpoint(parseNote(row.note).text);
        const chained = i >= legacy && previous !== undefined && !without.includes(size);
        const extensions = chained && previous ? [previousCheckpointLine(previous)] : [];
        const note = signNote(formatCheckpoint({ origin, size, rootHash, extensions }), [signer]);
        await db.updateTable('log_checkpoints').set({ note }).where('size', '=', row.size).execute();
        previous = { size, note };
      }
    };
    await resign(2);
    expect((await audit()).logProblems).toEqual([]);
    // The first chained checkpoint names the last legacy one: deleting that one is found too.
    const lastLegacy = Number(stored[1]?.size);
    const report = await withEditRolledBack(
      db,
      (tx) => tx.deleteFrom('log_checkpoints').where('size', '=', lastLegacy).execute(),
      (tx) => auditDatabase(tx, { bindings: ROW_BINDINGS, logKeys: [logKey()] }),
    );
    expect(report.logProblems.join('\n')).toContain(
      `names its predecessor at size ${lastLegacy}, which is not stored`,
    );
    // A checkpoint without the line after a chained one was not signed by this release.
    const late = Number(stored[3]?.size);
    await resign(2, [late]);
    expect((await audit()).logProblems).toContain(
      `log_checkpoints: checkpoint at size ${late}: names no predecessor, but checkpoints stored before it do (not signed by this log?)`,
    );
  });

  it('finds a confidential entry moved to another queue number, away from its salt', async () => {
    expect((await audit()).logProblems).toEqual([]);
    const db = t.services.database.db;
    const salt = await db
      .selectFrom('log_commitments')
      .select(['queue_seq'])
      .orderBy('queue_seq', 'desc')
      .executeTakeFirstOrThrow();
    await sql`update log_entries set queue_seq = queue_seq + 1000 where queue_seq = ${salt.queue_seq}`.execute(
      db,
    );
    const problems = (await audit()).logProblems.join('\n');
    expect(problems).toMatch(/log_commitments: the salt of \S+ at queue_seq \d+: no confidential entry/);
    expect(problems).toMatch(/log_entries: entry \d+ \(queue_seq \d+\): no salt is kept for it/);
  });

  it('finds a salt kept for another record than its entry commits to', async () => {
    const db = t.services.database.db;
    await sql`update log_commitments set record_id = 'someone-else' where queue_seq = (select max(queue_seq) from log_commitments)`.execute(
      db,
    );
    expect((await audit()).logProblems.join('\n')).toMatch(
      /commits to \S+, but its salt is kept for \S+\/someone-else/,
    );
  });

  it('finds the newest checkpoint deleted, and cosignatures of a checkpoint not stored', async () => {
    const db = t.services.database.db;
    await t.tokenFor('UA', ['observer']);
    while ((await t.services.ledger.integrateOnce()) > 0);
    const newest = await db
      .selectFrom('log_checkpoints')
      .select('size')
      .orderBy('size', 'desc')
      .executeTakeFirstOrThrow();
    const count = await db
      .selectFrom('log_checkpoints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThan(1);
    await db.deleteFrom('log_checkpoints').where('size', '=', newest.size).execute();
    expect((await audit()).logProblems.join('\n')).toMatch(
      new RegExp(`log_checkpoints: none at log_state's size ${Number(newest.size)}`),
    );
    await db
      .insertInto('log_cosignatures')
      .values({ size: 1, witness: 'w', signature_line: '— w AAAA', created_at: '2026-11-26T08:00:00.000Z' })
      .execute();
    expect((await audit()).logProblems.join('\n')).toMatch(
      /log_cosignatures: witnesses cosigned a checkpoint at size 1 that is not stored/,
    );
  });
});
