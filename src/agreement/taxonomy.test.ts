import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAndValidate } from './agreement.validate.js';
import {
  ACLED_EVENT_TYPES,
  ACLED_SUB_EVENT_TYPES,
  SMM_CATEGORIES,
  isAcledPair,
  taxonomyCoverage,
} from './taxonomy.js';

describe('external taxonomies', () => {
  it('has ACLED 6 event types and 25 sub-event types', () => {
    expect(Object.keys(ACLED_EVENT_TYPES)).toHaveLength(6);
    expect(ACLED_SUB_EVENT_TYPES).toHaveLength(25);
    expect(isAcledPair('Battles', 'Armed clash')).toBe(true);
    expect(isAcledPair('Battles', 'Grenade')).toBe(false);
  });

  it('the illustrative framework covers every ACLED sub-type and every SMM category', () => {
    const path = fileURLToPath(new URL('../../examples/illustrative-framework.yaml', import.meta.url));
    const { agreement } = parseAndValidate(readFileSync(path, 'utf8'), path);
    if (agreement === undefined) throw new Error('example does not validate');
    const coverage = taxonomyCoverage(agreement);
    expect(coverage.acledUnmapped).toEqual([]);
    expect(coverage.smmUnmapped).toEqual([]);
    expect(Object.keys(coverage.smm).sort()).toEqual([...SMM_CATEGORIES].sort());
    expect(coverage.acled['Explosions/Remote violence: Shelling/artillery/missile attack']).toEqual([
      'cfv-explosion',
    ]);
    const groups = new Set(agreement.report_taxonomy.map((c) => c.group));
    for (const g of ['weapons_in_zone', 'force_movement', 'mines', 'airspace', 'obstruction'])
      expect(groups).toContain(g);
  });
});
