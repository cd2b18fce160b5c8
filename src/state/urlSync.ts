/**
 * Keeps the URL fragment and the store in step: on load the fragment is decoded into the form (or
 * a link error is shown and defaults used); afterwards every valid change is written back with
 * history.replaceState (a moment after the last keystroke, see the store's hashDelayMs), and
 * hashchange (edited URL, back/forward) is decoded again.
 */
import { decodeLink } from '../engine';
import type { AppStore } from './store';

interface WindowLike {
  location: { hash: string };
  history: { state: unknown; replaceState(data: unknown, unused: string, url?: string | URL | null): void };
  addEventListener(type: 'hashchange' | 'pagehide', cb: () => void): void;
  removeEventListener(type: 'hashchange' | 'pagehide', cb: () => void): void;
}

export interface UrlSyncOptions {
  /**
   * Called when the page is opened with a usable link, or the address bar is given a new one
   * (not for the page's own rewrites): the page reproduces it (main.tsx runs it).
   */
  onOpen?: () => void;
}

/** A fragment that holds a link (not an empty one, not one that fails to decode). */
function isLink(hash: string): boolean {
  if (hash === '' || hash === '#') return false;
  const d = decodeLink(hash);
  return d.ok && !d.empty;
}

/** Starts syncing; returns a function that stops it. */
export function startUrlSync(store: AppStore, win: WindowLike = window, opts: UrlSyncOptions = {}): () => void {
  const write = () => {
    const { shareHash } = store.getState();
    if (win.location.hash !== shareHash) win.history.replaceState(win.history.state, '', shareHash);
  };
  const opened = win.location.hash;
  store.getState().applyLink(opened);
  write();
  if (isLink(opened)) opts.onOpen?.();
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.shareHash !== prev.shareHash) write();
  });
  const onHashChange = () => {
    const hash = win.location.hash;
    const changed = store.getState().applyLink(hash);
    write();
    if (changed && isLink(hash)) opts.onOpen?.();
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
