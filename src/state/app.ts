/** The page's store instance and the React hook to read it. */
import { useStore } from 'zustand';
import { createEngineClient } from '../../workers/client';
import { createAppStore, type AppState } from './store';

/** `?fps=N` sets the initial frame pace (0 = as fast as possible); e2e tests use it. */
function initialFps(): number | undefined {
  const raw = new URLSearchParams(window.location.search).get('fps');
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export const engineClient = createEngineClient();

export const appStore = createAppStore(engineClient, { framesPerSecond: initialFps() });

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

declare global {
  interface Window {
    /** Read-only test/debug hook: the page's store (e2e tests read run state through it). */
    __ringlab?: typeof appStore;
  }
}
window.__ringlab = appStore;
