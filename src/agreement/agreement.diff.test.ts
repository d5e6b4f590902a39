import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diffAgreements, formatDiff } from './agreement.diff.js';
import type { Agreement } from './agreement.schema.js';
import { parseAndValidate } from './agreement.validate.js';

function load(text: string): Agreement {
  const result = parseAndValidate(text, 'v.yaml');
  if (result.agreement === undefined) throw new Error(result.problems.map((p) => p.reason).join('; '));
  return result.agreement;
}

const path = fileURLToPath(new URL('../../examples/illustrative-framework.yaml', import.meta.url));
const v3 = readFileSync(path, 'utf8');

describe('diffAgreements', () => {
  it('finds nothing between a version and itself', () => {
    const a = load(v3);
    expect(diffAgreements(a, a).changes).toEqual([]);
  });

  it('lists what changed between two versions: provisions, zones, ladder, status', () => {
    const v4 = v3
      .replace('version: 3', 'version: 4')
      .replace('status: draft', 'status: signed')
      .replace('positions: { UA: disputed, RU: disputed }', 'positions: { UA: agreed, RU: agreed }')
      .replace(
        'derived: { line: contact-line, distance_km: 15, mode: each_side, side: both }',
        'derived: { line: contact-line, distance_km: 20, mode: each_side, side: both }',
      )
      .replace(/ {2}- id: znpp-buffer\n(?: {4}.*\n)+/, '')
      .replace(
        "      - id: rung-2\n        name: Investigation and attribution by the MVC\n        trigger: { description: 'Unresolved at rung 1, or a serious violation', min_severity: serious }\n        actors: [MVC]\n        action: investigation\n        deadline: 7d",
        "      - id: rung-2\n        name: Investigation and attribution by the MVC\n        trigger: { description: 'Unresolved at rung 1, or a serious violation', min_severity: serious }\n        actors: [MVC]\n        action: investigation\n        deadline: 5d",
      )
      .replace(
        '  - { id: r-znpp, zone: znpp-buffer, parties: [UA, RU], activity: deployment, rule: prohibited, provision: P-13 }\n',
        '',
      )
      .replace(
        'provisions:\n  - { id: P-01,',
        'provisions:\n  - { id: P-21, title: Amnesty, text: An amnesty for acts committed during the war., positions: { UA: open, RU: agreed } }\n  - { id: P-01,',
      );
    const diff = diffAgreements(load(v3), load(v4));
    expect(diff.from).toEqual({ id: 'illustrative-framework-2025', version: 3 });
    expect(diff.to.version).toBe(4);
    expect(formatDiff(diff)).toEqual([
      'agreement changed (Illustrative security framework (modelled on the reported December 2025 framework)): version: 3 → 4',
      'agreement changed (Illustrative security framework (modelled on the reported December 2025 framework)): status: "draft" → "signed"',
      'zones dmz changed (Demilitarised band): derived.distance_km: 15 → 20',
      'zones znpp-buffer removed (Nuclear plant safety zone)',
      'restrictions r-znpp removed',
      'escalation_ladders breach-ladder changed (Breach response ladder): rungs[rung-2].deadline: "7d" → "5d"',
      'provisions P-21 added (Amnesty)',
      'provisions P-14 changed (Territory): positions.UA: "disputed" → "agreed"',
      'provisions P-14 changed (Territory): positions.RU: "disputed" → "agreed"',
    ]);
    expect(diff.summary.provisions).toEqual({ added: 1, removed: 0, changed: 1 });
    expect(diff.summary.zones).toEqual({ added: 0, removed: 1, changed: 1 });
  });
});
