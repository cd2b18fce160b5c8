/** The page's store instances and the React hooks to read them. */
import { useStore } from 'zustand';
import { createEngineClient } from '../../workers/client';
import { createCompareStore, type CompareState } from './compare';
import { createShownStore, type ShownState } from './shown';
import { createAppStore, type AppState } from './store';
import { createThemeStore, type Theme, type ThemeState } from './theme';
import { createTraceStore, type TraceState } from './trace';

/** `?fps=N` sets the initial frame pace (0 = as fast as possible); e2e tests use it. */
function initialFps(): number | undefined {
  const raw = new URLSearchParams(window.location.search).get('fps');
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export const engineClient = createEngineClient();

/**
 * The share link follows typing 150 ms after the last keystroke (encoding it and checking a sweep
 * of up to 2000 runs against the new settings is work a keystroke should not wait for).
 */
export const appStore = createAppStore(engineClient, { framesPerSecond: initialFps(), hashDelayMs: 150 });

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

/** What the charts and the diagram have drawn (the status pill waits for the final frame). */
export const shownStore = createShownStore();

export function useShown<T>(selector: (s: ShownState) => T): T {
  return useStore(shownStore, selector);
}

/** The pinned baseline (run A); a baseline from a link is repeated on a second engine Worker. */
export const compareStore = createCompareStore(appStore, () => createEngineClient());

export function useCompare<T>(selector: (s: CompareState) => T): T {
  return useStore(compareStore, selector);
}

/** The last run's trace (sim.trace), fetched from the main engine's worker when the run is done. */
export const traceStore = createTraceStore(appStore, engineClient);

export function useTrace<T>(selector: (s: TraceState) => T): T {
  return useStore(traceStore, selector);
}

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const darkQuery = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;

function applyTheme(t: Theme): void {
  const root = document.documentElement;
  root.dataset.theme = t;
  // Native controls, scrollbars and the canvas background follow too.
  root.style.colorScheme = t;
}

export const themeStore = createThemeStore({ storage: storage(), prefersDark: darkQuery?.matches ?? false, apply: applyTheme });
darkQuery?.addEventListener('change', (e) => themeStore.getState().systemChanged(e.matches));

export function useTheme<T>(selector: (s: ThemeState) => T): T {
  return useStore(themeStore, selector);
}

declare global {
  interface Window {
    /** Read-only test/debug hook: the page's store (e2e tests read run state through it). */
    __ringlab?: typeof appStore;
    /** Read-only test/debug hook: the trace store (e2e tests and the timeline benchmark use it). */
    __ringlabTrace?: typeof traceStore;
  }
}
window.__ringlab = appStore;
window.__ringlabTrace = traceStore;
