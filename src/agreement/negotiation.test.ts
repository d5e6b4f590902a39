import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Agreement } from './agreement.schema.js';
import { parseAndValidate } from './agreement.validate.js';
import { negotiationStatus } from './negotiation.js';

function illustrative(): Agreement {
  const path = fileURLToPath(new URL('../../examples/illustrative-framework.yaml', import.meta.url));
  const result = parseAndValidate(readFileSync(path, 'utf8'), path);
  if (result.agreement === undefined) throw new Error('example does not validate');
  return result.agreement;
}

describe('negotiationStatus of the illustrative framework', () => {
  const status = negotiationStatus(illustrative(), new Date('2025-12-15T12:00:00Z'));

  it('has about 90 % of provisions agreed by all parties', () => {
    expect(status.total).toBe(20);
    expect(status.agreed).toBe(18);
    expect(status.consensusShare).toBeCloseTo(0.9, 10);
  });

  it('lists the territorial provision as the first open hurdle, disputed by both parties', () => {
    expect(status.openHurdles.map((h) => h.provisionId)).toEqual(['P-14', 'P-13']);
    expect(status.openHurdles[0]).toMatchObject({ title: 'Territory', disputedBy: ['UA', 'RU'], openBy: [] });
    expect(status.openHurdles[0]?.notes.RU).toMatch(/Donetsk/);
    expect(status.disputedByParty).toEqual({ UA: ['P-14'], RU: ['P-14'] });
    expect(status.openByParty).toEqual({ UA: [], RU: ['P-13'] });
  });

  it('counts down to "by the end of the year" in Kyiv time', () => {
    expect(status.deadlines).toEqual([
      {
        id: 'dl-year-end',
        text: 'by the end of the year',
        due: '2025-12-31T21:59:59.999Z',
        daysLeft: 17,
        overdue: false,
        provisions: ['P-13', 'P-14'],
        guarantee: 'g-security',
      },
    ]);
  });

  it('shows the guarantee waiting for a legislative vote', () => {
    expect(status.guarantees).toEqual([
      {
        guaranteeId: 'g-security',
        name: 'Security guarantee similar in spirit to Article 5',
        legalForm: 'pending',
        ratification: 'pending_legislative_vote',
        pendingSteps: [
          {
            id: 'rs-us-congress',
            actor: 'US',
            body: 'United States Congress',
            kind: 'legislative_vote',
            status: 'pending',
            due: '2025-12-31T21:59:59.999Z',
          },
          {
            id: 'rs-coalition',
            actor: 'EUC',
            body: 'Coalition heads of government',
            kind: 'signature',
            status: 'pending',
            due: undefined,
          },
        ],
      },
    ]);
  });

  it('marks the deadline overdue in January', () => {
    const later = negotiationStatus(illustrative(), new Date('2026-01-02T00:00:00Z'));
    expect(later.deadlines[0]).toMatchObject({ overdue: true, daysLeft: -1 });
  });

  it('counts a missing position as open and ignores retired provisions', () => {
    const a = illustrative();
    const provisions = a.provisions.map((p) =>
      p.id === 'P-01'
        ? { ...p, positions: { UA: 'agreed' as const } }
        : p.id === 'P-14'
          ? { ...p, retired: true }
          : p,
    );
    const s = negotiationStatus({ ...a, provisions }, new Date('2025-12-15T00:00:00Z'));
    expect(s.total).toBe(19);
    expect(s.openByParty.RU).toEqual(['P-01', 'P-13']);
    expect(s.consensusShare).toBeCloseTo(17 / 19, 10);
  });
});
