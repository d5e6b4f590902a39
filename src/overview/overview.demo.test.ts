import { afterAll, beforeAll, expect, it, describe } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { fillDemoReports } from '../monitoring/demo.js';
import { startTestApp, type TestApp } from '../../test/support/app.js';

describe('the demo reports the public sees', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite', { monitoring: {} });
  }, 60_000);
  afterAll(() => t.close());

  it('marks open-source and a share of the monitors’ reports CLEAR: about 30 %, shown to the anonymous public', async () => {
    const result = await fillDemoReports(t.services.monitoring.reports, CONSOLE_ACTOR, 300, { seed: 7 });
    const stored = result.accepted;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/reports?limit=1000' });
    expect(res.statusCode).toBe(200);
    const reports = res.json<{ reports: { marking: string }[] }>().reports;
    expect(reports.every((r) => r.marking === 'CLEAR')).toBe(true);
    const share = reports.length / stored;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.38);
  }, 120_000);
});
