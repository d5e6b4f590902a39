import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { ReportFormPage } from './pages/ReportFormPage.js';
import { describeInBrowser, useDashboardBrowser } from './support/browser.js';

const PHOTO = Buffer.from('not really a JPEG, but bytes whose hash we know', 'utf8');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describeInBrowser('filing a report', () => {
  const session = useDashboardBrowser({
    prepare: (d) => d.loadIllustrativeAgreement('GREEN'),
    eachTest: async (s) => void (await s.signIn('JMVC', ['monitor'])),
  });

  async function fillValidReport(form: ReportFormPage): Promise<void> {
    await form.setMgrs('37U CP 6467 4925');
    await form.setObserved('2026-11-20T05:10', '2026-11-20T05:40');
    await form.chooseCategory('Explosion (shelling, artillery, missile, grenade)');
    await form.setEvents(4);
    await form.setCasualties('Civilians injured', 1);
    await form.setNarrative(
      'Four impacts heard and seen north-east of the observation post, one person injured.',
    );
  }

  it('takes the position from an MGRS reference and widens the radius to its grid square', async () => {
    const form = new ReportFormPage(session.page);
    await form.open();
    await form.setMgrs('37U CP 64 49');
    const p = await form.position();
    expect(Number(p.lat)).toBeCloseTo(48.28, 1);
    expect(Number(p.lon)).toBeCloseTo(37.17, 1);
    // A 1 km square: the radius covers its half-diagonal.
    expect(Number(p.radius)).toBeGreaterThanOrEqual(700);
  });

  it('offers the agreement’s taxonomy and shows the SHA-256 of the evidence before sending', async () => {
    const form = new ReportFormPage(session.page);
    await form.open();
    expect(await form.categoryOptions()).toEqual(
      expect.arrayContaining([
        'Muzzle flash',
        'Obstruction of monitors (denied access, jamming, damaged sensors)',
      ]),
    );
    await form.addEvidence('impact-1.jpg', 'image/jpeg', PHOTO);
    expect(await form.evidenceHash('impact-1.jpg')).toBe(sha256(PHOTO));
    await fillValidReport(form);
    await form.shot('report-form');
  });

  it('lists what is wrong, next to each field, and sends nothing', async () => {
    let posted = false;
    session.page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/v1/reports')) posted = true;
    });
    const form = new ReportFormPage(session.page);
    await form.open();
    await form.setObserved('2026-11-20T06:00', '2026-11-20T05:00');
    await form.submit();
    expect(await form.problems()).toEqual([
      'Give the position: click the map, or type coordinates or an MGRS reference.',
      'The end of the observation cannot be before its start.',
      'Choose a category.',
      'Describe the observation in at least a few words.',
    ]);
    expect(await session.page.getByLabel('Category', { exact: true }).getAttribute('aria-invalid')).toBe(
      'true',
    );
    expect(posted).toBe(false);
    await form.shot('report-form-problems');
  });

  it('lists no reports yet, and says why, rather than showing anything made up', async () => {
    const app = new ReportFormPage(session.page);
    await app.goto('/reports');
    const empty = session.page.locator('[data-testid="no-reports"]');
    expect(await empty.innerText()).toContain('No reports yet.');
    await app.shot('reports-empty');
  });

  it('says when a report does not exist or is not visible', async () => {
    const app = new ReportFormPage(session.page);
    await app.goto('/reports/r-unknown');
    await session.page.getByText('There is no report r-unknown, or it is not visible to you.').waitFor();
    await app.shot('report-not-found');
  });

  it('files a report with evidence and shows the log receipt', async () => {
    const form = new ReportFormPage(session.page);
    await form.open();
    await form.addEvidence('impact-1.jpg', 'image/jpeg', PHOTO);
    await form.evidenceHash('impact-1.jpg');
    await fillValidReport(form);
    await form.nameSource('OP-7 patrol', 'B');
    await form.submit();
    const id = await form.filedReportId();
    const index = await form.receiptIndex();
    expect(await form.receiptText()).toMatch(new RegExp(`^c2sp.org/tlog-proof@v1\\nindex ${index}\\n`));
    expect(await session.page.locator('[data-testid="failed-uploads"]').count()).toBe(0);
    await form.shot('report-filed');

    // The report, as stored, with the evidence hash computed in the browser.
    await form.goto(`/reports/${id}`);
    await session.page.locator('[data-testid="report-evidence"]').waitFor();
    expect(await session.page.locator('[data-testid="report-evidence"]').innerText()).toContain(
      sha256(PHOTO),
    );
    // The log entry that records it, with the inclusion proof checked in the browser.
    await session.page.locator('[data-testid="log-included"]').waitFor();
    expect(await session.page.locator('[data-testid="report-log"]').innerText()).toContain(`#${index}`);
    await session.page.getByText('Chain of custody').click();
    await session.page.locator('[data-testid="custody-trail"] li').first().waitFor();
    expect(await session.page.locator('[data-testid="custody-trail"]').innerText()).toMatch(/uploaded/);
    await form.shot('report-detail');
    await form.goto('/reports');
    await session.page.locator('[data-testid="reports-table"]').waitFor();
    expect(await session.page.locator('[data-testid="reports-table"] tbody tr').count()).toBe(1);
    await form.shot('reports');
  });
});
