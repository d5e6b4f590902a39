import { readFile } from 'node:fs/promises';
import { collectIds, isRecord } from './agreement.ids.js';
import { parseAgreementText } from './agreement.parse.js';
import type { AgreementProblem, Locate } from './agreement.problems.js';
import { ProblemSink } from './agreement.problems.js';
import type { Agreement } from './agreement.schema.js';
import { AgreementSchema } from './agreement.schema.js';
import { checkGeometry } from './agreement.validate.geometry.js';
import { checkReferences } from './agreement.validate.refs.js';
import { checkRules } from './agreement.validate.rules.js';
import { reportSchemaErrors } from './agreement.validate.schema.js';
import { checkTimes } from './agreement.validate.time.js';
import { ValidView } from './agreement.view.js';

/** Either a valid agreement and no problems, or no agreement and every problem found. */
export type ValidationResult =
  { agreement: Agreement; problems: [] } | { agreement: undefined; problems: AgreementProblem[] };

/**
 * Parses and validates an agreement file's text (YAML or JSON). Reports every problem at once,
 * each with file, line, path and reason, sorted by line: syntax, schema (unknown fields, wrong
 * types, missing fields), duplicate ids, dangling references, geometry, times and consistency.
 */
export function parseAndValidate(text: string, fileName: string): ValidationResult {
  const parsed = parseAgreementText(text, fileName);
  if (parsed.problems.length > 0) return { agreement: undefined, problems: parsed.problems };
  return validateAgreementData(parsed.data, fileName, parsed.locate);
}

/** Reads and validates an agreement file; I/O errors become a problem on line 0. */
export async function loadAgreementFile(path: string): Promise<ValidationResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return {
      agreement: undefined,
      problems: [{ file: path, line: 0, column: 0, path: '', code: 'io_error', reason }],
    };
  }
  return parseAndValidate(text, path);
}

/**
 * Validates already-parsed data (e.g. a JSON request body). Without a locator every problem is
 * reported on line 0 with its path.
 */
export function validateAgreementData(
  data: unknown,
  fileName: string,
  locate: Locate = () => ({ line: 0, column: 0 }),
): ValidationResult {
  const sink = new ProblemSink(fileName, locate);
  reportSchemaErrors(AgreementSchema, data, sink);
  if (isRecord(data)) {
    const ids = collectIds(data, sink);
    const ctx = { view: new ValidView(data), ids, sink };
    checkReferences(ctx);
    checkGeometry(ctx);
    checkTimes(ctx);
    checkRules(ctx);
  }
  const problems = sink.sorted();
  return problems.length === 0
    ? { agreement: data as Agreement, problems: [] }
    : { agreement: undefined, problems };
}
