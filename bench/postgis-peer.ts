/**
 * The PostGIS peer of the bulk import (issue #19): what a plain PostGIS pipeline does with the same
 * CSV file, timed in the same run as Truceline's import. In one transaction it streams the file into a
 * table with COPY (the point as geometry and geography, computed as each row loads), builds GiST
 * indexes on the points, classifies every row against the agreement version's zones — ST_Covers for
 * polygon zones, ST_DWithin for the bands along lines, the zones `postgis-check.ts` compares — and
 * writes each row's zones into the table. Its rows per second is the reference the import is judged
 * against.
 *
 * What it does not do, and Truceline's import does: validate each row, grade it, check idempotency by
 * external id, find the nearest line, side and settlement, match provisions, serialise a body, hash
 * and log each report.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { VersionContext } from '../src/monitoring/classify.js';
import { loadZones } from '../test/support/postgis-check.js';

/** The peer's time, in total and per stage. */
export interface PeerImport {
  rows: number;
  /** Rows that fall in at least one zone. */
  classified: number;
  seconds: number;
  copySeconds: number;
  indexSeconds: number;
  classifySeconds: number;
  commitSeconds: number;
  version: string;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Imports `file` (a CSV file whose header is `columns`, with `lon` and `lat` among them) the PostGIS
 * way, in a fresh schema dropped afterwards. Only the steps after the zones are loaded are timed.
 */
export async function postgisPeerImport(
  client: pg.Client,
  ctx: VersionContext,
  file: string,
  columns: readonly string[],
): Promise<PeerImport> {
  const schema = `peer_${process.pid}_${Date.now()}`;
  await client.query(`create schema ${schema}`);
  try {
    await client.query(`set search_path = ${schema}, public`);
    await loadZones(client, ctx);
    const typed = columns.map(
      (c) => `${quote(c)} ${c === 'lon' || c === 'lat' ? 'double precision' : 'text'}`,
    );
    await client.query(
      `create table peer (i bigint generated always as identity primary key, ${typed.join(', ')},
         geom geometry(Point, 4326) generated always as (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) stored,
         geog geography(Point, 4326) generated always as (ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography) stored,
         peer_zones text[])`,
    );
    const t0 = process.hrtime.bigint();
    const lap = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
    await client.query('begin');
    const copy = client.query(
      copyFrom(`copy peer (${columns.map(quote).join(', ')}) from stdin with (format csv, header true)`),
    );
    await pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), copy);
    const rows = Number(copy.rowCount);
    const copySeconds = lap(t0);
    let t = process.hrtime.bigint();
    await client.query('create index on peer using gist (geom)');
    await client.query('create index on peer using gist (geog)');
    await client.query('analyze peer');
    const indexSeconds = lap(t);
    t = process.hrtime.bigint();
    const update = await client.query(
      `with hits as (
         select p.i, z.id from zone_polygons z join peer p on ST_Covers(z.geom, p.geom)
         union all
         select p.i, zp.zone_id as id from zone_parts zp join lines l on l.id = zp.line_id
         join peer p on ST_DWithin(l.geog, p.geog, zp.max_m)
         where zp.min_m = 0 or not ST_DWithin(l.geog, p.geog, zp.min_m)
       ), found as (select i, array_agg(id order by id) as ids from hits group by i)
       update peer p set peer_zones = found.ids from found where p.i = found.i`,
    );
    const classifySeconds = lap(t);
    t = process.hrtime.bigint();
    await client.query('commit');
    const commitSeconds = lap(t);
    const seconds = lap(t0);
    const version = (await client.query<{ v: string }>('select postgis_lib_version() as v')).rows[0]?.v ?? '';
    return {
      rows,
      classified: update.rowCount ?? 0,
      seconds,
      copySeconds,
      indexSeconds,
      classifySeconds,
      commitSeconds,
      version,
    };
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    await client.query(`drop schema ${schema} cascade`);
    await client.query('set search_path = public');
  }
}
