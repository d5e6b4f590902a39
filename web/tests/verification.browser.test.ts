import { expect, it } from 'vitest';
import { sampleInput } from '../../test/support/app.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { MapPage } from './pages/MapPage.js';
import { VerificationPage } from './pages/VerificationPage.js';
import { describeInBrowser, LAPTOP, useDashboardBrowser } from './support/browser.js';
import type { Dashboard } from './support/server.js';

const PHONE = { width: 375, height: 812 };
const HOUR = 3_600_000;
const OPINION = 'One patrol saw it; attribution to the south-east battery is not yet proven.';

/** A muzzle-flash report (minor: one analyst may conclude) from a commission patrol. */
function muzzleFlash(at: { lon: number; lat: number }, observed: string, group: string) {
  return sampleInput({
    source: { name: `JMVC ${group}`, reliability: 'B', independenceGroup: group },
    smm: 'muzzle_flash',
    observed: { from: observed, precision: 'exact', timeZone: 'Europe/Kyiv' },
    location: { ...at, uncertaintyM: 400 },
    counts: { events: 2 },
    narrative: 'Two muzzle flashes seen to the south-east of the observation post.',
  });
}

interface Seed {
  /** Opened 72 hours ago, so past its 48-hour deadline: the queue's only open item. */
  overdue: string;
  /** Verified, and put to the vote with one vote cast: never published. */
  inVote: { incident: string; finding: string };
  api: Record<'analystEU' | 'us1' | 'us2' | 'us3' | 'euc1', Caller>;
}

/** The answer of a call that must succeed (seeding fails loudly otherwise). */
async function ok<T = unknown>(call: Promise<{ status: number; json: unknown }>, what: string): Promise<T> {
  const res = await call;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as T;
}

/** Files the reports and works the second incident through the API, as other staff would. */
async function seed(d: Dashboard): Promise<Seed> {
  await d.loadIllustrativeAgreement('GREEN');
  const as = async (org: string, role: 'monitor' | 'analyst' | 'commissioner') =>
    callerFor(d.t, await d.t.tokenFor(org, [role]));
  const monitor = await as('JMVC', 'monitor');
  const api = {
    analystEU: await as('JMVC-EU', 'analyst'),
    us1: await as('US', 'commissioner'),
    us2: await as('US', 'commissioner'),
    us3: await as('US', 'commissioner'),
    euc1: await as('EUC', 'commissioner'),
  };
  d.t.clock.advance(-72 * HOUR);
  const a = await ok<{ report: { id: string } }>(
    monitor(
      'POST',
      '/api/v1/reports',
      muzzleFlash({ lon: 38.08, lat: 48.36 }, '2026-11-25T21:40:00+02:00', 'team-3'),
    ),
    'report A',
  );
  d.t.clock.advance(72 * HOUR);
  const b = await ok<{ report: { id: string } }>(
    monitor(
      'POST',
      '/api/v1/reports',
      muzzleFlash({ lon: 35.5, lat: 47.4 }, '2026-11-28T03:10:00+02:00', 'team-5'),
    ),
    'report B',
  );
  const incidentOf = async (reportId: string): Promise<string> => {
    for (let tries = 0; tries < 50; tries += 1) {
      const q = await ok<{ incidents: { id: string; reportIds: string[] }[] }>(
        api.analystEU('GET', '/api/v1/incidents?limit=1000'),
        'queue',
      );
      const found = q.incidents.find((i) => i.reportIds.includes(reportId));
      if (found) return found.id;
      await new Promise((r) => setTimeout(r, 100)); // correlation follows the intake's commit
    }
    throw new Error(`no incident for report ${reportId}`);
  };
  const overdue = await incidentOf(a.report.id);
  const other = await incidentOf(b.report.id);
  const path = `/api/v1/incidents/${other}`;
  await ok(
    api.analystEU('POST', `${path}/transitions`, { to: 'under_review', reason: 'taking it' }),
    'review',
  );
  await ok(
    api.analystEU('POST', `${path}/transitions`, { to: 'verified', reason: 'seen on camera' }),
    'verify',
  );
  const put = await ok<{ finding: { id: string } }>(
    api.analystEU('POST', `${path}/findings`, { summary: 'Muzzle flashes near Vasylivka.', public: true }),
    'propose',
  );
  await ok(api.us1('POST', `/api/v1/findings/${put.finding.id}/votes`, { choice: 'for' }), 'vote');
  return { overdue, inVote: { incident: other, finding: put.finding.id }, api };
}

describeInBrowser('verification: the queue, an incident, the vote and the findings', () => {
  let seeded: Seed | undefined;
  const session = useDashboardBrowser({
    prepare: async (d) => {
      seeded = await seed(d);
    },
  });
  const data = (): Seed => {
    if (!seeded) throw new Error('not seeded');
    return seeded;
  };

  it(
    'an analyst works the queue to a published finding, which a party then reads, while the one in vote stays hidden',
    { timeout: 240_000 },
    async () => {
      const { overdue, inVote, api } = data();
      await session.signIn('JMVC', ['analyst']);
      const v = new VerificationPage(session.page);
      expect(await v.navItems()).toEqual([
        'overview',
        'map',
        'reports',
        'incidents',
        'findings',
        'daily',
        'deconfliction',
        'cases',
        'agreement',
        'commitments',
        'log',
      ]);

      // The queue: open incidents, due first; the one past its deadline is flagged.
      await v.navigateTo('Verification queue');
      await v.queueSettled();
      expect(await v.queueIds()).toEqual([overdue]);
      expect(await v.overdueIds()).toEqual([overdue]);
      await v.shot('verification-queue-laptop');
      await v.filterStatus('Verified', true);
      await v.queueSettled();
      await expect.poll(() => v.queueIds()).toEqual([overdue, inVote.incident]);
      await v.onlyOverdue(true);
      await expect.poll(() => v.queueIds()).toEqual([overdue]);
      await v.page.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => v.queueIds()).toEqual([overdue]);

      // Next item opens the overdue incident; only the moves the server allows are offered.
      await v.nextItem();
      expect(v.page.url()).toContain(`/incidents/${overdue}`);
      expect(await v.incidentStatus()).toBe('reported');
      expect(await v.moves()).toEqual(['Start the review', 'Mark as a duplicate']);
      await v.page.locator('[data-testid="incident-overdue"]').waitFor();

      // Another analyst starts the review meanwhile: the server refuses the stale move, and says why.
      await ok(
        api.analystEU('POST', `/api/v1/incidents/${overdue}/transitions`, {
          to: 'under_review',
          reason: 'mine',
        }),
        'concurrent review',
      );
      await v.move('Start the review', 'taking it from the queue');
      const refusal = await v.refusal();
      expect(refusal.rule).toBe('transition-not-allowed');
      expect(refusal.text).toContain('cannot become under review');
      await v.shot('incident-refusal-laptop');

      await v.openIncident(overdue);
      expect(await v.incidentStatus()).toBe('under_review');
      expect(await v.moves()).toContain('Conclude: verified');
      await v.attribute('Russian Federation', 'Possible', 'direction of fire from the south-east');
      expect(await v.attribution()).toContain('Russian Federation (Possible)');
      await v.move('Conclude: verified', 'the patrol saw both flashes; the camera confirms');
      await v.waitForStatus('verified');
      expect(await v.moves()).toEqual(['Reopen the review']);

      // Put to the body; the commissioners vote through the API; the dashboard shows the decision.
      await v.propose('Two muzzle flashes south-east of Horlivka, possibly from RU positions.', true);
      expect(await v.findingState()).toBe('voting');
      const finding = await v.findingId();
      for (const who of [api.us1, api.us2, api.us3])
        await ok(who('POST', `/api/v1/findings/${finding}/votes`, { choice: 'for' }), 'vote for');
      await ok(
        api.euc1('POST', `/api/v1/findings/${finding}/votes`, { choice: 'against', opinion: OPINION }),
        'vote against',
      );
      await v.openIncident(overdue);
      expect(await v.findingState()).toBe('adopted');
      await v.publish();
      const timeline = (await v.timeline()).join('\n');
      expect(timeline).toContain('Reported → Under review');
      expect(timeline).toContain('Under review → Verified');
      expect(timeline).toContain('Finding put to the vote: Verified');
      expect(timeline).toContain('EUC');
      expect(timeline).toContain('voted Against');
      expect(timeline).toContain('The body decided: Adopted');
      expect(timeline).toContain('Finding published');
      await v.shot('incident-published-laptop');

      await v.navigateTo('Findings');
      await v.page.locator('[data-testid="findings-table"]').waitFor();
      expect(await v.findingIds()).toEqual([finding]);

      // A party's liaison officer: the published finding with its separate opinion; nothing in vote.
      await session.reopen(LAPTOP);
      await session.signIn('UA', ['liaison']);
      const party = new VerificationPage(session.page);
      expect(await party.navItems()).toEqual([
        'overview',
        'map',
        'reports',
        'new-report',
        'findings',
        'daily',
        'deconfliction',
        'cases',
        'agreement',
        'commitments',
        'log',
      ]);
      await party.navigateTo('Findings');
      await party.page.locator('[data-testid="findings-table"]').waitFor();
      expect(await party.findingIds()).toEqual([finding]);
      await expect
        .poll(() => party.page.locator('[data-testid="finding-opinions-cell"]').innerText())
        .toContain(OPINION);
      await party.shot('findings-party-laptop');
      await party.openFinding(finding);
      expect(await party.page.locator('[data-testid="finding-opinions"]').innerText()).toContain(OPINION);
      expect(await party.page.locator('[data-testid="finding-votes"]').count()).toBe(0);
      expect(await party.page.getByRole('link', { name: 'Open the incident' }).count()).toBe(0);
      await party.shot('finding-party-laptop');
      await party.openFinding(inVote.finding);
      expect(await party.page.locator('[data-testid="finding"]').count()).toBe(0);
      expect(await party.page.locator('.empty-state').innerText()).toContain('not visible to you');

      await session.reopen(PHONE);
      await session.signIn('UA', ['liaison']);
      const phone = new VerificationPage(session.page);
      await phone.openFinding(finding);
      expect(await phone.sidewaysOverflow()).toEqual([]);
      await phone.shot('finding-party-phone');
    },
  );

  it('a commissioner votes from the finding page, with a separate opinion, and sees no review steps', async () => {
    const { inVote } = data();
    await session.signIn('EUC', ['commissioner']);
    const v = new VerificationPage(session.page);
    expect(await v.navItems()).toContain('incidents');
    await v.openQueue();
    expect(await v.page.getByRole('button', { name: 'Next item' }).count()).toBe(0);
    await v.openIncident(inVote.incident);
    expect(await v.moves()).toEqual([]);
    expect(await v.page.getByRole('button', { name: 'Save the attribution' }).count()).toBe(0);
    await v.openFinding(inVote.finding);
    await v.vote('Abstain', 'Too little to go on from one camera.');
    expect(await v.findingState()).toBe('voting');
    expect(await v.page.locator('[data-testid="finding-tally"]').innerText()).toContain(
      '1 for, 0 against, 1 abstaining: 2 seats voted (quorum 4)',
    );
    await v.shot('finding-commissioner-laptop');
  });

  it('draws the incidents on the main map with their legend, and opens one from the list', async () => {
    const { inVote } = data();
    await session.signIn('JMVC', ['analyst']);
    const map = new MapPage(session.page);
    await map.open();
    await expect
      .poll(async () =>
        Number(await session.page.locator('[data-testid="incidents-shown"]').getAttribute('data-total')),
      )
      .toBeGreaterThanOrEqual(2);
    const legend = await session.page.locator('[data-testid="incident-legend"]').innerText();
    for (const word of ['Reported', 'Verified', 'Refuted', 'Minor', 'Grave']) expect(legend).toContain(word);
    await session.page.getByRole('list', { name: 'Incidents' }).getByRole('button').last().click();
    const selected = session.page.locator('[data-testid="selected-incident"]');
    await selected.waitFor();
    await map.shot('map-incidents-laptop', false);
    await selected.getByRole('link', { name: 'Open the incident' }).click();
    await session.page.waitForURL(/\/incidents\/[^/]+$/);
    expect(session.page.url()).toMatch(/\/incidents\//);
    expect([inVote.incident, data().overdue]).toContain(
      decodeURIComponent(session.page.url().split('/').pop() ?? ''),
    );
  });

  it('fits the queue and an incident into a phone’s width', async () => {
    const { inVote } = data();
    await session.reopen(PHONE);
    await session.signIn('JMVC', ['analyst']);
    const v = new VerificationPage(session.page);
    await v.openQueue();
    await v.filterStatus('Verified', true);
    await expect.poll(() => v.queueIds()).toContain(inVote.incident);
    expect(await v.sidewaysOverflow()).toEqual([]);
    await v.shot('verification-queue-phone');
    await v.openIncident(inVote.incident);
    await v.page.locator('[data-testid="finding"]').waitFor();
    expect(await v.sidewaysOverflow()).toEqual([]);
    await v.shot('incident-phone');
  });
});
