import { Environment } from '@marcbachmann/cel-js';

/**
 * The CEL language of rung triggers: one variable, `finding`, in the documented finding shape
 * (docs/verification.md) flattened for predicates. The agreement's validation type-checks every
 * expression with this environment; the response ladder evaluates them with the same one.
 */
export const FINDING_FIELDS = {
  id: 'string',
  incident: 'string',
  body: 'string',
  outcome: 'string',
  category: 'string',
  severity: 'string',
  /** The party the finding attributes the violation to ('' when unattributed); `party` is the same. */
  attributed_to: 'string',
  party: 'string',
  confidence: 'string',
  sector: 'string',
  side: 'string',
  zones: 'list<string>',
  provisions: 'list<string>',
} as const;

/** The flat view of a finding a CEL trigger reads. */
export type CelFinding = {
  [K in keyof typeof FINDING_FIELDS]: (typeof FINDING_FIELDS)[K] extends 'string' ? string : string[];
};

let environment: Environment | undefined;

/** The shared CEL environment (built once). */
export function celEnvironment(): Environment {
  environment ??= new Environment().registerVariable({ name: 'finding', schema: { ...FINDING_FIELDS } });
  return environment;
}

/** A compiled trigger predicate. */
export type CelPredicate = (finding: CelFinding) => boolean;

/** What compiling an expression gives: a predicate and its AST, or a problem with its kind. */
export type CelCompiled =
  | { ok: true; predicate: CelPredicate; ast: CelNode }
  | { ok: false; code: 'parse_error' | 'unknown_field' | 'wrong_type'; reason: string };

/** The parser's AST node (cel-js): `op` and `args`. */
export interface CelNode {
  op: string;
  args: unknown;
}

/** Parses and type-checks a trigger expression; it must be a boolean. */
export function compileCel(expression: string): CelCompiled {
  const env = celEnvironment();
  const check = env.check(expression);
  if (!check.valid) {
    const message = (check.error?.message ?? 'does not compile').split('\n')[0] ?? '';
    if (check.error?.name === 'ParseError')
      return { ok: false, code: 'parse_error', reason: `does not parse: ${message}` };
    if (/^(No such key|Unknown variable)/.test(message))
      return { ok: false, code: 'unknown_field', reason: `unknown field: ${message}` };
    return { ok: false, code: 'wrong_type', reason: `wrong type: ${message}` };
  }
  if (check.type !== 'bool')
    return {
      ok: false,
      code: 'wrong_type',
      reason: `wrong type: the expression is a ${check.type}, not a bool`,
    };
  const parsed = env.parse(expression);
  const predicate: CelPredicate = (finding) => parsed({ finding }) === true;
  return { ok: true, predicate, ast: parsed.ast };
}

const isNode = (v: unknown): v is CelNode =>
  typeof v === 'object' && v !== null && 'op' in v && typeof v.op === 'string';

function children(node: CelNode): CelNode[] {
  const args = node.args;
  if (Array.isArray(args))
    return args.flatMap((a) => (isNode(a) ? [a] : Array.isArray(a) ? a.filter(isNode) : []));
  return isNode(args) ? [args] : [];
}

/** Whether the expression reads no variable (so its value is the same for every finding). */
export function isConstant(node: CelNode): boolean {
  if (node.op === 'id') return false;
  return children(node).every(isConstant);
}

/** The field of `finding.<field>`, if the node is one. */
function fieldOf(node: CelNode): string | undefined {
  if (node.op !== '.' || !Array.isArray(node.args)) return undefined;
  const [target, name] = node.args as [unknown, unknown];
  return isNode(target) && target.op === 'id' && target.args === 'finding' && typeof name === 'string'
    ? name
    : undefined;
}

const literal = (node: CelNode): string | undefined =>
  node.op === 'value' && typeof node.args === 'string' ? node.args : undefined;

/** A comparison of a finding field with string literals: `f == 'x'`, `'x' == f`, `f in ['x', 'y']`. */
export interface FieldComparison {
  field: string;
  values: string[];
  /** Whether the comparison restricts the field to these values (`==`, `in`) rather than excluding them. */
  positive: boolean;
}

/** The comparisons of finding fields with literals anywhere in the expression. */
export function comparisons(node: CelNode): FieldComparison[] {
  const out: FieldComparison[] = [];
  const visit = (n: CelNode): void => {
    const comparison = comparisonOf(n);
    if (comparison !== undefined) out.push(comparison);
    children(n).forEach(visit);
  };
  visit(node);
  return out;
}

function comparisonOf(n: CelNode): FieldComparison | undefined {
  if (!Array.isArray(n.args) || n.args.length !== 2) return undefined;
  const [a, b] = n.args as [unknown, unknown];
  if (!isNode(a) || !isNode(b)) return undefined;
  if (n.op === '==' || n.op === '!=') {
    const positive = n.op === '==';
    const fa = fieldOf(a);
    const fb = fieldOf(b);
    const la = literal(a);
    const lb = literal(b);
    if (fa !== undefined && lb !== undefined) return { field: fa, values: [lb], positive };
    if (fb !== undefined && la !== undefined) return { field: fb, values: [la], positive };
    return undefined;
  }
  if (n.op === 'in') {
    const f = fieldOf(a);
    if (f === undefined || b.op !== 'list' || !Array.isArray(b.args)) return undefined;
    const values = (b.args as unknown[]).filter(isNode).map(literal);
    if (values.some((v) => v === undefined)) return undefined;
    return { field: f, values: values as string[], positive: true };
  }
  return undefined;
}

/** The operands of the top-level `&&` chain (the whole expression when it is no conjunction). */
export function conjuncts(node: CelNode): CelNode[] {
  if (node.op === '&&') return children(node).flatMap(conjuncts);
  return [node];
}

/** A conjunct's own comparison (only when the conjunct is one comparison). */
export function conjunctComparison(node: CelNode): FieldComparison | undefined {
  return comparisonOf(node);
}
