import { useSyncExternalStore } from 'react';
import { getLocale, subscribeLocale, type Locale } from './index.js';

/** The current language; the component re-renders when it changes. */
export function useLocale(): Locale {
  return useSyncExternalStore(subscribeLocale, getLocale, getLocale);
}
