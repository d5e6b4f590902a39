import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { conflict, notFound } from '../core/errors.js';
import type { LedgerWriter } from '../ledger/ledger.service.js';
import type { Actor, AuditTrail } from './audit.service.js';
import {
  findOrganisationById,
  findOrganisationByName,
  insertOrganisation,
  listOrganisations,
  renameOrganisation,
  type Organisation,
  countOrganisations,
} from './organisation.repository.js';
import type { OrganisationKind } from './policy.js';
import { organisationLogRecord, ORGANISATION_RECORD_KIND } from './access.log-records.js';

/** Manages organisations: parties, guarantors, the commission, humanitarian organisations, the public. */
export class OrganisationService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly audit: AuditTrail,
    private readonly ledger: LedgerWriter,
    private readonly now: () => Date,
  ) {}

  /** How many organisations there are (none before the first `truceline init`). */
  count(): Promise<number> {
    return countOrganisations(this.db);
  }

  list(): Promise<Organisation[]> {
    return listOrganisations(this.db);
  }

  async get(id: string): Promise<Organisation> {
    const org = await findOrganisationById(this.db, id);
    if (!org) throw notFound(`organisation ${id}`);
    return org;
  }

  async create(
    actor: Actor,
    input: { id?: string; name: string; kind: OrganisationKind },
  ): Promise<Organisation> {
    const org: Organisation = {
      id: input.id ?? crypto.randomUUID(),
      name: input.name.trim(),
      kind: input.kind,
      createdAt: this.now().toISOString(),
    };
    return this.db.transaction().execute(async (tx) => {
      if (await findOrganisationByName(tx, org.name))
        throw conflict(`an organisation named "${org.name}" exists`);
      if (await findOrganisationById(tx, org.id))
        throw conflict(`an organisation with id "${org.id}" exists`);
      await insertOrganisation(tx, org);
      // Who takes part is public: the agreement names its parties, guarantors and organisations.
      await this.ledger.record(tx, {
        kind: 'organisation.created',
        recordKind: ORGANISATION_RECORD_KIND,
        recordId: org.id,
        marking: 'CLEAR',
        record: organisationLogRecord(org),
      });
      await this.audit.record(tx, actor, 'organisation.create', `organisation:${org.id}`, 'allowed');
      return org;
    });
  }

  async rename(actor: Actor, id: string, name: string): Promise<Organisation> {
    return this.db.transaction().execute(async (tx) => {
      const org = await findOrganisationById(tx, id);
      if (!org) throw notFound(`organisation ${id}`);
      const other = await findOrganisationByName(tx, name.trim());
      if (other && other.id !== id) throw conflict(`an organisation named "${name}" exists`);
      await renameOrganisation(tx, id, name.trim());
      await this.ledger.record(tx, {
        kind: 'organisation.renamed',
        recordKind: ORGANISATION_RECORD_KIND,
        recordId: id,
        marking: 'CLEAR',
        record: organisationLogRecord({ ...org, name: name.trim() }),
      });
      await this.audit.record(tx, actor, 'organisation.rename', `organisation:${id}`, 'allowed');
      return { ...org, name: name.trim() };
    });
  }
}
