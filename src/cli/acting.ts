import { consoleActor, type Actor } from '../access/audit.service.js';
import { ANONYMOUS } from '../access/policy.js';
import type { AppServices } from '../server/context.js';
import { CliError, openRuntime } from './runtime.js';

/**
 * Opens the runtime and acts as the named user (every step of verification, the hotline and
 * notices is by a named person), or as the public when no name is given.
 */
export async function asUser<T>(
  username: string | undefined,
  work: (s: AppServices, actor: Actor) => Promise<T>,
): Promise<T> {
  const services = await openRuntime();
  try {
    let actor: Actor;
    if (username === undefined) actor = consoleActor(ANONYMOUS);
    else {
      const principal = await services.sessions.principalForConsole(username);
      if (principal === undefined) throw new CliError(`--as ${username}: no such enabled user`);
      actor = consoleActor(principal);
    }
    return await work(services, actor);
  } finally {
    await services.close();
  }
}

/** Prints JSON with `--json`, else the text. */
export function print(json: boolean, value: unknown, text: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}
