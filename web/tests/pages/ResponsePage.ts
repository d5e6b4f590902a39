import type { Locator } from 'playwright-core';
import { AppPage } from './AppPage.js';

/** The breach-response screens: the cases list, a case page and its decision form. */
export class ResponsePage extends AppPage {
  async openCases(): Promise<void> {
    await this.navigateTo('Breach response');
    await this.page.locator('main h1', { hasText: 'Breach response' }).waitFor();
  }

  /** The list's rows, or none once the empty state shows. */
  caseRows(): Locator {
    return this.page.locator('[data-testid="cases-table"] tbody tr');
  }

  async caseRow(id: string): Promise<{ rung: string; position: string; status: string; mustAct: string }> {
    const row = this.page.locator(`[data-testid="cases-table"] tr[data-case-id="${id}"]`);
    return {
      rung: (await row.locator('[data-testid="rung-position"]').getAttribute('data-rung')) ?? '',
      position: (await row.locator('[data-testid="rung-position"]').innerText()).replace(/\s+/g, ' ').trim(),
      status: (await row.locator('[data-testid="case-status"]').getAttribute('data-status')) ?? '',
      mustAct: (await row.locator('[data-testid="must-act"]').innerText()).trim(),
    };
  }

  async openCase(id: string): Promise<void> {
    await this.page.locator(`tr[data-case-id="${id}"] a`).first().click();
    await this.page.locator('[data-testid="case-steps"]').waitFor();
  }

  /** Where the open case page says the case stands. */
  async position(): Promise<{ rung: string; text: string; status: string; mustAct: string }> {
    const pos = this.page.locator('.case-facts [data-testid="rung-position"]');
    return {
      rung: (await pos.getAttribute('data-rung')) ?? '',
      text: (await pos.innerText()).replace(/\s+/g, ' ').trim(),
      status:
        (await this.page.locator('.case-facts [data-testid="case-status"]').getAttribute('data-status')) ??
        '',
      mustAct: (await this.page.locator('.case-facts [data-testid="must-act"]').innerText()).trim(),
    };
  }

  decisionForm(): Locator {
    return this.page.locator('[data-testid="decision-form"]');
  }

  async options(): Promise<string[]> {
    return this.decisionForm()
      .getByRole('radio')
      .evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  }

  async decide(optionLabel: string, reason: string): Promise<void> {
    const form = this.decisionForm();
    await form.getByRole('radio', { name: optionLabel }).check();
    await form.getByLabel(/^Reason/).fill(reason);
    await form.getByRole('button', { name: 'Record the decision' }).click();
  }

  async decisions(): Promise<string[]> {
    return this.page
      .locator('[data-testid="decisions"] > li')
      .evaluateAll((items) => items.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }

  /** The case's steps, oldest first, as "kind rung". */
  async steps(): Promise<string[]> {
    return this.page
      .locator('[data-testid="case-steps"] > li')
      .evaluateAll((items) =>
        items.map((li) => `${li.getAttribute('data-kind')} ${li.getAttribute('data-rung')}`),
      );
  }
}
