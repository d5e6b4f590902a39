import { afterEach, beforeEach, expect, it } from 'vitest';
import { fileReport, sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';

interface EventView {
  id: string;
  kind: string;
  recordId: string;
  marking: string;
  summary: Record<string, unknown>;
}

describeEachDialect('report and incident events', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const file = (token: string, input: Record<string, unknown>) => fileReport(t, token, input);
  /** The events the principal may see, as the JSON form of the stream answers them. */
  async function eventsOf(token: string, after?: string): Promise<EventView[]> {
    const url = `/api/v1/events${after === undefined ? '' : `?after=${encodeURIComponent(after)}`}`;
    const res = await t.app.inject({ url, headers: as(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ events: EventView[] }>().events;
  }

  it('announces a UA AMBER report to UA and the commission, never to RU', async () => {
    const uaMonitor = await t.tokenFor('UA', ['monitor']);
    const ua = await t.tokenFor('UA', ['liaison']);
    const ru = await t.tokenFor('RU', ['liaison']);
    const jmvc = await t.tokenFor('JMVC', ['analyst']);
    const amber = await file(uaMonitor, sampleInput({ marking: 'AMBER' }));
    const submitted = (events: EventView[]) =>
      events.filter((e) => e.kind === 'report.submitted').map((e) => e.recordId);

    expect(submitted(await eventsOf(ua))).toEqual([amber]);
    expect(submitted(await eventsOf(jmvc))).toEqual([amber]);
    const seenByRu = await eventsOf(ru);
    expect(seenByRu.some((e) => e.recordId === amber || e.kind.startsWith('report.'))).toBe(false);
    const [event] = (await eventsOf(ua)).filter((e) => e.recordId === amber);
    expect(event?.marking).toBe('AMBER');
    // Only what the summary may say: no place, narrative or source, and no category mapped from the
    // SMM code the report gave (that is the judging version speaking).
    expect(Object.keys(event?.summary ?? {}).sort()).toEqual(['observedFrom', 'reportId', 'revision']);

    // A CLEAR report reaches RU too, and resumes after an id as Last-Event-ID does.
    const last = seenByRu.at(-1)?.id;
    const clear = await file(uaMonitor, sampleInput({ marking: 'CLEAR', narrative: 'Open-source video.' }));
    expect(submitted(await eventsOf(ru, last))).toEqual([clear]);
  });

  it('announces the incident a report opens to those who may read incidents', async () => {
    const uaMonitor = await t.tokenFor('UA', ['monitor']);
    const jmvc = await t.tokenFor('JMVC', ['analyst']);
    const id = await file(uaMonitor, sampleInput({ marking: 'GREEN' }));
    const opened = (await eventsOf(jmvc)).filter((e) => e.kind === 'incident.opened');
    expect(opened).toHaveLength(1);
    // The incident is addressed to the body's voting members (US, EUC): a US commissioner hears of it,
    // a US guarantor officer (no incidents:read) does not, though the report itself is GREEN.
    const usCommissioner = await t.tokenFor('US', ['commissioner']);
    const usGuarantor = await t.tokenFor('US', ['guarantor']);
    const kinds = async (token: string) => (await eventsOf(token)).map((e) => e.kind);
    expect(await kinds(usCommissioner)).toEqual(['report.submitted', 'incident.opened']);
    expect(await kinds(usGuarantor)).toEqual(['report.submitted']);
    // Two more reports of the same explosion in one batch: one announcement of the incident they join.
    const batch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: as(uaMonitor),
      payload: {
        reports: [
          sampleInput({ marking: 'GREEN', counts: { events: 2 } }),
          sampleInput({ marking: 'GREEN', counts: { events: 4 } }),
        ],
      },
    });
    expect(batch.statusCode, batch.body).toBe(201);
    await t.services.monitoring.reports.settled();
    const regrouped = (await eventsOf(jmvc)).filter((e) => e.kind === 'incident.regrouped');
    expect(regrouped.map((e) => e.recordId)).toEqual([opened[0]!.recordId]);
    const incident = await t.app.inject({
      url: `/api/v1/incidents/${opened[0]!.recordId}`,
      headers: as(jmvc),
    });
    expect(incident.statusCode, incident.body).toBe(200);
    expect(incident.body).toContain(id);
  });
});
