/** Test doubles for the store's engine (store.test.ts, longRun.test.ts); not part of the app. */
import { vi } from 'vitest';
import { FRAME_SERIES, type FrameBatch, type Scenario } from '../engine';
import type { EngineClient, FramesCallback, RunOptions, RunResult } from '../../workers/client';

/** An engine double: records calls; the test decides when frames arrive and how the run ends. */
export function fakeEngine() {
  const calls: { scenario: Scenario; onFrames: FramesCallback; opts: RunOptions; finish: (r: RunResult) => void }[] = [];
  const engine: EngineClient = {
    run: vi.fn((scenario: Scenario, onFrames: FramesCallback, opts: RunOptions) => new Promise<RunResult>((finish) => calls.push({ scenario, onFrames, opts, finish }))),
    pause: vi.fn(async () => {}),
    resume: vi.fn(async () => {}),
    reset: vi.fn(async () => {}),
    warm: vi.fn(),
    dispose: vi.fn(),
  };
  return { engine, calls };
}

/** Frames start … start+n−1 with every series at base + frame × 10 + its column index. */
export function batch(start: number, n: number, base = 0): FrameBatch {
  const columns = {} as FrameBatch['columns'];
  FRAME_SERIES.forEach((s, j) => {
    columns[s.key] = Float64Array.from({ length: n }, (_, i) => base + (start + i) * 10 + j);
  });
  return { start, columns };
}

/** Let queued promise callbacks run. */
export const tick = () => new Promise((r) => setTimeout(r, 0));
