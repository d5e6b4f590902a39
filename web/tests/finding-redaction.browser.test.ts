import { expect, it } from 'vitest';
import { publishedFindingOnDraft } from '../../test/support/verification.js';
import { VerificationPage } from './pages/VerificationPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';

const UNDISCLOSED = 'Not disclosed (judged by an agreement version you may not read)';

describeInBrowser('verification: a finding judged by a version the reader may not read', () => {
  let seeded: { findingId: string } | undefined;
  const session = useDashboardBrowser({
    prepare: async (d) => {
      await d.loadIllustrativeAgreement('GREEN');
      seeded = await publishedFindingOnDraft(d.t);
    },
  });
  const findingId = (): string => {
    if (!seeded) throw new Error('not seeded');
    return seeded.findingId;
  };

  it('shows a party the published finding with its category and zones not disclosed, in the list and on its page', async () => {
    await session.signIn('RU', ['liaison']);
    const v = new VerificationPage(session.page);
    await v.openFindings();
    expect(await v.findingIds()).toEqual([findingId()]);
    const row = v.page.locator(`[data-testid="findings-table"] tbody tr[data-finding-id="${findingId()}"]`);
    const text = await row.innerText();
    expect(text).toContain(UNDISCLOSED);
    expect(await row.locator('td[data-label="Zones"]').innerText()).toBe('Not disclosed');
    expect(text).not.toContain('draft-explosion');

    await v.openFinding(findingId());
    expect(await v.page.locator('h1').innerText()).toBe(UNDISCLOSED);
    const facts = await v.page.locator('[data-testid="finding"] dl.facts').innerText();
    expect(facts).toMatch(/Zones\s+Not disclosed/);
    expect(facts).not.toContain('Outside every zone');
    expect(await v.page.content()).not.toContain('draft-explosion');
  });

  it('shows the draft’s owner the finding in full', async () => {
    await session.signIn('UA', ['liaison']);
    const v = new VerificationPage(session.page);
    await v.openFinding(findingId());
    expect(await v.page.locator('h1').innerText()).not.toBe(UNDISCLOSED);
    const facts = await v.page.locator('[data-testid="finding"] dl.facts').innerText();
    expect(facts).not.toContain('Not disclosed');
  });
});
