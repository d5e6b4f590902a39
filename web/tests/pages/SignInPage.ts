import { AppPage } from './AppPage.js';

export class SignInPage extends AppPage {
  async open(): Promise<void> {
    await this.goto('/sign-in');
  }

  /** Signs in and waits until the dashboard knows who the user is. */
  async signIn(username: string, password: string): Promise<void> {
    await this.fill(username, password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.locator('[data-testid="current-user"]').waitFor();
  }

  async fill(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
  }

  async error(): Promise<string> {
    return this.page.locator('#signin-error').innerText();
  }
}
