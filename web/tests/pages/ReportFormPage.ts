import { AppPage } from './AppPage.js';

export class ReportFormPage extends AppPage {
  async open(): Promise<void> {
    await this.goto('/reports/new');
    await this.page.getByRole('heading', { name: 'File a report' }).waitFor();
  }

  async setMgrs(reference: string): Promise<void> {
    await this.page.getByLabel('MGRS reference').fill(reference);
  }

  async position(): Promise<{ lat: string; lon: string; radius: string }> {
    return {
      lat: await this.page.getByLabel('Latitude (decimal degrees, WGS84)').inputValue(),
      lon: await this.page.getByLabel('Longitude (decimal degrees, WGS84)').inputValue(),
      radius: await this.page.getByLabel('Uncertainty radius (metres)').inputValue(),
    };
  }

  async setObserved(from: string, to: string): Promise<void> {
    await this.page.getByLabel('Observed from (UTC)').fill(from);
    await this.page.getByLabel('Observed until (UTC)').fill(to);
  }

  async categoryOptions(): Promise<string[]> {
    return this.page.getByLabel('Category', { exact: true }).locator('option').allInnerTexts();
  }

  async chooseCategory(name: string): Promise<void> {
    await this.page.getByLabel('Category', { exact: true }).selectOption({ label: name });
  }

  async setEvents(events: number): Promise<void> {
    await this.page.getByLabel('Number of events', { exact: false }).fill(String(events));
  }

  /** e.g. setCasualties('Civilians injured', 1) */
  async setCasualties(label: string, n: number): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).fill(String(n));
  }

  async nameSource(name: string, reliability: string): Promise<void> {
    await this.page.getByLabel('Source', { exact: true }).fill(name);
    await this.page.getByLabel('Source reliability').selectOption({ value: reliability });
  }

  async setNarrative(text: string): Promise<void> {
    await this.page.getByLabel('Narrative').fill(text);
  }

  async addEvidence(name: string, mimeType: string, buffer: Buffer): Promise<void> {
    await this.page.locator('[data-testid="evidence-input"]').setInputFiles({ name, mimeType, buffer });
  }

  /** The SHA-256 the page shows for an evidence file, once computed. */
  async evidenceHash(name: string): Promise<string> {
    const hash = this.page.locator(
      `[data-testid="evidence-list"] li[data-name="${name}"] [data-testid="evidence-hash"]`,
    );
    await hash.filter({ hasText: 'SHA-256' }).waitFor();
    return (await hash.innerText()).replace('SHA-256', '').trim();
  }

  async submit(): Promise<void> {
    await this.page.getByRole('button', { name: 'File the report' }).click();
  }

  async problems(): Promise<string[]> {
    return this.page.locator('[data-testid="form-problems"] li').allInnerTexts();
  }

  async filedReportId(): Promise<string> {
    await this.page.getByRole('heading', { name: 'Report filed' }).waitFor();
    return this.page.locator('[role="status"] a').first().innerText();
  }

  async receiptIndex(): Promise<number> {
    return Number(
      (await this.page.locator('[data-testid="receipt-index"]').first().innerText()).replace('#', ''),
    );
  }

  async receiptText(): Promise<string> {
    return this.page.locator('[data-testid="receipt"] pre').first().innerText();
  }
}
