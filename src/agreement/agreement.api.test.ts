import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';

const ILLUSTRATIVE = fs.readFileSync('examples/illustrative-framework.yaml', 'utf8');
const KOREA = fs.readFileSync('examples/korean-armistice-1953.yaml', 'utf8');
const BROKEN_DIR = 'src/agreement/testdata/broken';
const BROKEN = fs.readdirSync(BROKEN_DIR).filter((f) => f.endsWith('.yaml') || f.endsWith('.txt'));

/** The illustrative agreement as a later version, with the territorial provision agreed. */
function nextVersion(text: string): string {
  return text
    .replace(/^version: 3$/m, 'version: 4')
    .replace('positions: { UA: disputed, RU: disputed }', 'positions: { UA: agreed, RU: agreed }');
}

describeEachDialect('agreement API', (dialect) => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    admin = await t.tokenFor('JMVC', ['admin']);
  });
  afterEach(() => t.close());

  async function load(text: string, query = 'fileName=illustrative-framework.yaml', token = admin) {
    return t.app.inject({
      method: 'POST',
      url: `/api/v1/agreement?${query}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      payload: text,
    });
  }

  async function counts() {
    const db = t.services.database.db;
    const versions = await db
      .selectFrom('agreement_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // One statement, one snapshot: the sequencer moves entries from the queue to the log meanwhile.
    const log = await sql<{
      n: number;
    }>`select (select count(*) from log_queue) + (select count(*) from log_entries) as n`.execute(db);
    return { versions: Number(versions.n), log: Number(log.rows[0]?.n) };
  }

  it('loads both shipped examples, logs each load, and answers a repeat load without change', async () => {
    const first = await load(ILLUSTRATIVE, 'fileName=illustrative-framework.yaml&marking=CLEAR');
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      id: 'illustrative-framework-2025@3',
      marking: 'CLEAR',
      entryIntoForce: null,
    });
    expect((await load(KOREA, 'fileName=korean-armistice-1953.yaml')).statusCode).toBe(201);
    const before = await counts();
    const again = await load(ILLUSTRATIVE);
    expect(again.statusCode).toBe(200);
    expect(await counts()).toEqual(before);
    while ((await t.services.ledger.integrateOnce()) > 0);
    const entries = await t.services.ledger.entries(0, 10_000);
    const logged = entries
      .map(
        (e) =>
          JSON.parse(e.data.toString()) as {
            kind: string;
            record?: { contentSha256?: string };
            confidential?: { recordId: string };
          },
      )
      .filter((e) => e.kind === 'agreement.loaded');
    // The CLEAR text is logged in full; the Korean example (GREEN by default) as a commitment.
    expect(logged.map((e) => e.record?.contentSha256)).toContain(
      first.json<{ contentSha256: string }>().contentSha256,
    );
    expect(logged.map((e) => e.confidential?.recordId)).toContain('korean-armistice-1953@1');
  });

  it('refuses a changed text under a version number already loaded', async () => {
    await load(ILLUSTRATIVE);
    const res = await load(
      ILLUSTRATIVE.replace(
        'positions: { UA: disputed, RU: disputed }',
        'positions: { UA: agreed, RU: disputed }',
      ),
    );
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toMatch(/higher version/);
  });

  it.each(BROKEN)(
    'rejects the broken fixture %s with its line and path, and writes nothing',
    async (file) => {
      const before = await counts();
      const res = await load(fs.readFileSync(path.join(BROKEN_DIR, file), 'utf8'), `fileName=${file}`);
      expect(res.statusCode).toBe(422);
      const problem = res.json<{ errors: { file: string; line: number; path: string; reason: string }[] }>();
      expect(problem.errors.length).toBeGreaterThan(0);
      for (const e of problem.errors) {
        expect(e.file).toBe(file);
        expect(e.line).toBeGreaterThan(0);
        expect(e.reason).not.toBe('');
      }
      expect(await counts()).toEqual(before);
    },
  );

  it('validates without storing, listing every problem', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agreement/validate?fileName=x.yaml',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'text/yaml' },
      payload: fs.readFileSync(path.join(BROKEN_DIR, 'dangling-reference.yaml'), 'utf8'),
    });
    expect(res.json()).toMatchObject({ valid: false });
    expect((await counts()).versions).toBe(0);
  });

  it('refuses validation to the anonymous public (security A5: anonymous CPU exhaustion)', async () => {
    // Checking a file costs CPU in proportion to its size: only signed-in users may ask.
    const body = `${ILLUSTRATIVE}\nx:\n${Array.from({ length: 2_000 }, (_, i) => `  k${i}: ${i}`).join('\n')}\n`;
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agreement/validate?fileName=x.yaml',
      headers: { 'content-type': 'text/yaml' },
      payload: body,
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    const observer = await t.tokenFor('RU', ['observer']);
    const signedIn = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agreement/validate?fileName=x.yaml',
      headers: { authorization: `Bearer ${observer}`, 'content-type': 'text/yaml' },
      payload: body,
    });
    expect(signedIn.json()).toMatchObject({
      valid: false,
      problems: [{ path: 'x', code: 'unknown_field' }],
    });
  });

  it('serves the agreement, its zones as GeoJSON and the negotiation status', async () => {
    await load(ILLUSTRATIVE, 'fileName=illustrative-framework.yaml&marking=CLEAR');
    const doc = await t.app.inject({ url: '/api/v1/agreement' });
    expect(doc.json()).toMatchObject({
      version: { id: 'illustrative-framework-2025@3' },
      agreement: { id: 'illustrative-framework-2025' },
    });

    const zones = await t.app.inject({ url: '/api/v1/agreement/zones' });
    expect(zones.headers['content-type']).toMatch(/application\/geo\+json/);
    const fc = zones.json<{
      type: string;
      features: { properties: { kind: string; derived?: boolean } }[];
    }>();
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features.some((f) => f.properties.kind === 'line')).toBe(true);
    expect(fc.features.some((f) => f.properties.kind === 'zone' && f.properties.derived === true)).toBe(true);

    const negotiation = await t.app.inject({ url: '/api/v1/agreement/negotiation' });
    const status = negotiation.json<{
      status: { consensusShare: number; openHurdles: { provisionId: string; disputedBy: string[] }[] };
    }>().status;
    expect(status.consensusShare).toBeCloseTo(0.9, 2);
    expect(status.openHurdles.find((h) => h.provisionId === 'P-14')?.disputedBy).toEqual(['UA', 'RU']);
  });

  it('diffs two versions', async () => {
    await load(ILLUSTRATIVE);
    expect((await load(nextVersion(ILLUSTRATIVE))).statusCode).toBe(201);
    const res = await t.app.inject({
      url: '/api/v1/agreement/diff?from=illustrative-framework-2025@3&to=illustrative-framework-2025@4',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(JSON.stringify(res.json())).toContain('P-14');
    const versions = await t.app.inject({
      url: '/api/v1/agreement/versions',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(versions.json<{ id: string }[]>().map((v) => v.id)).toEqual([
      'illustrative-framework-2025@4',
      'illustrative-framework-2025@3',
    ]);
  });

  it('keeps an AMBER draft from another party and the public', async () => {
    await load(KOREA, 'fileName=korea.yaml&marking=AMBER');
    const ru = await t.tokenFor('RU', ['liaison']);
    const analyst = await t.tokenFor('JMVC', ['analyst']);
    expect(
      (await t.app.inject({ url: '/api/v1/agreement', headers: { authorization: `Bearer ${ru}` } }))
        .statusCode,
    ).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/agreement' })).statusCode).toBe(404);
    expect(
      (
        await t.app.inject({
          url: '/api/v1/agreement/zones?version=korean-armistice-1953@1',
          headers: { authorization: `Bearer ${ru}` },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: '/api/v1/agreement', headers: { authorization: `Bearer ${analyst}` } }))
        .statusCode,
    ).toBe(200);
    // The public log shows that a version was loaded, not its content.
    while ((await t.services.ledger.integrateOnce()) > 0);
    const entries = await t.services.ledger.entries(0, 10_000);
    const text = entries.map((e) => e.data.toString()).join('\n');
    expect(text).not.toContain('Korean Armistice');
    // …but the commission, entitled to it, can check the commitment in the log.
    const url = '/api/v1/agreement/versions/korean-armistice-1953@1/commitment';
    expect((await t.app.inject({ url, headers: { authorization: `Bearer ${ru}` } })).statusCode).toBe(404);
    const [c] = (await t.app.inject({ url, headers: { authorization: `Bearer ${analyst}` } })).json<
      { commitment: string }[]
    >();
    expect(c?.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(text).toContain(c?.commitment);
  });

  it('judges by the newest draft provisionally, even one whose planned entry into force has passed', async () => {
    const dated = ILLUSTRATIVE.replace(/^entry_into_force: D$/m, 'entry_into_force: 2026-01-01T00:00:00Z');
    expect(dated).not.toBe(ILLUSTRATIVE);
    expect((await load(dated, 'fileName=dated.yaml&marking=CLEAR')).statusCode).toBe(201);
    const at = await t.services.agreements.versionInForceAt(new Date('2026-06-01T00:00:00Z'));
    expect(at).toMatchObject({ info: { id: 'illustrative-framework-2025@3' }, provisional: true });
    const before = await t.services.agreements.versionInForceAt(new Date('2025-06-01T00:00:00Z'));
    expect(before).toMatchObject({ info: { id: 'illustrative-framework-2025@3' }, provisional: true });
  });

  it('registers the witnesses the agreement names with the log', async () => {
    await load(ILLUSTRATIVE);
    const witnesses = await t.app.inject({ url: '/api/v1/log/witnesses' });
    const named = witnesses.json<{ name: string; vkey: string }[]>();
    expect(named.length).toBe(3);
    expect(named.every((w) => w.vkey.startsWith(`${w.name}+`))).toBe(true);
  });

  it('refuses a load by a non-admin and an unsupported content type', async () => {
    const liaison = await t.tokenFor('UA', ['liaison']);
    expect((await load(ILLUSTRATIVE, 'fileName=x.yaml', liaison)).statusCode).toBe(403);
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/v1/agreement',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect((await counts()).versions).toBe(0);
  });
});
