import { expect, it } from 'vitest';
import { DeconflictionPage } from './pages/DeconflictionPage.js';
import { describeInBrowser, LAPTOP, useDashboardBrowser } from './support/browser.js';

const PHONE = { width: 375, height: 812 };
const HOUR = 3_600_000;

/** `YYYY-MM-DDTHH:MM` in UTC, `hours` from now, as a datetime-local input takes it. */
const inHours = (hours: number): string => new Date(Date.now() + hours * HOUR).toISOString().slice(0, 16);

describeInBrowser('deconfliction: a convoy notified on the map, acknowledged by a party', () => {
  const session = useDashboardBrowser({
    prepare: (d) => d.loadIllustrativeAgreement('GREEN'),
  });

  it(
    'OCHA draws a convoy route, UA’s liaison acknowledges it (received, not approved), OCHA sees the acknowledgement',
    { timeout: 240_000 },
    async () => {
      // The humanitarian notification team: only the obligations OCHA notifies under are offered.
      await session.signIn('OCHA', ['humanitarian']);
      const ocha = new DeconflictionPage(session.page);
      expect(await ocha.navItems()).toContain('deconfliction');
      await ocha.navigateTo('Deconfliction');
      await ocha.openForm();
      const offered = await ocha.obligationOptions();
      expect(offered).toContain('n-humanitarian-movement');
      expect(offered).not.toContain('n-flight-permission');
      await ocha.chooseObligation('n-humanitarian-movement');
      expect(await ocha.selected('Subject')).toBe('convoy');
      expect(await ocha.selected('Kind')).toBe('movement');

      // The route, drawn point by point on the map, with its corridor.
      await ocha.clickMap([
        [0.35, 0.55],
        [0.5, 0.45],
        [0.62, 0.5],
      ]);
      expect(await ocha.routePoints()).toBe('3 points on the route');
      await ocha.fill('Corridor width (metres, full width)', '300');
      await ocha.fill('Vehicles', '4 trucks, 1 ambulance');
      await ocha.fill('Markings', 'UN emblem on roof and doors');

      // Ten hours ahead is below the 48 h lead time: the server's reason shows beside the departure.
      await ocha.fillWindow('Departure window', inHours(10), inHours(12));
      await ocha.fillWindow('Arrival window', inHours(16), inHours(20));
      await ocha.submit();
      await expect.poll(() => ocha.fieldErrors('nf-departure-from')).toContain('needs 48h notice');
      expect(ocha.page.url()).toContain('/deconfliction/new');
      await ocha.shot('deconfliction-form-error-laptop');

      // More than 48 hours ahead: accepted, and the notice's page shows each addressee's copy.
      await ocha.fillWindow('Departure window', inHours(50), inHours(52));
      await ocha.fillWindow('Arrival window', inHours(56), inHours(60));
      await ocha.submit();
      await ocha.page.waitForURL(/\/deconfliction\/notices\//);
      const id = ocha.noticeIdFromUrl();
      const sent = await ocha.deliveries();
      expect(sent.UA).toBe('forwarded');
      expect(sent.RU).toBe('forwarded');
      await ocha.waitForMap();
      await ocha.shot('deconfliction-notice-notifier-laptop');

      // UA's liaison: the convoy is addressed to them, awaiting acknowledgement.
      await session.reopen(LAPTOP);
      await session.signIn('UA', ['liaison']);
      const ua = new DeconflictionPage(session.page);
      await ua.openBoard();
      expect(await ua.addressedIds()).toEqual([id]);
      const copy = ua.addressed(id);
      await expect.poll(() => copy.getAttribute('data-state')).toBe('delivered');
      expect(await copy.innerText()).toContain('Convoy · movement');
      expect(await ua.page.getByTestId('ack-label').innerText()).toBe(
        'Acknowledging means received — not approval.',
      );
      // A notification, not a permission request: nothing to approve or refuse.
      expect(await copy.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      expect(await copy.getByRole('button', { name: 'Refuse…' }).count()).toBe(0);
      await ua.waitForMap();
      await ua.shot('deconfliction-board-addressee-laptop');
      await copy.getByRole('button', { name: 'Acknowledge receipt' }).click();
      await expect.poll(() => copy.getAttribute('data-state')).toBe('acknowledged');
      expect(await copy.getByRole('button', { name: 'Acknowledge receipt' }).count()).toBe(0);

      // The copy's own page: what the agreement says UA receives (route, windows, vehicles, markings).
      await copy.getByRole('link', { name: 'Convoy · movement' }).click();
      await ua.page.getByTestId('notice-facts').waitFor();
      const facts = await ua.page.getByTestId('notice-facts').innerText();
      expect(facts).toContain('4 trucks, 1 ambulance');
      expect(facts).toContain('UN emblem on roof and doors');
      expect(await ua.page.getByTestId('answer-form').count()).toBe(0);
      expect((await ua.page.getByTestId('timeline').innerText()).split('\n').join(' ')).toMatch(
        /Forwarded.*Delivered.*Acknowledged/,
      );
      await ua.waitForMap();
      await ua.shot('deconfliction-notice-addressee-laptop');

      // Back at OCHA: the board shows UA's acknowledgement, the other copies as they stand.
      await session.reopen(LAPTOP);
      await session.signIn('OCHA', ['humanitarian']);
      const back = new DeconflictionPage(session.page);
      await back.openBoard();
      const states = await back.myDeliveries(id);
      expect(states.UA).toBe('acknowledged');
      expect(states.RU).toBe('forwarded');
      await back.waitForMap();
      await back.shot('deconfliction-board-notifier-laptop');
      await back.page.locator(`[data-testid="my-notices"] tr[data-notice-id="${id}"] a`).first().click();
      await back.page.locator('[data-history-of="UA"]').waitFor();
      const history = await back.page.locator('[data-history-of="UA"]').innerText();
      expect(history).toMatch(/Forwarded[\s\S]*Delivered[\s\S]*Acknowledged/);

      // The same at phone width.
      await session.reopen(PHONE);
      await session.signIn('OCHA', ['humanitarian']);
      const phone = new DeconflictionPage(session.page);
      await phone.openBoard();
      expect((await phone.myDeliveries(id)).UA).toBe('acknowledged');
      await phone.waitForMap();
      await phone.shot('deconfliction-board-notifier-phone');
      await phone.openForm();
      await phone.chooseObligation('n-humanitarian-movement');
      await phone.clickMap([
        [0.3, 0.5],
        [0.7, 0.5],
      ]);
      await phone.shot('deconfliction-form-phone');
    },
  );
});
