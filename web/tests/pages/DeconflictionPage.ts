import { AppPage } from './AppPage.js';

/** The deconfliction board, the notice form and a notice's page. */
export class DeconflictionPage extends AppPage {
  async openBoard(): Promise<void> {
    await this.goto('/deconfliction');
    await this.page.locator('#mine-head').waitFor();
  }

  /** Waits until the (first) map on the screen has drawn its basemap. */
  async waitForMap(selector = '.map-view'): Promise<void> {
    await this.page.locator(`${selector}[data-state="ready"]`).first().waitFor({ timeout: 30_000 });
  }

  async openForm(): Promise<void> {
    await this.page.getByTestId('new-notice').click();
    await this.page.getByRole('heading', { name: 'New notice' }).waitFor();
  }

  async obligationOptions(): Promise<string[]> {
    return this.page
      .getByLabel('Obligation')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  }

  async chooseObligation(id: string): Promise<void> {
    await this.page.getByLabel('Obligation').selectOption(id);
  }

  async selected(label: string): Promise<string> {
    return this.page.getByLabel(label, { exact: true }).inputValue();
  }

  /** Clicks the form's map at fractions of its width and height, one route point (or the site) each. */
  async clickMap(points: [number, number][]): Promise<void> {
    await this.waitForMap('.map-pick');
    const canvas = this.page.locator('.map-pick canvas');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('the map has no canvas');
    for (const [x, y] of points) {
      await canvas.click({ position: { x: box.width * x, y: box.height * y } });
    }
  }

  async routePoints(): Promise<string> {
    return this.page.getByTestId('route-points').innerText();
  }

  async fillWindow(name: 'Departure window' | 'Arrival window', from: string, to: string): Promise<void> {
    const group = this.page.getByRole('group', { name });
    await group.getByLabel('From', { exact: true }).fill(from);
    await group.getByLabel('To', { exact: true }).fill(to);
  }

  async fill(label: string, value: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).fill(value);
  }

  /**
   * Sends the form. The click is dispatched to the visible, enabled button rather than waiting for
   * the page to paint it twice in the same place: with the map drawing in software on a loaded
   * machine, that wait once outlasted the 30 s timeout (CI) while the button stood still.
   */
  async submit(): Promise<void> {
    const button = this.page.getByRole('button', { name: 'Send the notice' });
    await button.waitFor({ state: 'visible' });
    if (!(await button.isEnabled())) throw new Error('"Send the notice" is disabled');
    await button.dispatchEvent('click');
  }

  /** The errors shown beside one field of the form. */
  async fieldErrors(id: string): Promise<string> {
    const errors = this.page.locator(`#${id}-errors`);
    return (await errors.count()) > 0 ? errors.innerText() : '';
  }

  /** On a notice's page (notifier): addressee → state of its copy. */
  async deliveries(): Promise<Record<string, string>> {
    const chips = this.page.locator('[data-testid="deliveries"] .delivery-chip');
    await chips.first().waitFor();
    return Object.fromEntries(
      await chips.evaluateAll((els) =>
        els.map((e) => [e.getAttribute('data-addressee') ?? '', e.getAttribute('data-state') ?? '']),
      ),
    );
  }

  /** On the board: addressee → state of each copy of my notice `id`. */
  async myDeliveries(id: string): Promise<Record<string, string>> {
    const row = this.page.locator(`[data-testid="my-notices"] tr[data-notice-id="${id}"]`);
    await row.waitFor();
    return Object.fromEntries(
      await row
        .locator('.delivery-chip')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-addressee') ?? '', e.getAttribute('data-state') ?? '']),
        ),
    );
  }

  /** The copy of notice `id` addressed to me, on the board. */
  addressed(id: string) {
    return this.page.locator(`[data-testid="addressed-notice"][data-notice-id="${id}"]`);
  }

  async addressedIds(): Promise<string[]> {
    return this.page
      .locator('[data-testid="addressed-notice"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-notice-id') ?? ''));
  }

  noticeIdFromUrl(): string {
    const m = /\/deconfliction\/notices\/([^/?#]+)/.exec(this.page.url());
    if (!m?.[1]) throw new Error(`not on a notice page: ${this.page.url()}`);
    return decodeURIComponent(m[1]);
  }
}
