import { describe, expect, it } from 'vitest';
import { corroborationOf } from './corroboration.js';
import type { MemberReport } from './incident.repository.js';

/** A current report near Horlivka from one independence group, graded B2 unless said otherwise. */
function report(
  id: string,
  independenceGroup: string,
  grade: { reliability?: string; credibility?: number } = {},
  extra: Partial<MemberReport> = {},
): MemberReport {
  return {
    id,
    category: 'cfv-explosion',
    agreementVersionId: 'illustrative-framework-2025@3',
    lon: 38.08,
    lat: 48.36,
    uncertaintyM: 500,
    observedFrom: '2026-11-25T19:40:00.000Z',
    observedTo: '2026-11-25T19:40:00.000Z',
    sourceId: null,
    independenceGroup,
    reliability: grade.reliability ?? 'B',
    credibility: grade.credibility ?? 2,
    ownerOrganisationId: 'JMVC',
    authorUserId: null,
    zones: [],
    side: null,
    marking: 'AMBER',
    supersededBy: null,
    provisions: [],
    ...extra,
  };
}

describe('corroborationOf', () => {
  it('has nothing to weigh without current reports', () => {
    expect(corroborationOf([])).toEqual({
      level: 'none',
      independentGroups: 0,
      reports: 0,
      reasons: ['no current reports'],
    });
    const superseded = report('r1', 'team-1', {}, { supersededBy: 'r2' });
    expect(corroborationOf([superseded]).level).toBe('none');
  });

  it('counts an independence group once, however many of its reports there are', () => {
    const c = corroborationOf([report('r1', 'team-3'), report('r2', 'team-3'), report('r3', 'team-3')]);
    expect(c.level).toBe('single_source');
    expect(c.independentGroups).toBe(1);
    expect(c.reports).toBe(3);
    expect(c.reasons[0]).toBe('3 reports from 1 independent source group: team-3 (3)');
  });

  it('calls two independent groups corroborated, naming each with its reports', () => {
    const c = corroborationOf([report('r1', 'ua-op-7'), report('r2', 'jmvc-3'), report('r3', 'jmvc-3')]);
    expect(c.level).toBe('corroborated');
    expect(c.independentGroups).toBe(2);
    expect(c.reasons[0]).toBe('3 reports from 2 independent source groups: jmvc-3 (2), ua-op-7 (1)');
  });

  it('does not take a credibility 1 claim as confirmation when no independent group confirms it', () => {
    const c = corroborationOf([
      report('r1', 'team-3', { reliability: 'A', credibility: 1 }),
      report('r2', 'team-3', { reliability: 'A', credibility: 1 }),
    ]);
    expect(c.level).toBe('single_source');
    expect(c.independentGroups).toBe(1);
    expect(c.reasons).toContain(
      'credibility 1 (confirmed by other sources) is claimed by 2 report(s) but no independent group confirms it: counted as one source',
    );
  });

  it('takes a credibility 1 claim without that caveat once another group does report it', () => {
    const c = corroborationOf([
      report('r1', 'team-3', { reliability: 'A', credibility: 1 }),
      report('r2', 'op-7', { reliability: 'C', credibility: 3 }),
    ]);
    expect(c.level).toBe('corroborated');
    expect(c.reasons.some((r) => r.startsWith('credibility 1'))).toBe(false);
  });

  it('is well corroborated from three groups of which two hold a source graded B2 or better', () => {
    const c = corroborationOf([
      report('r1', 'g1', { reliability: 'A', credibility: 2 }),
      report('r2', 'g2', { reliability: 'B', credibility: 2 }),
      report('r3', 'g3', { reliability: 'D', credibility: 4 }),
    ]);
    expect(c.level).toBe('well_corroborated');
    expect(c.reasons).toContain('2 groups include a source graded B2 or better');
    expect(c.reasons.at(-1)).toBe('best grade A2');
  });

  it('stays corroborated from three groups when only one holds a strong source', () => {
    const c = corroborationOf([
      report('r1', 'g1', { reliability: 'A', credibility: 2 }),
      report('r2', 'g2', { reliability: 'C', credibility: 2 }),
      report('r3', 'g3', { reliability: 'B', credibility: 3 }),
    ]);
    expect(c.level).toBe('corroborated');
    expect(c.reasons.some((r) => /^1 group\b.*B2 or better/.test(r))).toBe(true);
  });

  it('does not let two strong reports of one group stand for two groups', () => {
    const c = corroborationOf([
      report('r1', 'g1', { reliability: 'A', credibility: 1 }),
      report('r2', 'g1', { reliability: 'A', credibility: 2 }),
      report('r3', 'g2', { reliability: 'E', credibility: 5 }),
      report('r4', 'g3', { reliability: 'E', credibility: 5 }),
    ]);
    expect(c.independentGroups).toBe(3);
    expect(c.level).toBe('corroborated');
  });

  it('weighs only current revisions: a superseded report’s group no longer counts', () => {
    const c = corroborationOf([report('r1', 'g1'), report('r2', 'g2', {}, { supersededBy: 'r3' })]);
    expect(c.level).toBe('single_source');
    expect(c.reports).toBe(1);
  });
});
