/**
 * Keeps the URL fragment and the store in step: on load the fragment is decoded into the form (or
 * a link error is shown and defaults used); afterwards every valid change is written back with
 * history.replaceState (a moment after the last keystroke, see the store's hashDelayMs), and
 * hashchange (edited URL, back/forward) is decoded again.
 */
import type { AppStore } from './store';

interface WindowLike {
  location: { hash: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string | URL | null): void };
  addEventListener(type: 'hashchange' | 'pagehide', cb: () => void): void;
  removeEventListener(type: 'hashchange' | 'pagehide', cb: () => void): void;
}

/** Starts syncing; returns a function that stops it. */
export function startUrlSync(store: AppStore, win: WindowLike = window): () => void {
  const write = () => {
    const { shareHash } = store.getState();
    if (win.location.hash !== shareHash) win.history.replaceState(win.history.state, '', shareHash);
  };
  store.getState().applyLink(win.location.hash);
  write();
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.shareHash !== prev.shareHash) write();
  });
  const onHashChange = () => {
    store.getState().applyLink(win.location.hash);
    write();
  };
  // The link follows typing a moment later (store.ts, hashDelayMs): leaving the page (reload,
  // close, navigate) takes the last keystroke into the address bar first.
  const onPageHide = () => {
    store.getState().currentShareHash();
    write();
  };
  win.addEventListener('hashchange', onHashChange);
  win.addEventListener('pagehide', onPageHide);
  return () => {
    unsubscribe();
    win.removeEventListener('hashchange', onHashChange);
    win.removeEventListener('pagehide', onPageHide);
  };
}
