import { getCurrentAgreement, getZones } from '../api/agreement.js';
import type { CurrentAgreement, ZoneCollection } from '../api/types.js';
import { useSession } from '../app/session.js';
import { useAsync } from '../lib/useAsync.js';

/**
 * The current agreement as the signed-in principal may see it (markings differ between parties), or
 * null when none is loaded. Cached per principal for the life of the page.
 */
const cache = new Map<string, Promise<CurrentAgreement | null>>();
const zoneCache = new Map<string, Promise<ZoneCollection | null>>();

function keyOf(userId: string | null | undefined): string {
  return userId ?? 'anonymous';
}

function cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = map.get(key);
  if (!p) {
    p = load();
    p.catch(() => map.delete(key)); // a failure is retried next time
    map.set(key, p);
  }
  return p;
}

export function useAgreement() {
  const { me } = useSession();
  const key = keyOf(me?.user?.id);
  return useAsync(() => cached(cache, key, getCurrentAgreement), [key]);
}

export function useZones() {
  const { me } = useSession();
  const key = keyOf(me?.user?.id);
  return useAsync(() => cached(zoneCache, key, getZones), [key]);
}
