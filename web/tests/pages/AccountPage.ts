import { AppPage } from './AppPage.js';

/** The signed-in user's account screen, reached from the name in the header. */
export class AccountPage extends AppPage {
  async openFromHeader(): Promise<void> {
    await this.page.locator('[data-testid="current-user"] a').click();
    await this.page.getByRole('heading', { name: 'Your account' }).waitFor();
  }

  async changePassword(current: string, next: string, repeat = next): Promise<void> {
    await this.page.getByLabel('Current password').fill(current);
    await this.page.getByLabel('New password', { exact: true }).fill(next);
    await this.page.getByLabel('New password again').fill(repeat);
    await this.page.getByRole('button', { name: 'Change password' }).click();
  }

  async error(): Promise<string> {
    return this.page.locator('#account-error').innerText();
  }
}
