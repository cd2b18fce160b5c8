/**
 * What the views have drawn. The charts and the diagram redraw on their own throttled clocks
 * (ui/useThrottled.ts), so right after a run ends some of them still show an earlier frame; each
 * reports the frames (and summary) it has committed to the screen, and the status pill says Done
 * only once every mounted view holds the run's final ones.
 */
import { createStore } from 'zustand/vanilla';
import type { Summary } from '../engine';
import type { FrameColumns } from './store';

export interface ShownEntry {
  /** The frames this view draws (null: it has drawn nothing yet, e.g. still loading). */
  frames?: FrameColumns | null;
  /** The summary this view draws, for views that draw one. */
  summary?: Summary | null;
}

export interface ShownState {
  views: Readonly<Record<string, ShownEntry>>;
  report(id: string, entry: ShownEntry): void;
  remove(id: string): void;
}

export function createShownStore() {
  return createStore<ShownState>()((set, get) => ({
    views: {},
    report(id, entry) {
      const cur = get().views[id];
      if (cur && cur.frames === entry.frames && cur.summary === entry.summary) return;
      set({ views: { ...get().views, [id]: entry } });
    },
    remove(id) {
      if (!(id in get().views)) return;
      const { [id]: _, ...rest } = get().views;
      set({ views: rest });
    },
  }));
}

/** True when every view shows exactly `frames` (and, where it draws one, `summary`). */
export function allShown(views: Readonly<Record<string, ShownEntry>>, frames: FrameColumns, summary: Summary | null): boolean {
  for (const v of Object.values(views)) {
    if (v.frames !== undefined && v.frames !== frames) return false;
    if (v.summary !== undefined && v.summary !== summary) return false;
  }
  return true;
}
