import crypto from 'node:crypto';
import { findUserSalts } from '../access/pseudonym.js';
import type { Actor } from '../access/audit.service.js';
import type { Principal } from '../access/policy.js';
import { forbidden, invalid, notFound, ruleViolated, type FieldProblem } from '../core/errors.js';
import type { Executor } from '../db/database.js';
import {
  AMENDMENT_RECORD_KIND,
  CONSOLE_RECORDER,
  DELIVERY_RECORD_KIND,
  PLEDGE_CATEGORIES,
  PLEDGE_MARKINGS,
  PLEDGE_RECORD_KIND,
  amendmentRecord,
  deliveryRecord,
  pledgeRecord,
  type Amendment,
  type Delivery,
  type Pledge,
  type PledgeCategory,
} from './commitment.model.js';
import {
  findPledge,
  insertAmendment,
  insertDelivery,
  insertPledge,
  listAmendments,
  listDeliveries,
  listVisiblePledges,
  lockPledge,
  updatePledgeQuantity,
  type PledgeFilter,
} from './commitment.repository.js';
import {
  announce,
  guaranteeInForce,
  guarantorsActedFor,
  requirePermission,
  type CommitmentDeps,
} from './commitments.context.js';
import { summarise, type CommitmentSummary } from './commitment.summary.js';
import type { Marking } from '../access/marking.js';

/** A pledge with what was delivered against it. */
export interface PledgeView extends Pledge {
  delivered: number;
  remaining: number;
}

/** A pledge with its history. */
export interface PledgeDetail {
  pledge: PledgeView;
  amendments: Amendment[];
  deliveries: Delivery[];
}

/** What a guarantor states when it pledges. */
export interface PledgeRequest {
  guaranteeId: string;
  guarantor?: string;
  category: string;
  item: string;
  quantity: number;
  unit: string;
  responseId?: string;
  provision?: string;
  pledgedOn: string;
  marking?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SHA256 = /^[0-9a-f]{64}$/;
// Quantities are compared with a tolerance: amounts are decimals stored as doubles.
const EPSILON = 1e-9;

function isDate(value: string): boolean {
  return (
    DATE.test(value) &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().startsWith(value)
  );
}

function checkDate(problems: FieldProblem[], path: string, value: string): void {
  if (!isDate(value)) problems.push({ path, reason: 'must be a date YYYY-MM-DD' });
}

function checkQuantity(problems: FieldProblem[], path: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > 1e15)
    problems.push({ path, reason: 'must be a positive number up to 1e15' });
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Guarantors' commitments: pledges under the guarantee's response menu or a support provision,
 * deliveries against them, amendments (a delivery beyond the pledge is refused until the pledge is
 * amended), and pledged-vs-delivered summaries. Each change is logged in its transaction under the
 * pledge's marking and announced on the event bus after it commits.
 */
export class CommitmentService {
  constructor(private readonly deps: CommitmentDeps) {}

  async #existingOrganisations(ids: readonly string[]): Promise<string[]> {
    const known = new Set((await this.deps.organisations.list()).map((o) => o.id));
    return [...new Set(ids)].filter((id) => known.has(id)).sort();
  }

  /** Records a pledge for a guarantor the caller's organisation acts for. */
  async pledge(actor: Actor, request: PledgeRequest): Promise<PledgeDetail> {
    const principal = actor.principal;
    requirePermission(principal, 'commitments:record');
    const { versionId, agreement, guarantee } = await guaranteeInForce(this.deps, request.guaranteeId);
    const problems: FieldProblem[] = [];
    const item = request.item.trim();
    const unit = request.unit.trim();
    if (!(PLEDGE_CATEGORIES as readonly string[]).includes(request.category))
      problems.push({ path: '/body/category', reason: `must be one of ${PLEDGE_CATEGORIES.join(', ')}` });
    if (item === '') problems.push({ path: '/body/item', reason: 'must not be empty' });
    if (!/^[A-Za-z][A-Za-z0-9_ -]{0,31}$/.test(unit))
      problems.push({
        path: '/body/unit',
        reason: 'a unit (pieces, rounds) or currency code (EUR), 1–32 letters',
      });
    checkQuantity(problems, '/body/quantity', request.quantity);
    checkDate(problems, '/body/pledgedOn', request.pledgedOn);
    const marking = (request.marking ?? 'AMBER') as Marking;
    if (!(PLEDGE_MARKINGS as readonly string[]).includes(marking))
      problems.push({ path: '/body/marking', reason: `must be one of ${PLEDGE_MARKINGS.join(', ')}` });
    if (request.responseId === undefined && request.provision === undefined)
      problems.push({
        path: '/body/responseId',
        reason: "name the guarantee's response (responseId) or the support provision (provision)",
      });
    if (request.responseId !== undefined && !guarantee.responses.some((r) => r.id === request.responseId))
      problems.push({
        path: '/body/responseId',
        reason: `not in guarantee ${guarantee.id}'s response menu (${guarantee.responses.map((r) => r.id).join(', ')})`,
      });
    if (request.provision !== undefined && !agreement.provisions.some((p) => p.id === request.provision))
      problems.push({ path: '/body/provision', reason: 'no such provision in the agreement' });
    if (request.guarantor !== undefined && !guarantee.guarantors.includes(request.guarantor))
      problems.push({
        path: '/body/guarantor',
        reason: `not a guarantor of ${guarantee.id} (${guarantee.guarantors.join(', ')})`,
      });
    if (problems.length > 0) throw invalid('the pledge is not valid', problems);
    const acting = guarantorsActedFor(agreement, guarantee, principal);
    const guarantor = request.guarantor ?? (acting.length === 1 ? acting[0] : undefined);
    if (guarantor === undefined || !acting.includes(guarantor))
      throw ruleViolated(
        'pledge-by-guarantor',
        `organisation ${principal.organisationId ?? '(none)'} does not act for ${request.guarantor ?? `a guarantor of ${guarantee.id}`}`,
        '/body/guarantor',
      );
    const owner = principal.organisationId ?? '';
    const addressees =
      marking === 'AMBER' || marking === 'AMBER+STRICT'
        ? (await this.#existingOrganisations(guarantee.guarantors)).filter((o) => o !== owner)
        : [];
    const pledge: Pledge = {
      id: crypto.randomUUID(),
      guaranteeId: guarantee.id,
      agreementVersionId: versionId,
      guarantor,
      category: request.category as PledgeCategory,
      item,
      quantity: request.quantity,
      unit,
      ...(request.responseId !== undefined ? { responseId: request.responseId } : {}),
      ...(request.provision !== undefined ? { provision: request.provision } : {}),
      pledgedOn: request.pledgedOn,
      revision: 1,
      recordedAt: this.deps.now().toISOString(),
      recordedBy: principal.userId ?? CONSOLE_RECORDER,
      marking,
      ownerOrganisationId: owner,
      addressees,
    };
    await this.deps.db.transaction().execute(async (tx) => {
      await insertPledge(tx, pledge);
      await this.#logPledge(tx, 'commitment.pledged', pledge);
      await this.deps.audit.record(tx, actor, 'commitment.pledge', `pledge:${pledge.id}`, 'allowed');
    });
    await this.#announce('commitment.pledged', pledge, {
      guaranteeId: pledge.guaranteeId,
      guarantor,
      category: pledge.category,
      item,
      quantity: pledge.quantity,
      unit,
    });
    return this.get(principal, pledge.id);
  }

  /** Loads a pledge the caller may see and may write for (its guarantor's organisation). */
  async #pledgeToWrite(tx: Executor, principal: Principal, id: string): Promise<Pledge> {
    const pledge = await findPledge(tx, principal, id);
    if (pledge === undefined) throw notFound(`pledge ${id}`);
    if (pledge.ownerOrganisationId !== principal.organisationId)
      throw forbidden(`only ${pledge.ownerOrganisationId}, which made pledge ${id}, records against it`);
    await lockPledge(tx, id);
    return pledge;
  }

  /** Records a delivery; refused beyond the pledge (amend the pledge first). */
  async deliver(
    actor: Actor,
    pledgeId: string,
    request: { quantity: number; deliveredOn: string; note?: string; evidenceSha256?: string },
  ): Promise<PledgeDetail> {
    const principal = actor.principal;
    requirePermission(principal, 'commitments:record');
    const problems: FieldProblem[] = [];
    checkQuantity(problems, '/body/quantity', request.quantity);
    checkDate(problems, '/body/deliveredOn', request.deliveredOn);
    const evidence = request.evidenceSha256?.toLowerCase();
    if (evidence !== undefined && !SHA256.test(evidence))
      problems.push({ path: '/body/evidenceSha256', reason: 'must be 64 hexadecimal digits (SHA-256)' });
    if (problems.length > 0) throw invalid('the delivery is not valid', problems);
    const note = request.note?.trim();
    let pledge: Pledge | undefined;
    let delivery: Delivery | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      pledge = await this.#pledgeToWrite(tx, principal, pledgeId);
      const delivered = sum((await listDeliveries(tx, [pledgeId])).map((d) => d.quantity));
      if (delivered + request.quantity > pledge.quantity + EPSILON)
        throw ruleViolated(
          'delivery-exceeds-pledge',
          `pledge ${pledgeId} is ${pledge.quantity} ${pledge.unit}, ${delivered} delivered; a delivery of ${request.quantity} exceeds it: amend the pledge first`,
          '/body/quantity',
        );
      delivery = {
        id: crypto.randomUUID(),
        pledgeId,
        quantity: request.quantity,
        deliveredOn: request.deliveredOn,
        ...(note !== undefined && note !== '' ? { note } : {}),
        ...(evidence !== undefined ? { evidenceSha256: evidence } : {}),
        recordedAt: this.deps.now().toISOString(),
        recordedBy: principal.userId ?? CONSOLE_RECORDER,
      };
      await insertDelivery(tx, delivery);
      await this.deps.ledger.record(tx, {
        kind: 'commitment.delivered',
        recordKind: DELIVERY_RECORD_KIND,
        recordId: delivery.id,
        marking: pledge.marking,
        record: deliveryRecord(delivery, await findUserSalts(tx, [delivery.recordedBy])),
      });
      await this.deps.audit.record(tx, actor, 'commitment.deliver', `pledge:${pledgeId}`, 'allowed');
    });
    if (pledge !== undefined && delivery !== undefined)
      await this.#announce('commitment.delivered', pledge, {
        guaranteeId: pledge.guaranteeId,
        guarantor: pledge.guarantor,
        pledgeId,
        deliveryId: delivery.id,
        quantity: delivery.quantity,
        unit: pledge.unit,
        deliveredOn: delivery.deliveredOn,
      });
    return this.get(principal, pledgeId);
  }

  /** Changes a pledge's quantity with a reason; never below what was delivered. */
  async amend(
    actor: Actor,
    pledgeId: string,
    request: { quantity: number; reason: string; amendedOn?: string },
  ): Promise<PledgeDetail> {
    const principal = actor.principal;
    requirePermission(principal, 'commitments:record');
    const problems: FieldProblem[] = [];
    checkQuantity(problems, '/body/quantity', request.quantity);
    const reason = request.reason.trim();
    if (reason === '') problems.push({ path: '/body/reason', reason: 'an amendment states its reason' });
    const amendedOn = request.amendedOn ?? this.deps.now().toISOString().slice(0, 10);
    checkDate(problems, '/body/amendedOn', amendedOn);
    if (problems.length > 0) throw invalid('the amendment is not valid', problems);
    let next: Pledge | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      const pledge = await this.#pledgeToWrite(tx, principal, pledgeId);
      if (Math.abs(pledge.quantity - request.quantity) <= EPSILON)
        throw ruleViolated(
          'amendment-changes-nothing',
          `pledge ${pledgeId} is already ${pledge.quantity} ${pledge.unit}`,
          '/body/quantity',
        );
      const delivered = sum((await listDeliveries(tx, [pledgeId])).map((d) => d.quantity));
      if (request.quantity + EPSILON < delivered)
        throw ruleViolated(
          'amendment-below-delivered',
          `${delivered} ${pledge.unit} were delivered against pledge ${pledgeId}; it cannot be amended below that`,
          '/body/quantity',
        );
      const at = this.deps.now().toISOString();
      next = { ...pledge, quantity: request.quantity, revision: pledge.revision + 1 };
      const amendment: Amendment = {
        id: crypto.randomUUID(),
        pledgeId,
        revision: next.revision,
        fromQuantity: pledge.quantity,
        toQuantity: request.quantity,
        reason,
        amendedOn,
        recordedAt: at,
        recordedBy: principal.userId ?? CONSOLE_RECORDER,
      };
      await updatePledgeQuantity(tx, next);
      await insertAmendment(tx, amendment);
      await this.deps.ledger.record(tx, {
        kind: 'commitment.amended',
        recordKind: AMENDMENT_RECORD_KIND,
        recordId: amendment.id,
        marking: pledge.marking,
        record: amendmentRecord(amendment, await findUserSalts(tx, [amendment.recordedBy])),
      });
      await this.#logPledge(tx, 'commitment.revised', next);
      await this.deps.audit.record(tx, actor, 'commitment.amend', `pledge:${pledgeId}`, 'allowed');
    });
    if (next !== undefined)
      await this.#announce('commitment.amended', next, {
        guaranteeId: next.guaranteeId,
        guarantor: next.guarantor,
        pledgeId,
        quantity: next.quantity,
        unit: next.unit,
        revision: next.revision,
      });
    return this.get(principal, pledgeId);
  }

  /** The pledges the principal may see, each with what was delivered. */
  async list(principal: Principal, filter: PledgeFilter = {}): Promise<PledgeView[]> {
    requirePermission(principal, 'commitments:read');
    const pledges = await listVisiblePledges(this.deps.db, principal, filter);
    const deliveries = await listDeliveries(
      this.deps.db,
      pledges.map((p) => p.id),
    );
    const byPledge = new Map<string, Delivery[]>();
    for (const d of deliveries) byPledge.set(d.pledgeId, [...(byPledge.get(d.pledgeId) ?? []), d]);
    return pledges.map((p) => viewOf(p, byPledge.get(p.id) ?? []));
  }

  /** One pledge with its amendments and deliveries; 404 when the principal may not see it. */
  async get(principal: Principal, id: string): Promise<PledgeDetail> {
    requirePermission(principal, 'commitments:read');
    const pledge = await findPledge(this.deps.db, principal, id);
    if (pledge === undefined) throw notFound(`pledge ${id}`);
    const deliveries = await listDeliveries(this.deps.db, [id]);
    return {
      pledge: viewOf(pledge, deliveries),
      amendments: await listAmendments(this.deps.db, [id]),
      deliveries,
    };
  }

  /** Pledged vs delivered by guarantor and category, and over time, of what the principal may see. */
  async summary(principal: Principal, filter: PledgeFilter = {}): Promise<CommitmentSummary> {
    requirePermission(principal, 'commitments:read');
    const pledges = await listVisiblePledges(this.deps.db, principal, filter);
    const deliveries = await listDeliveries(
      this.deps.db,
      pledges.map((p) => p.id),
    );
    return summarise(pledges, deliveries, this.deps.now());
  }

  async #logPledge(tx: Executor, kind: string, pledge: Pledge): Promise<void> {
    await this.deps.ledger.record(tx, {
      kind,
      recordKind: PLEDGE_RECORD_KIND,
      recordId: pledge.id,
      marking: pledge.marking,
      record: pledgeRecord(pledge, await findUserSalts(tx, [pledge.recordedBy])),
    });
  }

  #announce(kind: string, pledge: Pledge, summary: Record<string, unknown>): Promise<void> {
    return announce(this.deps, {
      kind,
      recordId: pledge.id,
      at: this.deps.now().toISOString(),
      marking: pledge.marking,
      owner: pledge.ownerOrganisationId,
      addressees: pledge.addressees,
      summary,
    });
  }
}

function viewOf(pledge: Pledge, deliveries: readonly Delivery[]): PledgeView {
  const delivered = sum(deliveries.filter((d) => d.pledgeId === pledge.id).map((d) => d.quantity));
  return { ...pledge, delivered, remaining: Math.max(0, pledge.quantity - delivered) };
}
