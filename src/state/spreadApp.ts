/**
 * The page's fit-spread instance: a worker pool of its own (no workers until a spread runs; they
 * are let go when it ends) and the store the Summary's "Fit spread" box, the Compare panel's and
 * the Sweep tab's read.
 */
import { useStore } from 'zustand';
import type { Scenario } from '../engine';
import { createEnginePool } from '../../workers/pool';
import { createSpreadStore, type SpreadState } from './spread';
import { sweepScenarios, type SweepRunInfo } from './sweep';

export const spreadStore = createSpreadStore(createEnginePool());

export function useSpread<T>(selector: (s: SpreadState) => T): T {
  return useStore(spreadStore, selector);
}

/** The spread store's key of a sweep run (the sweep store's `sweepId`): a re-run is another sweep. */
export function sweepSpreadKey(sweepId: number): string {
  return `sweep:${sweepId}`;
}

/**
 * The planned scenarios of a finished sweep, in plan order, if a fit spread can be run of them:
 * not of a capture replay (its file is not in the spread's workers) nor of the ring workload (it
 * uses no fitted constant).
 */
export function sweepSpreadPoints(run: SweepRunInfo): Scenario[] | null {
  const points = sweepScenarios(run);
  if (!points) return null;
  return points.every((s) => s.traffic.workload !== 'ring' && s.traffic.interleave !== 'pcap') ? points : null;
}

/** Every point of the sweep again under each leave-one-out set (the Sweep tab's "Fit spread"). */
export function startSweepSpread(run: SweepRunInfo, sweepId: number): void {
  const points = sweepSpreadPoints(run);
  if (points) spreadStore.getState().startSweep(points, sweepSpreadKey(sweepId));
}
