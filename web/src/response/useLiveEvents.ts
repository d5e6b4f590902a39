import { useEffect, useRef } from 'react';
import { subscribeToEvents } from '../api/response.js';

/**
 * Calls `refresh` when the server announces an event whose kind starts with `prefix` (say `case.`),
 * at most once per `quietMs`: a decision that escalates a case announces several events at once.
 */
export function useLiveEvents(prefix: string, refresh: () => void, quietMs = 300): void {
  const latest = useRef(refresh);
  useEffect(() => {
    latest.current = refresh;
  }, [refresh]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const close = subscribeToEvents(prefix, () => {
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        latest.current();
      }, quietMs);
    });
    return () => {
      close();
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [prefix, quietMs]);
}
