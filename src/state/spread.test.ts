import { afterEach, describe, expect, it } from 'vitest';
import { fitSpread, looParams, looRowNames, planSweep, presetScenario, PRESETS, runScenario, setPath, summarizeRatioSpread, type Scenario, type SweepDef } from '../engine';
import type { EnginePool } from '../../workers/pool';
import { channelPools } from '../../workers/testing';
import { createSpreadStore } from './spread';
import { sweepSpreadPoints } from './spreadApp';
import type { SweepRunInfo } from './sweep';

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

  it("a sweep: every planned point under each set, each by its own workload's figure, as the same runs in this process", async () => {
    const store = createSpreadStore(realPool(2));
    // two workloads in one sweep: forwarding judged by forwarded_pps, receive by delivered_pps
    const def: SweepDef = { spec: 'queues.rx=1..2:2', series: [{ label: 'fwd', set: {} }, { label: 'rx', set: { 'traffic.workload': 'receive' } }], y: 'forwarded_pps' };
    const plan = planSweep(scenario, def);
    if (!plan.ok) throw new Error(plan.errors.join('; '));
    const pts = plan.value.runs.map((r) => r.scenario);
    store.getState().startSweep(pts, 'sweep:1');
    expect(store.getState().progress.total).toBe(4 * looRowNames().length);
    await until(() => store.getState().status !== 'running');
    expect(store.getState().status).toBe('done');
    const sweep = store.getState().sweep!;
    expect(sweep.map((f) => f!.metric)).toEqual(['forwarded_pps', 'forwarded_pps', 'delivered_pps', 'delivered_pps']);
    expect(sweep).toEqual(pts.map((s) => fitSpread(s)));
    expect(store.getState().result).toBeNull();
    expect(store.getState().pair).toBeNull();
    // another spread replaces it
    store.getState().start(scenario, 'link-a');
    expect(store.getState().sweep).toBeNull();
    store.getState().cancel();
  });

  it("a sweep keeps the spread of the points whose runs all finished; a point with a failed run has none, and says why", async () => {
    // a pool that runs nothing: each scenario's figure is its queues.rx, one scenario over budget
    const fake = (failing: (s: Scenario) => boolean): EnginePool => ({
      size: 1,
      run: (scenarios) =>
        Promise.resolve({
          kind: 'done',
          results: scenarios.map((s) => (failing(s) ? { kind: 'error', message: 'over its memory budget' } : { kind: 'done', summary: { forwarded_pps: s.queues.rx * 1e6 } as never })),
        }),
      cancel: () => {},
      alive: () => 0,
      dispose: () => {},
    });
    const pts = [1, 2, 3].map((q) => setPath(scenario, 'queues.rx', q));
    const store = createSpreadStore(fake((s) => s.queues.rx === 2));
    store.getState().startSweep(pts, 'sweep:7');
    await until(() => store.getState().status !== 'running');
    expect(store.getState().status).toBe('done');
    const sweep = store.getState().sweep!;
    expect(sweep[1]).toBeNull();
    expect(sweep[0]).toMatchObject({ metric: 'forwarded_pps', min: 1e6, max: 1e6 });
    expect(sweep[2]).toMatchObject({ min: 3e6, max: 3e6 });
    expect(store.getState().error).toBe('over its memory budget');
    // every point with a failure: the spread fails, as a single run's does
    const all = createSpreadStore(fake(() => true));
    all.getState().startSweep(pts, 'sweep:8');
    await until(() => all.getState().status !== 'running');
    expect(all.getState().status).toBe('error');
    expect(all.getState().sweep).toBeNull();
    const one = createSpreadStore(fake((s) => s.queues.rx === 2));
    one.getState().start(pts[1]!, 'link-x');
    await until(() => one.getState().status !== 'running');
    expect(one.getState().status).toBe('error');
  });

  it('a sweep of a capture replay or of the ring workload has no fit spread', () => {
    const info = (base: Scenario, spec: string): SweepRunInfo => ({ def: { spec, series: [], y: 'forwarded_pps' }, base, path: spec.split('=')[0]!, values: [], labels: [''], runs: [] });
    expect(sweepSpreadPoints(info(scenario, 'queues.rx=1..2:2'))).toHaveLength(2);
    expect(sweepSpreadPoints(info(setPath(scenario, 'traffic.workload', 'ring'), 'queues.rx=1..2:2'))).toBeNull();
    // one ring point is enough to refuse
    expect(sweepSpreadPoints(info(scenario, 'traffic.workload=forward..ring'))).toBeNull();
    expect(sweepSpreadPoints(info(setPath(scenario, 'traffic.interleave', 'pcap'), 'queues.rx=1..2:2'))).toBeNull();
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
