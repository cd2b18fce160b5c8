import { describe, expect, it } from 'vitest';
import { THEME_STORAGE_KEY, createThemeStore, initialTheme, parseTheme, type Theme } from './theme';

function env(stored: string | null, prefersDark: boolean, opts: { throwing?: boolean } = {}) {
  const data = new Map<string, string>();
  if (stored !== null) data.set(THEME_STORAGE_KEY, stored);
  const applied: Theme[] = [];
  const storage = {
    getItem: (k: string) => {
      if (opts.throwing) throw new Error('denied');
      return data.get(k) ?? null;
    },
    setItem: (k: string, v: string) => {
      if (opts.throwing) throw new Error('denied');
      data.set(k, v);
    },
  };
  return { data, applied, env: { storage, prefersDark, apply: (t: Theme) => applied.push(t) } };
}

describe('theme', () => {
  it('a stored choice wins over the system preference; junk is ignored', () => {
    expect(initialTheme('light', true)).toBe('light');
    expect(initialTheme('dark', false)).toBe('dark');
    expect(initialTheme(null, true)).toBe('dark');
    expect(initialTheme('purple', false)).toBe('light');
    expect(parseTheme('dark')).toBe('dark');
    expect(parseTheme(1)).toBeNull();
  });

  it('applies the initial theme, toggles, persists and applies the choice', () => {
    const e = env(null, true);
    const st = createThemeStore(e.env);
    expect(st.getState()).toMatchObject({ theme: 'dark', explicit: false });
    expect(e.applied).toEqual(['dark']);
    st.getState().toggle();
    expect(st.getState()).toMatchObject({ theme: 'light', explicit: true });
    expect(e.data.get(THEME_STORAGE_KEY)).toBe('light');
    expect(e.applied).toEqual(['dark', 'light']);
    // A reload reads the stored choice.
    expect(createThemeStore(env('light', true).env).getState().theme).toBe('light');
  });

  it('follows system changes until the person chooses', () => {
    const e = env(null, false);
    const st = createThemeStore(e.env);
    st.getState().systemChanged(true);
    expect(st.getState().theme).toBe('dark');
    st.getState().setTheme('light');
    st.getState().systemChanged(true);
    expect(st.getState().theme).toBe('light');
  });

  it('works without storage (disabled or throwing)', () => {
    const e = env(null, false, { throwing: true });
    const st = createThemeStore(e.env);
    st.getState().toggle();
    expect(st.getState().theme).toBe('dark');
    expect(createThemeStore({ storage: null, prefersDark: true, apply: () => {} }).getState().theme).toBe('dark');
  });
});
