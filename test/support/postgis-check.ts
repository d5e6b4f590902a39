import geographiclib from 'geographiclib-geodesic';
import pg from 'pg';
import type { VersionContext } from '../../src/monitoring/classify.js';

const geod = geographiclib.Geodesic.WGS84;

/**
 * Distance (m) from a point to a polyline of ellipsoidal geodesics by dense sampling with
 * GeographicLib — slow, but independent of Truceline's PreparedPolyline and of PostGIS: the arbiter
 * when the two disagree. Coarse 2 km samples find the nearest stretch; 2 m samples refine it (an
 * upper bound within a few millimetres of the true distance).
 */
export function exactDistanceM(line: readonly (readonly number[])[], lon: number, lat: number): number {
  const dist = (lo: number, la: number) =>
    geod.Inverse(lat, lon, la, lo, geographiclib.Geodesic.DISTANCE).s12 ?? Infinity;
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [lon1 = 0, lat1 = 0] = line[i] ?? [];
    const [lon2 = 0, lat2 = 0] = line[i + 1] ?? [];
    const g = geod.InverseLine(lat1, lon1, lat2, lon2);
    const steps = Math.max(1, Math.ceil(g.s13 / 2000));
    let bestK = 0;
    let coarse = Infinity;
    for (let k = 0; k <= steps; k++) {
      const p = g.Position((g.s13 * k) / steps);
      const d = dist(p.lon2 ?? 0, p.lat2 ?? 0);
      if (d < coarse) [coarse, bestK] = [d, k];
    }
    if (coarse - 2000 > best) continue;
    const from = (g.s13 * Math.max(0, bestK - 1)) / steps;
    const to = (g.s13 * Math.min(steps, bestK + 1)) / steps;
    for (let s = from; s <= to; s += 2) {
      const p = g.Position(s);
      best = Math.min(best, dist(p.lon2 ?? 0, p.lat2 ?? 0));
    }
    best = Math.min(best, coarse);
  }
  return best;
}

/** Database the PostGIS comparison uses (PostGIS is installed per database, so it gets its own). */
export const POSTGIS_DATABASE = 'truceline_postgis_check';

/** Distances closer than this to a zone edge are ties: the engines model line edges differently. */
export const TIE_TOLERANCE_M = 1;

export interface PostgisComparison {
  points: number;
  /** (point, zone) membership decisions compared. */
  decisions: number;
  agree: number;
  /** Disagreements within TIE_TOLERANCE_M of a zone edge (geodesic vs great-circle edges). */
  ties: number;
  /**
   * Disagreements where an exact geodesic computation (GeographicLib, independent of both) confirms
   * Truceline: PostGIS measures to great-circle edges on a sphere, which can be off by tens of metres.
   */
  arbitrated: { index: number; zone: string; postgisM: number; exactM: number; edgeM: number }[];
  mismatches: { index: number; zone: string; ours: boolean; postgis: boolean; distanceM?: number }[];
  /** Seconds PostGIS took to classify (queries only), and Truceline for the same points. */
  postgisSeconds: number;
  trucelineSeconds: number;
  version: string;
}

function urlFor(base: string, database: string): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A client on the comparison database with PostGIS enabled, or undefined when PostGIS is missing. */
export async function connectPostgis(baseUrl: string): Promise<pg.Client | undefined> {
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    const available = await admin.query(`select 1 from pg_available_extensions where name = 'postgis'`);
    if (available.rowCount === 0) return undefined;
    const exists = await admin.query('select 1 from pg_database where datname = $1', [POSTGIS_DATABASE]);
    if (exists.rowCount === 0) {
      try {
        await admin.query(`create database ${POSTGIS_DATABASE}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err;
      }
    }
  } finally {
    await admin.end();
  }
  const client = new pg.Client({ connectionString: urlFor(baseUrl, POSTGIS_DATABASE) });
  await client.connect();
  try {
    await client.query('create extension if not exists postgis');
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
  }
  return client;
}

/**
 * Creates and fills, in the client's current schema, the agreement version's zones as PostGIS sees
 * them: `lines` (geography), `zone_polygons` (geometry(4326): polygon zones, edges straight in
 * lon/lat as Truceline's) and `zone_parts` (zones derived from lines: a band [min_m, max_m] on both
 * sides of a line), with GiST indexes. Returns the ids of the zones so represented (zones on one side
 * of a line only are not).
 */
export async function loadZones(client: pg.Client, ctx: VersionContext): Promise<Set<string>> {
  await client.query('create table lines (id text primary key, geog geography(LineString, 4326))');
  await client.query('create table zone_polygons (id text, geom geometry(MultiPolygon, 4326))');
  await client.query(
    'create table zone_parts (zone_id text, line_id text, min_m double precision, max_m double precision)',
  );
  for (const [id, line] of ctx.derived.lines) {
    const wkt = `LINESTRING(${line.coordinates.map((p) => `${p[0]} ${p[1]}`).join(',')})`;
    await client.query('insert into lines values ($1, ST_GeogFromText($2))', [id, `SRID=4326;${wkt}`]);
  }
  const compared = new Set<string>();
  for (const z of ctx.derived.zones) {
    if (z.polygon !== undefined && z.display !== undefined) {
      await client.query(
        'insert into zone_polygons values ($1, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)))',
        [z.id, JSON.stringify(z.display)],
      );
      compared.add(z.id);
    } else if (z.parts.length > 0 && z.parts.every((p) => p.side === 'both')) {
      for (const p of z.parts)
        await client.query('insert into zone_parts values ($1, $2, $3, $4)', [
          z.id,
          p.lineId,
          p.minM,
          p.maxM,
        ]);
      compared.add(z.id);
    }
  }
  await client.query('create index on lines using gist (geog)');
  await client.query('create index on zone_polygons using gist (geom)');
  return compared;
}

/**
 * Classifies the same points with PostGIS — ST_Covers on geometry(4326) for polygon zones (edges
 * straight in lon/lat, as Truceline's), ST_DWithin on geography (spheroid distances) for zones
 * derived from lines — with GiST indexes, and compares every (point, zone) decision with
 * Truceline's ZoneIndex.
 */
export async function compareWithPostgis(
  client: pg.Client,
  ctx: VersionContext,
  points: readonly [number, number][],
): Promise<PostgisComparison> {
  const schema = `cmp_${process.pid}_${Date.now()}`;
  await client.query(`create schema ${schema}`);
  try {
    await client.query(`set search_path = ${schema}, public`);
    await client.query(
      'create table pts (i integer primary key, geom geometry(Point, 4326), geog geography(Point, 4326))',
    );
    const compared = await loadZones(client, ctx);
    for (let i = 0; i < points.length; i += 100_000) {
      const slice = points.slice(i, i + 100_000);
      await client.query(
        `insert into pts select i, ST_SetSRID(ST_MakePoint(x, y), 4326), ST_SetSRID(ST_MakePoint(x, y), 4326)::geography
         from unnest($1::int[], $2::float8[], $3::float8[]) as u(i, x, y)`,
        [slice.map((_, k) => i + k), slice.map((p) => p[0]), slice.map((p) => p[1])],
      );
    }
    await client.query('create index on pts using gist (geom)');
    await client.query('create index on pts using gist (geog)');
    await client.query('analyze');
    const started = process.hrtime.bigint();
    const poly = await client.query<{ i: number; id: string }>(
      'select p.i, z.id from zone_polygons z join pts p on ST_Covers(z.geom, p.geom)',
    );
    const derived = await client.query<{ i: number; id: string }>(
      `select p.i, zp.zone_id as id from zone_parts zp join lines l on l.id = zp.line_id
       join pts p on ST_DWithin(l.geog, p.geog, zp.max_m)
       where zp.min_m = 0 or not ST_DWithin(l.geog, p.geog, zp.min_m)`,
    );
    const postgisSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const theirs = new Set<string>();
    for (const r of [...poly.rows, ...derived.rows]) theirs.add(`${r.i}|${r.id}`);
    const t0 = process.hrtime.bigint();
    const ours = points.map(([lon, lat]) => ctx.zonesAt(lon, lat));
    const trucelineSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const result: PostgisComparison = {
      points: points.length,
      decisions: 0,
      agree: 0,
      ties: 0,
      arbitrated: [],
      mismatches: [],
      postgisSeconds,
      trucelineSeconds,
      version: '',
    };
    const disagreements: { index: number; zone: string; ours: boolean; postgis: boolean }[] = [];
    ours.forEach((zones, i) => {
      const mine = new Set(zones);
      for (const zone of compared) {
        result.decisions += 1;
        const a = mine.has(zone);
        const b = theirs.has(`${i}|${zone}`);
        if (a === b) result.agree += 1;
        else disagreements.push({ index: i, zone, ours: a, postgis: b });
      }
    });
    for (const d of disagreements) {
      const z = ctx.derived.zones.find((x) => x.id === d.zone);
      const part = z?.parts[0];
      if (part === undefined) {
        result.mismatches.push(d);
        continue;
      }
      const p = points[d.index] ?? [0, 0];
      const r = await client.query<{ d: number }>(
        'select ST_Distance(l.geog, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography) as d from lines l where l.id = $1',
        [part.lineId, p[0], p[1]],
      );
      const distanceM = Number(r.rows[0]?.d ?? NaN);
      const nearEdge = Math.min(
        Math.abs(distanceM - part.maxM),
        part.minM > 0 ? Math.abs(distanceM - part.minM) : Infinity,
      );
      if (nearEdge <= TIE_TOLERANCE_M) {
        result.ties += 1;
        continue;
      }
      // Farther from the edge than a tie: let an exact geodesic computation, independent of both
      // engines, decide. Only a decision it confirms for Truceline is set aside as arbitrated.
      const line = ctx.derived.lines.get(part.lineId);
      const exactM = line === undefined ? NaN : exactDistanceM(line.coordinates, p[0], p[1]);
      const exactInside = exactM <= part.maxM && (part.minM === 0 || exactM >= part.minM);
      if (Number.isFinite(exactM) && exactInside === d.ours)
        result.arbitrated.push({
          index: d.index,
          zone: d.zone,
          postgisM: distanceM,
          exactM,
          edgeM:
            part.minM > 0 && Math.abs(exactM - part.minM) < Math.abs(exactM - part.maxM)
              ? part.minM
              : part.maxM,
        });
      else result.mismatches.push({ ...d, distanceM });
    }
    result.version =
      (await client.query<{ v: string }>('select postgis_lib_version() as v')).rows[0]?.v ?? '';
    return result;
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.query('set search_path = public');
  }
}
