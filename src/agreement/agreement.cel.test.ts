import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblem } from './agreement.problems.js';
import { parseAndValidate } from './agreement.validate.js';

const minimal = readFileSync(fileURLToPath(new URL('testdata/minimal.yaml', import.meta.url)), 'utf8');

/** The minimal agreement with one ladder whose only rung has this trigger (YAML flow map body). */
function withTrigger(trigger: string): string {
  return `${minimal}escalation_ladders:
  - id: ladder
    name: Ladder
    rungs:
      - id: rung-1
        name: Consultation
        trigger: ${trigger}
        actors: [VB]
        action: joint_commission_consultation
        deadline: 72h
        decision_rule: consensus
        on_timeout: { action: hold }
`;
}

const line = minimal.split('\n').length + 6;
const problems = (trigger: string) => parseAndValidate(withTrigger(trigger), 'ladder.yaml').problems;

describe('rung trigger expressions (CEL)', () => {
  it('accepts a well-typed expression over the finding', () => {
    expect(
      problems(
        `{ description: d, expression: "finding.category == 'explosion' && finding.attributed_to == 'A' && 'band' in finding.zones" }`,
      ),
    ).toEqual([]);
  });

  it.each([
    [
      'an expression that does not parse',
      `"finding.category =="`,
      'parse_error',
      /does not parse: Unexpected token/,
    ],
    ['an unknown field', `"finding.colour == 'red'"`, 'unknown_field', /unknown field: No such key: colour/],
    ['a wrong type', `"finding.severity > 2"`, 'wrong_type', /wrong type: no such overload/],
    ['a non-boolean expression', `"finding.category"`, 'wrong_type', /is a string, not a bool/],
    ['a constant false', `"1 == 2"`, 'inconsistent', /can never fire: the expression is always false/],
    [
      'a category not in the taxonomy',
      `"finding.category == 'shelling'"`,
      'dangling_reference',
      /can never fire: 'shelling' is not a category of report_taxonomy/,
    ],
    [
      'an attribution to a non-actor',
      `"finding.attributed_to == 'XX'"`,
      'dangling_reference',
      /can never fire: 'XX' is not an actor of the agreement/,
    ],
  ])('refuses %s with FILE:LINE: path: reason', (_name, expression, code, reason) => {
    const found = problems(`{ description: d, expression: ${expression} }`);
    expect(found).toHaveLength(1);
    expect(found[0]?.code).toBe(code);
    expect(formatProblem(found[0]!)).toMatch(
      new RegExp(`^ladder\\.yaml:${line}: escalation_ladders\\[0\\]\\.rungs\\[0\\]\\.trigger\\.expression: `),
    );
    expect(found[0]?.reason).toMatch(reason);
  });

  it('refuses an expression whose categories are disjoint from the trigger categories', () => {
    const text = withTrigger(
      `{ description: d, categories: [explosion], expression: "finding.category in ['other'] && finding.party == 'A'" }`,
    ).replace(
      '  - { id: explosion, name: Explosion, group: ceasefire_violation }',
      '  - { id: explosion, name: Explosion, group: ceasefire_violation }\n  - { id: other, name: Other, group: other }',
    );
    const found = parseAndValidate(text, 'ladder.yaml').problems;
    expect(found.map((p) => p.reason)).toEqual([
      "can never fire: the expression's categories (other) are not among the trigger's categories",
    ]);
  });
});
