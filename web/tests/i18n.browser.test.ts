import type { BrowserContext, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { sampleInput } from '../../test/support/app.js';
import { fixturePlaceNames } from '../../test/support/place-names.js';
import { AppPage } from './pages/AppPage.js';
import { MapPage } from './pages/MapPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';

const PHONE = { width: 390, height: 844 };
const WIDE = { width: 1280, height: 900 };

/** A Ukrainian month abbreviation as `Intl.DateTimeFormat('uk', { month: 'short' })` writes it. */
const UK_DATE = /\d{1,2} (січ|лют|бер|квіт|трав|черв|лип|серп|вер|жовт|лист|груд)\.? \d{4}/;

/** A number of thousands grouped by a (narrow) no-break space, as Ukrainian groups digits. */
const UK_NUMBER = /\d[\u00a0\u202f ]\d{3}\b/;

/** Whether the page scrolls sideways (it must not, at phone widths). */
const overflows = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** The innermost elements sticking out on the right: the culprits when a page scrolls sideways. */
const sticksOut = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .filter((e) => {
        for (let a = e.parentElement; a; a = a.parentElement) {
          if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(a).overflowX)) return false;
        }
        return true;
      })
      .slice(-5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className}: ${(e.textContent ?? '').slice(0, 40)}`);
  });

const navText = (page: Page) => page.locator('nav.mainnav').innerText();
const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

/** The fixture's places and their Ukrainian names (test/fixtures/alternatenames-UA.txt). */
const UKRAINIAN_NAMES = new Map([
  [709717, 'Донецьк'],
  [707753, 'Горлівка'],
  [701822, 'Маріуполь'],
  [702658, 'Луганськ'],
]);

/** The Ukrainian names of the fixture's places, as the server loads TRUCELINE_PLACE_NAMES. */
const PLACE_NAMES = await fixturePlaceNames();

describeInBrowser('i18n: Ukrainian from the browser, the switch, and the layout in Ukrainian', () => {
  const session = useDashboardBrowser({
    app: { placeNames: PLACE_NAMES },
    prepare: async (d) => {
      await d.loadIllustrativeAgreement('CLEAR');
      const monitor = await d.t.tokenFor('JMVC', ['monitor']);
      const at = new Date(Date.now() - 60_000).toISOString();
      for (const [i, marking] of ['CLEAR', 'CLEAR', 'GREEN'].entries()) {
        const res = await d.t.app.inject({
          method: 'POST',
          url: '/api/v1/reports',
          headers: { authorization: `Bearer ${monitor}` },
          payload: sampleInput({
            marking,
            observed: { from: at, precision: 'exact', timeZone: 'Europe/Kyiv' },
            location: { lon: 38.08 + i * 0.05, lat: 48.36, uncertaintyM: 500 },
            narrative: `Impacts heard, report ${i}.`,
          }),
        });
        if (res.statusCode !== 201) throw new Error(`filing a report failed: ${res.body}`);
      }
      // Their correlation (after the answers) is in place before the page is read.
      await d.t.services.monitoring.reports.settled();
      // A public pledge large enough that its quantity is grouped in thousands ("12 500").
      const guarantor = await d.t.tokenFor('US', ['guarantor']);
      const pledge = await d.t.app.inject({
        method: 'POST',
        url: '/api/v1/commitments',
        headers: { authorization: `Bearer ${guarantor}` },
        payload: {
          guaranteeId: 'g-security',
          category: 'air_defence',
          item: 'Interceptors',
          quantity: 12_500,
          unit: 'pieces',
          responseId: 'resp-weapons',
          pledgedOn: '2026-10-20',
          marking: 'CLEAR',
        },
      });
      if (pledge.statusCode !== 201) throw new Error(`recording a pledge failed: ${pledge.body}`);
    },
  });

  /** A context whose browser asks for Ukrainian first, as a browser set up in Ukraine does. */
  async function ukrainianContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const browser = session.context.browser();
    if (!browser) throw new Error('no browser');
    const baseURL = session.dashboard.baseURL;
    const context = await browser.newContext({ baseURL, viewport, locale: 'uk-UA', timezoneId: 'UTC' });
    await context.route(/.*/, (route) =>
      route.request().url().startsWith(baseURL) ? route.continue() : route.abort('blockedbyclient'),
    );
    return context;
  }

  it(
    'speaks Ukrainian to a uk-UA browser; the switch turns it to English and that survives a reload',
    { timeout: 120_000 },
    async () => {
      const context = await ukrainianContext(WIDE);
      try {
        const page = await context.newPage();
        const app = new AppPage(page);
        await app.goto('/');
        await page.getByTestId('overview-tiles').waitFor();
        expect(await htmlLang(page)).toBe('uk');
        expect(await app.heading()).toBe('Огляд');
        const nav = await navText(page);
        expect(nav).toContain('Мапа');
        expect(nav).toContain('Журнал прозорості');
        expect(await page.getByRole('navigation', { name: 'Головне меню' }).count()).toBe(1);
        // Dates as Ukrainian writes them ("4 груд. 2026 р."), not "Dec 4, 2026".
        expect(await page.locator('main').innerText()).toMatch(UK_DATE);
        expect(await page.getByTestId('tile-reports').innerText()).toContain('з обмеженим доступом');
        await app.shot('i18n-uk-overview-1280');
        // Numbers grouped the Ukrainian way (the pledge of "12 500" on the commitments screen).
        await app.goto('/commitments');
        await page.getByTestId('pledge-table').waitFor();
        expect(await page.locator('main').innerText()).toMatch(UK_NUMBER);

        await page.getByTestId('locale-switch').selectOption('en');
        await expect.poll(() => app.heading()).toBe('Commitments: pledged and delivered');
        expect(await htmlLang(page)).toBe('en');
        expect(await navText(page)).toContain('Transparency log');
        // The switch remounts the screen, which loads again: wait for its figures, now grouped "12,500".
        await expect.poll(() => page.locator('main').innerText()).toMatch(/\d,\d{3}/);
        expect(await page.locator('main').innerText()).not.toMatch(UK_NUMBER);

        await app.goto('/');
        await page.getByTestId('overview-tiles').waitFor();
        expect(await page.locator('main').innerText()).not.toMatch(UK_DATE);
        await page.reload();
        await page.getByTestId('overview-tiles').waitFor();
        expect(await app.heading()).toBe('Overview');
        expect(await htmlLang(page)).toBe('en');
        expect(await page.getByTestId('locale-switch').inputValue()).toBe('en');
      } finally {
        await context.close();
      }
    },
  );

  it(
    'fits a 390 px phone in Ukrainian without sideways scrolling (public)',
    { timeout: 120_000 },
    async () => {
      const context = await ukrainianContext(PHONE);
      try {
        const page = await context.newPage();
        const app = new AppPage(page);
        await app.goto('/');
        await page.getByTestId('overview-tiles').waitFor();
        expect(await app.heading()).toBe('Огляд');
        expect(await overflows(page)).toBe(false);
        await app.shot('i18n-uk-overview-390');
        await app.shot('i18n-uk-overview-390-top', false);
        await app.goto('/transparency-log');
        await page.locator('main h1').waitFor();
        expect(await overflows(page)).toBe(false);
        await app.shot('i18n-uk-log-390');
        for (const path of ['/agreement', '/daily', '/sign-in']) {
          await app.goto(path);
          await page.locator('main h1').waitFor();
          expect(await overflows(page), `${path}: ${(await sticksOut(page)).join(' | ')}`).toBe(false);
        }
      } finally {
        await context.close();
      }
    },
  );

  it(
    'lets a signed-in analyst switch to Ukrainian; the longer labels still fit',
    { timeout: 120_000 },
    async () => {
      await session.reopen(WIDE);
      await session.signIn('JMVC', ['analyst']);
      const app = new AppPage(session.page);
      await app.goto('/incidents');
      await session.page.getByTestId('locale-switch').selectOption('uk');
      await expect.poll(() => app.heading()).toBe('Черга верифікації');
      expect(await navText(session.page)).toContain('Реагування на порушення');
      expect(await session.page.getByRole('button', { name: 'Вийти' }).count()).toBe(1);
      await app.shot('i18n-uk-incidents-1280');

      await session.reopen(PHONE);
      await session.signIn('JMVC', ['analyst']);
      await session.page.getByTestId('locale-switch').selectOption('uk');
      const phone = new AppPage(session.page);
      for (const path of ['/', '/incidents', '/reports/new']) {
        await phone.goto(path);
        await session.page.locator('main h1').waitFor();
        expect(await overflows(session.page), path).toBe(false);
      }
      await phone.goto('/');
      await session.page.getByTestId('overview-tiles').waitFor();
      await phone.shot('i18n-uk-analyst-390');
      await phone.shot('i18n-uk-analyst-390-top', false);
    },
  );

  it('the map asks for settlement names in the dashboard\u2019s language', { timeout: 120_000 }, async () => {
    const context = await ukrainianContext(WIDE);
    try {
      const page = await context.newPage();
      const answers: { url: URL; language: string | undefined; names: Map<number, string> }[] = [];
      page.on('response', (r) => {
        if (!r.url().includes('/api/v1/places')) return;
        void r
          .json()
          .then((body: { features: { id: number; properties: { name: string } }[] }) =>
            answers.push({
              url: new URL(r.url()),
              language: r.headers()['content-language'],
              names: new Map(body.features.map((f) => [f.id, f.properties.name])),
            }),
          )
          .catch(() => undefined);
      });
      const map = new MapPage(page);
      await map.open();
      await expect.poll(() => answers.length, { timeout: 20_000 }).toBeGreaterThan(0);
      for (const a of answers) {
        expect(a.url.searchParams.get('lang')).toBe('uk');
        expect(a.language).toBe('uk');
        for (const [id, name] of UKRAINIAN_NAMES) if (a.names.has(id)) expect(a.names.get(id)).toBe(name);
      }
      const named = answers.flatMap((a) => [...UKRAINIAN_NAMES.keys()].filter((id) => a.names.has(id)));
      expect(named.length).toBeGreaterThan(0);
      await map.shot('i18n-uk-map-1280');

      // The switch asks again, in English.
      const before = answers.length;
      await page.getByTestId('locale-switch').selectOption('en');
      await expect.poll(() => answers.length, { timeout: 20_000 }).toBeGreaterThan(before);
      const english = answers.slice(before);
      expect(english.every((a) => a.url.searchParams.get('lang') === 'en')).toBe(true);
      expect(english.some((a) => a.names.get(709717) === 'Donetsk')).toBe(true);
    } finally {
      await context.close();
    }
  });
});
