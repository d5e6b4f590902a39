import { AppPage } from './AppPage.js';

export class LogPage extends AppPage {
  async open(query = ''): Promise<void> {
    await this.goto(`/transparency-log${query}`);
    await this.page.locator('[data-testid="checkpoint-size"]').waitFor();
  }

  async size(): Promise<number> {
    return Number(
      (await this.page.locator('[data-testid="checkpoint-size"]').innerText()).replace(/\D/g, ''),
    );
  }

  async signers(): Promise<string[]> {
    return this.page.locator('[data-testid="cosigners"] li').allInnerTexts();
  }

  async lookUp(index: number): Promise<void> {
    await this.page.getByLabel('Entry index').first().fill(String(index));
    await this.page.getByRole('button', { name: 'Look up' }).click();
    await this.page.locator('[data-testid="log-entry"]').waitFor();
  }

  async entryKind(): Promise<string> {
    return this.page.locator('[data-testid="log-entry"] dd.mono').first().innerText();
  }

  async getReceipt(): Promise<string> {
    await this.page.getByRole('button', { name: 'Get the receipt' }).click();
    await this.page.locator('[data-testid="log-receipt"] [data-testid="receipt-verified"]').waitFor();
    return this.page.locator('[data-testid="log-receipt"] pre').innerText();
  }

  async receiptVerdict(): Promise<string> {
    return this.page.locator('[data-testid="log-receipt"] [data-testid="receipt-verified"]').innerText();
  }

  async checkReceipt(text: string): Promise<string> {
    await this.page.getByLabel('Receipt', { exact: true }).fill(text);
    await this.page.getByRole('button', { name: 'Check', exact: true }).click();
    const verdict = this.page.locator('[data-testid="receipt-check"] [data-testid="receipt-verified"]');
    await verdict.waitFor();
    return verdict.innerText();
  }

  /** The plain-words section: what the log proves and how to audit it from the command line. */
  async explainer(): Promise<{ text: string; origin: string; commands: string }> {
    const section = this.page.locator('[data-testid="log-explainer"]');
    await section.locator('[data-testid="audit-commands"]').waitFor();
    return {
      text: await section.innerText(),
      origin: await section.locator('[data-testid="log-origin"]').innerText(),
      commands: await section.locator('[data-testid="audit-commands"]').innerText(),
    };
  }
}
