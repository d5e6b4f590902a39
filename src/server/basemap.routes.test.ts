import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { emptyPmtilesArchive } from '../../test/support/pmtiles.js';
import { parseRange } from './basemap.routes.js';

describe('the offline basemap archive, configured', () => {
  let t: TestApp;
  let archive: Buffer;
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-basemap-'));
    archive = emptyPmtilesArchive();
    const file = path.join(dir, 'region.pmtiles');
    fs.writeFileSync(file, archive);
    t = await startTestApp('sqlite', { config: { basemapPmtiles: file } });
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers a byte range to anyone with 206 and Content-Range', async () => {
    // Asked with compression accepted: a compressed body would break the byte offsets.
    const res = await t.app.inject({
      url: '/basemap/tiles.pmtiles',
      headers: { range: 'bytes=0-126', 'accept-encoding': 'br, gzip' },
    });
    expect(res.statusCode).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 0-126/${archive.length}`);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rawPayload.equals(archive.subarray(0, 127))).toBe(true);
    expect(res.rawPayload.subarray(0, 7).toString('ascii')).toBe('PMTiles');
  });

  it('answers the middle of the file exactly, and an open-ended range to the end', async () => {
    const mid = await t.app.inject({ url: '/basemap/tiles.pmtiles', headers: { range: 'bytes=127-130' } });
    expect(mid.statusCode).toBe(206);
    expect(mid.rawPayload.equals(archive.subarray(127, 131))).toBe(true);
    const tail = await t.app.inject({ url: '/basemap/tiles.pmtiles', headers: { range: 'bytes=128-' } });
    expect(tail.rawPayload.equals(archive.subarray(128))).toBe(true);
  });

  it('answers the whole file without a Range header, and 416 past the end', async () => {
    const whole = await t.app.inject({ url: '/basemap/tiles.pmtiles' });
    expect(whole.statusCode).toBe(200);
    expect(whole.rawPayload.equals(archive)).toBe(true);
    const past = await t.app.inject({
      url: '/basemap/tiles.pmtiles',
      headers: { range: `bytes=${archive.length}-` },
    });
    expect(past.statusCode).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${archive.length}`);
  });

  it('tells the map where the archive is', async () => {
    const res = await t.app.inject({ url: '/api/v1/basemap' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ pmtiles: '/basemap/tiles.pmtiles' });
  });
});

describe('the offline basemap archive, not configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('is 404 as problem+json, and the map is told there is none', async () => {
    const res = await t.app.inject({ url: '/basemap/tiles.pmtiles', headers: { range: 'bytes=0-126' } });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await t.app.inject({ url: '/api/v1/basemap' })).json()).toEqual({ pmtiles: null });
  });
});

describe('byte ranges', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=95-200', { start: 95, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=5-2', 'unsatisfiable'],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
  ] as const)('%s of 100 bytes', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
});
