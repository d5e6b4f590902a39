import { afterEach, beforeEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/support/app.js';
import { describeEachDialect } from '../../test/support/databases.js';
import { openCheckpoint } from './checkpoint.js';
import { ed25519Verifier } from './note.js';
import { verifyReceipt } from './proof.js';
import { TiledTree, verifyLeafFromTiles } from './tile-reader.js';
import { decodeEntryBundle, entriesPath, tileLayout, tilePath } from './tiles.js';
import { hashLeaf } from './merkle.js';

describeEachDialect('log over HTTP (tlog-tiles)', (dialect) => {
  let t: TestApp;
  let admin: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    admin = await t.tokenFor('JMVC', ['admin']);
  });
  afterEach(() => t.close());

  async function get(url: string) {
    const res = await t.app.inject({ url });
    return { status: res.statusCode, body: res.rawPayload, text: res.body, headers: res.headers };
  }

  it('returns a receipt for a write on request, which verifies offline against the published key', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organisations',
      headers: { authorization: `Bearer ${admin}`, prefer: 'receipt' },
      payload: { name: 'Monitoring NGO', kind: 'humanitarian', id: 'NGO' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['preference-applied']).toBe('receipt');
    const index = Number(res.headers['x-log-entries']);
    const receipt = Buffer.from(String(res.headers['x-log-receipt']), 'base64').toString();
    const vkey = (await get('/log/vkey')).text.trim();
    const entry = await t.app.inject({ url: `/api/v1/log/entries/${index}` });
    expect(entry.json()).toMatchObject({
      kind: 'organisation.created',
      entry: { record: { id: 'NGO', name: 'Monitoring NGO' } },
    });
    const bundleIndex = Math.floor(index / 256);
    const checkpoint = openCheckpoint((await get('/log/checkpoint')).text, [ed25519Verifier(vkey)]);
    const width = Math.min(256, checkpoint.checkpoint.size - bundleIndex * 256);
    const bundle = decodeEntryBundle((await get(entriesPath(bundleIndex, width).replace(/^/, '/log/'))).body);
    const data = bundle[index % 256] ?? Buffer.alloc(0);
    expect(verifyReceipt(receipt, data, { log: ed25519Verifier(vkey) }).index).toBe(index);
  });

  it('serves a checkpoint, tiles and entry bundles that reproduce the signed root', async () => {
    for (let i = 0; i < 300; i++) {
      await t.services.organisations.create(
        { principal: await t.services.sessions.principalFromToken(admin), requestId: null, clientIp: null },
        { name: `Org ${i}`, kind: 'humanitarian' },
      );
    }
    while ((await t.services.ledger.integrateOnce()) > 0);
    const vkey = (await get('/log/vkey')).text.trim();
    const cp = await get('/log/checkpoint');
    expect(cp.headers['content-type']).toMatch(/^text\/plain/);
    const { checkpoint } = openCheckpoint(cp.text, [ed25519Verifier(vkey)], { origin: 'truceline.test/log' });
    expect(checkpoint.size).toBeGreaterThan(300);

    // Prefetch every tile the size implies, as a mirror would, then verify from the copies.
    const tiles = new Map<string, Buffer>();
    for (const { level, fullTiles, partialWidth } of tileLayout(checkpoint.size)) {
      const widths = [...Array<number>(fullTiles).fill(256), ...(partialWidth > 0 ? [partialWidth] : [])];
      for (const [index, width] of widths.entries()) {
        const res = await get(`/log/${tilePath(level, index, width)}`);
        expect(res.status, tilePath(level, index, width)).toBe(200);
        expect(res.body.length).toBe(width * 32);
        tiles.set(`${level}/${index}/${width}`, res.body);
        if (width === 256) expect(res.headers['cache-control']).toContain('immutable');
      }
    }
    const mirror = new TiledTree(checkpoint.size, (level, index, width) => {
      const tile = tiles.get(`${level}/${index}/${width}`);
      if (!tile) throw new Error(`tile ${level}/${index}/${width} was not fetched`);
      return tile;
    });
    expect(mirror.root().equals(checkpoint.rootHash)).toBe(true);

    const fullBundle = decodeEntryBundle((await get(`/log/${entriesPath(0)}`)).body, 256);
    const leafTile = tiles.get('0/0/256') ?? Buffer.alloc(0);
    fullBundle.forEach((entry, i) =>
      expect(hashLeaf(entry).equals(leafTile.subarray(i * 32, i * 32 + 32))).toBe(true),
    );
    const reader = (level: number, index: number, width: number) =>
      tiles.get(`${level}/${index}/${width}`) ?? Buffer.alloc(0);
    const leaf42 = hashLeaf(fullBundle[42] ?? Buffer.alloc(0));
    expect(verifyLeafFromTiles(checkpoint, 42, leaf42, reader)).toBe(true);
    expect(verifyLeafFromTiles(checkpoint, 43, leaf42, reader)).toBe(false);
  });

  it('answers 404 for tiles beyond the tree and for non-canonical paths', async () => {
    await t.services.ledger.integrateOnce();
    for (const path of [
      '/log/tile/0/001',
      '/log/tile/0/000.p/255',
      '/log/tile/0/00',
      '/log/tile/entries/x000/001',
      '/log/tile/64/000',
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
    }
  });

  it('answers an entry index beyond any integer with a 422 problem (security A8: 5xx on bad input)', async () => {
    for (const index of ['1e400', '99999999999999999999']) {
      const res = await t.app.inject({ url: `/api/v1/log/entries/${index}` });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json<{ errors: { path: string }[] }>().errors[0]?.path).toBe('/params/index');
    }
  });
});

describeEachDialect('log over HTTP with a stale session cookie', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(() => t.close());

  it('serves the public log as to the anonymous public (security A9: an expired or unknown session cookie makes /log/checkpoint answer 401)', async () => {
    await t.services.ledger.integrateOnce();
    for (const url of ['/log/checkpoint', '/log/vkey', '/log/tile/entries/000.p/1']) {
      const res = await t.app.inject({ url, cookies: { tl_session: 'expired-or-made-up' } });
      expect(res.statusCode, url).toBe(200);
    }
    // A protected API route still says the session is not valid.
    const api = await t.app.inject({ url: '/api/v1/users', cookies: { tl_session: 'expired-or-made-up' } });
    expect(api.statusCode).toBe(401);
  });
});
