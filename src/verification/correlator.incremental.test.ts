import { afterEach, beforeEach, expect, it } from 'vitest';
import { CONSOLE_ACTOR } from '../cli/runtime.js';
import { rng } from '../monitoring/generator.js';
import {
  sampleInput,
  startTestApp,
  uncorrelatedReports,
  verificationDepsOf,
  type TestApp,
} from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { Correlator, type CorrelationResult } from './correlator.service.js';
import type { Incident } from './incident.model.js';
import { findIncidents, memberReportsOf } from './incident.repository.js';
import { VerificationContext } from './verification.context.js';

/**
 * A report joining an incident is placed from the members the correlator keeps (it reads back only
 * those superseded meanwhile): the incident it writes and logs must be exactly the full
 * re-derivation over every member as stored, whatever happened in between.
 */
describeEachDialect('correlator: an incident grown by joins', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
  });
  afterEach(() => t.close());

  it('is exactly the full re-derivation of its members after every join, over random joins, revisions and two correlators', async () => {
    const deps = verificationDepsOf(t);
    // An intake not wired to correlation: the test decides when, in what order and by which of two
    // correlators (two server processes) each report is grouped, as after a stop or beside another
    // process: a revision may then be stored while a report joins its predecessor's incident.
    const intake = uncorrelatedReports(t);
    const fullContext = new VerificationContext(deps);
    const correlators = [
      new Correlator(new VerificationContext(deps)),
      new Correlator(new VerificationContext(deps)),
    ];
    await fullContext.prepare();
    const random = rng(dialect === 'sqlite' ? 1905 : 1906);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const base = Date.parse('2026-11-25T18:00:00Z');

    const externalIds: string[] = [];
    let pending: string[] = [];
    let joined = 0;
    let followed = 0;

    async function file(externalId: string): Promise<void> {
      const group = Math.floor(random() * 5);
      const spot = pick([38.08, 38.2]);
      const input = sampleInput({
        externalId,
        source: {
          name: `source ${group}`,
          reliability: pick(['A', 'B', 'C', 'D', 'F']),
          independenceGroup: `group-${group}`,
        },
        credibility: 1 + Math.floor(random() * 6),
        observed: {
          from: new Date(base + Math.floor(random() * 90) * 60_000).toISOString(),
          precision: 'exact',
          timeZone: 'Europe/Kyiv',
        },
        location: {
          lon: spot + (random() - 0.5) * 0.02,
          lat: 48.36 + (random() - 0.5) * 0.02,
          uncertaintyM: pick([0, 10, 75, 300, 1500]),
        },
      });
      const result = await intake.submit(CONSOLE_ACTOR, [input], () => '/body', false);
      const stored = result.reports[0];
      expect(stored?.status).toMatch(/accepted|revised/);
      pending.push(stored?.id ?? '');
    }

    /**
     * Each incident the run changed, as it logged it last, against the full re-derivation over its
     * members as stored, and against the incident as stored. (An incident the run left alone may lag
     * behind a revision of one of its reports stored since: the revision's own correlation updates it.)
     */
    async function expectFullyDerived(result: CorrelationResult): Promise<void> {
      const logged = new Map<string, Incident>();
      for (const change of result.changed ?? []) logged.set(change.incident.id, change.incident);
      const ids = [...logged.keys()];
      const db = t.services.database.db;
      const stored = new Map((await findIncidents(db, ids)).map((i) => [i.id, i]));
      const members = await memberReportsOf(db, ids);
      for (const [id, incident] of logged) {
        expect(await fullContext.derive(incident, members.get(id) ?? [])).toEqual(incident);
        expect(stored.get(id)).toEqual(incident);
      }
    }

    for (let step = 0; step < 90; step += 1) {
      if (externalIds.length > 0 && random() < 0.25) await file(pick(externalIds));
      else {
        const externalId = `join-${step}`;
        externalIds.push(externalId);
        await file(externalId);
      }
      if (random() < 0.4) continue;
      // Some pending reports, in random order, one by one or together; the rest wait.
      const order = [...pending].sort(() => random() - 0.5);
      const now = order.slice(0, 1 + Math.floor(random() * order.length));
      pending = order.slice(now.length);
      const correlator = pick(correlators);
      const batches = random() < 0.5 ? now.map((id) => [id]) : [now];
      for (const batch of batches) {
        const result = await correlator.correlate(batch);
        joined += result.joined;
        followed += result.followed;
        await expectFullyDerived(result);
      }
    }
    // The walk did what it is for: many joins, and revisions taking their place.
    expect(joined).toBeGreaterThan(30);
    expect(followed).toBeGreaterThan(5);
  });
});
