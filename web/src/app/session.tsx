import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onSessionLost } from '../api/client.js';
import { fetchMe, signIn as apiSignIn, signOut as apiSignOut } from '../api/session.js';
import type { Me, Permission } from '../api/types.js';

interface SessionValue {
  /** Null while the first /me is on its way. */
  me: Me | null;
  /** Set when /me itself failed (the server is down): the shell says so instead of guessing. */
  error: Error | null;
  signedIn: boolean;
  can: (permission: Permission) => boolean;
  signIn: (username: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Holds who is signed in; every permission check in the dashboard goes through `can`. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<Error | null>(null);

  const refresh = useCallback(async () => {
    try {
      setMe(await fetchMe());
      setError(null);
    } catch (err) {
      setError(err as Error);
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onSessionLost(() => void refresh());
  }, [refresh]);

  const value = useMemo<SessionValue>(() => {
    const permissions = new Set<string>(me?.permissions ?? []);
    return {
      me,
      error,
      signedIn: me?.user != null,
      can: (p) => permissions.has(p),
      signIn: async (username, password) => {
        await apiSignIn(username, password);
        await refresh();
      },
      signOut: async () => {
        try {
          await apiSignOut();
        } finally {
          await refresh();
        }
      },
      refresh,
    };
  }, [me, error, refresh]);

  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
