import type { Executor } from '../db/database.js';
import { insertAccessEvent } from './audit.repository.js';
import type { Principal } from './policy.js';

/** Who acts, and where the request came from: passed to services so they can record what they did. */
export interface Actor {
  principal: Principal;
  requestId: string | null;
  clientIp: string | null;
}

/** Records access events: denied requests, sign-ins, and every administrative action. */
export class AuditTrail {
  constructor(private readonly now: () => Date) {}

  async record(
    db: Executor,
    actor: Actor,
    action: string,
    resource: string,
    outcome: 'allowed' | 'denied',
    reason: string | null = null,
  ): Promise<void> {
    await insertAccessEvent(db, {
      at: this.now().toISOString(),
      requestId: actor.requestId,
      actorUserId: actor.principal.userId,
      actorOrganisationId: actor.principal.organisationId,
      action,
      resource,
      outcome,
      reason,
      clientIp: actor.clientIp,
    });
  }
}

/** The actor for work started from the command line on the server's own machine. */
export function consoleActor(principal: Principal): Actor {
  return { principal, requestId: null, clientIp: 'console' };
}
