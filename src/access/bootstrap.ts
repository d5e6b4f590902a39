import type { Actor } from './audit.service.js';
import type { Organisation } from './organisation.repository.js';
import { generatePassword } from './password.js';
import { permissionsFor, ROLES, type OrganisationKind, type Principal } from './policy.js';
import type { OrganisationService } from './organisation.service.js';
import type { UserService } from './user.service.js';

/** The principal of the operator at the server's console (the CLI): every permission, recorded as "console". */
export const CONSOLE_PRINCIPAL: Principal = {
  userId: null,
  username: 'console',
  organisationId: null,
  organisationKind: 'commission',
  roles: ['admin'],
  permissions: permissionsFor(ROLES),
  via: 'token',
};

/** The organisation set loaded for the demo: the commission, the parties, guarantors, a humanitarian body, the public. */
export const DEMO_ORGANISATIONS: { id: string; name: string; kind: OrganisationKind }[] = [
  { id: 'JMVC', name: 'Joint Monitoring and Verification Commission', kind: 'commission' },
  // A second verification team: serious incidents are concluded by analysts of two organisations.
  { id: 'JMVC-EU', name: 'JMVC verification team (European secondees)', kind: 'commission' },
  { id: 'UA', name: 'Ukraine', kind: 'party' },
  { id: 'RU', name: 'Russian Federation', kind: 'party' },
  { id: 'US', name: 'United States', kind: 'guarantor' },
  { id: 'EUC', name: 'European Coalition', kind: 'guarantor' },
  { id: 'OCHA', name: 'UN OCHA Humanitarian Notification Team', kind: 'humanitarian' },
  { id: 'PUBLIC', name: 'Public and press', kind: 'public' },
];

/** `initialise` found organisations or users: first-run setup happens once per database. */
export class AlreadyInitialisedError extends Error {
  override name = 'AlreadyInitialisedError';
}

export interface InitResult {
  organisations: Organisation[];
  admin: { username: string; password: string };
}

/**
 * First run: creates the commission (and, with `demo`, the demo organisation set) and the first admin,
 * whose generated password is returned once and stored only hashed. Refuses to run twice.
 */
export async function initialise(
  services: { organisations: OrganisationService; users: UserService },
  actor: Actor,
  options: { adminUsername: string; demo: boolean; adminPassword?: string },
): Promise<InitResult> {
  if ((await services.organisations.count()) > 0 || (await services.users.list()).length > 0) {
    throw new AlreadyInitialisedError('already initialised: this database has organisations and users');
  }
  const wanted = options.demo ? DEMO_ORGANISATIONS : DEMO_ORGANISATIONS.slice(0, 1);
  const organisations: Organisation[] = [];
  for (const org of wanted) organisations.push(await services.organisations.create(actor, org));
  const password = options.adminPassword ?? generatePassword();
  await services.users.create(actor, {
    organisationId: 'JMVC',
    username: options.adminUsername,
    displayName: 'Commission administrator',
    roles: ['admin', 'observer'],
    password,
  });
  return { organisations, admin: { username: options.adminUsername, password } };
}

/** Whether the database has been initialised (has at least one organisation). */
export async function isInitialised(organisations: OrganisationService): Promise<boolean> {
  return (await organisations.count()) > 0;
}
