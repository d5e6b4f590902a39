import type { TestApp } from './app.js';
import { sampleInput } from './app.js';
import { judgedByDraftOf } from './confidential-draft.js';

/** JSON over app.inject with a bearer token (or none: the public). */
export type Caller = (
  method: string,
  url: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are read loosely
) => Promise<{ status: number; json: any }>;

/**
 * A caller bound to a token. A report submission answers before its correlation into incidents runs
 * (docs/monitoring.md): the caller waits for that correlation before returning, as the scenarios read
 * incidents next.
 */
export function callerFor(t: TestApp, token?: string): Caller {
  return async (method, url, body) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });
    if (method === 'POST' && url.split('?')[0] === '/api/v1/reports')
      await t.services.monitoring.reports.settled();
    return { status: res.statusCode, json: res.body === '' ? undefined : JSON.parse(res.body) };
  };
}

/** One explosion report near Horlivka from a named source, `minutes` after 21:40 local on 25 November. */
export function explosionReport(
  source: { name: string; group: string; reliability?: string },
  extra: Record<string, unknown> = {},
) {
  return sampleInput({
    source: { name: source.name, reliability: source.reliability ?? 'B', independenceGroup: source.group },
    ...extra,
  });
}

/** The staff a verification scenario needs, each with an API token. */
export async function verificationStaff(t: TestApp) {
  const tokens = {
    monitorUA: await t.tokenFor('UA', ['monitor']),
    monitorJMVC: await t.tokenFor('JMVC', ['monitor']),
    analyst: await t.tokenFor('JMVC', ['analyst']),
    analystSameOrg: await t.tokenFor('JMVC', ['analyst']),
    analystEU: await t.tokenFor('JMVC-EU', ['analyst']),
    commissionerUS1: await t.tokenFor('US', ['commissioner']),
    commissionerUS2: await t.tokenFor('US', ['commissioner']),
    commissionerUS3: await t.tokenFor('US', ['commissioner']),
    commissionerEUC1: await t.tokenFor('EUC', ['commissioner']),
    commissionerEUC2: await t.tokenFor('EUC', ['commissioner']),
    commissionerRU: await t.tokenFor('RU', ['commissioner']),
    liaisonUA: await t.tokenFor('UA', ['liaison']),
    liaisonRU: await t.tokenFor('RU', ['liaison']),
    guarantorUS: await t.tokenFor('US', ['guarantor']),
  };
  return Object.fromEntries(Object.entries(tokens).map(([k, v]) => [k, callerFor(t, v)])) as Record<
    keyof typeof tokens,
    Caller
  >;
}

/**
 * One shelling seen by three sources: a party's observation post, and a commission patrol and UAV of
 * one independence group (so two independent groups). Returns the three intake answers in that order.
 */
export async function fileThreeSightings(staff: Record<'monitorUA' | 'monitorJMVC', Caller>) {
  // One after another, as patrols report: each is grouped before the next arrives.
  const a = await staff.monitorUA(
    'POST',
    '/api/v1/reports',
    explosionReport({ name: 'UA OP Zaitseve', group: 'ua-op-7' }),
  );
  const b = await staff.monitorJMVC(
    'POST',
    '/api/v1/reports',
    explosionReport(
      { name: 'JMVC patrol 3', group: 'jmvc-team-3' },
      { location: { lon: 38.09, lat: 48.365, uncertaintyM: 300 } },
    ),
  );
  const c = await staff.monitorJMVC(
    'POST',
    '/api/v1/reports',
    explosionReport(
      { name: 'JMVC UAV 3', group: 'jmvc-team-3', reliability: 'A' },
      { location: { lon: 38.085, lat: 48.362, uncertaintyM: 100 }, credibility: 1 },
    ),
  );
  return [a, b, c] as const;
}

/**
 * A finding on an incident judged by UA's confidential draft (whose taxonomy names the explosion
 * category `draft-explosion`; see `judgedByDraftOf`): three sightings verified under four eyes, put
 * to the body, adopted by four votes and published to the parties. Returns the staff, UA's token
 * (the draft's reader), the draft, the incident as stored, the finding's id and the workflow's answers
 * (as text: they went to callers who may not read the draft).
 */
export async function publishedFindingOnDraft(t: TestApp) {
  const staff = await verificationStaff(t);
  const uaToken = await t.tokenFor('UA', ['liaison']);
  const { draft } = await judgedByDraftOf(
    t,
    uaToken,
    () => fileThreeSightings(staff),
    (text) => text.replaceAll('cfv-explosion', 'draft-explosion'),
  );
  const row = await t.services.database.db.selectFrom('incidents').selectAll().executeTakeFirstOrThrow();
  const incident = {
    id: row.id,
    agreementVersionId: row.agreement_version_id,
    category: row.category,
    zones: JSON.parse(row.zones) as string[],
    provisions: JSON.parse(row.provisions) as string[],
    sector: row.sector,
  };
  if (incident.agreementVersionId !== draft.version.id || incident.category !== 'draft-explosion')
    throw new Error(`the incident was not judged by the draft: ${JSON.stringify(incident)}`);
  const answers: string[] = [];
  const step = async (caller: Caller, method: string, url: string, body?: unknown) => {
    const res = await caller(method, url, body);
    if (res.status >= 300) throw new Error(`${url}: ${res.status} ${JSON.stringify(res.json)}`);
    answers.push(JSON.stringify(res.json));
    return res.json as { finding: { id: string } };
  };
  const at = `/api/v1/incidents/${incident.id}`;
  await step(staff.analyst, 'POST', `${at}/transitions`, { to: 'under_review', reason: 'taking it' });
  await step(staff.analyst, 'POST', `${at}/transitions`, { to: 'verified', reason: 'two groups agree' });
  await step(staff.analystEU, 'POST', `${at}/transitions`, { to: 'verified', reason: 'confirmed' });
  const proposed = await step(staff.analyst, 'POST', `${at}/findings`, { summary: 'Shelling verified.' });
  const findingId = proposed.finding.id;
  for (const voter of [
    staff.commissionerUS1,
    staff.commissionerUS2,
    staff.commissionerUS3,
    staff.commissionerEUC1,
  ])
    await step(voter, 'POST', `/api/v1/findings/${findingId}/votes`, { choice: 'for' });
  await step(staff.analyst, 'POST', `/api/v1/findings/${findingId}/publish`);
  return { staff, uaToken, draft, incident, findingId, answers };
}
