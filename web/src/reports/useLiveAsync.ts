import { useCallback, useEffect, useState } from 'react';
import type { Async } from '../lib/useAsync.js';
import { subscribeToEvents } from '../api/response.js';

/** Announcements closer together than this make one refresh. */
const QUIET_MS = 300;

/**
 * `useAsync` that also re-runs `load` when the server announces an event whose kind starts with one
 * of `prefixes` (say `report.`): a new report or incident the viewer may see appears without a
 * reload. The stream carries only what the viewer may see (docs/notifications.md), and the reload
 * asks the API, which filters again. Unlike a change of `deps`, a live refresh keeps what is shown
 * until the fresh answer arrives (no flash of "loading"), and a failed refresh keeps it too.
 */
export function useLiveAsync<T>(
  load: () => Promise<T>,
  deps: unknown[],
  prefixes: readonly string[],
): Async<T> & { reload: () => void } {
  const [state, setState] = useState<Async<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    load().then(
      (data) => current && setState({ status: 'done', data }),
      (error: unknown) => current && setState({ status: 'failed', error }),
    );
    return () => {
      current = false;
    };
    // As with useAsync, the caller's deps stand for `load` (checked at each call site: additionalHooks).
    // eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's, see above
  }, [...deps, tick]);
  useEffect(() => {
    if (live === 0) return;
    let current = true;
    load().then(
      (data) => current && setState({ status: 'done', data }),
      () => undefined, // keep what is shown; the next event (or a reload) tries again
    );
    return () => {
      current = false;
    };
    // Only an announcement triggers this refresh; `load` is the one of the current deps.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
  }, [live]);
  const kinds = prefixes.join(' ');
  useEffect(() => {
    // Several events at once (a report and the incident it opens) make one refresh.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wanted = kinds.split(' ');
    const onEvent = (kind: string) => {
      if (!wanted.some((prefix) => kind.startsWith(prefix))) return;
      timer ??= setTimeout(() => {
        timer = undefined;
        setLive((n) => n + 1);
      }, QUIET_MS);
    };
    // One stream for every prefix (a browser holds few connections per server).
    const close = subscribeToEvents('', onEvent);
    return () => {
      close();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [kinds]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
