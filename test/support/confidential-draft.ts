import { consoleActor } from '../../src/access/audit.service.js';
import type { TestApp } from './app.js';
import { illustrativeAgreementText } from './fixtures.js';

/**
 * Records judged by a party's confidential draft, as releases before confidential versions stopped
 * judging (docs/monitoring.md, "Only a version every organisation may read judges") stored them: the
 * illustrative agreement as version 4 (`edit` may change its text further), loaded by the token's
 * organisation GREEN while `fileThem` files the reports it judges, then marked AMBER+STRICT. No API
 * changes a version's marking: the row is what such a release stored, and what the redaction of
 * reports, incidents and findings judged by a version their reader may not read still protects.
 */
export async function judgedByDraftOf<T>(
  t: TestApp,
  ownerToken: string,
  fileThem: () => Promise<T>,
  edit: (text: string) => string = (text) => text,
) {
  const owner = consoleActor(await t.services.sessions.principalFromToken(ownerToken));
  const draft = await t.services.agreements.load(owner, {
    text: edit(illustrativeAgreementText().replace(/^version: 3$/m, 'version: 4')),
    fileName: 'draft.yaml',
    marking: 'GREEN',
  });
  const filed = await fileThem();
  await t.services.database.db
    .updateTable('agreement_versions')
    .set({ marking: 'AMBER+STRICT' })
    .where('id', '=', draft.version.id)
    .execute();
  return { draft, filed };
}
