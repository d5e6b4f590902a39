import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { ROW_BINDINGS } from '../../test/support/composition.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { fileThreeSightings, verificationStaff } from '../../test/support/verification.js';
import { auditDatabase } from '../ledger/database-audit.js';
import { findIncidents, INCIDENT_RECORD_KIND, transitionFromRow } from './incident.repository.js';
import { incidentRecords } from './verification.context.js';

describeEachDialect('incidents and their steps bound to the log', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  // The log drained first: the audit reads log_entries and log_queue apart, so an entry the running
  // sequencer moves between the two reads would be missed.
  const audit = async () => {
    while ((await t.services.ledger.integrateOnce()) > 0);
    return auditDatabase(t.services.database.db, { bindings: ROW_BINDINGS });
  };

  /** An incident under review: its id and its one step's. */
  async function incidentUnderReview() {
    const staff = await verificationStaff(t);
    await fileThreeSightings(staff);
    const id: string = (await staff.analyst('GET', '/api/v1/incidents')).json.incidents[0].id;
    const moved = await staff.analyst('POST', `/api/v1/incidents/${id}/transitions`, {
      to: 'under_review',
      reason: 'taking it',
    });
    expect(moved.status).toBe(200);
    const step = await t.services.database.db
      .selectFrom('incident_transitions')
      .selectAll()
      .where('incident_id', '=', id)
      .executeTakeFirstOrThrow();
    return { id, step };
  }

  it('finds a changed owner of an incident and a changed order of its steps', async () => {
    const { id, step } = await incidentUnderReview();
    expect((await audit()).findings).toEqual([]);
    const db = t.services.database.db;
    const { owner_organisation_id: owner } = await db
      .selectFrom('incidents')
      .select('owner_organisation_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await db.updateTable('incidents').set({ owner_organisation_id: 'UA' }).where('id', '=', id).execute();
    expect((await audit()).findings).toEqual([
      expect.objectContaining({ table: 'incidents', id, check: 'edited' }),
    ]);
    await db.updateTable('incidents').set({ owner_organisation_id: owner }).where('id', '=', id).execute();
    await db.updateTable('incident_transitions').set({ seq: 7 }).where('id', '=', step.id).execute();
    expect((await audit()).findings).toEqual([
      expect.objectContaining({ table: 'incident_transitions', id: step.id, check: 'edited' }),
    ]);
    await db.updateTable('incident_transitions').set({ seq: step.seq }).where('id', '=', step.id).execute();
    expect((await audit()).findings).toEqual([]);
  });

  it('still accepts entries logged before the owner and the order were', async () => {
    const { id, step } = await incidentUnderReview();
    const db = t.services.database.db;
    const [incident] = await findIncidents(db, [id]);
    if (incident === undefined) throw new Error('no incident');
    const before = incidentRecords(incident)[1];
    expect(before).not.toHaveProperty('owner');
    // The latest entries in the shapes an older release logged.
    await t.services.ledger.appender.recordMany(db, [
      {
        kind: 'incident.assessed',
        recordKind: INCIDENT_RECORD_KIND,
        recordId: id,
        marking: incident.marking,
        record: before,
      },
      {
        kind: 'incident.transition',
        recordKind: 'incident-transition',
        recordId: step.id,
        marking: incident.marking,
        record: transitionFromRow(step),
      },
    ]);
    expect((await audit()).findings).toEqual([]);
  });
});
