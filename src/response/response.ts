import type { Principal } from '../access/policy.js';
import type { Agreement } from '../agreement/agreement.schema.js';
import { forbidden, invalid } from '../core/errors.js';
import { findFinding } from '../verification/finding.repository.js';
import { listAllCases, listDecisions, listInactions } from './case.repository.js';
import { CaseService, type ResponseDeps } from './case.service.js';
import { LadderEngine, replayLadder } from './ladder.engine.js';
import { compareReplay, type ReplayReport } from './ladder.replay.js';
import { guaranteeStatus, isBreach, type GuaranteeStatus } from './ladder.triggers.js';

/** The response domain's services, as the server and the CLI hold them. */
export interface ResponseServices {
  cases: CaseService;
  /** Each guarantee's activation and void conditions with the findings (the reader may see) behind them. */
  guarantees(
    principal: Principal,
    versionId?: string,
  ): Promise<{ versionId: string; guarantees: GuaranteeStatus[] }>;
  /**
   * Runs the ladder over the stored findings and decisions up to `to` and compares the cases opened
   * from `from` with the stored ones. Mismatches name only cases the principal may read.
   */
  replay(principal: Principal, from: Date, to: Date): Promise<ReplayReport>;
}

/** What wiring needs beyond the shared deps: reading an agreement version as a principal may. */
export interface ResponseWiring extends ResponseDeps {
  agreements: ResponseDeps['agreements'] & {
    get(principal: Principal, id?: string): Promise<{ info: { id: string }; agreement: Agreement }>;
  };
}

/**
 * Wires the response domain. The lead wires `verification.findings.onDecided(() => cases.evaluate())`
 * and calls `cases.sweep(now)` periodically; `cases.onCaseEvent` feeds webhooks and the event stream.
 */
export function createResponseServices(deps: ResponseWiring): ResponseServices {
  const cases = new CaseService(deps);
  return {
    cases,
    async guarantees(principal, versionId) {
      if (!principal.permissions.has('cases:read')) throw forbidden('needs the permission cases:read');
      const { info, agreement } = await deps.agreements.get(principal, versionId);
      const findings = (await cases.findings()).filter(
        (f) => f.agreementVersionId === info.id && isBreach(f),
      );
      const visible: typeof findings = [];
      for (const f of findings)
        if ((await findFinding(deps.db, principal, f.id)) !== undefined) visible.push(f);
      return {
        versionId: info.id,
        guarantees: (agreement.guarantees ?? []).map((g) => guaranteeStatus(g, visible)),
      };
    },
    async replay(principal, from, to) {
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from > to)
        throw invalid('bad period', [
          { path: '/querystring/from', reason: 'from and to are dates, from before to' },
        ]);
      // The deadlines that passed are applied first, as the periodic sweep would.
      await cases.sweep(deps.now());
      const upTo = new Date(Math.min(to.getTime(), deps.now().getTime()));
      await cases.prepare();
      const engine = new LadderEngine((id) => cases.agreementOf(id));
      const findings = await cases.findings();
      const decisions = await listDecisions(deps.db);
      const replay = replayLadder(engine, findings, decisions, upTo);
      const stored = await listAllCases(deps.db);
      const report = compareReplay(stored, await listInactions(deps.db), replay, from, upTo);
      const readable = new Set<string>();
      for (const id of new Set(report.mismatches.map((m) => m.caseId)))
        if (
          await cases.get(principal, id).then(
            () => true,
            () => false,
          )
        )
          readable.add(id);
      const hidden = report.mismatches.filter((m) => !readable.has(m.caseId)).length;
      return {
        ...report,
        mismatches: [
          ...report.mismatches.filter((m) => readable.has(m.caseId)),
          ...(hidden > 0
            ? [{ caseId: '(not yours to read)', field: 'mismatches', stored: String(hidden), replayed: '' }]
            : []),
        ],
      };
    },
  };
}
