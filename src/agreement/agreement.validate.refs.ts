import type { IdKind } from './agreement.ids.js';
import { ACTOR_KINDS, checkRef, checkRefs } from './agreement.ids.js';
import type { PathSegment } from './agreement.problems.js';
import type { CheckContext } from './agreement.view.js';

const PARTY: readonly IdKind[] = ['party'];
const ZONE: readonly IdKind[] = ['zone', 'band'];
const PROVISION: readonly IdKind[] = ['provision'];
const CATEGORY: readonly IdKind[] = ['report category'];

/** Every reference from a schema-valid item must name an id of the right kind. */
export function checkReferences(ctx: CheckContext): void {
  const { view, ids, sink } = ctx;
  const ref = (path: PathSegment[], id: string | undefined, kinds: readonly IdKind[]): void =>
    checkRef(ids, sink, path, id, kinds);
  const refs = (path: PathSegment[], list: readonly string[] | undefined, kinds: readonly IdKind[]): void =>
    checkRefs(ids, sink, path, list, kinds);

  for (const section of ['parties', 'guarantors', 'humanitarian_organisations', 'other_actors'] as const) {
    for (const { item, path } of view.list(section)) ref([...path, 'lead'], item.lead, ACTOR_KINDS);
  }
  for (const { item, path } of view.list('verification_bodies')) {
    ref([...path, 'lead'], item.lead, ACTOR_KINDS);
    item.composition.forEach((m, i) => ref([...path, 'composition', i, 'actor'], m.actor, ACTOR_KINDS));
    refs([...path, 'reports_to'], item.reports_to, ACTOR_KINDS);
  }
  for (const { item, path } of view.list('reference_geometries')) {
    refs([...path, 'applies_to'], item.applies_to, PARTY);
    ref([...path, 'sides', 'left'], item.sides?.left, PARTY);
    ref([...path, 'sides', 'right'], item.sides?.right, PARTY);
  }
  for (const { item, path } of view.list('zones')) {
    const d = item.derived;
    ref([...path, 'derived', 'line'], d?.line, ['reference geometry']);
    d?.baselines?.forEach((b, i) => {
      ref([...path, 'derived', 'baselines', i, 'party'], b.party, PARTY);
      ref([...path, 'derived', 'baselines', i, 'line'], b.line, ['reference geometry']);
    });
    if (d?.side !== undefined && d.side !== 'both') ref([...path, 'derived', 'side'], d.side, PARTY);
    ref([...path, 'provision'], item.provision, PROVISION);
  }
  for (const { item, path } of view.list('restrictions')) {
    ref([...path, 'zone'], item.zone, ZONE);
    refs([...path, 'parties'], item.parties, PARTY);
    ref([...path, 'category'], item.category, ['equipment category']);
    ref([...path, 'authorised_by'], item.authorised_by, ACTOR_KINDS);
    item.waivers?.forEach((w, i) => refs([...path, 'waivers', i, 'approved_by'], w.approved_by, ACTOR_KINDS));
    ref([...path, 'provision'], item.provision, PROVISION);
  }
  for (const { item, path } of view.list('obligations')) {
    refs([...path, 'actors'], item.actors, ACTOR_KINDS);
    item.preconditions?.forEach((p, i) => {
      const at = [...path, 'preconditions', i];
      ref([...at, 'zone'], p.zone, ZONE);
      ref([...at, 'verified_by'], p.verified_by, ['verification body']);
      ref([...at, 'obligation'], p.obligation, ['obligation']);
      ref([...at, 'guarantee'], p.guarantee, ['guarantee']);
    });
    refs([...path, 'concurrent_with'], item.concurrent_with, ['obligation']);
    refs([...path, 'report_to'], item.report_to, ACTOR_KINDS);
    ref([...path, 'provision'], item.provision, PROVISION);
  }
  for (const { item, path } of view.list('notification_obligations')) {
    refs([...path, 'from'], item.from, ACTOR_KINDS);
    refs([...path, 'to'], item.to, ACTOR_KINDS);
    ref([...path, 'via'], item.via, ACTOR_KINDS);
    ref([...path, 'provision'], item.provision, PROVISION);
  }
  for (const { item, path } of view.list('report_taxonomy')) {
    ref([...path, 'parent'], item.parent, CATEGORY);
    refs([...path, 'provisions'], item.provisions, PROVISION);
  }
  for (const { item, path } of view.list('escalation_ladders')) {
    refs([...path, 'applies_to'], item.applies_to, CATEGORY);
    item.rungs.forEach((rung, i) => {
      const at = [...path, 'rungs', i];
      refs([...at, 'trigger', 'categories'], rung.trigger.categories, CATEGORY);
      refs([...at, 'actors'], rung.actors, ACTOR_KINDS);
      ref([...at, 'on_timeout', 'to'], rung.on_timeout.to, ['rung']);
    });
  }
  const verification = view.field('verification');
  if (verification !== undefined) {
    ref(['verification', 'body'], verification.body, ['verification body']);
    verification.correlation?.categories?.forEach((c, i) =>
      ref(['verification', 'correlation', 'categories', i, 'category'], c.category, CATEGORY),
    );
  }
  for (const { item, path } of view.list('guarantees')) {
    refs([...path, 'guarantors'], item.guarantors, ['guarantor']);
    ref([...path, 'beneficiary'], item.beneficiary, PARTY);
    item.ratification.steps?.forEach((s, i) =>
      ref([...path, 'ratification', 'steps', i, 'actor'], s.actor, ACTOR_KINDS),
    );
    for (const list of ['activation', 'void'] as const) {
      item[list]?.forEach((c, i) => {
        refs([...path, list, i, 'categories'], c.categories, CATEGORY);
        ref([...path, list, i, 'attributed_to'], c.attributed_to, PARTY);
        ref([...path, list, i, 'requires_finding_by'], c.requires_finding_by, ['verification body']);
      });
    }
    item.responses.forEach((r, i) => {
      ref([...path, 'responses', i, 'owner'], r.owner, ACTOR_KINDS);
      ref([...path, 'responses', i, 'rung'], r.rung, ['rung']);
    });
    ref([...path, 'provision'], item.provision, PROVISION);
  }
  for (const { item, path } of view.list('provisions')) {
    for (const key of Object.keys(item.positions)) ref([...path, 'positions', key], key, PARTY);
    for (const key of Object.keys(item.position_notes ?? {}))
      ref([...path, 'position_notes', key], key, PARTY);
  }
  view.field('negotiation')?.deadlines?.forEach((d, i) => {
    refs(['negotiation', 'deadlines', i, 'provisions'], d.provisions, PROVISION);
    ref(['negotiation', 'deadlines', i, 'guarantee'], d.guarantee, ['guarantee']);
  });
  view
    .field('transparency_log')
    ?.witnesses.forEach((w, i) => ref(['transparency_log', 'witnesses', i, 'party'], w.party, ACTOR_KINDS));
}
