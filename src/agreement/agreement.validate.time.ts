import type { PathSegment } from './agreement.problems.js';
import { closest } from './agreement.suggest.js';
import type { TimeContext, WhenSpec } from './agreement.time.js';
import { ANCHOR_ID, isValidTimeZone, parseWhen, resolveAnchors, resolveWhen } from './agreement.time.js';
import type { CheckContext } from './agreement.view.js';

/**
 * Time rules: an IANA time zone; anchors with usable ids and no cycles; every time expression
 * parseable and relative only to defined anchors; no deadline before its anchor or its start.
 */
export function checkTimes(ctx: CheckContext): void {
  const { view, sink } = ctx;
  const tz = checkTimeZone(ctx);
  const anchors = view.list('anchors');
  const anchorIds = new Set(anchors.map((a) => a.item.id));
  for (const { item, path } of anchors) {
    if (!ANCHOR_ID.test(item.id)) {
      sink.add(
        [...path, 'id'],
        'invalid_value',
        `anchor id '${item.id}' may use only letters, digits and "_" (it is used in expressions like ${item.id}+14d)`,
      );
    }
  }
  const parse = (path: PathSegment[], text: string | undefined): Parsed | undefined => {
    if (text === undefined) return undefined;
    const spec = parseWhen(text);
    if (typeof spec === 'string') {
      sink.add(path, 'bad_time', spec);
      return undefined;
    }
    if (spec.kind === 'relative' && !anchorIds.has(spec.anchor)) {
      const known = [...anchorIds].join(', ');
      sink.add(
        path,
        'dangling_reference',
        `unknown anchor '${spec.anchor}' (anchors: ${known === '' ? 'none' : known})`,
      );
      return undefined;
    }
    return { spec, text };
  };
  const time: TimeContext = {
    timeZone: tz ?? 'UTC',
    anchors: resolveAnchors(
      anchors.map((a) => a.item),
      tz ?? 'UTC',
    ),
  };

  for (const { item, path } of anchors) parse([...path, 'at'], item.at);
  checkAnchorCycles(ctx);
  const entryIntoForce = view.data.entry_into_force;
  if (typeof entryIntoForce === 'string') parse(['entry_into_force'], entryIntoForce);

  /** Reports an end before its start; both are parsed specs with their source texts. */
  const ordered = (
    startPath: PathSegment[],
    start: Parsed | undefined,
    endPath: PathSegment[],
    end: Parsed | undefined,
    what: string,
  ): void => {
    if (start === undefined || end === undefined) return;
    const [s, e] = [start.spec, end.spec];
    let before: boolean | undefined;
    if (s.kind === 'relative' && e.kind === 'relative' && s.anchor === e.anchor) {
      before = e.offsetMs < s.offsetMs;
    } else {
      const from = resolveWhen(s, time, 'start');
      const to = resolveWhen(e, time, 'end');
      before = from === undefined || to === undefined ? undefined : to < from;
    }
    if (before === true) {
      sink.add(
        endPath,
        'deadline_before_anchor',
        `${what} ${end.text} is before its start ${start.text} (line ${sink.lineOf(startPath)})`,
      );
    }
  };
  /** A deadline relative to an anchor must not fall before that anchor. */
  const deadline = (path: PathSegment[], text: string | undefined): Parsed | undefined => {
    const parsed = parse(path, text);
    if (parsed?.spec.kind === 'relative' && parsed.spec.offsetMs < 0) {
      sink.add(
        path,
        'deadline_before_anchor',
        `deadline ${parsed.text} falls before its anchor ${parsed.spec.anchor}`,
      );
      return undefined;
    }
    return parsed;
  };

  for (const { item, path } of view.list('zones')) {
    const from = parse([...path, 'active', 'from'], item.active?.from);
    const until = parse([...path, 'active', 'until'], item.active?.until);
    ordered([...path, 'active', 'from'], from, [...path, 'active', 'until'], until, 'the zone end');
  }
  for (const { item, path } of view.list('restrictions')) {
    parse([...path, 'effective_from'], item.effective_from);
    item.waivers?.forEach((w, i) => {
      const at = [...path, 'waivers', i];
      const from = parse([...at, 'from'], w.from);
      const until = deadline([...at, 'until'], w.until);
      ordered([...at, 'from'], from, [...at, 'until'], until, 'the waiver expiry');
    });
  }
  for (const { item, path } of view.list('obligations')) {
    const start = parse([...path, 'start'], item.start);
    const end = deadline([...path, 'deadline'], item.deadline);
    ordered([...path, 'start'], start, [...path, 'deadline'], end, 'the deadline');
  }
  for (const { item, path } of view.list('guarantees')) {
    item.ratification.steps?.forEach((s, i) => deadline([...path, 'ratification', 'steps', i, 'due'], s.due));
  }
  view
    .field('negotiation')
    ?.deadlines?.forEach((d, i) => deadline(['negotiation', 'deadlines', i, 'due'], d.due));
}

interface Parsed {
  spec: WhenSpec;
  text: string;
}

function checkTimeZone(ctx: CheckContext): string | undefined {
  const tz = ctx.view.data.time_zone;
  if (typeof tz !== 'string') return undefined;
  if (isValidTimeZone(tz)) return tz;
  const guess = closestZone(tz);
  ctx.sink.add(
    ['time_zone'],
    'bad_time_zone',
    `'${tz}' is not an IANA time zone name${guess === undefined ? ' (e.g. Europe/Kyiv, Asia/Seoul, UTC)' : ` (did you mean '${guess}'?)`}`,
  );
  return undefined;
}

function checkAnchorCycles(ctx: CheckContext): void {
  const anchors = ctx.view.list('anchors');
  const next = new Map<string, string>();
  for (const { item } of anchors) {
    const spec = item.at === undefined ? undefined : parseWhen(item.at);
    if (spec !== undefined && typeof spec !== 'string' && spec.kind === 'relative')
      next.set(item.id, spec.anchor);
  }
  const reported = new Set<string>();
  for (const { item, path } of anchors) {
    const seen: string[] = [item.id];
    let cur = next.get(item.id);
    while (cur !== undefined && !seen.includes(cur)) {
      seen.push(cur);
      cur = next.get(cur);
    }
    if (cur === item.id && !reported.has(item.id)) {
      seen.forEach((id) => reported.add(id));
      ctx.sink.add(
        [...path, 'at'],
        'anchor_cycle',
        `anchors are defined in a cycle: ${[...seen, item.id].join(' → ')}`,
      );
    }
  }
}

/** Current names of zones some runtimes still list under their old names. */
const RENAMED: Record<string, string> = {
  'Europe/Kiev': 'Europe/Kyiv',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
};

function closestZone(tz: string): string | undefined {
  const guess = closest(tz, [...Intl.supportedValuesOf('timeZone'), ...Object.values(RENAMED)], 3);
  return guess === undefined ? undefined : (RENAMED[guess] ?? guess);
}
