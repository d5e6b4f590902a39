import { AppPage } from './AppPage.js';

export class AgreementPage extends AppPage {
  async open(): Promise<void> {
    await this.goto('/agreement');
    await this.page.locator('main h1').waitFor();
  }

  async consensus(): Promise<string> {
    return this.page.locator('[data-testid="consensus"] .stat-value').innerText();
  }

  async consensusDetail(): Promise<string> {
    return this.page.locator('[data-testid="consensus"] .muted').innerText();
  }

  /** "P-14 Territory" for each open hurdle, in the order shown. */
  async hurdleTitles(): Promise<string[]> {
    return this.page
      .locator('[data-testid="hurdles"] > li')
      .evaluateAll((items) =>
        items.map(
          (li) =>
            `${li.getAttribute('data-provision')} ${li.querySelector('.provision-title')?.textContent ?? ''}`,
        ),
      );
  }

  /** Each party's position on a provision, as the table shows it (e.g. { Ukraine: 'Disputed' }). */
  async positions(provisionId: string): Promise<Record<string, string>> {
    const headers = await this.page.locator('[data-testid="provisions"] thead th').allInnerTexts();
    const cells = await this.page
      .locator(`[data-testid="provisions"] tr[data-provision="${provisionId}"] td .position`)
      .allInnerTexts();
    return Object.fromEntries(
      cells.map((c, i) => [headers[i + 1]!.trim(), c.replace(/^[✓✕?]\s*/, '').trim()]),
    );
  }

  async rungNames(): Promise<string[]> {
    return this.page.locator('[data-testid="ladder"] .card-title').allInnerTexts();
  }

  async ratificationStatus(): Promise<string> {
    return this.page.locator('[data-testid="ratification-status"]').first().innerText();
  }

  async showOnlyOpen(): Promise<void> {
    await this.page.getByLabel('Show only provisions not agreed by every party').check();
  }

  async provisionIds(): Promise<string[]> {
    return this.page
      .locator('[data-testid="provisions"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-provision') ?? ''));
  }

  async emptyState(): Promise<string> {
    return this.page.locator('[data-testid="no-agreement"]').innerText();
  }
}
