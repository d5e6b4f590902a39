import { useCallback, useEffect, useState } from 'react';

export type Async<T> =
  | { status: 'loading'; data?: undefined; error?: undefined }
  | { status: 'done'; data: T; error?: undefined }
  | { status: 'failed'; data?: undefined; error: unknown };

/**
 * Runs `load` when `deps` change (the caller names them, as with useEffect); a late answer for old
 * dependencies is dropped.
 */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> & { reload: () => void } {
  const [state, setState] = useState<Async<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState({ status: 'loading' });
    load().then(
      (data) => live && setState({ status: 'done', data }),
      (error: unknown) => live && setState({ status: 'failed', error }),
    );
    return () => {
      live = false;
    };
    // The caller's deps stand for `load` (a new closure every render), exactly as with useEffect. The
    // rule cannot check a list it is handed; it checks each call site instead (additionalHooks).
    // eslint-disable-next-line react-hooks/exhaustive-deps -- deps are the caller's, see above
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { ...state, reload };
}
