import type { Permission, Principal } from '../access/policy.js';
import { forbidden } from '../core/errors.js';

/** What it takes to add to the record of observations: a report (API, import, demo) or evidence for one. */
export const CREATE_REPORTS = 'reports:create' satisfies Permission;

/**
 * The monitoring domain's one check of CREATE_REPORTS. The HTTP routes declare the permission as the
 * server requires of every route, but the CLI import and the demo call the services directly: the
 * services check it here, so every entry point is guarded by the same rule.
 */
export function requireMayCreateReports(principal: Principal): void {
  if (!principal.permissions.has(CREATE_REPORTS)) throw forbidden(`${CREATE_REPORTS} is required`);
}
