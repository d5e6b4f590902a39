import mgrs from 'mgrs';
import type { SmmCategory } from '../agreement/taxonomy.js';
import { direct } from '../geo/geodesic.js';
import type { VersionContext } from './classify.js';
import type { Place } from './gazetteer.js';
import type { ReportInput } from './report.schemas.js';

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same reports. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind =
  | { smm: SmmCategory }
  | { category: string; equipment?: { system: string; calibreMm?: number } }
  | { acled: { eventType: 'Explosions/Remote violence'; subEventType: 'Air/drone strike' } };

/** Category mix modelled on OSCE SMM counts (bursts and explosions dominate) plus the agreement's own kinds. */
const MIX: [weight: number, kind: Kind][] = [
  [38, { smm: 'burst_and_shot' }],
  [9, { smm: 'explosion_impact' }],
  [7, { smm: 'explosion_outgoing' }],
  [4, { smm: 'explosion_airburst' }],
  [14, { smm: 'explosion_undetermined' }],
  [9, { smm: 'projectile_in_flight' }],
  [2, { smm: 'muzzle_flash' }],
  [2, { smm: 'illumination_flare' }],
  [2, { category: 'heavy-weapons-in-zone', equipment: { system: '2S1 Gvozdika', calibreMm: 122 } }],
  [1, { category: 'heavy-weapons-in-zone', equipment: { system: 'D-30 howitzer', calibreMm: 122 } }],
  [1, { category: 'heavy-weapons-in-zone', equipment: { system: 'BM-21 Grad' } }],
  [1, { category: 'heavy-weapons-in-zone', equipment: { system: '2S3 Akatsiya', calibreMm: 152 } }],
  [1, { category: 'heavy-weapons-in-zone', equipment: { system: 'T-72 tank' } }],
  [2, { category: 'force-movement' }],
  [1.5, { category: 'mine-laying' }],
  [2, { category: 'airspace-incursion' }],
  [1.5, { category: 'monitor-obstruction' }],
  [1, { acled: { eventType: 'Explosions/Remote violence', subEventType: 'Air/drone strike' } }],
];
const MIX_TOTAL = MIX.reduce((s, [w]) => s + w, 0);

/** Relative activity by local hour: quiet mornings, most fire at dusk and at night (SMM pattern). */
const HOURLY = [9, 8, 7, 5, 3, 2, 1.5, 1, 1, 1, 1.2, 1.5, 1.5, 1.5, 2, 2.5, 3.5, 5, 7, 9, 10, 10, 10, 9.5];
const HOURLY_TOTAL = HOURLY.reduce((s, w) => s + w, 0);

const REPORTERS = [
  { name: 'JMVC patrol', kind: 'patrol' as const, groups: 40, reliability: 'B' as const },
  { name: 'JMVC camera', kind: 'camera' as const, groups: 25, reliability: 'A' as const },
  { name: 'JMVC long-range UAV', kind: 'uav' as const, groups: 4, reliability: 'A' as const },
  { name: 'Acoustic sensor array', kind: 'sensor' as const, groups: 12, reliability: 'B' as const },
  { name: 'Open-source outlet', kind: 'osint' as const, groups: 30, reliability: 'F' as const },
];

export interface GeneratorOptions {
  seed?: number;
  /** Window of observed times (ms); default the 90 days before `end`. */
  start?: number;
  end: number;
  /** Prefix of external ids (imports stay idempotent per generated set). */
  idPrefix?: string;
}

function pick<T>(r: () => number, items: readonly [number, T][], total: number): T {
  let x = r() * total;
  for (const [w, v] of items) {
    x -= w;
    if (x <= 0) return v;
  }
  return (items[items.length - 1] as [number, T])[1];
}

/** Exponential variate with the given mean. */
function exp(r: () => number, mean: number): number {
  return -Math.log(1 - r()) * mean;
}

/**
 * Synthetic reports for demos and benchmarks: clustered along the agreement's line of contact (with
 * hotspots), named after real settlements (GeoNames), in a realistic mix of categories and position
 * forms (coordinates, MGRS, bearing-and-distance fixes), following the daily rhythm of fire.
 */
export function* generateReports(
  ctx: VersionContext,
  count: number,
  o: GeneratorOptions,
): Generator<ReportInput> {
  const r = rng(o.seed ?? 1);
  const end = o.end;
  const start = o.start ?? end - 90 * 86_400_000;
  const prefix = o.idPrefix ?? `gen${o.seed ?? 1}`;
  const contact = [...ctx.derived.lines.values()][0];
  if (contact === undefined)
    throw new Error(`${ctx.versionId} has no reference line to cluster reports along`);
  const lengthM = contact.lengthM();
  // Hotspots: a few stretches of the line get most of the fire (SMM: 76 % in four hotspots).
  const hotspots = Array.from({ length: 5 }, () => r() * lengthM);
  const box = contact.bbox();
  const places = ctx.gazetteer
    .within([box[0] - 0.6, box[1] - 0.4, box[2] + 0.6, box[3] + 0.4])
    .filter((p) => contact.distanceTo(p.lon, p.lat).distanceM < 40_000);
  const weighted: [number, Place][] = places.map((p) => [Math.sqrt(p.population), p]);
  const placeTotal = weighted.reduce((s, [w]) => s + w, 0);
  const segments = contact.coordinates;
  const along = (m: number): [number, number] => {
    // Walk the vertices (the line is short enough that a linear scan is fine).
    let acc = 0;
    for (let i = 0; i + 1 < segments.length; i++) {
      const a = segments[i] ?? [0, 0];
      const b = segments[i + 1] ?? [0, 0];
      const len = Math.hypot((b[0] - a[0]) * 74_000, (b[1] - a[1]) * 111_000);
      if (acc + len >= m || i + 2 === segments.length) {
        const f = len === 0 ? 0 : Math.min(1, (m - acc) / len);
        return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])];
      }
      acc += len;
    }
    return [segments[0]?.[0] ?? 0, segments[0]?.[1] ?? 0];
  };
  // Recent events, so that about a third of the reports are other sources' sightings of one event
  // (several patrols, a camera and a sensor recording the same shelling): what verification groups.
  const recent: { lon: number; lat: number; kind: (typeof MIX)[number][1]; at: number }[] = [];
  for (let n = 0; n < count; n++) {
    let lon: number;
    let lat: number;
    if (placeTotal > 0 && r() < 0.35) {
      const place = pick(r, weighted, placeTotal);
      const p = direct(place.lat, place.lon, r() * 360, exp(r, 2_500));
      lon = p.lon2;
      lat = p.lat2;
    } else {
      const m =
        r() < 0.6 ? (hotspots[Math.floor(r() * hotspots.length)] ?? 0) + (r() - 0.5) * 40_000 : r() * lengthM;
      const [bx, by] = along(Math.min(Math.max(m, 0), lengthM * 0.999));
      const p = direct(by, bx, r() * 360, exp(r, 7_000));
      lon = p.lon2;
      lat = p.lat2;
    }
    const kindPicked = pick(r, MIX, MIX_TOTAL);
    const day = start + Math.floor(r() * Math.max(1, (end - start) / 86_400_000)) * 86_400_000;
    const hour = pick(
      r,
      HOURLY.map((w, h) => [w, h] as [number, number]),
      HOURLY_TOTAL,
    );
    const atPicked = Math.min(
      end - 60_000,
      day - (day % 86_400_000) + (hour - 2) * 3_600_000 + Math.floor(r() * 3_600_000),
    );
    let event = { lon, lat, kind: kindPicked, at: atPicked };
    const seen = recent.length > 0 && r() < 0.35 ? recent[Math.floor(r() * recent.length)] : undefined;
    if (seen !== undefined) {
      const p = direct(seen.lat, seen.lon, r() * 360, exp(r, 300));
      event = {
        lon: p.lon2,
        lat: p.lat2,
        kind: seen.kind,
        at: Math.min(end - 60_000, seen.at + Math.round((r() - 0.5) * 40 * 60_000)),
      };
    } else {
      recent.push(event);
      if (recent.length > 50) recent.shift();
    }
    const { kind, at } = event;
    ({ lon, lat } = event);
    const reporter = REPORTERS[Math.floor(r() * REPORTERS.length)] ?? REPORTERS[0];
    const team = 1 + Math.floor(r() * (reporter?.groups ?? 1));
    const precisionRoll = r();
    const observed: ReportInput['observed'] =
      precisionRoll < 0.86
        ? { from: new Date(at).toISOString(), precision: 'exact', timeZone: 'Europe/Kyiv' }
        : {
            from: new Date(at).toISOString().slice(0, 10),
            precision: precisionRoll < 0.96 ? 'day' : precisionRoll < 0.995 ? 'week' : 'month',
            timeZone: 'Europe/Kyiv',
          };
    const formRoll = r();
    const isFire = 'smm' in kind;
    let location: ReportInput['location'];
    if (isFire && formRoll < 0.3) {
      const bearingBack = r() * 360;
      const distanceM = Math.round(500 + exp(r, 2_500));
      const obs = direct(lat, lon, bearingBack, Math.min(distanceM, 30_000));
      location = {
        observer: {
          lon: round(obs.lon2, 5),
          lat: round(obs.lat2, 5),
          // Rounded to a tenth of a degree, 359.96° becomes 360.0°: wrap it to 0.
          bearingDeg: round((((obs.azi2 + 180) % 360) + 360) % 360, 1) % 360,
          distanceM: Math.min(distanceM, 30_000),
        },
      };
    } else if (formRoll < 0.45) {
      location = { mgrs: mgrs.forward([lon, lat], 4), precision: 1 };
    } else {
      location = {
        lon: round(lon, 5),
        lat: round(lat, 5),
        uncertaintyM: Math.round(50 + exp(r, 400)),
        precision: r() < 0.9 ? 1 : 2,
      };
    }
    const events = isFire ? 1 + Math.floor(exp(r, kind.smm === 'burst_and_shot' ? 12 : 4)) : undefined;
    const input: ReportInput = {
      externalId: `${prefix}-${n}`,
      reporter: { name: `${reporter?.name ?? 'Patrol'} ${team}`, kind: reporter?.kind ?? 'patrol' },
      source: {
        name: `${reporter?.name ?? 'Patrol'} ${team}`,
        reliability: reporter?.reliability ?? 'F',
        independenceGroup: `${reporter?.kind ?? 'patrol'}-${team}`,
      },
      credibility: (1 + Math.floor(r() * 6)) as 1 | 2 | 3 | 4 | 5 | 6,
      observed,
      location,
      ...('smm' in kind
        ? { smm: kind.smm }
        : 'acled' in kind
          ? { acled: kind.acled }
          : { category: kind.category }),
      ...('category' in kind && kind.equipment !== undefined
        ? { equipment: kind.equipment, counts: { items: 1 + Math.floor(r() * 6) } }
        : events !== undefined
          ? { counts: { events } }
          : {}),
      ...(r() < 0.01
        ? { casualties: { civilian: { killed: Math.floor(r() * 2), injured: 1 + Math.floor(r() * 3) } } }
        : {}),
      // Open-source and media reports are public; so is a share of the monitors' own (as the OSCE
      // mission's daily reports were): about 30 % CLEAR, so the public map is not empty. Decided
      // without drawing from the generator's random sequence, which every other field follows.
      ...(reporter?.kind === 'osint' || n % 8 === 0 ? { marking: 'CLEAR' as const } : {}),
      narrative: `${'smm' in kind ? kind.smm.replace(/_/g, ' ') : 'category' in kind ? kind.category.replace(/-/g, ' ') : 'air or drone strike'} observed by ${reporter?.name ?? 'a patrol'} ${team}.`,
      language: 'en',
    };
    yield input;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
