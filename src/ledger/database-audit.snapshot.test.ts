import { afterEach, beforeEach, expect, it } from 'vitest';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { auditDatabase } from './database-audit.js';

describeEachDialect('a database audit while the server writes', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  it('reads one snapshot: reports filed and entries sequenced during the audit are never findings', async () => {
    const token = await t.tokenFor('JMVC', ['monitor']);
    let writing = true;
    let filed = 0;
    const writer = (async () => {
      while (writing) {
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/reports',
          headers: { authorization: `Bearer ${token}` },
          payload: sampleInput({ narrative: `Report ${filed}` }),
        });
        expect(res.statusCode, res.body).toBe(201);
        filed += 1;
        // The sequencer moves queued entries into the log as the server's does, between the reads.
        await t.services.ledger.integrateOnce();
      }
    })();
    const audits = [];
    try {
      for (let i = 0; i < 8; i += 1) {
        const report = await auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
        audits.push({ problems: report.logProblems, findings: report.findings });
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(filed).toBeGreaterThan(0);
    expect(audits).toEqual(audits.map(() => ({ problems: [], findings: [] })));
  });
});
