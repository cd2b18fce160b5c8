import { afterEach, describe, expect, it, vi } from 'vitest';
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
  const hide = new Set<() => void>();
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
    addEventListener: (t: 'hashchange' | 'pagehide', cb: () => void) => void (t === 'hashchange' ? listeners : hide).add(cb),
    removeEventListener: (t: 'hashchange' | 'pagehide', cb: () => void) => void (t === 'hashchange' ? listeners : hide).delete(cb),
    navigate(h: string) {
      win.location.hash = h;
      listeners.forEach((cb) => cb());
    },
    leave() {
      hide.forEach((cb) => cb());
    },
    listeners,
    hide,
  };
  return win;
}

afterEach(() => {
  vi.useRealTimers();
});

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
    expect(win.hide.size).toBe(0);
  });

  it('with a hash delay, follows typing once it pauses, and at once when the page is left', () => {
    vi.useFakeTimers();
    const store = createAppStore(idleEngine, { hashDelayMs: 150 });
    const win = fakeWindow('');
    startUrlSync(store, win);
    const first = win.location.hash;
    store.getState().setKnobText('sim.seed', '1');
    store.getState().setKnobText('sim.seed', '12');
    expect(win.location.hash, 'not while typing').toBe(first);
    vi.advanceTimersByTime(100);
    store.getState().setKnobText('sim.seed', '123');
    vi.advanceTimersByTime(100);
    expect(win.location.hash, 'each keystroke restarts the delay').toBe(first);
    vi.advanceTimersByTime(60);
    expect(win.location.hash).toBe(encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 123) }));
    expect(win.writes.length, 'one write for three keystrokes').toBe(2);
    store.getState().setKnobText('sim.seed', '7');
    win.leave();
    expect(win.location.hash).toBe(encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 7) }));
    // A preset or a link is not typing: it shows at once.
    store.getState().resetToDefaults();
    expect(win.location.hash).toBe(encodeLink({ scenario: defaultScenario() }));
  });

  it('says when a usable link was opened: on load and on a new link in the address bar, not for its own rewrites', () => {
    const link = encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 5) });
    const opens: string[] = [];
    const store = createAppStore(idleEngine);
    const win = fakeWindow(link);
    startUrlSync(store, win, { onOpen: () => opens.push(win.location.hash) });
    expect(opens).toEqual([link]);
    store.getState().setKnobText('sim.seed', '6'); // the page's own rewrite
    win.navigate(store.getState().shareHash); // the same link again: nothing new
    expect(opens).toHaveLength(1);
    const other = encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 9) });
    win.navigate(other);
    expect(opens).toEqual([link, other]);
    win.navigate('#v1.garbage!!'); // a bad link is explained, not run
    win.navigate('');
    expect(opens).toHaveLength(2);
    // No fragment, a bad one: nothing to reproduce.
    for (const hash of ['', '#', '#v1.garbage!!']) {
      const seen: string[] = [];
      startUrlSync(createAppStore(idleEngine), fakeWindow(hash), { onOpen: () => seen.push(hash) });
      expect(seen, hash).toEqual([]);
    }
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
