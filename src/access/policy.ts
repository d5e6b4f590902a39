/**
 * The access policy: who may do what, and who may see which record. Every route and every query
 * path that returns marked records goes through this module.
 */

export const ROLES = [
  'admin',
  'monitor',
  'analyst',
  'commissioner',
  'liaison',
  'guarantor',
  'humanitarian',
  'observer',
] as const;
/** One role. */
export type Role = (typeof ROLES)[number];

/** The kinds of organisation an agreement involves. */
export const ORGANISATION_KINDS = ['commission', 'party', 'guarantor', 'humanitarian', 'public'] as const;
/** One kind of organisation. */
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

/** Everything a principal can be allowed to do. Tokens are scoped to a subset of these. */
export const PERMISSIONS = [
  'me:read',
  'organisations:read',
  'organisations:manage',
  'users:read',
  'users:manage',
  'tokens:manage-own',
  'tokens:manage-all',
  'audit:read',
  'agreement:read',
  'agreement:load',
  'agreement:validate',
  'reports:read',
  'reports:create',
  'sources:manage',
  'incidents:read',
  'incidents:verify',
  'findings:read',
  'findings:propose',
  'findings:vote',
  'findings:publish',
  'notices:read',
  'notices:submit',
  'notices:respond',
  'hotline:read',
  'hotline:operate',
  'cases:read',
  'cases:decide',
  'commitments:read',
  'commitments:record',
  'webhooks:manage',
  'events:read',
  'log:read',
] as const;
/** One permission; routes declare the one they need. */
export type Permission = (typeof PERMISSIONS)[number];

const EVERY_SIGNED_IN: Permission[] = [
  'me:read',
  'organisations:read',
  'tokens:manage-own',
  'agreement:read',
  // Checking a file costs CPU in proportion to it: signed-in users only, never the anonymous public.
  'agreement:validate',
  'log:read',
  // Findings carry their own markings: a party reads those published to it, the public the public ones.
  'findings:read',
  // Notices, cases and commitments carry markings and addressees: each reader sees what is theirs.
  'notices:read',
  'cases:read',
  'commitments:read',
  // The event stream: each reader receives the events it may see (the public, CLEAR ones).
  'events:read',
];

/** What each role may do; a user with several roles has the union. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: [
    ...EVERY_SIGNED_IN,
    'organisations:manage',
    'users:read',
    'users:manage',
    'tokens:manage-all',
    'audit:read',
    'agreement:load',
    // The commission's administrators read the record they keep (markings still apply) and its sources.
    'reports:read',
    'sources:manage',
    'incidents:read',
    'webhooks:manage',
  ],
  monitor: [...EVERY_SIGNED_IN, 'reports:create', 'reports:read'],
  // Analysts group reports into incidents, review, conclude and attribute them, and put findings to the body.
  analyst: [
    ...EVERY_SIGNED_IN,
    'reports:read',
    'sources:manage',
    'incidents:read',
    'incidents:verify',
    'findings:propose',
    'findings:publish',
    'notices:submit',
    'notices:respond',
    'hotline:read',
    'hotline:operate',
    'cases:decide',
    // The commission records ratification steps (a vote held, its result); pledges stay the guarantors'.
    'commitments:record',
  ],
  // Commissioners sit on the verification body: they read the incidents addressed to it and vote.
  commissioner: [...EVERY_SIGNED_IN, 'reports:read', 'incidents:read', 'findings:vote', 'cases:decide'],
  liaison: [
    ...EVERY_SIGNED_IN,
    'reports:read',
    'reports:create',
    'notices:submit',
    'notices:respond',
    'hotline:read',
    'hotline:operate',
    'webhooks:manage',
  ],
  // Guarantors notify (their own flights, bases), acknowledge what is addressed to them, decide on
  // their rungs and record their pledges and deliveries.
  guarantor: [
    ...EVERY_SIGNED_IN,
    'reports:read',
    'notices:submit',
    'notices:respond',
    // A guarantor may be a member of a hotline channel between the parties.
    'hotline:read',
    'hotline:operate',
    'cases:decide',
    'commitments:record',
    // Each organisation subscribes its own webhooks (events it may see, nothing more).
    'webhooks:manage',
  ],
  humanitarian: [...EVERY_SIGNED_IN, 'notices:submit', 'notices:respond', 'webhooks:manage'],
  observer: [...EVERY_SIGNED_IN],
};

/** Who is asking: a signed-in user (by session or token) or the anonymous public. */
export interface Principal {
  userId: string | null;
  username: string | null;
  organisationId: string | null;
  organisationKind: OrganisationKind | null;
  roles: Role[];
  permissions: ReadonlySet<Permission>;
  via: 'session' | 'token' | 'anonymous';
  /** The session's CSRF token, when via is 'session'. */
  csrfToken?: string;
}

/** Permissions open to anyone, signed in or not. */
// reports:read lets the public read CLEAR reports (and their evidence); the markings hide everything
// else from the anonymous principal (canSee, visibleTo), exactly as for a signed-in reader.
const ANONYMOUS_PERMISSIONS: Permission[] = [
  'agreement:read',
  'log:read',
  'reports:read',
  'findings:read',
  'cases:read',
  'commitments:read',
  // Live updates of what the public may read: CLEAR events only, the streams capped per process.
  'events:read',
];

/** The principal of a request without credentials: the public. */
export const ANONYMOUS: Principal = {
  userId: null,
  username: null,
  organisationId: null,
  organisationKind: 'public',
  roles: [],
  permissions: new Set(ANONYMOUS_PERMISSIONS),
  via: 'anonymous',
};

/** The union of the roles' permissions, narrowed to the token's scopes when there are any. */
export function permissionsFor(roles: readonly Role[], scopes?: readonly Permission[]): Set<Permission> {
  const granted = new Set<Permission>();
  for (const role of roles) for (const p of ROLE_PERMISSIONS[role]) granted.add(p);
  if (scopes === undefined) return granted;
  return new Set(scopes.filter((s) => granted.has(s)));
}

/** Whether a string names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether a string names a permission. */
export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** Whether a string names a kind of organisation. */
export function isOrganisationKind(value: string): value is OrganisationKind {
  return (ORGANISATION_KINDS as readonly string[]).includes(value);
}

/** Which roles a user of each kind of organisation may hold (a party cannot make itself an admin). */
export const ROLES_BY_KIND: Record<OrganisationKind, readonly Role[]> = {
  commission: ['admin', 'monitor', 'analyst', 'commissioner', 'observer'],
  party: ['liaison', 'monitor', 'commissioner', 'observer'],
  guarantor: ['guarantor', 'monitor', 'commissioner', 'observer'],
  humanitarian: ['humanitarian', 'observer'],
  public: ['observer'],
};
