import type { Response } from 'playwright-core';
import { AppPage } from './AppPage.js';

export class MapPage extends AppPage {
  async open(): Promise<void> {
    await this.goto('/map');
    await this.waitForMap();
  }

  /** Waits until MapLibre has drawn the basemap. */
  async waitForMap(): Promise<void> {
    await this.page.locator('.map-main[data-state="ready"]').waitFor({ timeout: 30_000 });
  }

  /** The next answer of the settlements endpoint (labels), parsed. */
  async nextPlaces(): Promise<{ features: { properties: { name: string; population: number } }[] }> {
    const response: Response = await this.page.waitForResponse((r) => r.url().includes('/api/v1/places'));
    return (await response.json()) as { features: { properties: { name: string; population: number } }[] };
  }

  async legendNames(): Promise<string[]> {
    return this.page.locator('[data-testid="legend"] .legend-name').allInnerTexts();
  }

  async noOverlayMessage(): Promise<boolean> {
    return this.page.locator('[data-testid="no-agreement-overlay"]').isVisible();
  }

  private filters() {
    return this.page.getByRole('form', { name: 'Filters' });
  }

  /** Opens the filters (they start closed while there are no reports). */
  async openFilters(): Promise<void> {
    const details = this.page.locator('details.filters');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    await this.filters().waitFor();
  }

  async categoryNames(): Promise<string[]> {
    return this.filters()
      .locator('.filter-categories input[name="category"]')
      .evaluateAll((inputs) => inputs.map((i) => (i.closest('label')?.textContent ?? '').trim()));
  }

  async tickCategory(name: string): Promise<void> {
    await this.filters().getByRole('checkbox', { name, exact: true }).check();
  }

  async tickReliability(grade: string): Promise<void> {
    await this.filters().locator(`input[name="reliability"][value="${grade}"]`).check();
  }

  async setDates(from: string, to: string): Promise<void> {
    await this.filters().getByLabel('From (UTC)').fill(from);
    await this.filters().getByLabel('To (UTC)').fill(to);
  }

  async zoneOptions(): Promise<string[]> {
    return this.filters().getByLabel('Zone').locator('option').allInnerTexts();
  }

  async activeFilters(): Promise<string | null> {
    const badge = this.page.locator('.filters summary .badge');
    return (await badge.count()) > 0 ? badge.innerText() : null;
  }

  async clearFilters(): Promise<void> {
    await this.filters().getByRole('button', { name: 'Clear filters' }).click();
  }

  async timeSliderDisabled(): Promise<boolean> {
    return this.filters().getByLabel('Time slider: observed up to').isDisabled();
  }

  /** Moves the time slider with the keyboard, as a user would: Home is the first observation. */
  async slideTime(key: 'Home' | 'End' | 'ArrowLeft' | 'ArrowRight' | 'PageDown' | 'PageUp'): Promise<void> {
    await this.filters().getByLabel('Time slider: observed up to').focus();
    await this.page.keyboard.press(key);
  }

  /** Picks the first report of the list beside the map (the keyboard route to a report). */
  async selectFirstReport(): Promise<void> {
    await this.page
      .getByRole('list', { name: 'Reports matching the filters' })
      .getByRole('button')
      .first()
      .click();
    await this.page.locator('[data-testid="map-selection"]').waitFor();
  }

  async shownCount(): Promise<{ shown: number; total: number }> {
    const el = this.page.locator('[data-testid="reports-shown"]');
    return {
      shown: Number(await el.getAttribute('data-shown')),
      total: Number(await el.getAttribute('data-total')),
    };
  }
}
