import type { Selectable } from 'kysely';
import type { Marking } from '../access/marking.js';
import type { Principal } from '../access/policy.js';
import { listVisibleReports } from '../monitoring/report.repository.js';
import type { Report } from '../monitoring/report.model.js';
import type { Executor } from '../db/database.js';
import type { Language } from '../core/language.js';
import type { DailyFormat, Edition, EditionKind } from './daily.model.js';
import type { DailyReportEditionTable } from './daily.tables.js';

function editionOf(row: Selectable<DailyReportEditionTable>): Edition {
  return {
    sha256: row.id,
    date: row.report_date,
    format: row.format as DailyFormat,
    edition: row.edition as EditionKind,
    audience: row.audience,
    lang: row.lang === null ? null : (row.lang as Language),
    byteLength: Number(row.byte_length),
    generatedAt: row.generated_at,
    logSeq: row.log_seq === null ? null : Number(row.log_seq),
    marking: row.marking as Marking,
    ownerOrganisationId: row.owner_organisation_id,
    authorUserId: row.author_user_id,
  };
}

/**
 * Stores an edition unless the same bytes are stored already.
 *
 * @returns whether it was new
 */
export async function insertEdition(db: Executor, e: Edition): Promise<boolean> {
  const result = await db
    .insertInto('daily_report_editions')
    .values({
      id: e.sha256,
      report_date: e.date,
      format: e.format,
      edition: e.edition,
      audience: e.audience,
      lang: e.lang,
      byte_length: e.byteLength,
      generated_at: e.generatedAt,
      log_seq: e.logSeq,
      marking: e.marking,
      owner_organisation_id: e.ownerOrganisationId,
      author_user_id: e.authorUserId,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Sets the queue sequence of an edition's log entry. */
export async function setEditionLogSeq(db: Executor, sha256: string, seq: number): Promise<void> {
  await db.updateTable('daily_report_editions').set({ log_seq: seq }).where('id', '=', sha256).execute();
}

/** Editions by their hashes (any order). */
export async function findEditions(db: Executor, ids: readonly string[]): Promise<Edition[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('daily_report_editions')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(editionOf);
}

/**
 * Current reports whose observation starts in [from, to), as the principal may see them (undefined:
 * every report, to count what an edition leaves out), read in keyset pages.
 */
export async function reportsStartingBetween(
  db: Executor,
  principal: Principal | undefined,
  from: string,
  to: string,
): Promise<Report[]> {
  const out: Report[] = [];
  let after: { key: string | number; id: string } | undefined;
  for (;;) {
    const page = await listVisibleReports(db, principal, {
      from,
      to,
      sort: 'observed',
      limit: 2000,
      ...(after !== undefined ? { after } : {}),
    });
    for (const { logSeq: _l, ...r } of page.reports) {
      const start = Date.parse(r.observed.from);
      if (start >= Date.parse(from) && start < Date.parse(to)) out.push(r);
    }
    if (page.last === undefined) return out;
    after = page.last;
  }
}
