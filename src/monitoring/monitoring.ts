import path from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditTrail } from '../access/audit.service.js';
import type { OrganisationKind } from '../access/policy.js';
import type { Database } from '../db/database.js';
import type { DeferredSync } from '../db/deferred-sync.js';
import { GroupCommit } from '../db/group-commit.js';
import type { BulkLedgerWriter } from '../ledger/ledger.service.js';
import type { AgreementSource, DeconflictionLookup } from './classify.js';
import { EvidenceService } from './evidence.service.js';
import { LocalEvidenceStore, type EvidenceStore } from './evidence.store.js';
import {
  ReportService,
  monitoringSettingsFromEnv,
  type MonitoringDeps,
  type MonitoringSettings,
} from './report.service.js';

/** The monitoring domain's services, as the server and the CLI hold them. */
export interface MonitoringServices {
  reports: ReportService;
  evidence: EvidenceService;
}

/**
 * Wires the monitoring domain from what it needs: the database, the log, the audit trail, the
 * agreement versions, the organisations, a clock and the data directory (evidence lives under
 * `<dataDir>/evidence` unless TRUCELINE_EVIDENCE_DIR says otherwise).
 */
export function createMonitoringService(deps: {
  db: Kysely<Database>;
  ledger: BulkLedgerWriter;
  audit: AuditTrail;
  agreements: AgreementSource;
  organisations: { list(): Promise<{ id: string; kind: OrganisationKind }[]> };
  dataDir: string;
  now: () => Date;
  settings?: MonitoringSettings;
  evidenceStore?: EvidenceStore;
  deconfliction?: DeconflictionLookup;
  /** Announces stored reports to the event stream and webhooks. */
  publish?: MonitoringDeps['publish'];
  /** Group commits fsync off the event loop (SQLite files: `Db.deferredSync`). */
  deferredSync?: DeferredSync;
}): MonitoringServices {
  const settings = deps.settings ?? monitoringSettingsFromEnv();
  const store =
    deps.evidenceStore ??
    new LocalEvidenceStore(process.env.TRUCELINE_EVIDENCE_DIR ?? path.join(deps.dataDir, 'evidence'));
  const reports = new ReportService({
    db: deps.db,
    ledger: deps.ledger,
    audit: deps.audit,
    agreements: deps.agreements,
    organisations: deps.organisations,
    evidenceStore: store,
    settings,
    now: deps.now,
    // Live submissions arriving together share one commit (one fsync) and one wake of the sequencer.
    // One group at a time on both engines: writes of one group see each other (a source two
    // reports name on first sight is registered once), as they do when run one after another.
    // On SQLite the group's fsync runs off the event loop (deferred-sync.ts): the process goes on
    // reading and validating the next group's submissions while the disk syncs this one.
    groupCommit: new GroupCommit(
      deps.db,
      deps.deferredSync !== undefined ? { deferredSync: deps.deferredSync } : {},
    ),
    ...(deps.deconfliction !== undefined ? { deconfliction: deps.deconfliction } : {}),
    ...(deps.publish !== undefined ? { publish: deps.publish } : {}),
  });
  const evidence = new EvidenceService(
    deps.db,
    store,
    deps.ledger,
    deps.audit,
    deps.now,
    settings.evidenceMaxBytes,
  );
  return { reports, evidence };
}
