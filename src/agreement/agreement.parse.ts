import type { Node as YamlNode } from 'yaml';
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
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
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.2' });
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const problems: AgreementProblem[] = doc.errors.map((e) => {
    const { line, column } = position(e.pos[0]);
    return { file, line, column, path: '', code: 'parse_error', reason: yamlReason(e.message) };
  });
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
