import { describe, expect, it } from 'vitest';
import { defaultScenario, encodeLink, setPath } from '../engine';
import type { EngineClient } from '../../workers/client';
import { createAppStore } from './store';
import { startUrlSync } from './urlSync';

const idleEngine: EngineClient = {
  run: () => new Promise(() => {}),
  pause: async () => {},
  resume: async () => {},
  reset: async () => {},
  warm: () => {},
  dispose: () => {},
};

function fakeWindow(hash: string) {
  const listeners = new Set<() => void>();
  const win = {
    location: { hash },
    writes: [] as string[],
    history: {
      state: null,
      replaceState(_d: unknown, _u: string, url?: string | URL | null) {
        win.location.hash = String(url);
        win.writes.push(String(url));
      },
    },
    addEventListener: (_t: 'hashchange', cb: () => void) => void listeners.add(cb),
    removeEventListener: (_t: 'hashchange', cb: () => void) => void listeners.delete(cb),
    navigate(h: string) {
      win.location.hash = h;
      listeners.forEach((cb) => cb());
    },
    listeners,
  };
  return win;
}

describe('startUrlSync', () => {
  it('writes the defaults link when the page has no fragment', () => {
    const store = createAppStore(idleEngine);
    const win = fakeWindow('');
    startUrlSync(store, win);
    expect(win.location.hash).toBe(encodeLink({ scenario: defaultScenario() }));
  });

  it('restores a link on load and rewrites the URL on every valid change only', () => {
    const s = setPath(defaultScenario(), 'sim.seed', 77);
    const link = encodeLink({ scenario: s });
    const store = createAppStore(idleEngine);
    const win = fakeWindow(link);
    const stop = startUrlSync(store, win);
    expect(store.getState().scenario.sim.seed).toBe(77);
    expect(win.writes).toEqual([]);
    store.getState().setKnobText('sim.seed', '78');
    expect(win.location.hash).toBe(encodeLink({ scenario: setPath(s, 'sim.seed', 78) }));
    const writes = win.writes.length;
    store.getState().setKnobText('sim.seed', 'oops');
    expect(win.writes.length).toBe(writes);
    stop();
    expect(win.listeners.size).toBe(0);
  });

  it('shows a link error, falls back to defaults and rewrites the fragment', () => {
    const store = createAppStore(idleEngine);
    const win = fakeWindow('#v1.garbage!!');
    startUrlSync(store, win);
    expect(store.getState().linkError).not.toBeNull();
    expect(store.getState().scenario).toEqual(defaultScenario());
    expect(win.location.hash).toBe(encodeLink({ scenario: defaultScenario() }));
  });

  it('follows hashchange', () => {
    const store = createAppStore(idleEngine);
    const win = fakeWindow('');
    startUrlSync(store, win);
    win.navigate(encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 9) }));
    expect(store.getState().scenario.sim.seed).toBe(9);
    win.navigate('#v99.x');
    expect(store.getState().linkError?.message).toMatch(/newer/);
    expect(store.getState().scenario).toEqual(defaultScenario());
    win.navigate('');
    expect(win.location.hash).toBe(store.getState().shareHash);
  });
});
