import type { Page } from 'playwright-core';
import { screenshot } from '../support/screenshots.js';

/** What every screen has: the organisation badge, the navigation, the user menu. */
export class AppPage {
  constructor(readonly page: Page) {}

  async goto(path: string): Promise<void> {
    await this.page.goto(path);
    await this.page.locator('[data-testid="org-badge"]').waitFor();
  }

  /** The screens offered in the main navigation, by id, in order. */
  async navItems(): Promise<string[]> {
    return this.page
      .locator('nav.mainnav a[data-nav]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('data-nav') ?? ''));
  }

  async navigateTo(label: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  }

  async badge(): Promise<{ kind: string; organisation: string | null; text: string }> {
    const badge = this.page.locator('[data-testid="org-badge"]');
    return {
      kind: (await badge.getAttribute('data-kind')) ?? '',
      organisation: await badge.getAttribute('data-organisation'),
      text: ((await badge.textContent()) ?? '').replace(/\s+/g, ' ').trim(),
    };
  }

  async heading(): Promise<string> {
    return (await this.page.locator('main h1').first().innerText()).trim();
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await this.page.getByText('You have signed out.').waitFor();
  }

  async isNotAllowed(): Promise<boolean> {
    return this.page.locator('[data-testid="not-allowed"]').isVisible();
  }

  /** Saves a screenshot from the top of the page (sticky bars stay where a user sees them). */
  async shot(name: string, fullPage = true): Promise<void> {
    await this.page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(this.page, name, fullPage);
  }
}
