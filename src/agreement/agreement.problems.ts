/** One element of a path into the agreement document: a field name or a list index. */
export type PathSegment = string | number;

/** What kind of problem a file has; stable strings for tests, APIs and translations. */
export type ProblemCode =
  | 'parse_error'
  | 'unknown_field'
  | 'missing_field'
  | 'wrong_type'
  | 'invalid_value'
  | 'duplicate_id'
  | 'dangling_reference'
  | 'wrong_reference_kind'
  | 'ring_not_closed'
  | 'ring_self_intersection'
  | 'line_self_intersection'
  | 'ring_winding'
  | 'too_few_positions'
  | 'repeated_position'
  | 'coordinate_out_of_range'
  | 'lat_lon_swap'
  | 'outside_region'
  | 'bad_time_zone'
  | 'bad_time'
  | 'deadline_before_anchor'
  | 'anchor_cycle'
  | 'inconsistent'
  | 'bad_vkey'
  | 'io_error';

/** A problem found in an agreement file, located by line and path. */
export interface AgreementProblem {
  file: string;
  /** 1-based line; 0 when the problem concerns the file as a whole. */
  line: number;
  /** 1-based column. */
  column: number;
  /** Readable path, e.g. `zones[2].derived.distance_km`; empty for the whole document. */
  path: string;
  code: ProblemCode;
  reason: string;
}

/** `FILE:LINE: path: reason`, the one-line form used by the CLI and in logs. */
export function formatProblem(p: AgreementProblem): string {
  return `${p.file}:${p.line}: ${p.path === '' ? '(document)' : p.path}: ${p.reason}`;
}

/** Renders path segments as `a.b[2].c`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Finds the source position of a path (the nearest existing ancestor when it does not exist). */
export type Locate = (path: readonly PathSegment[]) => { line: number; column: number };

/** Collects problems for one file, locating each by its path. */
export class ProblemSink {
  readonly problems: AgreementProblem[] = [];

  constructor(
    readonly file: string,
    private readonly locate: Locate,
  ) {}

  /** Line of a path in the file. */
  lineOf(path: readonly PathSegment[]): number {
    return this.locate(path).line;
  }

  add(path: readonly PathSegment[], code: ProblemCode, reason: string): void {
    const { line, column } = this.locate(path);
    this.problems.push({ file: this.file, line, column, path: formatPath(path), code, reason });
  }

  /** Problems sorted by line, column and path, without exact duplicates. */
  sorted(): AgreementProblem[] {
    const seen = new Set<string>();
    return [...this.problems]
      .sort((a, b) => a.line - b.line || a.column - b.column || a.path.localeCompare(b.path))
      .filter((p) => {
        const key = `${p.line}\u0000${p.path}\u0000${p.reason}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  }
}
