import { startTransition, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { shownStore } from '../state/app';
import type { ShownEntry } from '../state/shown';

/**
 * `value`, but changing at most once per `ms` (the latest value always lands, at most `ms` late).
 * The secondary charts and the diagram follow a run at a few updates per second, so a run's batch
 * rate (up to 30/s) goes to the main packet-rate chart only. Updates are transitions, rendered in
 * interruptible slices rather than one long task.
 *
 * `phase` (ms) puts the updates on a shared clock: they land only at times `phase + k·ms`. Charts
 * given different phases redraw in different tasks instead of all in one (a transition's commit
 * and Recharts' layout effects cannot be sliced, so five charts redrawing together make one long
 * task where five short ones would do).
 */
export function useThrottled<T>(value: T, ms: number, phase?: number, urgent = false): T {
  const [shown, setShown] = useState(value);
  const last = useRef(-Infinity);
  // `urgent` (a new run cleared the figures): show it in this render, not a slot later, so no
  // view keeps an earlier run's numbers on screen.
  if (urgent && !Object.is(value, shown)) setShown(value);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const now = performance.now();
    let at = last.current + ms;
    if (phase !== undefined && ms > 0) {
      // The first slot of the shared clock from now on, and never two in one period.
      at = phase + Math.ceil((now - phase) / ms) * ms;
      if (at - last.current < ms / 2) at += ms;
    }
    const show = () => {
      last.current = performance.now();
      // A transition: React renders it in slices, so clicks and the live chart stay responsive.
      startTransition(() => setShown(value));
    };
    if (at <= now) {
      show();
      return;
    }
    const id = setTimeout(show, at - now);
    return () => clearTimeout(id);
  }, [value, shown, ms, phase]);
  return shown;
}

/**
 * Tell the status pill what this view has on screen (state/shown.ts): reported after each commit,
 * withdrawn when the view goes away.
 */
export function useReportShown(id: string, entry: ShownEntry): void {
  const { frames, summary } = entry;
  useLayoutEffect(() => {
    shownStore.getState().report(id, { ...(frames !== undefined ? { frames } : {}), ...(summary !== undefined ? { summary } : {}) });
  }, [id, frames, summary]);
  useLayoutEffect(() => () => shownStore.getState().remove(id), [id]);
}
