import { afterEach, describe, expect, it } from 'vitest';
import { fitSpread, looParams, looRowNames, presetScenario, PRESETS, runScenario, setPath, summarizeRatioSpread } from '../engine';
import type { EnginePool } from '../../workers/pool';
import { channelPools } from '../../workers/testing';
import { createSpreadStore } from './spread';

const pools = channelPools();
afterEach(() => pools.disposeAll());
const realPool = (size: number): EnginePool => pools.make(size);

const scenario = setPath(presetScenario(PRESETS.find((p) => p.name === 'fwd-ix-82599-atom')!), 'sim.duration_ms', 0.5);

async function until(cond: () => boolean, ms = 60000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the fit-spread store', () => {
  it('runs the scenario once per leave-one-out set on the workers and gives what the engine gives in-process', async () => {
    const store = createSpreadStore(realPool(2));
    store.getState().start(scenario, 'link-a');
    expect(store.getState().status).toBe('running');
    expect(store.getState().progress.total).toBe(looRowNames().length);
    await until(() => store.getState().status !== 'running');
    const st = store.getState();
    expect(st.status).toBe('done');
    expect(st.key).toBe('link-a');
    // the worker's runs under each set equal the same runs in this process, bit for bit
    const f = fitSpread(scenario);
    expect(st.result).toEqual(f);
  });

  it('a pair: A and B under each set, B/A as the same runs in this process give it', async () => {
    const store = createSpreadStore(realPool(2));
    const b = setPath(scenario, 'iflib.tx_reclaim_thresh', 512);
    const fitted = { baseline: runScenario(scenario).summary.forwarded_pps, scenario: runScenario(b).summary.forwarded_pps };
    store.getState().startPair(scenario, b, fitted, 'a|b');
    expect(store.getState().progress.total).toBe(2 * looRowNames().length);
    await until(() => store.getState().status !== 'running');
    expect(store.getState().status).toBe('done');
    const va = looRowNames().map((_, k) => runScenario(scenario, { params: looParams(k) }).summary.forwarded_pps);
    const vb = looRowNames().map((_, k) => runScenario(b, { params: looParams(k) }).summary.forwarded_pps);
    expect(store.getState().pair).toEqual(summarizeRatioSpread('forwarded_pps', fitted, va, vb));
    expect(store.getState().result).toBeNull();
  });

  it('a new start supersedes the running one; cancel stops it and keeps no result', async () => {
    const store = createSpreadStore(realPool(2));
    store.getState().start(scenario, 'link-a');
    store.getState().start(setPath(scenario, 'traffic.load', 0.5), 'link-b');
    expect(store.getState().key).toBe('link-b');
    store.getState().cancel();
    expect(store.getState().status).toBe('cancelled');
    expect(store.getState().result).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    expect(store.getState().status).toBe('cancelled');
  });
});
