import crypto from 'node:crypto';
import { findUserSalts } from '../access/pseudonym.js';
import type { Actor } from '../access/audit.service.js';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { actsFor } from '../agreement/acting.js';
import type { Guarantee } from '../agreement/agreement.schema.rules.js';
import type { GuaranteeStatus, NegotiationStatus } from '../agreement/negotiation.js';
import { forbidden, invalid, notFound, ruleViolated, type FieldProblem } from '../core/errors.js';
import {
  CONSOLE_RECORDER,
  RATIFICATION_MARKINGS,
  RATIFICATION_RECORD_KIND,
  RATIFICATION_RECORD_STATUSES,
  ratificationRecord,
  type RatificationRecord,
  type RatificationRecordStatus,
} from './commitment.model.js';
import { insertRatification, listRatifications, lockGuaranteeRatification } from './commitment.repository.js';
import { announce, guaranteeInForce, requirePermission, type CommitmentDeps } from './commitments.context.js';

type AgreementStep = NonNullable<Guarantee['ratification']['steps']>[number];

/** A ratification step as the agreement states it, with what was recorded of it since. */
export interface RatificationStepView extends AgreementStep {
  /** The latest recorded status, or the agreement's. */
  current: string;
  history: Omit<RatificationRecord, 'recordedBy'>[];
}

/** A guarantee's legal form and ratification, beside the agreement's negotiation status. */
export interface RatificationView {
  agreementVersionId: string;
  guaranteeId: string;
  name: string;
  legalForm: Guarantee['legal_form'];
  obligationStrength?: string;
  ratificationStatus: Guarantee['ratification']['status'];
  steps: RatificationStepView[];
  /** The negotiation status's entry for this guarantee (steps still pending in the agreement). */
  guaranteeStatus?: GuaranteeStatus;
  negotiation: NegotiationStatus;
}

/** What a step's actor or the commission records of a step. */
export interface RatificationRequest {
  status: string;
  on: string;
  votesFor?: number;
  votesAgainst?: number;
  note?: string;
  marking?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The guarantee's legal form and ratification steps (from the agreement) and the runtime record of
 * each step's progress — scheduled, held, votes for and against, passed or failed — recorded by the
 * step's actor or the commission, logged, and shown beside the negotiation status.
 */
export class RatificationService {
  constructor(private readonly deps: CommitmentDeps) {}

  /** The guarantee's ratification as the principal may see it; 404 for a guarantee not in its agreement. */
  async show(principal: Principal, guaranteeId: string): Promise<RatificationView> {
    requirePermission(principal, 'commitments:read');
    const { info, agreement } = await this.deps.agreements.get(principal);
    const guarantee = (agreement.guarantees ?? []).find((g) => g.id === guaranteeId);
    if (guarantee === undefined) throw notFound(`guarantee ${guaranteeId}`);
    const records = await listRatifications(this.deps.db, principal, guaranteeId);
    const negotiation = (await this.deps.agreements.negotiation(principal, info.id)).status;
    const steps = (guarantee.ratification.steps ?? []).map((step): RatificationStepView => {
      const history = records.filter((r) => r.stepId === step.id).map(({ recordedBy: _by, ...r }) => r);
      return { ...step, current: history[history.length - 1]?.status ?? step.status, history };
    });
    const guaranteeStatus = negotiation.guarantees.find((g) => g.guaranteeId === guaranteeId);
    return {
      agreementVersionId: info.id,
      guaranteeId,
      name: guarantee.name,
      legalForm: guarantee.legal_form,
      ...(guarantee.obligation_strength !== undefined
        ? { obligationStrength: guarantee.obligation_strength }
        : {}),
      ratificationStatus: guarantee.ratification.status,
      steps,
      ...(guaranteeStatus !== undefined ? { guaranteeStatus } : {}),
      negotiation,
    };
  }

  /** Records a step's progress; by the step's actor or the commission. */
  async record(
    actor: Actor,
    guaranteeId: string,
    stepId: string,
    request: RatificationRequest,
  ): Promise<RatificationView> {
    const principal = actor.principal;
    requirePermission(principal, 'commitments:record');
    const { versionId, agreement, guarantee } = await guaranteeInForce(this.deps, guaranteeId);
    const step = (guarantee.ratification.steps ?? []).find((s) => s.id === stepId);
    if (step === undefined) throw notFound(`ratification step ${stepId} of guarantee ${guaranteeId}`);
    const problems: FieldProblem[] = [];
    const status = request.status as RatificationRecordStatus;
    if (!(RATIFICATION_RECORD_STATUSES as readonly string[]).includes(status))
      problems.push({
        path: '/body/status',
        reason: `must be one of ${RATIFICATION_RECORD_STATUSES.join(', ')}`,
      });
    if (!DATE.test(request.on) || !new Date(`${request.on}T00:00:00Z`).toISOString().startsWith(request.on))
      problems.push({ path: '/body/on', reason: 'must be a date YYYY-MM-DD' });
    const votes = request.votesFor !== undefined || request.votesAgainst !== undefined;
    if (votes && status === 'scheduled')
      problems.push({ path: '/body/votesFor', reason: 'votes are recorded when the vote is held' });
    for (const [field, value] of [
      ['votesFor', request.votesFor],
      ['votesAgainst', request.votesAgainst],
    ] as const)
      if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 100_000))
        problems.push({ path: `/body/${field}`, reason: 'must be a whole number of votes, 0 or more' });
    if (
      status === 'passed' &&
      request.votesFor !== undefined &&
      request.votesAgainst !== undefined &&
      request.votesFor <= request.votesAgainst
    )
      problems.push({ path: '/body/votesFor', reason: 'a vote passed with no more votes for than against' });
    const marking = (request.marking ?? 'CLEAR') as Marking;
    if (!(RATIFICATION_MARKINGS as readonly string[]).includes(marking))
      problems.push({ path: '/body/marking', reason: `must be one of ${RATIFICATION_MARKINGS.join(', ')}` });
    if (problems.length > 0) throw invalid('the ratification record is not valid', problems);
    const org = principal.organisationId;
    const commission = principal.organisationKind === 'commission';
    if (
      org === null ||
      (!commission && !actsFor(agreement, { id: org, kind: principal.organisationKind }, step.actor))
    )
      throw forbidden(`step ${stepId} is recorded by ${step.actor} or the commission`);
    const note = request.note?.trim();
    const fields = {
      id: crypto.randomUUID(),
      guaranteeId,
      agreementVersionId: versionId,
      stepId,
      status,
      on: request.on,
      ...(request.votesFor !== undefined ? { votesFor: request.votesFor } : {}),
      ...(request.votesAgainst !== undefined ? { votesAgainst: request.votesAgainst } : {}),
      ...(note !== undefined && note !== '' ? { note } : {}),
      recordedAt: this.deps.now().toISOString(),
      recordedBy: principal.userId ?? CONSOLE_RECORDER,
      marking,
      ownerOrganisationId: org,
    };
    let record: RatificationRecord | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      await lockGuaranteeRatification(tx, guaranteeId, stepId);
      const previous = (await listRatifications(tx, undefined, guaranteeId)).filter(
        (r) => r.stepId === stepId,
      );
      const last = previous[previous.length - 1];
      if (last?.status === 'passed' || (last === undefined && step.status === 'done'))
        throw ruleViolated(
          'step-concluded',
          `step ${stepId} has passed${last !== undefined ? ` (recorded ${last.on})` : ''}; nothing further is recorded`,
          '/body/status',
        );
      record = { ...fields, seq: (last?.seq ?? 0) + 1 };
      await insertRatification(tx, record);
      await this.deps.ledger.record(tx, {
        kind: 'ratification.recorded',
        recordKind: RATIFICATION_RECORD_KIND,
        recordId: record.id,
        marking,
        record: ratificationRecord(record, await findUserSalts(tx, [record.recordedBy])),
      });
      await this.deps.audit.record(
        tx,
        actor,
        'ratification.record',
        `guarantee:${guaranteeId}:${stepId}`,
        'allowed',
      );
    });
    if (record === undefined) return this.show(principal, guaranteeId);
    await announce(this.deps, {
      kind: 'ratification.recorded',
      recordId: record.id,
      at: record.recordedAt,
      marking,
      owner: org,
      addressees: [],
      summary: {
        guaranteeId,
        stepId,
        status,
        on: record.on,
        votesFor: record.votesFor ?? null,
        votesAgainst: record.votesAgainst ?? null,
      },
    });
    return this.show(principal, guaranteeId);
  }
}
