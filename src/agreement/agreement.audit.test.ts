import fs from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { agreementVersionLogRecords } from './agreement.bindings.js';
import { AGREEMENT_RECORD_KIND } from './agreement.repository.js';

const ILLUSTRATIVE = fs.readFileSync('examples/illustrative-framework.yaml', 'utf8');
const KOREA = fs.readFileSync('examples/korean-armistice-1953.yaml', 'utf8');

describeEachDialect('agreement versions bound to the log', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(() => t.close());

  // The log drained first: the audit reads log_entries and log_queue apart, so an entry the running
  // sequencer moves between the two reads would be missed.
  const audit = async () => {
    while ((await t.services.ledger.integrateOnce()) > 0);
    return auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
  };

  it('finds a changed load time, owner, source file or its name, of a version logged in full or as a commitment', async () => {
    const clear = await t.services.agreements.load(CONSOLE_ACTOR, {
      text: ILLUSTRATIVE,
      fileName: 'framework.yaml',
      marking: 'CLEAR',
    });
    const green = await t.services.agreements.load(CONSOLE_ACTOR, { text: KOREA, fileName: 'korea.yaml' });
    expect((await audit()).findings).toEqual([]);
    const db = t.services.database.db;
    for (const id of [clear.version.id, green.version.id])
      for (const column of ['loaded_at', 'source_name', 'owner_organisation_id', 'source_text'] as const) {
        const before = await db
          .selectFrom('agreement_versions')
          .select(column)
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const value = {
          loaded_at: '2020-01-01T00:00:00.000Z',
          source_name: 'other.yaml',
          // Who owns a version decides who may read it when it is confidential.
          owner_organisation_id: 'RU',
          source_text: `${String(before[column])}\n# edited`,
        }[column];
        await db
          .updateTable('agreement_versions')
          .set({ [column]: value })
          .where('id', '=', id)
          .execute();
        expect((await audit()).findings, `${id} ${column}`).toEqual([
          expect.objectContaining({ table: 'agreement_versions', id, check: 'edited' }),
        ]);
        await db.updateTable('agreement_versions').set(before).where('id', '=', id).execute();
      }
    expect((await audit()).findings).toEqual([]);
  });

  it('still accepts an entry logged before the load time, file and owner were, and answers its record', async () => {
    const { version } = await t.services.agreements.load(CONSOLE_ACTOR, {
      text: KOREA,
      fileName: 'korea.yaml',
    });
    const sourceText = (
      await t.services.database.db
        .selectFrom('agreement_versions')
        .select('source_text')
        .where('id', '=', version.id)
        .executeTakeFirstOrThrow()
    ).source_text;
    const [, , before] = agreementVersionLogRecords({ ...version, sourceText });
    expect(before).not.toHaveProperty('loadedAt');
    expect(before).not.toHaveProperty('owner');
    // The version's latest entry in the shape an older release logged.
    await t.services.ledger.appender.record(t.services.database.db, {
      kind: 'agreement.loaded',
      recordKind: AGREEMENT_RECORD_KIND,
      recordId: version.id,
      marking: version.marking,
      record: before,
    });
    expect((await audit()).findings).toEqual([]);
    // The commitment API answers, for each entry, the record that entry committed to.
    while ((await t.services.ledger.integrateOnce()) > 0);
    const text = (await t.services.ledger.entries(0, 10_000)).map((e) => e.data.toString()).join('\n');
    const analyst = await t.tokenFor('JMVC', ['analyst']);
    const res = await t.app.inject({
      url: `/api/v1/agreement/versions/${version.id}/commitment`,
      headers: { authorization: `Bearer ${analyst}` },
    });
    const answers = res.json<{ record: unknown; commitment: string }[]>();
    expect(answers).toHaveLength(2);
    expect(answers[0]?.record).toHaveProperty('sourceName', 'korea.yaml');
    expect(answers[1]?.record).toEqual(before);
    for (const a of answers) expect(text).toContain(a.commitment);
  });
});
