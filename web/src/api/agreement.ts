import { ApiError, getJson } from './client.js';
import type { CurrentAgreement, NegotiationSummary, ZoneCollection } from './types.js';

/** The agreement in force, or null when none has been loaded (or the server has no agreement API yet). */
export async function getCurrentAgreement(): Promise<CurrentAgreement | null> {
  return orNull(getJson<CurrentAgreement>('/api/v1/agreement'));
}

/** The agreement's lines and zones, derived bands included, as GeoJSON; null when there is none. */
export async function getZones(): Promise<ZoneCollection | null> {
  return orNull(getJson<ZoneCollection>('/api/v1/agreement/zones'));
}

/** The negotiation status the server computes; null when it does not offer one. */
export async function getNegotiation(): Promise<NegotiationSummary | null> {
  const body = await orNull(getJson<{ status: NegotiationSummary }>('/api/v1/agreement/negotiation'));
  return body?.status ?? null;
}

async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof ApiError && err.notFound) return null;
    throw err;
  }
}
