import { compileCel, conjunctComparison, conjuncts, comparisons, isConstant } from './agreement.cel.js';
import { ACTOR_KINDS } from './agreement.ids.js';
import type { PathSegment } from './agreement.problems.js';
import type { ReferenceGeometry } from './agreement.schema.js';
import { parseDuration } from './agreement.time.js';
import { parseVkey } from './agreement.vkey.js';
import type { CheckContext } from './agreement.view.js';
import { isAcledPair } from './taxonomy.js';

/** Rules that tie fields of one item together (exactly-one-of, required-if, ordering). */
export function checkRules(ctx: CheckContext): void {
  checkZones(ctx);
  checkRestrictions(ctx);
  checkBodies(ctx);
  checkObligationsAndNotifications(ctx);
  checkTaxonomy(ctx);
  checkLadders(ctx);
  checkGuaranteesAndLog(ctx);
}

function checkZones(ctx: CheckContext): void {
  const { view, sink } = ctx;
  const lines = new Map<string, ReferenceGeometry>(
    view.list('reference_geometries').map(({ item }) => [item.id, item]),
  );
  for (const { item, path } of view.list('reference_geometries')) {
    if (item.sides !== undefined && item.geometry.type !== 'LineString') {
      sink.add([...path, 'sides'], 'inconsistent', 'only a LineString has sides');
    }
    if (item.sides !== undefined && item.sides.left === item.sides.right) {
      sink.add([...path, 'sides'], 'inconsistent', 'left and right must be different parties');
    }
  }
  /** A derived zone's line must be a LineString; a party side needs the line to name that party. */
  const usableLine = (path: PathSegment[], id: string, party: string | undefined): void => {
    const ref = lines.get(id);
    if (ref === undefined) return;
    if (ref.geometry.type !== 'LineString') {
      sink.add(
        path,
        'inconsistent',
        `'${id}' is a ${ref.geometry.type}; distances are measured from a LineString`,
      );
    } else if (party !== undefined && ref.sides?.left !== party && ref.sides?.right !== party) {
      sink.add(
        path,
        'inconsistent',
        `the line '${id}' does not say which side is ${party}'s (add sides: {left, right})`,
      );
    }
  };
  for (const { item, path } of view.list('zones')) {
    const d = item.derived;
    if ((item.polygon === undefined) === (d === undefined)) {
      sink.add(path, 'inconsistent', 'a zone needs exactly one of polygon or derived');
    }
    if (d !== undefined) {
      const at = [...path, 'derived'];
      if ((d.line === undefined) === (d.baselines === undefined)) {
        sink.add(at, 'inconsistent', 'derived needs exactly one of line or baselines');
      }
      const side = d.side === undefined || d.side === 'both' ? undefined : d.side;
      if (d.line !== undefined) usableLine([...at, 'line'], d.line, side);
      d.baselines?.forEach((b, i) => usableLine([...at, 'baselines', i, 'line'], b.line, b.party));
      if (side !== undefined && d.baselines !== undefined && !d.baselines.some((b) => b.party === side)) {
        sink.add([...at, 'side'], 'inconsistent', `side '${side}' has no baseline`);
      }
    }
    item.bands?.forEach((band, i) => {
      const at = [...path, 'bands', i];
      if (d === undefined) sink.add(at, 'inconsistent', 'bands are distance ranges and need a derived zone');
      else if (band.to_km > d.distance_km) {
        sink.add(
          [...at, 'to_km'],
          'inconsistent',
          `band ends at ${band.to_km} km, beyond the zone's ${d.distance_km} km`,
        );
      }
      if (band.from_km !== undefined && band.from_km >= band.to_km) {
        sink.add([...at, 'from_km'], 'inconsistent', 'from_km must be less than to_km');
      }
    });
    const alt = item.altitude;
    if (alt?.upper_m !== undefined && alt.upper_m <= alt.lower_m) {
      sink.add([...path, 'altitude', 'upper_m'], 'inconsistent', 'upper_m must be above lower_m');
    }
    item.active?.schedule?.forEach((s, i) => {
      if (s.from === s.to)
        sink.add([...path, 'active', 'schedule', i], 'inconsistent', 'from and to are the same time');
    });
  }
}

function checkRestrictions(ctx: CheckContext): void {
  const { view, sink } = ctx;
  for (const { item, path } of view.list('restrictions')) {
    if ((item.category === undefined) === (item.activity === undefined)) {
      sink.add(path, 'inconsistent', 'a restriction needs exactly one of category or activity');
    }
    const needsMax = item.rule === 'max_count' || item.rule === 'max_personnel';
    if (needsMax && item.max === undefined) sink.add(path, 'missing_field', `rule ${item.rule} needs max`);
    if (!needsMax && item.max !== undefined)
      sink.add([...path, 'max'], 'inconsistent', `max applies only to max_count or max_personnel`);
    if (item.rule === 'authorisation_required' && item.authorised_by === undefined) {
      sink.add(path, 'missing_field', 'rule authorisation_required needs authorised_by');
    }
  }
  for (const { item, path } of view.list('equipment_categories')) {
    const c = item.calibre_mm;
    if (c?.min !== undefined && c.max !== undefined && c.min > c.max) {
      sink.add([...path, 'calibre_mm'], 'inconsistent', 'calibre min is above max');
    }
  }
}

function checkBodies(ctx: CheckContext): void {
  const { view, sink } = ctx;
  for (const { item, path } of view.list('verification_bodies')) {
    const seats = item.composition.reduce((sum, m) => sum + m.seats, 0);
    if (item.quorum > seats)
      sink.add([...path, 'quorum'], 'inconsistent', `quorum ${item.quorum} exceeds the ${seats} seats`);
    if (item.decision_rule === 'chair' && !item.composition.some((m) => m.role === 'chair')) {
      sink.add(
        [...path, 'decision_rule'],
        'inconsistent',
        'decision rule chair needs a member with role chair',
      );
    }
    if ((item.decision_rule === 'qualified_majority') !== (item.majority_threshold !== undefined)) {
      sink.add(
        [...path, 'decision_rule'],
        'inconsistent',
        'qualified_majority and majority_threshold go together',
      );
    }
    if (item.mandate.adjudicate && !item.mandate.attribute) {
      sink.add([...path, 'mandate'], 'inconsistent', 'a body that adjudicates must also attribute');
    }
  }
  checkVerificationSettings(ctx);
}

/** The verification section: one threshold per category, unique sector ids, a body that may verify. */
function checkVerificationSettings(ctx: CheckContext): void {
  const { view, sink } = ctx;
  const settings = view.field('verification');
  if (settings === undefined) return;
  const seen = new Set<string>();
  settings.correlation?.categories?.forEach((c, i) => {
    if (seen.has(c.category))
      sink.add(
        ['verification', 'correlation', 'categories', i, 'category'],
        'inconsistent',
        `category ${c.category} has a threshold already`,
      );
    seen.add(c.category);
  });
  const sectors = new Set<string>();
  settings.sectors?.forEach((s, i) => {
    if (sectors.has(s.id))
      sink.add(['verification', 'sectors', i, 'id'], 'duplicate_id', `sector ${s.id} is defined twice`);
    sectors.add(s.id);
  });
  const body = view.list('verification_bodies').find(({ item }) => item.id === settings.body);
  if (body !== undefined && !body.item.mandate.verify)
    sink.add(['verification', 'body'], 'inconsistent', `body ${body.item.id} has no mandate to verify`);
}

function checkObligationsAndNotifications(ctx: CheckContext): void {
  const { view, sink } = ctx;
  for (const { item, path } of view.list('obligations')) {
    item.preconditions?.forEach((p, i) => {
      const at = [...path, 'preconditions', i];
      if (p.metric === 'verified_quiet_days' && (p.zone === undefined || p.min === undefined)) {
        sink.add(at, 'missing_field', 'verified_quiet_days needs zone and min');
      }
      if (p.metric === 'obligation_completed' && p.obligation === undefined) {
        sink.add(at, 'missing_field', 'obligation_completed needs obligation');
      }
      if (p.metric === 'guarantee_ratified' && p.guarantee === undefined)
        sink.add(at, 'missing_field', 'guarantee_ratified needs guarantee');
    });
    if (item.concurrent_with?.includes(item.id))
      sink.add(
        [...path, 'concurrent_with'],
        'inconsistent',
        'an obligation cannot be concurrent with itself',
      );
  }
  for (const { item, path } of view.list('notification_obligations')) {
    const ack = item.acknowledgement;
    if (ack.meaning === 'approval' && item.kind !== 'permission_request') {
      sink.add(
        [...path, 'acknowledgement', 'meaning'],
        'inconsistent',
        'acknowledging a notification means it was received, never approved: use kind permission_request for approvals',
      );
    }
    if (ack.within !== undefined && !ack.required)
      sink.add([...path, 'acknowledgement', 'within'], 'inconsistent', 'within needs required: true');
    (item.addressee_release ?? []).forEach((release, i) => {
      release.to.forEach((id, j) => {
        if (!item.to.includes(id))
          sink.add(
            [...path, 'addressee_release', i, 'to', j],
            'inconsistent',
            `'${id}' is not an addressee of this obligation (to: ${item.to.join(', ')})`,
          );
      });
      if (release.location === 'area' && release.area_radius_m === undefined)
        sink.add([...path, 'addressee_release', i], 'missing_field', 'an area release needs area_radius_m');
    });
    const lead = parseDuration(item.lead_time);
    const emergency =
      item.emergency_lead_time === undefined ? undefined : parseDuration(item.emergency_lead_time);
    if (lead !== undefined && emergency !== undefined && emergency > lead) {
      sink.add(
        [...path, 'emergency_lead_time'],
        'inconsistent',
        'the emergency lead time is longer than the normal one',
      );
    }
    const validity = item.validity === undefined ? undefined : parseDuration(item.validity);
    const reconfirm = item.reconfirm_every === undefined ? undefined : parseDuration(item.reconfirm_every);
    if (validity !== undefined && reconfirm !== undefined && reconfirm > validity) {
      sink.add(
        [...path, 'reconfirm_every'],
        'inconsistent',
        're-confirmation comes after the notification has expired',
      );
    }
  }
}

function checkTaxonomy(ctx: CheckContext): void {
  const { view, sink } = ctx;
  const parents = new Map(view.list('report_taxonomy').map(({ item }) => [item.id, item.parent]));
  for (const { item, path } of view.list('report_taxonomy')) {
    item.acled?.forEach((m, i) => {
      if (!isAcledPair(m.event_type, m.sub_event_type)) {
        sink.add(
          [...path, 'acled', i, 'sub_event_type'],
          'invalid_value',
          `'${m.sub_event_type ?? ''}' is not an ACLED sub-event type of '${m.event_type}'`,
        );
      }
    });
    const seen = new Set([item.id]);
    for (let p = item.parent; p !== undefined; p = parents.get(p)) {
      if (seen.has(p)) {
        sink.add([...path, 'parent'], 'inconsistent', `categories form a parent cycle through '${p}'`);
        break;
      }
      seen.add(p);
    }
  }
}

function checkLadders(ctx: CheckContext): void {
  const { view, sink } = ctx;
  for (const { item, path } of view.list('escalation_ladders')) {
    const order = new Map(item.rungs.map((r, i) => [r.id, i]));
    item.rungs.forEach((rung, i) => checkTrigger(ctx, [...path, 'rungs', i, 'trigger'], rung.trigger));
    item.rungs.forEach((rung, i) => {
      const at = [...path, 'rungs', i, 'on_timeout'];
      const t = rung.on_timeout;
      if (t.action !== 'escalate') {
        if (t.to !== undefined) sink.add([...at, 'to'], 'inconsistent', `'to' applies only to escalate`);
        return;
      }
      if (t.to === undefined) {
        if (i === item.rungs.length - 1)
          sink.add(at, 'inconsistent', 'the top rung cannot escalate on timeout: hold or close');
        return;
      }
      const target = order.get(t.to);
      if (target === undefined) {
        if (ctx.ids.get(t.to)?.kind === 'rung')
          sink.add([...at, 'to'], 'inconsistent', `'${t.to}' is a rung of another ladder`);
      } else if (target <= i) {
        sink.add(
          [...at, 'to'],
          'inconsistent',
          `escalation must go up the ladder, but '${t.to}' is not above '${rung.id}'`,
        );
      }
    });
  }
}

/**
 * A rung's CEL expression: it must parse, read only fields of the finding, be a bool, and be able to
 * fire (not a constant false; categories and actors it compares with exist; its categories meet the
 * trigger's `categories`).
 */
function checkTrigger(
  ctx: CheckContext,
  at: PathSegment[],
  trigger: { categories?: string[] | undefined; expression?: string | undefined },
): void {
  const { view, sink } = ctx;
  if (trigger.expression === undefined) return;
  const path = [...at, 'expression'];
  const compiled = compileCel(trigger.expression);
  if (!compiled.ok) {
    sink.add(path, compiled.code, compiled.reason);
    return;
  }
  if (isConstant(compiled.ast)) {
    let value: boolean;
    try {
      value = compiled.predicate({} as Parameters<typeof compiled.predicate>[0]);
    } catch {
      value = false;
    }
    if (!value) sink.add(path, 'inconsistent', 'can never fire: the expression is always false');
    return;
  }
  const taxonomy = new Set(view.list('report_taxonomy').map(({ item }) => item.id));
  const isActor = (id: string) => {
    const kind = ctx.ids.get(id)?.kind;
    return kind !== undefined && ACTOR_KINDS.includes(kind);
  };
  for (const c of comparisons(compiled.ast)) {
    if (c.field === 'category')
      for (const v of c.values.filter((v) => !taxonomy.has(v)))
        sink.add(path, 'dangling_reference', `can never fire: '${v}' is not a category of report_taxonomy`);
    if (c.field === 'attributed_to' || c.field === 'party')
      for (const v of c.values.filter((v) => v !== '' && !isActor(v)))
        sink.add(path, 'dangling_reference', `can never fire: '${v}' is not an actor of the agreement`);
  }
  if (trigger.categories === undefined) return;
  const listed = new Set(trigger.categories);
  for (const conjunct of conjuncts(compiled.ast)) {
    const c = conjunctComparison(conjunct);
    if (c === undefined || c.field !== 'category' || !c.positive) continue;
    if (!c.values.some((v) => listed.has(v)))
      sink.add(
        path,
        'inconsistent',
        `can never fire: the expression's categories (${c.values.join(', ')}) are not among the trigger's categories`,
      );
  }
}

function checkGuaranteesAndLog(ctx: CheckContext): void {
  const { view, sink } = ctx;
  for (const { item, path } of view.list('guarantees')) {
    const steps = item.ratification.steps ?? [];
    if (item.ratification.status === 'ratified' && steps.some((s) => s.status !== 'done')) {
      sink.add(
        [...path, 'ratification', 'status'],
        'inconsistent',
        'status is ratified but some steps are not done',
      );
    }
    if (item.guarantors.includes(item.beneficiary)) {
      sink.add([...path, 'beneficiary'], 'inconsistent', 'the beneficiary cannot also be a guarantor');
    }
  }
  const log = view.field('transparency_log');
  if (log === undefined) return;
  if (log.quorum > log.witnesses.length) {
    sink.add(
      ['transparency_log', 'quorum'],
      'inconsistent',
      `quorum ${log.quorum} exceeds the ${log.witnesses.length} witnesses`,
    );
  }
  if (log.log_vkey !== undefined) {
    const key = parseVkey(log.log_vkey);
    if (typeof key === 'string') sink.add(['transparency_log', 'log_vkey'], 'bad_vkey', key);
  }
  const names = new Set<string>();
  log.witnesses.forEach((w, i) => {
    const at = ['transparency_log', 'witnesses', i];
    if (names.has(w.name))
      sink.add([...at, 'name'], 'duplicate_id', `witness name '${w.name}' is used twice`);
    names.add(w.name);
    const key = parseVkey(w.vkey);
    if (typeof key === 'string') sink.add([...at, 'vkey'], 'bad_vkey', key);
    else if (key.name !== w.name)
      sink.add([...at, 'vkey'], 'bad_vkey', `the key is for '${key.name}', not '${w.name}'`);
  });
}
