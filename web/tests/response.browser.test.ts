import { expect, it } from 'vitest';
import { recordBreach } from '../../test/support/response.js';
import { callerFor, type Caller } from '../../test/support/verification.js';
import { AppPage } from './pages/AppPage.js';
import { ResponsePage } from './pages/ResponsePage.js';
import { describeInBrowser, LAPTOP, useDashboardBrowser } from './support/browser.js';
import type { Dashboard } from './support/server.js';

const PHONE = { width: 375, height: 812 };

/** The answer of a call that must succeed (seeding fails loudly otherwise). */
async function ok<T = unknown>(call: Promise<{ status: number; json: unknown }>, what: string): Promise<T> {
  const res = await call;
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json as T;
}

interface Seed {
  euc: Caller;
  commission: Caller;
  usGuarantor: Caller;
}

/**
 * The illustrative agreement, and two verified violations attributed to RU in one sector: the case
 * stands at rung 2 (the MVC's investigation), where the guarantors are not actors and cannot see it.
 * A US pledge of 40 interceptors (10 delivered) gives the commitments screen something to chart.
 */
async function seed(d: Dashboard): Promise<Seed> {
  await d.loadIllustrativeAgreement();
  const euc = callerFor(d.t, await d.t.tokenFor('EUC', ['guarantor'], 'seed-euc'));
  const commission = callerFor(d.t, await d.t.tokenFor('JMVC', ['analyst'], 'seed-jmvc'));
  const usGuarantor = callerFor(d.t, await d.t.tokenFor('US', ['guarantor'], 'seed-us'));
  await recordBreach(d.t, { party: 'RU' });
  await recordBreach(d.t, { party: 'RU', severity: 'serious', category: 'cfv-explosion' });
  const pledge = await ok<{ pledge: { id: string } }>(
    usGuarantor('POST', '/api/v1/commitments', {
      guaranteeId: 'g-security',
      category: 'air_defence',
      item: 'Interceptors',
      quantity: 40,
      unit: 'pieces',
      responseId: 'resp-weapons',
      pledgedOn: '2026-10-20',
      marking: 'CLEAR',
    }),
    'pledge',
  );
  await ok(
    usGuarantor('POST', `/api/v1/commitments/${pledge.pledge.id}/deliveries`, {
      quantity: 10,
      deliveredOn: '2026-11-25',
    }),
    'delivery',
  );
  return { euc, commission, usGuarantor };
}

describeInBrowser('breach response: a guarantor sees a case reach its rung and decides on it', () => {
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
    'the case appears when it reaches the guarantors’ rung, the US records its decision, and the case escalates',
    { timeout: 180_000 },
    async () => {
      const { euc, commission } = data();
      await session.signIn('US', ['guarantor']);
      const r = new ResponsePage(session.page);
      expect(await r.navItems()).toContain('cases');

      // At rung 2 the case is the MVC's: the US sees none.
      await r.openCases();
      await r.page.locator('[data-testid="no-cases"]').waitFor();

      // A third violation in the sector within 7 days fires rung 3 (the guarantors' consultations):
      // the event stream refreshes the open page, no reload.
      await recordBreach(session.dashboard.t, { party: 'RU' });
      await expect.poll(() => r.caseRows().count(), { timeout: 15_000 }).toBe(1);
      const list = await ok<{ cases: { id: string }[] }>(commission('GET', '/api/v1/cases'), 'cases');
      const id = list.cases[0]!.id;
      expect(await r.caseRow(id)).toEqual({
        rung: 'rung-3',
        position: 'Rung 3 of 5: Guarantor consultations (Article 4-like)',
        status: 'open',
        mustAct: 'United States, European coalition (Coalition of the Willing)',
      });
      await r.shot('response-cases-laptop');

      // The EU coalition decides first (through the API); consensus needs the US too.
      await ok(
        euc('POST', `/api/v1/cases/${id}/decisions`, {
          option: 'escalate',
          reason: 'Three violations in a week: refer it for a collective determination.',
          rung: 'rung-3',
        }),
        'EUC decision',
      );
      await r.openCase(id);
      await expect.poll(async () => (await r.position()).mustAct).toBe('United States');
      expect(await r.options()).toEqual(['escalate', 'hold', 'close', 'respond:resp-diplomatic']);
      await r.shot('response-case-before-laptop');

      // No reason: refused in the form, nothing sent.
      await r.decisionForm().getByRole('radio', { name: 'Escalate to the next rung' }).check();
      await r.decisionForm().getByRole('button', { name: 'Record the decision' }).click();
      await r.page.getByText('Give the reason for the decision.').waitFor();
      expect((await r.position()).rung).toBe('rung-3');

      // The US decision completes the consensus: the case moves on to rung 4 on the page.
      await r.decide('Escalate to the next rung', 'We concur: the pattern is deliberate.');
      await expect.poll(async () => (await r.position()).rung, { timeout: 10_000 }).toBe('rung-4');
      expect(await r.position()).toMatchObject({
        text: 'Rung 4 of 5: Collective determination of a breach',
        status: 'open',
        mustAct: 'United States, European coalition (Coalition of the Willing)',
      });
      const decisions = await r.decisions();
      expect(decisions).toHaveLength(2);
      expect(decisions.join('\n')).toContain('We concur: the pattern is deliberate.');
      // Its steps: opened at rung 1, escalated to 2 (a serious violation), 3 (three in a week), 4 (decided).
      expect(await r.steps()).toEqual([
        'case.opened rung-1',
        'case.escalated rung-2',
        'case.escalated rung-3',
        'case.escalated rung-4',
      ]);
      // The server's own record agrees with the page.
      const stored = await ok<{ case: { rungId: string } }>(commission('GET', `/api/v1/cases/${id}`), 'case');
      expect(stored.case.rungId).toBe('rung-4');
      await r.shot('response-case-after-laptop');

      // The list and the case at phone width.
      await session.reopen(PHONE);
      await session.signIn('US', ['guarantor']);
      const phone = new ResponsePage(session.page);
      await phone.goto('/cases');
      await expect.poll(() => phone.caseRows().count()).toBe(1);
      expect((await phone.caseRow(id)).rung).toBe('rung-4');
      await phone.shot('response-cases-phone');
      await phone.openCase(id);
      await phone.shot('response-case-phone');
      await session.reopen(LAPTOP);
    },
  );

  it('a decision the server refuses is shown with its reason, and nothing changes', async () => {
    const { commission, usGuarantor } = data();
    await session.signIn('US', ['guarantor']);
    // No event stream: the page cannot learn that a colleague has decided meanwhile.
    await session.context.route('**/api/v1/events**', (route) => route.abort('blockedbyclient'));
    // Three violations attributed to UA: its own case, at the guarantors' rung.
    for (let n = 0; n < 3; n += 1) await recordBreach(session.dashboard.t, { party: 'UA' });
    const list = await ok<{ cases: { id: string; party: string | null; rungId: string }[] }>(
      commission('GET', '/api/v1/cases'),
      'cases',
    );
    const c = list.cases.find((x) => x.party === 'UA');
    expect(c?.rungId).toBe('rung-3');
    const id = c!.id;
    const r = new ResponsePage(session.page);
    await r.goto(`/cases/${id}`);
    await r.decisionForm().waitFor();

    // A colleague of the same organisation decides for the US first, through the API.
    await ok(
      usGuarantor('POST', `/api/v1/cases/${id}/decisions`, { option: 'hold', reason: 'Ask UA first.' }),
      'colleague',
    );
    await r.decide('Close the case', 'An isolated incident.');
    const alert = r.decisionForm().getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('The decision was not recorded');
    expect(await r.position()).toMatchObject({ rung: 'rung-3', status: 'open' });
    const stored = await ok<{ decisions: { actor: string; option: string }[] }>(
      commission('GET', `/api/v1/cases/${id}`),
      'case',
    );
    expect(stored.decisions.map((d) => `${d.actor}:${d.option}`)).toEqual(['US:hold']);
    await r.shot('response-decision-refused-laptop');
  });

  it('the commitments screen charts pledged against delivered with the numbers in a table', async () => {
    await session.signIn('EUC', ['guarantor']);
    const app = new AppPage(session.page);
    await app.navigateTo('Commitments');
    const table = app.page.locator('[data-testid="pledge-table"]');
    await table.waitFor();
    const firstRow = () =>
      table
        .locator('tbody tr')
        .first()
        .locator('td')
        .evaluateAll((tds) => tds.map((td) => (td.textContent ?? '').trim()));
    await expect.poll(firstRow).toEqual(['United States', 'Air defence', '1', '40', '10', '30', '25%']);
    expect(await app.page.locator('[data-testid="pledge-chart"] .bar-text').innerText()).toBe(
      '10 of 40 delivered (25%)',
    );
    // The month-by-month chart: a count axis from 0, a month on the time axis, both series in a legend.
    const cumulative = app.page.getByTestId('cumulative-chart').first();
    expect(await cumulative.getByTestId('axis-y').locator('text').first().textContent()).toBe('0');
    expect(await cumulative.getByTestId('axis-x').locator('text').first().textContent()).toMatch(
      /^[A-Z][a-z]{2} \d{4}$/,
    );
    expect(await cumulative.getByTestId('chart-legend').locator('li').allInnerTexts()).toEqual([
      'Pledged to date',
      'Delivered to date',
    ]);
    await app.page.locator('[data-testid="ratification"]').waitFor();
    await app.shot('commitments-laptop');
    await session.reopen(PHONE);
    await session.signIn('EUC', ['guarantor']);
    await new AppPage(session.page).goto('/commitments');
    await session.page.locator('[data-testid="pledge-table"]').waitFor();
    await new AppPage(session.page).shot('commitments-phone');
  });
});
