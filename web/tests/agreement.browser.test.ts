import { expect, it } from 'vitest';
import { AgreementPage } from './pages/AgreementPage.js';
import { describeInBrowser, TABLET, useDashboardBrowser } from './support/browser.js';

describeInBrowser('the agreement page', () => {
  const session = useDashboardBrowser();

  // Runs first: the database starts without an agreement.
  it('says plainly when no agreement is loaded', async () => {
    const agreement = new AgreementPage(session.page);
    await agreement.open();
    expect(await agreement.emptyState()).toContain('No agreement is visible to you yet.');
    await agreement.shot('agreement-none');
  });

  it('shows provisions with each party’s position, the consensus share, the open hurdles, the ladder and ratification', async () => {
    await session.dashboard.loadIllustrativeAgreement('GREEN');
    await session.signIn('UA', ['liaison']);
    const agreement = new AgreementPage(session.page);
    await agreement.open();

    expect(await agreement.heading()).toContain('Illustrative security framework');
    // 18 of the 20 provisions are agreed by both parties; P-13 is open for one, P-14 disputed by both.
    expect(await agreement.consensus()).toBe('90%');
    expect(await agreement.consensusDetail()).toBe('18 of 20 provisions agreed by every party');
    expect(await agreement.hurdleTitles()).toEqual([
      'P-14 Territory',
      'P-13 Zaporizhzhia nuclear power plant',
    ]);
    expect(await agreement.positions('P-14')).toEqual({
      Ukraine: 'Disputed',
      'Russian Federation': 'Disputed',
    });
    expect(await agreement.positions('P-13')).toEqual({ Ukraine: 'Agreed', 'Russian Federation': 'Open' });
    expect(await agreement.rungNames()).toHaveLength(5);
    expect((await agreement.rungNames())[4]).toBe('Collective response (Article 5-like)');
    expect(await agreement.ratificationStatus()).toBe('Pending legislative vote');
    await agreement.shot('agreement');

    await agreement.showOnlyOpen();
    expect(await agreement.provisionIds()).toEqual(['P-13', 'P-14']);
  });

  it('keeps a GREEN agreement from the anonymous public', async () => {
    await session.dashboard.loadIllustrativeAgreement('GREEN');
    const agreement = new AgreementPage(session.page);
    await agreement.open();
    expect(await agreement.emptyState()).toContain('Nothing has been published to the public.');
  });

  it('reads on a tablet', async () => {
    await session.dashboard.loadIllustrativeAgreement('GREEN');
    await session.reopen(TABLET);
    await session.signIn('US', ['guarantor']);
    const agreement = new AgreementPage(session.page);
    await agreement.open();
    expect(await agreement.consensus()).toBe('90%');
    const overflow = await session.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await agreement.shot('agreement-tablet');
  });
});
