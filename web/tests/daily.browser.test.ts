import { expect, it } from 'vitest';
import { fixturePlaceNames } from '../../test/support/place-names.js';
import { AppPage } from './pages/AppPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';
import type { Dashboard } from './support/server.js';

const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

/** Files reports of yesterday: three CLEAR explosions, one CLEAR obstruction, one AMBER of UA. */
async function fileDay(d: Dashboard): Promise<void> {
  await d.loadIllustrativeAgreement('CLEAR');
  const token = await d.t.tokenFor('UA', ['monitor']);
  const at = (h: string) => ({ from: `${DAY}T${h}:00:00Z`, precision: 'exact', timeZone: 'UTC' });
  const base = {
    reporter: { name: 'Patrol 3', kind: 'patrol' },
    source: { name: 'UA OP 7', reliability: 'B', independenceGroup: 'ua-op-7' },
    credibility: 2,
    location: { lon: 38.08, lat: 48.36, uncertaintyM: 500 },
    language: 'en',
    marking: 'CLEAR',
  };
  const bodies = [
    { ...base, observed: at('06'), smm: 'explosion_impact', counts: { events: 2 } },
    {
      ...base,
      observed: at('09'),
      smm: 'explosion_impact',
      location: { lon: 37.8, lat: 48.1, uncertaintyM: 300 },
    },
    {
      ...base,
      observed: at('12'),
      smm: 'burst_and_shot',
      location: { lon: 35.3, lat: 47.6, uncertaintyM: 300 },
    },
    {
      ...base,
      observed: at('14'),
      category: 'monitor-obstruction',
      narrative: 'Patrol denied passage at a checkpoint.',
    },
    { ...base, observed: at('16'), smm: 'explosion_impact', marking: 'AMBER' },
  ];
  for (const payload of bodies) {
    const res = await d.t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { authorization: `Bearer ${token}` },
      payload,
    });
    if (res.statusCode !== 201) throw new Error(`report refused: ${res.statusCode} ${res.body}`);
  }
}

class DailyPage extends AppPage {
  async open(): Promise<void> {
    await this.goto('/daily');
    await this.page.getByTestId('daily-edition').waitFor();
  }
  async text(testId: string): Promise<string> {
    return (await this.page.getByTestId(testId).innerText()).trim();
  }
  async overflow(): Promise<number> {
    return this.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  }
}

/** The Ukrainian names of the fixture's places, as the server loads TRUCELINE_PLACE_NAMES. */
const PLACE_NAMES = await fixturePlaceNames();

describeInBrowser('daily report page', () => {
  const session = useDashboardBrowser({
    prepare: fileDay,
    app: { placeNames: PLACE_NAMES },
  });

  it(
    'the public sees the public edition: counts, charts, map, what it leaves out, and the downloads',
    { timeout: 180_000 },
    async () => {
      await session.reopen(WIDE);
      const daily = new DailyPage(session.page);
      await daily.open();
      expect(await daily.heading()).toBe('Daily report');
      expect(await daily.navItems()).toContain('daily');
      expect(await daily.text('daily-edition')).toContain('Public edition');
      expect(await daily.text('daily-summary-text')).toMatch(/^4 reports on this day/);
      expect(await daily.text('daily-omitted-text')).toContain('leaves out 1 report');
      for (const id of ['daily-chart-categories', 'daily-chart-sectors', 'daily-map-figure'])
        expect(await session.page.getByTestId(id).locator('svg').count()).toBe(1);
      expect(await session.page.getByTestId('daily-map-figure').locator('circle').count()).toBeGreaterThan(3);
      // The bar chart's count axis (whole, nice ticks from 0) and its legend, in the page's language.
      const bars = await session.page.getByTestId('daily-chart-categories').locator('text').allTextContents();
      expect(bars).toEqual(expect.arrayContaining(['0', '1', '2', 'this day', 'previous day']));
      expect(bars).toContain('mean of the 7 days before');
      await expect
        .poll(() => session.page.getByText('Restrictions of the monitors’ freedom of movement').count())
        .toBe(1);
      await daily.shot('daily-public-1280');

      const pdfHref = (await session.page.getByTestId('daily-pdf').getAttribute('href')) ?? '';
      const pdf = await session.page.request.get(pdfHref);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      const htmlHref = (await session.page.getByTestId('daily-html').getAttribute('href')) ?? '';
      const html = await session.page.request.get(htmlHref);
      expect(await html.text()).toContain('Public edition');

      await session.reopen(PHONE);
      const phone = new DailyPage(session.page);
      await phone.open();
      expect(await phone.overflow()).toBeLessThanOrEqual(0);
      await phone.shot('daily-public-390');
    },
  );

  it(
    "the commission's analyst sees every report of the day, the AMBER one included",
    { timeout: 180_000 },
    async () => {
      await session.reopen(WIDE);
      await session.signIn('JMVC', ['analyst']);
      const daily = new DailyPage(session.page);
      await daily.open();
      expect(await daily.text('daily-edition')).toContain('Edition for JMVC');
      expect(await daily.text('daily-summary-text')).toMatch(/^5 reports on this day/);
      expect(await daily.text('daily-omitted-text')).toContain('leaves out 0 reports');
      await daily.shot('daily-commission-1280');
      await session.reopen(PHONE);
      await session.signIn('JMVC', ['analyst']);
      const phone = new DailyPage(session.page);
      await phone.open();
      expect(await phone.overflow()).toBeLessThanOrEqual(0);
      await phone.shot('daily-commission-390');
    },
  );

  it(
    'in Ukrainian, the page links the Ukrainian HTML and PDF editions, places named in Ukrainian',
    { timeout: 180_000 },
    async () => {
      await session.reopen(WIDE);
      await session.signIn('JMVC', ['analyst']);
      const daily = new DailyPage(session.page);
      await daily.open();
      await session.page.getByTestId('locale-switch').selectOption('uk');
      await expect.poll(() => daily.heading()).toBe('Щоденний звіт');
      await session.page.getByTestId('daily-edition').waitFor();
      // The page itself: the restriction placed in Ukrainian words, the charts' legends and the basis.
      const main = () => session.page.locator('main').innerText();
      await expect.poll(main).toMatch(/\d+,\d км на [а-яі ]+ від Horlivka/);
      expect(await main()).toContain('Класифікатор звітів угоди не має окремого типу');
      expect(await session.page.getByTestId('daily-chart-categories').innerText()).toContain('ця доба');

      const htmlHref = (await session.page.getByTestId('daily-html').getAttribute('href')) ?? '';
      const pdfHref = (await session.page.getByTestId('daily-pdf').getAttribute('href')) ?? '';
      expect(new URL(htmlHref, 'http://x').searchParams.get('lang')).toBe('uk');
      expect(new URL(pdfHref, 'http://x').searchParams.get('lang')).toBe('uk');
      const html = await session.page.request.get(htmlHref);
      expect(html.headers()['content-language']).toBe('uk');
      const text = await html.text();
      expect(text).toContain('<html lang="uk">');
      expect(text).toContain('Видання для JMVC');
      expect(text).toContain('зафіксовано 5 звітів');
      expect(text).toMatch(/км на [а-яі ]+ від н\. п\. Горлівка/);
      const pdf = await session.page.request.get(pdfHref);
      expect(pdf.headers()['content-language']).toBe('uk');
      expect(pdf.headers()['content-disposition']).toContain(`truceline-daily-${DAY}-restricted-uk.pdf`);
      await daily.shot('daily-uk-commission-1280');

      // Back in English, the links ask for the English editions.
      await session.page.getByTestId('locale-switch').selectOption('en');
      await expect.poll(() => daily.heading()).toBe('Daily report');
      const enHref = (await session.page.getByTestId('daily-html').getAttribute('href')) ?? '';
      expect(new URL(enHref, 'http://x').searchParams.get('lang')).toBe('en');
    },
  );
});
