import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACLED_EXPORT_COLUMNS } from './acled.js';
import { csvLine } from './csv-parse.js';
import { CSV_DERIVED, CSV_FIELDS } from './csv.js';
import { ImportFileError } from './importer.js';
import { inferFormat } from './sniff.js';

describe('telling an import file’s format', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'truceline-sniff-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const format = async (file: string, mapped = false) => (await inferFormat(file, { mapped })).format;
  const collection = '{\n  "type": "FeatureCollection",\n  "features": []\n}\n';

  it('reads an ACLED export by its header, whatever the extension', async () => {
    const header = `${csvLine([...ACLED_EXPORT_COLUMNS])}\r\n`;
    expect(await format(write('acled.csv', `\uFEFF${header}`))).toBe('acled');
    expect(await format(write('acled.txt', header))).toBe('acled');
  });

  it('reads Truceline’s CSV by its header, and any CSV when a column mapping is given', async () => {
    expect(await format(write('export.csv', `${csvLine([...CSV_FIELDS, ...CSV_DERIVED])}\r\n`))).toBe('csv');
    expect(await format(write('mine.csv', 'observed_from,lat,lon,category\n'))).toBe('csv');
    expect(await format(write('foreign.csv', 'When,Lat,Lon\n2026-11-20,48,38\n'), true)).toBe('csv');
  });

  it('reads GeoJSON by its extension, or a FeatureCollection in a .json or extension-less file', async () => {
    expect(await format(write('reports.geojson', collection))).toBe('geojson');
    expect(await format(write('reports.json', collection))).toBe('geojson');
    expect(await format(write('reports', `  ${collection}`))).toBe('geojson');
  });

  it.each([
    ['a JSON file that is no FeatureCollection', 'list.json', '[1, 2, 3]', /JSON, but not a GeoJSON/],
    ['an empty file', 'empty.csv', '', /it is empty/],
    ['text that is not CSV', 'notes.txt', 'just a line of notes\n', /neither JSON nor a CSV header row/],
    [
      'a CSV with an unknown header and no mapping',
      'foreign.csv',
      'When,Lat,Lon,What,Notes\n',
      /neither ACLED's event_id_cnty nor Truceline's observed_from: When, Lat, Lon, What, …/,
    ],
  ])('refuses %s in one line naming the file and the accepted formats', async (_what, name, content, why) => {
    const file = write(name, content);
    const err = await inferFormat(file, { mapped: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFileError);
    const message = (err as ImportFileError).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message.startsWith(`${file}: cannot tell its format (`)).toBe(true);
    expect(message).toMatch(why);
    expect(message).toContain('accepted: acled (ACLED CSV export), csv (Truceline CSV');
    expect(message).toContain('geojson (GeoJSON FeatureCollection)');
  });

  it('names a file that does not exist', async () => {
    await expect(inferFormat(path.join(dir, 'missing.csv'), { mapped: false })).rejects.toThrow(
      /^cannot read .*missing\.csv$/,
    );
  });
});
