import type { Migration } from 'kysely';
import * as access from './20261126T0500_access.js';
import * as ledger from './20261126T0600_ledger.js';
import * as agreement from './20261126T0700_agreement.js';
import * as monitoring from './20261126T0800_monitoring.js';
import * as verification from './20261204T0900_verification.js';
import * as deconfliction from './20261204T1000_deconfliction.js';
import * as hotline from './20261204T1050_hotline.js';
import * as response from './20261204T1100_response.js';
import * as commitments from './20261204T1200_commitments.js';
import * as daily from './20261204T1300_daily.js';
import * as reportSeal from './20261205T0600_report_seal.js';
import * as dailyLang from './20261205T0900_daily_lang.js';
import * as accessGeneration from './20261205T1300_access_generation.js';
import * as reportsSupersededIndex from './20261205T1310_reports_superseded_index.js';
import * as reportWindowClass from './20261205T1320_report_window_class.js';

/** Every migration, by its timestamp name. Add new ones at the end; never rename or edit a landed one. */
export const migrations: Record<string, Migration> = {
  '20261126T0500_access': access,
  '20261126T0600_ledger': ledger,
  '20261126T0700_agreement': agreement,
  '20261126T0800_monitoring': monitoring,
  '20261204T0900_verification': verification,
  '20261204T1000_deconfliction': deconfliction,
  '20261204T1050_hotline': hotline,
  '20261204T1100_response': response,
  '20261204T1200_commitments': commitments,
  '20261204T1300_daily': daily,
  '20261205T0600_report_seal': reportSeal,
  '20261205T0900_daily_lang': dailyLang,
  '20261205T1300_access_generation': accessGeneration,
  '20261205T1310_reports_superseded_index': reportsSupersededIndex,
  '20261205T1320_report_window_class': reportWindowClass,
};
