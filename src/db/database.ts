import type { Kysely, Transaction } from 'kysely';
import type { AccessTables } from '../access/access.tables.js';
import type { LedgerTables } from '../ledger/ledger.tables.js';
import type { AgreementTables } from '../agreement/agreement.tables.js';
import type { MonitoringTables } from '../monitoring/report.tables.js';
import type { ResponseTables } from '../response/response.tables.js';
import type { VerificationTables } from '../verification/verification.tables.js';
import type { DeconflictionTables } from '../deconfliction/deconfliction.tables.js';
import type { EscalationTables } from '../deconfliction/escalation.tables.js';
import type { HotlineTables } from '../deconfliction/hotline.tables.js';
import type { CommitmentTables } from '../commitments/commitments.tables.js';
import type { NotificationTables } from '../notifications/notifications.tables.js';
import type { DailyTables } from '../daily/daily.tables.js';

/** The whole schema, composed from each domain's tables. */
export type Database = AccessTables &
  LedgerTables &
  AgreementTables &
  MonitoringTables &
  VerificationTables &
  DeconflictionTables &
  EscalationTables &
  HotlineTables &
  ResponseTables &
  CommitmentTables &
  NotificationTables &
  DailyTables;

/** A handle or a transaction: repositories accept either, services choose the boundary. */
export type Executor = Kysely<Database> | Transaction<Database>;

/** The two database engines Truceline runs on. */
export type Dialect = 'sqlite' | 'postgres';
