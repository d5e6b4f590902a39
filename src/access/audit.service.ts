import type { Kysely } from 'kysely';
import type { Database, Executor } from '../db/database.js';
import { insertAccessEvent, listAccessEvents, type AccessEvent } from './audit.repository.js';
import type { Principal } from './policy.js';

/** Who acts, and where the request came from: passed to services so they can record what they did. */
export interface Actor {
  principal: Principal;
  requestId: string | null;
  clientIp: string | null;
}

/** Records access events: denied requests, sign-ins, and every administrative action. */
export class AuditTrail {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  /** The newest events first, `limit` at most, before the event `beforeId` when paging. */
  list(filter: {
    outcome?: 'allowed' | 'denied';
    action?: string;
    limit: number;
    beforeId?: number;
  }): Promise<(AccessEvent & { id: number })[]> {
    return listAccessEvents(this.db, filter);
  }

  /** Records one event in `db`: pass the change's transaction so the event commits with it. */
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
