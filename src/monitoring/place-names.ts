import fs from 'node:fs';
import readline from 'node:readline';
import type { Language } from '../core/language.js';

/**
 * Place names in other languages than the gazetteer's one GeoNames name, from GeoNames' alternate
 * names files (`alternatenames/UA.zip` → `UA.txt`, docs/basemap.md), which the operator puts on the
 * server. Only the languages documents speak besides English (`uk`) are kept, and only for the
 * places of the gazetteer, so memory is bounded by the gazetteer's size whatever the files hold.
 */

/** The names a place has in the languages Truceline speaks, by GeoNames id. */
export interface PlaceNames {
  /** The place's name in `lang` when the files have one (never for English: that is the GeoNames name). */
  nameOf(geonameId: number, lang: Language): string | undefined;
  /** How many places have a name in some language. */
  readonly size: number;
}

/** No alternate names: every place is called by its GeoNames name. */
export const NO_PLACE_NAMES: PlaceNames = { nameOf: () => undefined, size: 0 };

/** The languages read from the files (English is the gazetteer's own name). */
const LOADED: readonly Language[] = ['uk'];

/** A bad file or line, as `file:line: reason`. */
export interface PlaceNamesProblem {
  file: string;
  line?: number;
  reason: string;
}

/** The files could not be loaded as they are: every problem found (up to `MAX_PROBLEMS`) is named. */
export class PlaceNamesError extends Error {
  override name = 'PlaceNamesError';
  constructor(readonly problems: readonly PlaceNamesProblem[]) {
    super(
      `place names (TRUCELINE_PLACE_NAMES): ${problems.length === MAX_PROBLEMS ? `at least ${MAX_PROBLEMS}` : problems.length} problem(s), nothing loaded\n` +
        problems.map((p) => `  ${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.reason}`).join('\n'),
    );
  }
}

/** Reading stops after this many problems: a wrong file would otherwise list every line. */
export const MAX_PROBLEMS = 20;

const FLAGS = ['isPreferredName', 'isShortName', 'isColloquial', 'isHistoric'] as const;

/** One line of an alternate names file, parsed: the fields the loader uses. */
export interface AlternateName {
  geonameId: number;
  language: string;
  name: string;
  preferred: boolean;
  short: boolean;
  colloquial: boolean;
  historic: boolean;
}

/**
 * Parses one line of a GeoNames alternate names file: alternateNameId, geonameid, isolanguage,
 * alternate name, isPreferredName, isShortName, isColloquial, isHistoric, and (alternateNamesV2)
 * from, to — tab separated.
 *
 * @returns the name, or the reason the line is bad
 */
export function parseAlternateNameLine(line: string): AlternateName | { reason: string } {
  const fields = line.split('\t');
  if (fields.length !== 8 && fields.length !== 10)
    return { reason: `expected 10 tab-separated fields (or 8, the older layout), found ${fields.length}` };
  const [altId = '', geonameId = '', language = '', name = ''] = fields;
  if (!/^\d+$/.test(altId)) return { reason: `alternateNameId ${JSON.stringify(altId)} is not a number` };
  if (!/^[1-9]\d*$/.test(geonameId))
    return { reason: `geonameid ${JSON.stringify(geonameId)} is not a positive number` };
  if (name.trim() === '') return { reason: 'the alternate name is empty' };
  const flags = FLAGS.map((flag, i) => {
    const v = fields[4 + i] ?? '';
    return v === '' || v === '0' || v === '1' ? v === '1' : flag;
  });
  const bad = flags.find((f): f is (typeof FLAGS)[number] => typeof f === 'string');
  if (bad !== undefined) return { reason: `${bad} must be empty, 0 or 1` };
  const [preferred, short, colloquial, historic] = flags as boolean[];
  return {
    geonameId: Number(geonameId),
    language,
    name: name.trim(),
    preferred: preferred === true,
    short: short === true,
    colloquial: colloquial === true,
    historic: historic === true,
  };
}

/**
 * A string of its own: a name cut from a line is a slice of readline's whole chunk, and keeping it
 * would keep every chunk of the file alive (about 90 MB retained for a 50 MB file, measured).
 */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

/** Higher is better: a preferred name over others, a full name over a short one; ties keep the first. */
const rank = (n: AlternateName) => (n.preferred ? 2 : 0) + (n.short ? 0 : 1);

class LoadedNames implements PlaceNames {
  constructor(readonly names: ReadonlyMap<Language, ReadonlyMap<number, string>>) {}

  nameOf(geonameId: number, lang: Language): string | undefined {
    return this.names.get(lang)?.get(geonameId);
  }

  get size(): number {
    const ids = new Set<number>();
    for (const byId of this.names.values()) for (const id of byId.keys()) ids.add(id);
    return ids.size;
  }
}

/**
 * Loads the names in `uk` (preferred names first; colloquial and historic names skipped) of the places
 * in `known` from alternate names files, read line by line. Any bad file or line refuses the whole
 * set: a server starts with all the names it was configured with or not at all.
 *
 * @throws PlaceNamesError naming each problem as `file:line: reason`
 */
export async function loadPlaceNames(
  files: readonly string[],
  known: (geonameId: number) => boolean,
): Promise<PlaceNames> {
  if (files.length === 0) return NO_PLACE_NAMES;
  const problems: PlaceNamesProblem[] = [];
  const best = new Map<Language, Map<number, AlternateName>>(LOADED.map((l) => [l, new Map()]));
  for (const file of files) {
    if (problems.length >= MAX_PROBLEMS) break;
    let head: Buffer;
    try {
      const fd = fs.openSync(file, 'r');
      try {
        head = Buffer.alloc(4);
        head = head.subarray(0, fs.readSync(fd, head, 0, 4, 0));
      } finally {
        fs.closeSync(fd);
      }
    } catch (err) {
      problems.push({ file, reason: `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    if (head.toString('latin1') === 'PK\u0003\u0004') {
      problems.push({
        file,
        reason: 'is a zip archive: unzip it and name the text file inside (e.g. UA.txt)',
      });
      continue;
    }
    const lines = readline.createInterface({
      input: fs.createReadStream(file, { encoding: 'utf8' }),
      crlfDelay: Infinity,
    });
    let at = 0;
    for await (const raw of lines) {
      at += 1;
      const line = (at === 1 ? raw.replace(/^\uFEFF/, '') : raw).replace(/\r$/, '');
      if (line === '') continue;
      const parsed = parseAlternateNameLine(line);
      if ('reason' in parsed) {
        problems.push({ file, line: at, reason: parsed.reason });
        if (problems.length >= MAX_PROBLEMS) {
          lines.close();
          break;
        }
        continue;
      }
      const byId = best.get(parsed.language as Language);
      if (byId === undefined || parsed.colloquial || parsed.historic || !known(parsed.geonameId)) continue;
      const held = byId.get(parsed.geonameId);
      if (held === undefined || rank(parsed) > rank(held))
        byId.set(parsed.geonameId, { ...parsed, name: ownCopy(parsed.name) });
    }
  }
  if (problems.length > 0) throw new PlaceNamesError(problems);
  return new LoadedNames(
    new Map(
      [...best].map(([lang, byId]) => [lang, new Map([...byId].map(([id, n]) => [id, n.name] as const))]),
    ),
  );
}
