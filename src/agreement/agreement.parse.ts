import type { Node as YamlNode } from 'yaml';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { AgreementProblem, Locate, PathSegment } from './agreement.problems.js';

/** The raw content of an agreement file and a way to map paths back to lines. */
export interface ParsedText {
  /** The document as plain data (unvalidated), undefined when it could not be parsed at all. */
  data: unknown;
  locate: Locate;
  problems: AgreementProblem[];
}

/**
 * Parses YAML or JSON (JSON is read by the YAML 1.2 parser, of which it is a subset, so both get
 * the same line mapping). Duplicate keys are errors. Every syntax error is reported, with its line.
 */
export function parseAgreementText(text: string, file: string): ParsedText {
  const lineCounter = new LineCounter();
  // The parser's own unique-key check compares each key with every earlier one (a 300 KB file of
  // 20,000 keys took 16 s of CPU); duplicates are found below in one pass instead.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, version: '1.2' });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: AgreementProblem[] = doc.errors.map((e) => {
    const { line, column } = position(e.pos[0]);
    return { file, line, column, path: '', code: 'parse_error', reason: yamlReason(e.message) };
  });
  for (const offset of duplicateKeyOffsets(doc)) {
    const { line, column } = position(offset);
    problems.push({ file, line, column, path: '', code: 'parse_error', reason: 'Map keys must be unique' });
  }
  const locate: Locate = (path) => position(offsetOf(doc.contents, path));
  if (problems.length > 0) return { data: undefined, locate, problems };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return {
      data: undefined,
      locate,
      problems: [{ file, line: 1, column: 1, path: '', code: 'parse_error', reason }],
    };
  }
  return { data, locate, problems };
}

/** Source offsets of every map key that repeats an earlier key of its map, in one pass over the document. */
function duplicateKeyOffsets(doc: ReturnType<typeof parseDocument>): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(key)) offsets.push(rangeStart(pair.key) ?? 0);
        seen.add(key);
      }
    },
  });
  return offsets.sort((a, b) => a - b);
}

/** Source offset of the node at `path`: the key of a map entry, the start of a list item. */
function offsetOf(root: unknown, path: readonly PathSegment[]): number {
  let node: unknown = root;
  let offset = rangeStart(node) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg),
      );
      if (pair === undefined) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined || item === null) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
    if (isAlias(node)) break;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return range?.[0];
}

/** First line of a yaml error message, without the parser's "at line" suffix. */
function yamlReason(message: string): string {
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '').trim();
}
