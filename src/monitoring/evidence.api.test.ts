// Tests read untyped JSON bodies (see the test override in eslint.config.js).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/databases.js';
import { sampleInput, startTestApp, type TestApp } from '../../test/support/app.js';

const sha256Of = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** Every file under a directory, relative to it (none when it does not exist). */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describeEachDialect('evidence API', (dialect) => {
  let t: TestApp;
  let monitor: string;
  beforeEach(async () => {
    t = await startTestApp(dialect, { monitoring: {} });
    monitor = await t.tokenFor('JMVC', ['monitor']);
  });
  afterEach(async () => t.close());

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A JMVC report (AMBER: the commission sees it, the parties do not) with one declared evidence item. */
  async function reportWithDeclaredEvidence(
    bytes: Buffer,
  ): Promise<{ reportId: string; evidenceId: string }> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: auth(monitor),
      payload: sampleInput({
        evidence: [
          {
            sha256: sha256Of(bytes),
            filename: 'crater.jpg',
            mediaType: 'image/jpeg',
            capturedAt: '2026-11-25T20:00:00Z',
            collector: 'Patrol 3',
          },
        ],
      }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const reportId = res.json().report.id as string;
    const list = await t.app.inject({ url: `/api/v1/reports/${reportId}/evidence`, headers: auth(monitor) });
    return { reportId, evidenceId: list.json().evidence[0].id as string };
  }

  it('keeps no file of a refused upload (security A9: rejected evidence upload leaves its file on disk)', async () => {
    const bytes = Buffer.from('a photograph of a crater');
    const { reportId, evidenceId } = await reportWithDeclaredEvidence(bytes);
    const evidenceDir = path.join(t.dataDir, 'evidence');
    const before = filesUnder(evidenceDir);

    const wrong = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${reportId}/evidence/${sha256Of(bytes)}`,
      headers: { ...auth(monitor), 'content-type': 'image/jpeg' },
      payload: Buffer.from('tampered'),
    });
    expect(wrong.statusCode).toBe(422);
    expect(filesUnder(evidenceDir)).toEqual(before);

    const tooBig = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${reportId}/evidence/${sha256Of(bytes)}`,
      headers: { ...auth(monitor), 'content-type': 'image/jpeg' },
      payload: Buffer.alloc(70 * 1024, 7),
    });
    expect(tooBig.statusCode).toBe(413);
    expect(filesUnder(evidenceDir)).toEqual(before);

    const bigDerived = await t.app.inject({
      method: 'POST',
      url: `/api/v1/evidence/${evidenceId}/derived`,
      headers: auth(monitor),
      payload: {
        contentBase64: Buffer.alloc(70 * 1024, 8).toString('base64'),
        filename: 'big.jpg',
        mediaType: 'image/jpeg',
        derivation: 'upscaled',
      },
    });
    expect(bigDerived.statusCode).toBe(413);
    expect(filesUnder(evidenceDir)).toEqual(before);
  });

  it("names the users who handled a CLEAR report's evidence to its organisation and the commission only, never to the public or another party", async () => {
    const ua = await t.tokenFor('UA', ['monitor']);
    const bytes = Buffer.from('a photograph of an impact');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: auth(ua),
      payload: sampleInput({
        marking: 'CLEAR',
        evidence: [
          {
            sha256: sha256Of(bytes),
            contentBase64: bytes.toString('base64'),
            filename: 'impact.jpg',
            mediaType: 'image/jpeg',
            capturedAt: '2026-11-25T20:00:00Z',
            collector: 'Patrol 4',
          },
        ],
      }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const reportId = res.json().report.id as string;
    const me = await t.app.inject({ url: '/api/v1/me', headers: auth(ua) });
    const uaUser = me.json().user?.id ?? me.json().id;
    expect(typeof uaUser).toBe('string');
    const read = async (headers: Record<string, string>) => {
      const list = await t.app.inject({ url: `/api/v1/reports/${reportId}/evidence`, headers });
      expect(list.statusCode, list.body).toBe(200);
      const id = list.json().evidence[0].id as string;
      const custody = await t.app.inject({ url: `/api/v1/evidence/${id}/custody`, headers });
      expect(custody.statusCode, custody.body).toBe(200);
      return list.body + custody.body;
    };
    expect(await read(auth(ua))).toContain(uaUser);
    expect(await read(auth(await t.tokenFor('JMVC', ['analyst'])))).toContain(uaUser);
    for (const headers of [{}, auth(await t.tokenFor('RU', ['liaison']))]) {
      const body = await read(headers);
      expect(body).not.toContain(uaUser);
      expect(body).toContain('"createdBy":null');
      expect(body).toContain('"actorUserId":null');
    }
  });

  it('answers for evidence of a hidden report exactly as for none (security A9: evidence 404 vs 403 reveals hidden report ids)', async () => {
    const bytes = Buffer.from('a photograph of a crater');
    const hidden = await reportWithDeclaredEvidence(bytes);
    const upload = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/reports/${hidden.reportId}/evidence/${sha256Of(bytes)}`,
      headers: { ...auth(monitor), 'content-type': 'image/jpeg' },
      payload: bytes,
    });
    expect(upload.statusCode).toBe(200);
    // A party's monitor may read and file reports, but not see the commission's AMBER one.
    const party = await t.tokenFor('UA', ['monitor']);
    const absent = { reportId: crypto.randomUUID(), evidenceId: crypto.randomUUID() };
    const sha = sha256Of(bytes);
    const requests = (ids: { reportId: string; evidenceId: string }) => [
      { method: 'GET' as const, url: `/api/v1/reports/${ids.reportId}/evidence` },
      {
        method: 'POST' as const,
        url: `/api/v1/reports/${ids.reportId}/evidence`,
        payload: {
          sha256: sha,
          filename: 'x.jpg',
          mediaType: 'image/jpeg',
          capturedAt: '2026-11-25T20:00:00Z',
          collector: 'Patrol 9',
        },
      },
      {
        method: 'PUT' as const,
        url: `/api/v1/reports/${ids.reportId}/evidence/${sha}`,
        payload: bytes,
        contentType: 'image/jpeg',
      },
      { method: 'GET' as const, url: `/api/v1/evidence/${ids.evidenceId}/content` },
      { method: 'GET' as const, url: `/api/v1/evidence/${ids.evidenceId}/custody` },
      { method: 'POST' as const, url: `/api/v1/evidence/${ids.evidenceId}/handover`, payload: { to: 'UA' } },
      {
        method: 'POST' as const,
        url: `/api/v1/evidence/${ids.evidenceId}/derived`,
        payload: {
          contentBase64: Buffer.from('x').toString('base64'),
          filename: 'x.jpg',
          mediaType: 'image/jpeg',
          derivation: 'copied',
        },
      },
    ];
    const answer = async (
      r: { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: object | Buffer; contentType?: string },
      ids: { reportId: string; evidenceId: string },
    ) => {
      const res = await t.app.inject({
        method: r.method,
        url: r.url,
        headers: { ...auth(party), ...(r.contentType ? { 'content-type': r.contentType } : {}) },
        ...(r.payload ? { payload: r.payload } : {}),
      });
      const { instance: _instance, requestId: _requestId, ...problem } = res.json();
      const text = JSON.stringify(problem)
        .replaceAll(ids.reportId, '<report>')
        .replaceAll(ids.evidenceId, '<evidence>');
      return { status: res.statusCode, type: res.headers['content-type'], problem: text };
    };
    const hiddenRequests = requests(hidden);
    const absentRequests = requests(absent);
    for (const [i, r] of hiddenRequests.entries()) {
      const forHidden = await answer(r, hidden);
      const forAbsent = await answer(absentRequests[i] ?? r, absent);
      expect(forHidden, `${r.method} ${r.url}`).toEqual(forAbsent);
      expect(forHidden.status, `${r.method} ${r.url}`).toBe(404);
      expect(forHidden.problem).not.toContain(hidden.reportId);
    }
  });
});
