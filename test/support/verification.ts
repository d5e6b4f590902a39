import type { TestApp } from './app.js';
import { sampleInput } from './app.js';

/** JSON over app.inject with a bearer token (or none: the public). */
export type Caller = (
  method: string,
  url: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test answers are read loosely
) => Promise<{ status: number; json: any }>;

/** A caller bound to a token. */
export function callerFor(t: TestApp, token?: string): Caller {
  return async (method, url, body) => {
    const res = await t.app.inject({
      method: method as 'GET',
      url,
      headers: token !== undefined ? { authorization: `Bearer ${token}` } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });
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
