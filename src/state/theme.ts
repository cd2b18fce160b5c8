/**
 * Light / dark theme: the person's choice is kept in localStorage; without one the page follows
 * prefers-color-scheme (also when it changes). The theme is applied as `data-theme` on <html>,
 * where styles.css swaps its colour variables. Environment-free (storage and apply are injected) so
 * it can be tested in Node.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';

export type Theme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'ringlab.theme';

export function parseTheme(v: unknown): Theme | null {
  return v === 'light' || v === 'dark' ? v : null;
}

/** A stored choice wins; else the system preference. */
export function initialTheme(stored: string | null, prefersDark: boolean): Theme {
  return parseTheme(stored) ?? (prefersDark ? 'dark' : 'light');
}

export interface ThemeState {
  theme: Theme;
  /** True once the person picked a theme (stored); false while following the system. */
  explicit: boolean;
  toggle(): void;
  setTheme(t: Theme): void;
  /** The system preference changed: followed unless the person chose a theme. */
  systemChanged(prefersDark: boolean): void;
}

export type ThemeStore = StoreApi<ThemeState>;

export interface ThemeEnv {
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  prefersDark: boolean;
  apply(theme: Theme): void;
}

function read(storage: ThemeEnv['storage']): string | null {
  try {
    return storage?.getItem(THEME_STORAGE_KEY) ?? null;
  } catch {
    return null; // storage disabled (privacy mode): follow the system
  }
}

export function createThemeStore(env: ThemeEnv): ThemeStore {
  const stored = read(env.storage);
  const theme = initialTheme(stored, env.prefersDark);
  env.apply(theme);
  return createStore<ThemeState>()((set, get) => ({
    theme,
    explicit: parseTheme(stored) !== null,
    setTheme(t) {
      try {
        env.storage?.setItem(THEME_STORAGE_KEY, t);
      } catch {
        // not persisted; still applied for this page
      }
      env.apply(t);
      set({ theme: t, explicit: true });
    },
    toggle() {
      get().setTheme(get().theme === 'dark' ? 'light' : 'dark');
    },
    systemChanged(prefersDark) {
      if (get().explicit) return;
      const t: Theme = prefersDark ? 'dark' : 'light';
      env.apply(t);
      set({ theme: t });
    },
  }));
}
