import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { auditDatabase } from './database-audit.js';

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
  const audit = async () => {
    while ((await t.services.ledger.integrateOnce()) > 0);
    return auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
  };

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
