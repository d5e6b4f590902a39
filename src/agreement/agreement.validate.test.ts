import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblem } from './agreement.problems.js';
import { agreementJsonSchema } from './agreement.schema.js';
import { loadAgreementFile, parseAndValidate, validateAgreementData } from './agreement.validate.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const read = (p: string): string => readFileSync(here(p), 'utf8');

describe('shipped examples', () => {
  it.each(['illustrative-framework.yaml', 'korean-armistice-1953.yaml'])(
    '%s validates with zero problems',
    async (name) => {
      const result = await loadAgreementFile(here(`../../examples/${name}`));
      expect(result.problems.map(formatProblem)).toEqual([]);
      expect(result.agreement?.format).toBe('truceline/agreement@1');
    },
  );

  it('marks the framework example as illustrative', async () => {
    const { agreement } = await loadAgreementFile(here('../../examples/illustrative-framework.yaml'));
    expect(agreement?.illustrative).toBe(true);
    expect(agreement?.notice).toMatch(/^ILLUSTRATIVE ONLY/);
  });

  it('publishes the JSON Schema the examples point to, kept in sync with the code', () => {
    const published: unknown = JSON.parse(read('../../examples/agreement.schema.json'));
    expect(published).toEqual(agreementJsonSchema());
  });
});

describe('file formats', () => {
  it('accepts YAML and the same agreement as JSON', () => {
    expect(parseAndValidate(read('testdata/minimal.yaml'), 'minimal.yaml').problems).toEqual([]);
    expect(parseAndValidate(read('testdata/minimal.json'), 'minimal.json').problems).toEqual([]);
  });

  it('locates problems in JSON files by line too', () => {
    const text = read('testdata/minimal.json').replace('"quorum": 2', '"quorum": "two"');
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"quorum"')) + 1;
    expect(parseAndValidate(text, 'minimal.json').problems.map(formatProblem)).toEqual([
      `minimal.json:${line}: verification_bodies[0].quorum: expected an integer, got 'two'`,
    ]);
  });

  it('reports a missing file as an I/O problem', async () => {
    const result = await loadAgreementFile(here('testdata/does-not-exist.yaml'));
    expect(result.problems[0]?.code).toBe('io_error');
  });

  it('validates parsed data without a locator, by path', () => {
    const result = validateAgreementData({ format: 'truceline/agreement@1' }, 'body');
    expect(result.agreement).toBeUndefined();
    expect(result.problems.every((p) => p.line === 0)).toBe(true);
    expect(result.problems.map((p) => p.path)).toContain('time_zone');
  });
});

/** Each broken fixture changes the minimal agreement in one way and must fail with exactly this. */
const expected: Record<string, string> = {
  'unknown-field.yaml': "unknown-field.yaml:39: zones[0].derived.widht_km: unknown field 'widht_km'",
  'wrong-type.yaml': "wrong-type.yaml:21: verification_bodies[0].quorum: expected an integer, got 'two'",
  'invalid-enum.yaml':
    "invalid-enum.yaml:6: status: must be one of: draft, signed, in_force, suspended, terminated (got 'ratified')",
  'missing-field.yaml': "missing-field.yaml:56: report_taxonomy[0].name: missing required field 'name'",
  'dangling-reference.yaml':
    "dangling-reference.yaml:52: restrictions[0].zone: 'bnad' is not defined (expected a zone or a band)",
  'unclosed-ring.yaml':
    'unclosed-ring.yaml:46: zones[1].polygon.coordinates[0]: ring is not closed: the last position [36.1, 47.15] must repeat the first [36.1, 47.1]',
  'self-intersecting-ring.yaml':
    'self-intersecting-ring.yaml:49: zones[1].polygon.coordinates[0][3]: ring intersects itself: edge 1→2 meets edge 3→4 at [36.15, 47.15]',
  'wrong-winding.yaml':
    'wrong-winding.yaml:46: zones[1].polygon.coordinates[0]: exterior ring is clockwise; RFC 7946 requires counter-clockwise exterior rings (reverse the positions)',
  'coordinate-out-of-range.yaml':
    'coordinate-out-of-range.yaml:33: reference_geometries[0].geometry.coordinates[1]: longitude 236.5 is outside [-180, 180]',
  'lat-lon-swap.yaml':
    'lat-lon-swap.yaml:33: reference_geometries[0].geometry.coordinates[1]: [47.5, 36.5] looks like [latitude, longitude]: [36.5, 47.5] fits the agreement region; GeoJSON order is [longitude, latitude]',
  'duplicate-id.yaml':
    "duplicate-id.yaml:52: restrictions[0].id: duplicate id 'band': already the id of the zone at line 36 (ids are unique across the agreement)",
  'deadline-before-anchor.yaml':
    'deadline-before-anchor.yaml:54: obligations[0].deadline: deadline D-2d falls before its anchor D',
  'bad-time-zone.yaml':
    "bad-time-zone.yaml:7: time_zone: 'Europe/Kiyv' is not an IANA time zone name (did you mean 'Europe/Kyiv'?)",
  'yaml-syntax.txt':
    'yaml-syntax.txt:14: (document): Flow map in block collection must be sufficiently indented and end with a }',
};

describe('broken fixtures', () => {
  it('has an expectation for every fixture', () => {
    expect(readdirSync(here('testdata/broken')).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s fails with its precise message', (name, message) => {
    const result = parseAndValidate(read(`testdata/broken/${name}`), name);
    expect(result.agreement).toBeUndefined();
    expect(result.problems.map(formatProblem)).toEqual([message]);
  });
});

describe('reporting', () => {
  it('reports every problem at once, sorted by line, with codes', () => {
    const text = read('testdata/minimal.yaml')
      .replace('status: draft', 'status: drafted')
      .replace('time_zone: Europe/Kyiv', 'time_zone: Mars/Olympus')
      .replace('zone: band, parties', 'zone: nowhere, parties')
      .replace('          - [36.2, 47.1]\n', '          - [236.2, 47.1]\n')
      .replace('deadline: D+14d', 'deadline: X+14d');
    const problems = parseAndValidate(text, 'many.yaml').problems;
    expect(problems.map((p) => [p.line, p.code])).toEqual([
      [6, 'invalid_value'],
      [7, 'bad_time_zone'],
      [47, 'coordinate_out_of_range'],
      [52, 'dangling_reference'],
      [54, 'dangling_reference'],
    ]);
    expect(problems[4]?.reason).toBe("unknown anchor 'X' (anchors: D)");
  });

  it('reports a reference to an id of the wrong kind', () => {
    const text = read('testdata/minimal.yaml').replace('zone: band, parties', 'zone: VB, parties');
    expect(parseAndValidate(text, 'kind.yaml').problems.map(formatProblem)).toEqual([
      "kind.yaml:52: restrictions[0].zone: 'VB' is a verification body, not a zone or a band",
    ]);
  });

  it('suggests the field an unknown one was probably meant to be', () => {
    const text = read('testdata/minimal.yaml').replace('distance_km: 15', 'distanse_km: 15');
    const reasons = parseAndValidate(text, 'typo.yaml').problems.map((p) => p.reason);
    expect(reasons).toContain("unknown field 'distanse_km' (did you mean 'distance_km'?)");
    expect(reasons).toContain("missing required field 'distance_km'");
  });

  it('rejects a deadline before its start', () => {
    const text = read('testdata/minimal.yaml').replace(
      'start: D+2d, deadline: D+14d',
      'start: D+20d, deadline: D+14d',
    );
    expect(parseAndValidate(text, 'order.yaml').problems.map((p) => p.reason)).toEqual([
      'the deadline D+14d is before its start D+20d (line 54)',
    ]);
  });

  it('refuses an acknowledgement that means approval unless the message asks permission', () => {
    const notification = (kind: string): string =>
      `notification_obligations:\n  - id: n1\n    kind: ${kind}\n    subjects: [convoy]\n    from: [A]\n    to: [B]\n` +
      '    lead_time: 48h\n    acknowledgement: { required: true, meaning: approval }\n';
    const base = read('testdata/minimal.yaml');
    expect(
      parseAndValidate(base + notification('notification'), 'ack.yaml').problems.map(formatProblem),
    ).toEqual([
      'ack.yaml:66: notification_obligations[0].acknowledgement.meaning: acknowledging a notification means it was received, never approved: use kind permission_request for approvals',
    ]);
    expect(parseAndValidate(base + notification('permission_request'), 'ack.yaml').problems).toEqual([]);
  });

  it('explains geometry types it does not accept', () => {
    const text = read('testdata/minimal.yaml').replace('type: LineString', 'type: MultiLineString');
    expect(parseAndValidate(text, 'geom.yaml').problems.map(formatProblem)).toEqual([
      "geom.yaml:30: reference_geometries[0].geometry.type: must be one of: LineString, Point, Polygon (got 'MultiLineString')",
    ]);
  });
});
