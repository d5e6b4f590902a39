import { describe, expect, it } from 'vitest';
import type { NotificationObligation } from '../api/notices.js';
import { detailFields, draftFeatures, EMPTY_DRAFT, kindFor, toInput, utc } from './noticeDraft.js';

const convoy: NotificationObligation = {
  id: 'n-humanitarian-movement',
  kind: 'notification',
  subjects: ['convoy', 'evacuation'],
  from: ['ICRC', 'OCHA'],
  to: ['UA', 'RU', 'MVC'],
  lead_time: '48h',
  acknowledgement: { required: true, within: '12h', meaning: 'received_only' },
  required_fields: ['route', 'window', 'vehicles', 'markings'],
};

describe('notice draft', () => {
  it('reads the kind from the obligation’s required fields', () => {
    expect(kindFor(convoy)).toBe('movement');
    expect(kindFor({ ...convoy, required_fields: ['route', 'altitude_band', 'window'] })).toBe('flight');
    expect(kindFor({ ...convoy, required_fields: ['location', 'facility_type'] })).toBe('site');
  });

  it('asks as details only for the fields that are not the notice’s structure', () => {
    expect(detailFields(convoy)).toEqual(['vehicles', 'markings']);
    expect(detailFields(undefined)).toEqual([]);
  });

  it('reads typed times as UTC', () => {
    expect(utc('2026-12-07T08:00')).toBe('2026-12-07T08:00:00Z');
    expect(utc('2026-12-07T08:00:00+02:00')).toBe('2026-12-07T08:00:00+02:00');
    expect(utc('  ')).toBeUndefined();
  });

  it('sends a drawn route with its corridor, windows and the required details only', () => {
    const input = toInput(
      {
        ...EMPTY_DRAFT,
        obligation: convoy.id,
        subject: 'convoy',
        kind: 'movement',
        route: [
          { lon: 35.0, lat: 48.1 },
          { lon: 36.1234567, lat: 48.5 },
        ],
        corridorM: '300',
        departureFrom: '2026-12-07T08:00',
        departureTo: '2026-12-07T10:00',
        arrivalFrom: '2026-12-07T14:00',
        arrivalTo: '2026-12-07T18:00',
        details: { vehicles: ' 4 trucks ', markings: 'UN emblem', occupants: 'not asked for' },
      },
      convoy,
    );
    expect(input).toEqual({
      obligation: convoy.id,
      subject: 'convoy',
      kind: 'movement',
      emergency: false,
      route: {
        coordinates: [
          [35, 48.1],
          [36.123457, 48.5],
        ],
        corridorM: 300,
      },
      departure: { from: '2026-12-07T08:00:00Z', to: '2026-12-07T10:00:00Z' },
      arrival: { from: '2026-12-07T14:00:00Z', to: '2026-12-07T18:00:00Z' },
      details: { vehicles: '4 trucks', markings: 'UN emblem' },
    });
  });

  it('leaves out what was not given, so the server names it', () => {
    const input = toInput({ ...EMPTY_DRAFT, obligation: convoy.id, kind: 'movement' }, convoy);
    expect(input).not.toHaveProperty('route');
    expect(input).not.toHaveProperty('departure');
    // A corridor that is not a number goes as null: the server's schema names /route/corridorM.
    const bad = toInput(
      { ...EMPTY_DRAFT, kind: 'movement', route: [{ lon: 1, lat: 2 }], corridorM: 'wide' },
      convoy,
    );
    expect(JSON.parse(JSON.stringify(bad)).route.corridorM).toBeNull();
  });

  it('draws the route with its corridor and each clicked point', () => {
    const drawn = draftFeatures({
      ...EMPTY_DRAFT,
      kind: 'movement',
      corridorM: '1000',
      route: [
        { lon: 35, lat: 48 },
        { lon: 36, lat: 48 },
      ],
    });
    expect(drawn.features.map((f) => f.geometry.type)).toEqual(['LineString', 'Point', 'Point']);
    const line = drawn.features[0]?.properties ?? {};
    expect(line.corridorM).toBe(1000);
    // 1000 m at 48° N at zoom 0: 1000 / (78271.5 × cos 48°) px.
    expect(line._widthZ0).toBeCloseTo(1000 / (78271.51696 * Math.cos((48 * Math.PI) / 180)), 9);
  });
});
