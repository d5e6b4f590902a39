import { describe, expect, it } from 'vitest';
import { checkDraft, emptyDraft, fieldOfPointer, type Draft } from './draft.js';

const NOW = Date.parse('2026-11-26T08:00:00Z');

function valid(): Draft {
  return {
    ...emptyDraft(NOW),
    lat: '48.28202',
    lon: '37.17588',
    category: 'cfv-explosion',
    narrative: 'Four impacts north-east of the post.',
  };
}

describe('the report draft', () => {
  it('turns a complete draft into the intake’s report: UTC window, position, only the counts given', () => {
    const { report, problems } = checkDraft({ ...valid(), civilianInjured: '1', events: '4' }, [], NOW);
    expect(problems).toEqual([]);
    expect(report).toEqual({
      observed: { from: '2026-11-26T07:00:00.000Z', to: '2026-11-26T08:00:00.000Z', precision: 'exact' },
      location: { lon: 37.17588, lat: 48.28202, uncertaintyM: 500, precision: 1 },
      category: 'cfv-explosion',
      credibility: 6,
      counts: { events: 4 },
      casualties: { civilian: { injured: 1 } },
      narrative: 'Four impacts north-east of the post.',
      marking: 'AMBER',
    });
  });

  it('sends an MGRS reference as typed, and grades a source only when it is named', () => {
    const { report } = checkDraft(
      { ...valid(), mgrs: '37u cp 6467 4925', positionFrom: 'mgrs', sourceName: 'OP-7', reliability: 'B' },
      [],
      NOW,
    );
    expect(report?.location).toEqual({ mgrs: '37UCP64674925', uncertaintyM: 500, precision: 1 });
    expect(report?.source).toEqual({ name: 'OP-7', reliability: 'B' });
  });

  it('names the field of every problem', () => {
    const { report, problems } = checkDraft(
      {
        ...valid(),
        lat: '95',
        radiusM: '0',
        observedTo: '2026-11-26T06:00',
        militaryKilled: '-1',
        category: '',
      },
      [],
      NOW,
    );
    expect(report).toBeNull();
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      ['lat', 'draft.latitude'],
      ['radiusM', 'draft.radius'],
      ['observedTo', 'draft.timeOrder'],
      ['category', 'draft.category'],
      ['militaryKilled', 'draft.count'],
    ]);
  });

  it('refuses an MGRS reference it cannot read', () => {
    const { problems } = checkDraft({ ...valid(), mgrs: 'not a grid', positionFrom: 'mgrs' }, [], NOW);
    expect(problems).toEqual([{ field: 'mgrs', message: 'draft.mgrs' }]);
  });

  it('refuses an observation that ends in the future', () => {
    const { problems } = checkDraft({ ...valid(), observedTo: '2026-11-26T09:00' }, [], NOW);
    expect(problems).toEqual([{ field: 'observedTo', message: 'draft.timeFuture' }]);
  });

  it('maps the server’s JSON pointers to form fields', () => {
    expect(fieldOfPointer('/body/location/lat')).toBe('lat');
    expect(fieldOfPointer('/body/location')).toBe('position');
    expect(fieldOfPointer('/body/casualties/civilian/injured')).toBe('civilianInjured');
    expect(fieldOfPointer('/body/source/reliability')).toBe('reliability');
    expect(fieldOfPointer('/body/credibility')).toBe('credibility');
    expect(fieldOfPointer('/body/unknown')).toBeNull();
  });
});
