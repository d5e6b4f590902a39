import { AuditTrail } from '../access/audit.service.js';
import { OrganisationService } from '../access/organisation.service.js';
import { SessionService } from '../access/session.service.js';
import { TokenService } from '../access/token.service.js';
import { UserService } from '../access/user.service.js';
import type { Config } from '../config/config.js';
import type { Db } from '../db/connect.js';
import { CommitmentSalts } from '../ledger/commitment-salts.service.js';
import { Ledger } from '../ledger/ledger.service.js';
import { WitnessRegistry } from '../ledger/witness-registry.service.js';
import { AgreementService } from '../agreement/agreement.service.js';
import type { Ed25519NoteSigner } from '../ledger/note.js';
import { createMonitoringService, type MonitoringServices } from '../monitoring/monitoring.js';
import { createVerificationServices, type VerificationServices } from '../verification/verification.js';
import { createCommitmentServices, type CommitmentServices } from '../commitments/commitments.js';
import { EventBus } from '../notifications/event-bus.js';
import { WebhookService } from '../notifications/webhook.service.js';

/** The services a running Truceline holds; built once, handed to each domain's routes. */
export interface AppServices {
  config: Config;
  database: Db;
  now: () => Date;
  audit: AuditTrail;
  organisations: OrganisationService;
  users: UserService;
  tokens: TokenService;
  sessions: SessionService;
  /** The transparency log's parts: domains get its appender, routes its reader; the server runs its sequencer. */
  ledger: Ledger;
  /** The witnesses the log asks to cosign. */
  witnesses: WitnessRegistry;
  agreements: AgreementService;
  /** Reports, sources and evidence. */
  monitoring: MonitoringServices;
  /** Incidents, findings and quiet days. */
  verification: VerificationServices;
  /** Where domains announce committed changes (SSE stream, webhooks). */
  events: EventBus;
  /** Webhook subscriptions and their deliveries; the server calls `sweep` on a timer. */
  webhooks: WebhookService;
  /** Guarantors' pledges, deliveries and amendments; the guarantee's ratification. */
  commitments: CommitmentServices;
}

/** Wires the services over one database. `now` is injectable so tests can move the clock. */
export function createServices(
  config: Config,
  database: Db,
  signer: Ed25519NoteSigner,
  now: () => Date = () => new Date(),
): AppServices {
  const audit = new AuditTrail(database.db, now);
  const db = database.db;
  const ledger = new Ledger(db, database.dialect, signer, now);
  const writer = ledger.appender;
  const witnesses = new WitnessRegistry(db);
  const organisations = new OrganisationService(db, audit, writer, now);
  const agreements = new AgreementService(db, audit, writer, witnesses, new CommitmentSalts(db), now);
  const monitoring = createMonitoringService({
    db,
    ledger: writer,
    audit,
    agreements,
    organisations,
    dataDir: config.dataDir,
    now,
  });
  const verification = createVerificationServices({
    db,
    ledger: writer,
    audit,
    agreements,
    organisations,
    now,
    reports: monitoring.reports,
  });
  const events = new EventBus();
  const webhooks = new WebhookService({
    db,
    audit,
    now,
    settings: { allowPrivate: config.webhookAllowPrivate },
  });
  webhooks.attach(events);
  const commitments = createCommitmentServices({
    db,
    ledger: writer,
    audit,
    agreements,
    organisations,
    now,
    publish: async (event) => {
      events.publish(event);
      await webhooks.drain();
    },
  });
  return {
    config,
    database,
    now,
    audit,
    organisations,
    users: new UserService(db, audit, writer, now, config.passwordCostN),
    tokens: new TokenService(db, audit, writer, now),
    sessions: new SessionService(db, audit, now, config.sessionTtlHours, config.passwordCostN),
    ledger,
    witnesses,
    agreements,
    monitoring,
    verification,
    events,
    webhooks,
    commitments,
  };
}
