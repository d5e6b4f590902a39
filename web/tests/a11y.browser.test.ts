/**
 * Accessibility and small screens over every screen of the dashboard (issue #18): axe-core (WCAG 2 A
 * and AA rules) must find no serious or critical violation, and no screen may scroll sideways at a
 * 360 px phone or a 768 px tablet. Each screen is visited as the public, as a signed-in commission
 * analyst and administrator, as a party's liaison officer reading Ukrainian, and as a guarantor;
 * detail screens with a seeded report, incident, finding, case and notice.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { sampleInput } from '../../test/support/app.js';
import { recordBreach } from '../../test/support/response.js';
import { callerFor } from '../../test/support/verification.js';
import { AppPage } from './pages/AppPage.js';
import { describeInBrowser, LAPTOP, useDashboardBrowser, type BrowserSession } from './support/browser.js';
import type { Dashboard } from './support/server.js';

const PHONE = { width: 360, height: 780 };
const TABLET = { width: 768, height: 1024 };

/** The ids the detail screens are opened with. */
interface Seeded {
  report: string;
  incident: string;
  finding: string;
  case: string;
  notice: string;
}

async function seed(d: Dashboard): Promise<Seeded> {
  await d.loadIllustrativeAgreement('CLEAR');
  const monitor = await d.t.tokenFor('JMVC', ['monitor']);
  const at = new Date(Date.now() - 60_000).toISOString();
  const res = await d.t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    headers: { authorization: `Bearer ${monitor}` },
    payload: sampleInput({
      marking: 'CLEAR',
      observed: { from: at, precision: 'exact', timeZone: 'Europe/Kyiv' },
      location: { lon: 38.08, lat: 48.36, uncertaintyM: 500 },
      narrative: 'Impacts heard north of the village.',
    }),
  });
  if (res.statusCode !== 201) throw new Error(`filing a report failed: ${res.body}`);
  // Its correlation (after the answer) is in place before the page is read.
  await d.t.services.monitoring.reports.settled();
  const report = res.json<{ report: { id: string } }>().report.id;
  // Two verified violations by one party: a finding, its incident, and a case on the ladder.
  await recordBreach(d.t, { party: 'RU' });
  const finding = await recordBreach(d.t, { party: 'RU', severity: 'serious', category: 'cfv-explosion' });
  const analyst = callerFor(d.t, await d.t.tokenFor('JMVC', ['analyst'], 'seed-a11y-jmvc'));
  const cases = await analyst('GET', '/api/v1/cases');
  const firstCase = (cases.json as { cases: { id: string }[] }).cases[0];
  if (!firstCase) throw new Error(`no case after two breaches: ${JSON.stringify(cases.json)}`);
  const ocha = callerFor(d.t, await d.t.tokenFor('OCHA', ['humanitarian'], 'seed-a11y-ocha'));
  const notice = await ocha('POST', '/api/v1/notices', {
    obligation: 'n-humanitarian-site',
    subject: 'static_site',
    kind: 'site',
    site: { lon: 38.08, lat: 48.36, precisionM: 50, function: 'hospital', name: 'City hospital No. 2' },
    details: { operator: 'MSF', occupants: '40 patients, 12 staff' },
  });
  if (notice.status !== 201) throw new Error(`notifying a site failed: ${JSON.stringify(notice.json)}`);
  return {
    report,
    incident: finding.incidentId,
    finding: finding.id,
    case: firstCase.id,
    notice: (notice.json as { notice: { id: string } }).notice.id,
  };
}

/**
 * Every screen of web/src/app/routes.ts, read from its source (importing it would pull React and the
 * screens into this Node test), with the seeded ids in place of `:id`.
 */
function screenPaths(ids: Seeded): { id: string; path: string }[] {
  const source = readFileSync(new URL('../src/app/routes.ts', import.meta.url), 'utf8');
  const screens = [...source.matchAll(/id: '([^']+)',\s*path: '([^']+)'/g)].map((m) => ({
    id: m[1] ?? '',
    path: m[2] ?? '',
  }));
  if (screens.length < 20) throw new Error(`found only ${screens.length} screens in routes.ts`);
  const byScreen: Record<string, string> = {
    report: ids.report,
    incident: ids.incident,
    finding: ids.finding,
    case: ids.case,
    notice: ids.notice,
  };
  return screens.map((s) => {
    const path = s.path.replace(/:id\b/, () => {
      const id = byScreen[s.id];
      if (id === undefined) throw new Error(`no seeded record for the screen ${s.id} (${s.path})`);
      return encodeURIComponent(id);
    });
    return { id: s.id, path };
  });
}

/** Opens a screen and waits until it has rendered: its heading is there and nothing is loading. */
async function open(page: Page, path: string): Promise<void> {
  await new AppPage(page).goto(path);
  await page.locator('main h1').first().waitFor({ timeout: 20_000 });
  await page
    .locator('main .loading, main [aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 20_000 })
    .catch(() => undefined); // a screen may keep a small loading line for a live part; axe still runs
  await page.waitForTimeout(250);
}

interface Problem {
  screen: string;
  viewer: string;
  rule: string;
  impact: string;
  targets: string;
  help: string;
}

async function axeProblems(page: Page, screen: string, viewer: string): Promise<Problem[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  // An empty page would pass every rule: the screen's content must have been checked.
  if (result.passes.length < 10) throw new Error(`axe checked almost nothing on ${screen}: is it rendered?`);
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) =>
      v.nodes.map((n) => ({
        screen,
        viewer,
        rule: v.id,
        impact: v.impact ?? '',
        targets: n.target.join(' '),
        help: v.help,
      })),
    );
}

/** How far a screen scrolls sideways, in CSS pixels (0 when it fits). */
const overflow = (page: Page): Promise<number> =>
  page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth));

/** The widest elements sticking out of the viewport, to say where an overflow comes from. */
const culprits = (page: Page): Promise<string[]> =>
  page.evaluate(() => {
    const out: string[] = [];
    /** Inside a box that scrolls or clips sideways, an element cannot widen the page. */
    const contained = (el: Element): boolean => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    for (const el of Array.from(document.querySelectorAll('main *, header *, nav *'))) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && out.length < 5 && !contained(el)) {
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
        out.push(`${el.tagName.toLowerCase()}${cls} right=${Math.round(r.right)}`);
      }
    }
    return out;
  });

describeInBrowser('accessibility: axe over every screen, and every screen fits a phone and a tablet', () => {
  let seeded: Seeded | undefined;
  const session = useDashboardBrowser({
    prepare: async (d) => {
      seeded = await seed(d);
    },
  });
  const paths = () => {
    if (!seeded) throw new Error('not seeded');
    return screenPaths(seeded);
  };
  const viewers: { name: string; signIn: (s: BrowserSession) => Promise<unknown> }[] = [
    { name: 'public', signIn: () => Promise.resolve() },
    { name: 'commission', signIn: (s) => s.signIn('JMVC', ['analyst', 'admin', 'monitor']) },
    // A party and a guarantor see other screens' contents (their own notices, cases, pledges), and
    // Ukrainian words run longer than English ones: the party reads the dashboard in Ukrainian.
    {
      name: 'party-uk',
      signIn: async (s) => {
        await s.signIn('RU', ['liaison', 'monitor']);
        await open(s.page, '/');
        await s.page.getByTestId('locale-switch').selectOption('uk');
        await s.page.locator('html[lang="uk"]').waitFor();
      },
    },
    { name: 'guarantor', signIn: (s) => s.signIn('US', ['guarantor']) },
  ];
  const counts = { screens: 0, violations: 0, overflows: 0 };

  for (const viewer of viewers) {
    it(
      `${viewer.name}: no serious or critical axe violation on any screen`,
      { timeout: 600_000 },
      async () => {
        await session.reopen(LAPTOP);
        await viewer.signIn(session);
        const problems: Problem[] = [];
        for (const { id, path } of paths()) {
          await open(session.page, path);
          problems.push(...(await axeProblems(session.page, id, viewer.name)));
        }
        counts.screens = paths().length;
        counts.violations += problems.length;
        const listed = problems.map(
          (p) => `${p.viewer} ${p.screen}: ${p.rule} (${p.impact}) ${p.targets} — ${p.help}`,
        );
        expect(listed).toEqual([]);
      },
    );

    it(
      `${viewer.name}: every screen fits 360 px and 768 px without sideways scrolling`,
      { timeout: 600_000 },
      async () => {
        const wide: string[] = [];
        for (const viewport of [PHONE, TABLET]) {
          await session.reopen(viewport);
          await viewer.signIn(session);
          for (const { id, path } of paths()) {
            await open(session.page, path);
            const by = await overflow(session.page);
            if (by > 0)
              wide.push(
                `${viewer.name} ${id} at ${viewport.width} px: ${by} px too wide; ${(await culprits(session.page)).join(', ')}`,
              );
            if (viewport === PHONE) await new AppPage(session.page).shot(`a11y-${id}-${viewer.name}-360`);
          }
        }
        counts.overflows += wide.length;
        expect(wide).toEqual([]);
      },
    );
  }

  it(
    'reaches the navigation, the map controls and the report form by Tab, each with a visible focus ring',
    { timeout: 180_000 },
    async () => {
      await session.signIn('JMVC', ['analyst', 'admin', 'monitor']);
      const reached = async (path: string, presses: number) => {
        await open(session.page, path);
        await session.page.locator('body').focus();
        const seen: { what: string; debug: string; ring: boolean }[] = [];
        for (let i = 0; i < presses; i++) {
          await session.page.keyboard.press('Tab');
          seen.push(
            await session.page.evaluate(() => {
              const el = document.activeElement as HTMLElement | null;
              if (!el || el === document.body) return { what: 'body', debug: '', ring: true };
              const style = getComputedStyle(el);
              const what =
                el.getAttribute('data-nav') ??
                el.getAttribute('aria-label') ??
                el.getAttribute('name') ??
                (el.id || null) ??
                el.tagName.toLowerCase();
              return {
                what,
                debug: `${what} ${el.tagName} ${style.outlineStyle} ${style.outlineWidth}`,
                ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
              };
            }),
          );
        }
        return seen;
      };
      const onMap = await reached('/map', 40);
      const names = onMap.map((s) => s.what);
      for (const nav of ['overview', 'map', 'reports', 'incidents', 'log']) expect(names).toContain(nav);
      expect(names).toContain('Zoom in');
      expect(onMap.filter((s) => !s.ring).map((s) => s.debug)).toEqual([]);
      const onForm = await reached('/reports/new', 45);
      expect(onForm.filter((s) => !s.ring).map((s) => s.debug)).toEqual([]);
      // Past the navigation, Tab walks into the form's own fields.
      const fields = await session.page.locator('main input, main select, main textarea').count();
      expect(fields).toBeGreaterThan(3);
      expect(
        await session.page.evaluate(
          () => document.querySelector('main')?.contains(document.activeElement) ?? false,
        ),
      ).toBe(true);
    },
  );

  it('sums up', () => {
    console.log(
      `a11y: ${counts.screens} screens × ${viewers.length} viewers, ${counts.violations} serious/critical violations, ${counts.overflows} overflows at 360/768 px`,
    );
  });
});
