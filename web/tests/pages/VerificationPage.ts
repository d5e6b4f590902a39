import { AppPage } from './AppPage.js';

/** The verification screens: the queue, an incident's page, the findings and a finding. */
export class VerificationPage extends AppPage {
  async openQueue(): Promise<void> {
    await this.goto('/incidents');
    await this.page.locator('[data-testid="incident-count"]').waitFor();
    await this.queueSettled();
  }

  /** Waits until the queue shows its answer (a table or the empty state). */
  async queueSettled(): Promise<void> {
    await this.page
      .locator('[data-testid="incidents-table"], [data-testid="no-incidents"]')
      .first()
      .waitFor();
  }

  /** The incident ids of the queue's rows, in order. */
  async queueIds(): Promise<string[]> {
    return this.page
      .locator('[data-testid="incidents-table"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident-id') ?? ''));
  }

  async queueTotal(): Promise<number> {
    return Number(await this.page.locator('[data-testid="incident-count"]').getAttribute('data-total'));
  }

  /** Ids of the rows flagged overdue. */
  async overdueIds(): Promise<string[]> {
    return this.page
      .locator('[data-testid="incidents-table"] tbody tr:has([data-testid="overdue"])')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident-id') ?? ''));
  }

  /** Unfolds the filters (they start folded on a phone). */
  async openFilters(): Promise<void> {
    const details = this.page.locator('details.queue-filters');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  }

  async filterStatus(label: string, on: boolean): Promise<void> {
    await this.openFilters();
    const box = this.page
      .getByRole('form', { name: 'Filter the queue' })
      .getByRole('checkbox', { name: label, exact: true });
    if (on) await box.check();
    else await box.uncheck();
  }

  async onlyOverdue(on: boolean): Promise<void> {
    await this.openFilters();
    const box = this.page.getByRole('checkbox', { name: 'Only overdue' });
    if (on) await box.check();
    else await box.uncheck();
  }

  async nextItem(): Promise<void> {
    await this.page.getByRole('button', { name: 'Next item' }).click();
    await this.page.waitForURL(/\/incidents\/[^/]+$/);
    await this.waitForIncident();
  }

  async openIncident(id: string): Promise<void> {
    await this.goto(`/incidents/${encodeURIComponent(id)}`);
    await this.waitForIncident();
  }

  async waitForIncident(): Promise<void> {
    await this.page.locator('[data-testid="incident"]').waitFor();
  }

  async incidentStatus(): Promise<string> {
    return (await this.page.locator('[data-testid="incident"]').getAttribute('data-status')) ?? '';
  }

  /** The labels of the transition buttons offered. */
  async moves(): Promise<string[]> {
    return this.page.locator('[data-testid="transitions"] button[data-to]').allInnerTexts();
  }

  /** Clicks a transition button, gives the reason and records it. */
  async move(button: string, reason: string): Promise<void> {
    await this.page.locator('[data-testid="transitions"]').getByRole('button', { name: button }).click();
    await this.page.getByLabel('Reason (recorded in the log)').fill(reason);
    await this.page.getByRole('button', { name: /^Record: / }).click();
  }

  /** The refusal shown inline (problem+json detail) and the rule it names. */
  async refusal(): Promise<{ text: string; rule: string | null }> {
    const alert = this.page.locator('main [role="alert"]').first();
    await alert.waitFor();
    return { text: (await alert.innerText()).trim(), rule: await alert.getAttribute('data-rule') };
  }

  async waitForStatus(status: string): Promise<void> {
    await this.page.locator(`[data-testid="incident"][data-status="${status}"]`).waitFor();
  }

  async attribute(party: string, confidence: string, method: string): Promise<void> {
    await this.page.getByLabel('Party held responsible').selectOption({ label: party });
    await this.page.getByLabel('Confidence').selectOption({ label: confidence });
    await this.page.getByLabel('Method (crater analysis, direction of fire, imagery…)').fill(method);
    await this.page.getByRole('button', { name: 'Save the attribution' }).click();
    await this.page.getByText('Saved.').waitFor();
  }

  async attribution(): Promise<string> {
    return (await this.page.locator('[data-testid="attribution"]').innerText()).trim();
  }

  async propose(summary: string, isPublic: boolean): Promise<void> {
    const form = this.page.locator('[data-testid="propose-form"]');
    await form.getByLabel('Summary of the finding').fill(summary);
    if (isPublic) await form.getByLabel('Publish to the public too once adopted').check();
    await form.getByRole('button', { name: 'Put it to the vote' }).click();
    await this.page.locator('[data-testid="finding"]').waitFor();
  }

  async findingState(): Promise<string> {
    return (await this.page.locator('[data-testid="finding"]').first().getAttribute('data-state')) ?? '';
  }

  async findingId(): Promise<string> {
    return (await this.page.locator('[data-testid="finding"]').first().getAttribute('data-finding-id')) ?? '';
  }

  async publish(): Promise<void> {
    await this.page.getByRole('button', { name: 'Publish the finding' }).click();
    await this.page.locator('[data-testid="finding-published"]', { hasText: 'public' }).waitFor();
  }

  async vote(choice: 'For' | 'Against' | 'Abstain', opinion?: string): Promise<void> {
    if (opinion !== undefined)
      await this.page
        .getByLabel('Separate opinion (optional; shown beside the finding when published)')
        .fill(opinion);
    await this.page.getByRole('button', { name: `Vote ${choice}` }).click();
    await this.page.locator('[data-testid="my-vote"]').waitFor();
  }

  /** What the timeline lists, one line per event (without the time stamps' layout). */
  async timeline(): Promise<string[]> {
    return this.page.locator('[data-testid="timeline"] li').allInnerTexts();
  }

  async openFindings(): Promise<void> {
    await this.goto('/findings');
    await this.page.locator('[data-testid="findings-table"], [data-testid="no-findings"]').first().waitFor();
  }

  async findingIds(): Promise<string[]> {
    return this.page
      .locator('[data-testid="findings-table"] tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-finding-id') ?? ''));
  }

  async openFinding(id: string): Promise<void> {
    await this.goto(`/findings/${encodeURIComponent(id)}`);
    await this.page.locator('[data-testid="finding"], .empty-state').first().waitFor();
  }

  /**
   * Elements that stick out of the window sideways (outside any scrolling box, such as a wide table's
   * own scroller): empty when the page fits the screen's width.
   */
  async sidewaysOverflow(): Promise<string[]> {
    return this.page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const clipped = (el: Element): boolean => {
        for (let p = el.parentElement; p; p = p.parentElement) {
          const o = getComputedStyle(p).overflowX;
          if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
        }
        return false;
      };
      return [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !clipped(el))
        .map(
          (el) =>
            `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} (${Math.round(el.getBoundingClientRect().right)} px)`,
        );
    });
  }
}
