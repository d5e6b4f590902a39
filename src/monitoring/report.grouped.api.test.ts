// Tests read untyped JSON bodies (see the test override in eslint.config.js).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/databases.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';

/** Live submissions arriving together share a transaction (group commit); each still stands alone. */
describeEachDialect('reports API, concurrent submissions', (dialect) => {
  let t: TestApp;
  let monitor: string;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    monitor = await t.tokenFor('JMVC', ['monitor']);
  });
  afterEach(async () => t.close());

  const post = (payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${monitor}` },
      payload: payload as object,
    });
  const reportCount = async () =>
    Number(
      (
        await t.services.database.db
          .selectFrom('reports')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answers each of many concurrent reports with its own stored report and log entry', async () => {
    const inputs = [...Array(8).keys()].map((i) => sampleInput({ narrative: `Concurrent report ${i}.` }));
    const responses = await Promise.all(inputs.map(post));
    for (const res of responses) expect(res.statusCode, res.body).toBe(201);
    const bodies = responses.map((r) => r.json<{ report: { id: string; narrative: string } }>());
    expect(bodies.map((b) => b.report.narrative)).toEqual(inputs.map((i) => i.narrative));
    expect(new Set(bodies.map((b) => b.report.id)).size).toBe(8);
    // Each report has a log entry of its own. (Integrated here: on a PostgreSQL database shared with
    // other test runs, another process may hold the sequencer's lock.)
    while ((await t.services.ledger.integrateOnce()) > 0);
    const indices = [];
    for (const body of bodies) {
      const one = await t.app.inject({
        url: `/api/v1/reports/${body.report.id}`,
        headers: { authorization: `Bearer ${monitor}` },
      });
      indices.push(one.json<{ log: { index: number | null } }>().log.index);
    }
    expect(indices.every((i) => typeof i === 'number')).toBe(true);
    expect(new Set(indices).size).toBe(8);
    expect(await reportCount()).toBe(8);
  });

  it('fails a bad report alone among concurrent good ones, and stores nothing of it', async () => {
    const far = sampleInput({
      narrative: 'Far away.',
      location: { lon: 2.35, lat: 48.85, uncertaintyM: 10 },
    });
    const responses = await Promise.all([
      post(sampleInput({ narrative: 'Good one.' })),
      post(far),
      post(sampleInput({ narrative: 'Good two.' })),
    ]);
    expect(responses.map((r) => r.statusCode)).toEqual([201, 422, 201]);
    expect(responses[1]?.json()).toMatchObject({
      errors: [expect.objectContaining({ path: '/body/location' })],
    });
    expect(await reportCount()).toBe(2);
  });
});
