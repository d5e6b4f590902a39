import fs from 'node:fs';
import { Type } from '@sinclair/typebox';
import { AppError } from '../core/errors.js';
import type { App } from '../http/app.js';

/** Where the dashboard fetches the operator's PMTiles archive (byte ranges of one file). */
export const BASEMAP_ARCHIVE_URL = '/basemap/tiles.pmtiles';

const BasemapInfo = Type.Object({
  pmtiles: Type.Union([Type.String(), Type.Null()], {
    description: 'URL of the offline vector basemap (PMTiles v3, Protomaps schema), or null when none is set',
  }),
});

/** One `bytes=start-end` range (suffix and open-ended forms included), or null when the header is not one. */
export function parseRange(
  header: string,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null; // several ranges or garbage: answer the whole file
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/**
 * `GET /basemap/tiles.pmtiles`: the operator's offline basemap, public like the log, answered by byte
 * range (MapLibre's PMTiles protocol reads the header, directories and tiles as ranges of one file).
 * 404 when no archive is configured.
 */
export function registerBasemapArchive(app: App, archive: string | undefined): void {
  app.get(
    BASEMAP_ARCHIVE_URL,
    { schema: { hide: true }, config: { public: true }, compress: false },
    async (request, reply) => {
      if (!archive)
        throw new AppError('not_found', 'no offline basemap is configured (TRUCELINE_BASEMAP_PMTILES)');
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(archive);
      } catch {
        request.log.error({ archive }, 'the configured basemap archive cannot be read');
        throw new AppError('not_found', 'the offline basemap archive is missing');
      }
      const size = stat.size;
      const etag = `"${size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
      void reply
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        .header('cache-control', 'public, max-age=3600')
        .type('application/vnd.pmtiles');
      const header = request.headers.range;
      const ifRange = request.headers['if-range'];
      const range = header && (ifRange === undefined || ifRange === etag) ? parseRange(header, size) : null;
      if (range === 'unsatisfiable') {
        return reply.status(416).header('content-range', `bytes */${size}`).send();
      }
      if (range === null) {
        return reply.header('content-length', size).send(fs.createReadStream(archive));
      }
      return reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
        .header('content-length', range.end - range.start + 1)
        .send(fs.createReadStream(archive, { start: range.start, end: range.end }));
    },
  );
}

/** `GET /api/v1/basemap`: whether an offline vector basemap is configured, and where the map finds it. */
export function registerBasemapApi(app: App, archive: string | undefined): void {
  app.get(
    '/basemap',
    {
      schema: {
        tags: ['geo'],
        summary: 'The offline vector basemap the map should use, if the operator configured one',
        response: { 200: BasemapInfo },
      },
      config: { public: true },
    },
    (_request, reply) => {
      void reply.header('cache-control', 'no-cache');
      return { pmtiles: archive ? BASEMAP_ARCHIVE_URL : null };
    },
  );
}
