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
import { EscalationService } from '../deconfliction/escalation.service.js';
import { createDeconflictionServices, type DeconflictionServices } from '../deconfliction/deconfliction.js';
import { HotlineService } from '../deconfliction/hotline.service.js';
import { createResponseServices, type ResponseServices } from '../response/response.js';
import { createCommitmentServices, type CommitmentServices } from '../commitments/commitments.js';
import { EventBus } from '../notifications/event-bus.js';
import { SecretSealer } from '../notifications/secret-seal.js';
import { WebhookService } from '../notifications/webhook.service.js';
import { DailyReportService } from '../daily/daily.service.js';
import { NO_PLACE_NAMES, type PlaceNames } from '../monitoring/place-names.js';

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
  /** Escalations to the commission (the hotline, notices and disclosure requests raise them). */
  escalations: EscalationService;
  /** Notices, their copies and conflicts. */
  deconfliction: DeconflictionServices;
  /** What falls due with time (overdue acknowledgements, expiries, re-checks): the server runs them periodically. */
  sweeps: { name: string; run(now: Date): Promise<unknown> }[];
  /** The parties' hotline; the server calls `hotline.sweep(now)` periodically. */
  hotline: HotlineService;
  /** The escalation ladder's cases, the guarantees' status, the replay. */
  response: ResponseServices;
  /** Where domains announce committed changes (SSE stream, webhooks). */
  events: EventBus;
  /** Webhook subscriptions and their deliveries; the server calls `sweep` on a timer. */
  webhooks: WebhookService;
  /** Guarantors' pledges, deliveries and amendments; the guarantee's ratification. */
  commitments: CommitmentServices;
  /** The daily report: built per reader, rendered as JSON, HTML or PDF, each edition logged. */
  daily: DailyReportService;
  /** Places' names in Ukrainian, from the operator's GeoNames files (empty when none are configured). */
  placeNames: PlaceNames;
}

/** Wires the services over one database. `now` is injectable so tests can move the clock. */
export function createServices(
  config: Config,
  database: Db,
  signer: Ed25519NoteSigner,
  now: () => Date = () => new Date(),
  placeNames: PlaceNames = NO_PLACE_NAMES,
): AppServices {
  const audit = new AuditTrail(database.db, now);
  const db = database.db;
  const ledger = new Ledger(db, database.dialect, signer, now);
  const writer = ledger.appender;
  const witnesses = new WitnessRegistry(db);
  const organisations = new OrganisationService(db, audit, writer, now);
  const agreements = new AgreementService(db, audit, writer, witnesses, new CommitmentSalts(db), now);
  const events = new EventBus();
  const webhooks = new WebhookService({
    db,
    audit,
    now,
    sealer: new SecretSealer(config.secretsKeyFile),
    settings: { allowPrivate: config.webhookAllowPrivate },
  });
  webhooks.attach(events);
  /** Domains announce committed changes here: the event stream and the webhooks deliver them. */
  const announce = async (event: Parameters<EventBus['publish']>[0]) => {
    events.publish(event);
    await webhooks.drain();
  };
  const escalations = new EscalationService({ db, ledger: writer, audit, now });
  const deconfliction = createDeconflictionServices({
    db,
    ledger: writer,
    agreements,
    organisations,
    escalations,
    now,
    publish: announce,
  });
  const hotline = new HotlineService({ db, ledger: writer, audit, escalations, organisations, now });
  const monitoring = createMonitoringService({
    db,
    ledger: writer,
    audit,
    agreements,
    organisations,
    dataDir: config.dataDir,
    now,
    // Which notified sites and movements a report touches (the strike check).
    deconfliction: deconfliction.conflicts,
    publish: announce,
    ...(database.deferredSync !== undefined ? { deferredSync: database.deferredSync } : {}),
  });
  const verification = createVerificationServices({
    db,
    ledger: writer,
    audit,
    agreements,
    organisations,
    now,
    reports: monitoring.reports,
    publish: announce,
  });
  const response = createResponseServices({ db, ledger: writer, audit, agreements, organisations, now });
  wireResponse(verification, response);
  response.cases.onCaseEvent((e) =>
    announce({
      kind: e.kind,
      recordId: e.caseId,
      at: e.at,
      marking: e.marking,
      addressees: e.addressees,
      summary: { caseId: e.caseId, summary: e.summary },
    }),
  );
  const commitments = createCommitmentServices({
    db,
    ledger: writer,
    audit,
    agreements,
    organisations,
    now,
    publish: announce,
  });
  const daily = new DailyReportService({
    db,
    ledger,
    now,
    agreements,
    reports: monitoring.reports,
    incidents: verification.incidents,
    findings: verification.findings,
    placeNames,
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
    escalations,
    deconfliction,
    sweeps: [
      { name: 'deconfliction', run: (at) => deconfliction.sweep(at) },
      { name: 'hotline', run: (at) => hotline.sweep(at) },
      { name: 'response', run: (at) => response.cases.sweep(at) },
    ],
    hotline,
    response,
    events,
    webhooks,
    commitments,
    daily,
    placeNames,
  };
}

/**
 * The ladder re-evaluates after every finding the body decides. (The server also calls
 * `response.cases.sweep(now)` periodically, and feeds `response.cases.onCaseEvent` to notifications.)
 */
export function wireResponse(verification: VerificationServices, response: ResponseServices): void {
  verification.findings.onDecided(async () => {
    await response.cases.evaluate();
  });
}
