import { accessRowBindings } from '../access/access.bindings.js';
import { agreementRowBindings } from '../agreement/agreement.bindings.js';
import { rowBindings, type RowBinding } from '../ledger/row-binding.js';
import { monitoringRowBindings } from '../monitoring/monitoring.bindings.js';
import { verificationRowBindings } from '../verification/verification.bindings.js';
import { escalationRowBindings } from '../deconfliction/escalation.bindings.js';
import { noticeRowBindings } from '../deconfliction/deconfliction.bindings.js';
import { hotlineRowBindings } from '../deconfliction/hotline.bindings.js';
import { responseRowBindings } from '../response/response.bindings.js';
import { commitmentRowBindings } from '../commitments/commitments.bindings.js';
import { dailyRowBindings } from '../daily/daily.bindings.js';

/**
 * Every domain's row bindings: what `truceline audit --database` checks and what the salts API
 * answers. A new domain adds its list here (see docs/transparency-log.md, "Binding rows to the log").
 */
export const ROW_BINDINGS: ReadonlyMap<string, RowBinding> = rowBindings([
  ...accessRowBindings,
  ...agreementRowBindings,
  ...monitoringRowBindings,
  ...verificationRowBindings,
  ...escalationRowBindings,
  ...noticeRowBindings,
  ...hotlineRowBindings,
  ...responseRowBindings,
  ...commitmentRowBindings,
  ...dailyRowBindings,
]);
