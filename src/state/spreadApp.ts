/**
 * The page's fit-spread instance: a worker pool of its own (no workers until a spread runs; they
 * are let go when it ends) and the store the Summary's "Fit spread" box reads.
 */
import { useStore } from 'zustand';
import { createEnginePool } from '../../workers/pool';
import { createSpreadStore, type SpreadState } from './spread';

export const spreadStore = createSpreadStore(createEnginePool());

export function useSpread<T>(selector: (s: SpreadState) => T): T {
  return useStore(spreadStore, selector);
}
