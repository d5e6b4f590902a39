import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UA_PLACE_NAMES } from '../../test/support/place-names.js';
import { gazetteerIds } from './gazetteer.js';
import { loadPlaceNames, MAX_PROBLEMS, parseAlternateNameLine, PlaceNamesError } from './place-names.js';

const UA_FIXTURE = UA_PLACE_NAMES;

const HORLIVKA = 707753;

describe('GeoNames alternate names', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-place-names-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  const line = (...fields: string[]) => fields.join('\t');

  it('loads the Ukrainian names of the places in the gazetteer', async () => {
    const known = await gazetteerIds();
    const names = await loadPlaceNames([UA_FIXTURE], (id) => known.has(id));
    expect(names.nameOf(HORLIVKA, 'uk')).toBe('Горлівка');
    expect(names.nameOf(709717, 'uk')).toBe('Донецьк');
    expect(names.nameOf(704508, 'uk')).toBe('Краматорськ');
    expect(names.nameOf(693468, 'uk')).toBe('Слов’янськ');
    // English is the GeoNames name itself: the files' `en` lines are not read.
    expect(names.nameOf(HORLIVKA, 'en')).toBeUndefined();
    // A place the gazetteer does not hold is not kept (memory is bounded by the gazetteer).
    expect(names.nameOf(99999991, 'uk')).toBeUndefined();
    expect(names.size).toBe(12);
  });

  it('prefers isPreferredName and full names, and skips colloquial and historic names', async () => {
    const names = await loadPlaceNames([UA_FIXTURE], () => true);
    expect(names.nameOf(701822, 'uk')).toBe('Маріуполь'); // preferred, after an older spelling
    expect(names.nameOf(713174, 'uk')).toBe('Бахмут'); // Артемівськ is historic
    expect(names.nameOf(702658, 'uk')).toBe('Луганськ'); // Луганда is colloquial
    expect(names.nameOf(702972, 'uk')).toBe('Лисичанськ'); // over the short "Лис."
  });

  it('reads several files, the older 8-field layout and a BOM', async () => {
    const other = write(
      'RU.txt',
      `\uFEFF${line('1', '524901', 'uk', 'Москва', '1', '', '', '')}\r\n${line('2', '524901', 'ru', 'Москва', '1', '', '', '')}\n`,
    );
    const names = await loadPlaceNames([UA_FIXTURE, other], () => true);
    expect(names.nameOf(524901, 'uk')).toBe('Москва');
    expect(names.nameOf(HORLIVKA, 'uk')).toBe('Горлівка');
  });

  it('names every bad line by file:line and reason, and loads nothing', async () => {
    const file = write(
      'bad.txt',
      [
        line('1', String(HORLIVKA), 'uk', 'Горлівка', '1', '', '', '', '', ''),
        line('2', String(HORLIVKA), 'uk', 'Горлівка'),
        line('3', 'abc', 'uk', 'Донецьк', '', '', '', '', '', ''),
        line('4', '709717', 'uk', '', '', '', '', '', '', ''),
        line('5', '709717', 'uk', 'Донецьк', 'yes', '', '', '', '', ''),
        line('x6', '709717', 'uk', 'Донецьк', '', '', '', '', '', ''),
        '',
      ].join('\n'),
    );
    const err = await loadPlaceNames([file], () => true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlaceNamesError);
    expect((err as PlaceNamesError).problems).toEqual([
      { file, line: 2, reason: 'expected 10 tab-separated fields (or 8, the older layout), found 4' },
      { file, line: 3, reason: 'geonameid "abc" is not a positive number' },
      { file, line: 4, reason: 'the alternate name is empty' },
      { file, line: 5, reason: 'isPreferredName must be empty, 0 or 1' },
      { file, line: 6, reason: 'alternateNameId "x6" is not a number' },
    ]);
    expect((err as Error).message).toContain(`${file}:3: geonameid "abc" is not a positive number`);
  });

  it('refuses a missing file and a zip archive, naming them', async () => {
    const zip = write('UA.zip', Buffer.from('PK\u0003\u0004rest of an archive', 'latin1'));
    const missing = path.join(dir, 'nowhere.txt');
    const err = (await loadPlaceNames([UA_FIXTURE, missing, zip], () => true).catch(
      (e: unknown) => e,
    )) as PlaceNamesError;
    expect(err.problems).toEqual([
      { file: missing, reason: 'cannot be read (ENOENT)' },
      { file: zip, reason: 'is a zip archive: unzip it and name the text file inside (e.g. UA.txt)' },
    ]);
  });

  it('stops listing after MAX_PROBLEMS bad lines (a wrong file would list them all)', async () => {
    const file = write('wrong.csv', Array.from({ length: 500 }, (_v, i) => `row ${i},a,b`).join('\n'));
    const err = (await loadPlaceNames([file], () => true).catch((e: unknown) => e)) as PlaceNamesError;
    expect(err.problems).toHaveLength(MAX_PROBLEMS);
    expect(err.message).toMatch(/at least 20 problem/);
  });

  it('parses one line into its fields', () => {
    expect(parseAlternateNameLine(line('7', '707753', 'uk', ' Горлівка ', '1', '', '', '1', '', ''))).toEqual(
      {
        geonameId: 707753,
        language: 'uk',
        name: 'Горлівка',
        preferred: true,
        short: false,
        colloquial: false,
        historic: true,
      },
    );
  });
});
