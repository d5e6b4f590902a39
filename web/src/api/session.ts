import { getJson, setCsrfToken } from './client.js';
import type { LoginResult, Me } from './types.js';

/** Who is signed in (the anonymous public included) and what they may do. */
export async function fetchMe(): Promise<Me> {
  const me = await getJson<Me>('/api/v1/me');
  setCsrfToken(me.csrfToken);
  return me;
}

export async function signIn(username: string, password: string): Promise<LoginResult> {
  const result = await getJson<LoginResult>('/api/v1/auth/login', {
    method: 'POST',
    body: { username, password },
  });
  setCsrfToken(result.csrfToken);
  return result;
}

/** Changes the signed-in user's password; every session and API token of the user ends with it. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await getJson<void>('/api/v1/me/password', { method: 'PUT', body: { currentPassword, newPassword } });
  setCsrfToken(undefined);
}

export async function signOut(): Promise<void> {
  await getJson<void>('/api/v1/auth/logout', { method: 'POST' });
  setCsrfToken(undefined);
}
