import type { Kysely } from 'kysely';
import type { OrganisationKind } from '../access/policy.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import type { Database } from '../db/database.js';
import type { LedgerWriter } from '../ledger/log-appender.service.js';
import { ConflictService } from './conflict.service.js';
import type { EscalationService } from './escalation.service.js';
import { NoticeService, type NoticeDeps } from './notice.service.js';

/** The deconfliction domain's services, as the server and the CLI hold them. */
export interface DeconflictionServices {
  notices: NoticeService;
  /** The conflict index and stored conflicts; also monitoring's strike lookup. */
  conflicts: ConflictService;
  escalations: EscalationService;
  /** What falls due: overdue acknowledgements, expiries, a full conflict re-check. */
  sweep(now?: Date): Promise<void>;
}

export interface DeconflictionWiring {
  db: Kysely<Database>;
  ledger: LedgerWriter;
  agreements: {
    versionInForceAt(at: Date): Promise<{ info: { id: string }; agreement: Agreement } | undefined>;
    versionById(id: string): Promise<{ info: { id: string }; agreement: Agreement } | undefined>;
  };
  organisations: { list(): Promise<{ id: string; kind: OrganisationKind }[]> };
  escalations: EscalationService;
  now: () => Date;
  publish?: NoticeDeps['publish'];
}

/**
 * Wires notices, conflicts and escalations: every change of which notices are active goes to the
 * conflict index (which monitoring asks, on intake, which notices a report touches).
 */
export function createDeconflictionServices(deps: DeconflictionWiring): DeconflictionServices {
  const conflicts = new ConflictService(deps);
  const notices = new NoticeService(deps);
  notices.onChange((change) => conflicts.onNoticeChange(change));
  return {
    notices,
    conflicts,
    escalations: deps.escalations,
    async sweep(now = deps.now()) {
      await notices.sweep(now);
      await conflicts.recheck();
    },
  };
}
