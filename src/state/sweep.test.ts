import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILTIN_SWEEPS,
  KNOB_BY_PATH,
  defaultScenario,
  planSweep,
  runScenario,
  setPath,
  sweepFigures,
  type Scenario,
  type SweepDef,
} from '../engine';
import type { EnginePool, PointResult, PoolOutcome, PoolRunOptions } from '../../workers/pool';
import { channelPools } from '../../workers/testing';
import { createSweepStore } from './sweep';
import { defFromDraft, draftFromDef, draftFromSpec, parseSeriesSet, rangeFor, sameDef, specOf, defaultDraft } from './sweepDraft';

const base = setPath(defaultScenario(), 'sim.duration_ms', 0.2);
const loadDef: SweepDef = {
  spec: 'traffic.load=0.2..1:3',
  series: [
    { label: 'seed 1', set: { 'sim.seed': 1 } },
    { label: 'seed 2', set: { 'sim.seed': 2 } },
  ],
  y: 'delivered_pps',
};

const pools = channelPools();
afterEach(() => pools.disposeAll());
const realPool = (size: number): EnginePool => pools.make(size);

/** A pool whose points finish when the test says, in any order. */
function manualPool() {
  let opts: PoolRunOptions = {};
  let scenarios: readonly Scenario[] = [];
  let resolve: (o: PoolOutcome) => void = () => {};
  let cancelled = 0;
  const results: (PointResult | undefined)[] = [];
  const pool: EnginePool = {
    size: 3,
    run(s, o = {}) {
      scenarios = s;
      opts = o;
      return new Promise((r) => (resolve = r));
    },
    cancel() {
      cancelled++;
      resolve({ kind: 'cancelled', results });
    },
    alive: () => 0,
    dispose() {},
  };
  return {
    pool,
    finish(i: number) {
      const r: PointResult = { kind: 'done', summary: runScenario(scenarios[i]!).summary };
      results[i] = r;
      opts.onResult?.(i, r);
    },
    fail(i: number, message: string) {
      results[i] = { kind: 'error', message };
      opts.onResult?.(i, results[i]!);
    },
    end() {
      resolve({ kind: 'done', results: results as PointResult[] });
    },
    cancelled: () => cancelled,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the sweep store', () => {
  it('runs every point of the plan and keeps each one\u2019s figures at its index', async () => {
    const store = createSweepStore(realPool(2));
    expect(store.getState().start(base, loadDef)).toBe(true);
    expect(store.getState().status).toBe('running');
    expect(store.getState().run?.labels).toEqual(['seed 1', 'seed 2']);
    expect(store.getState().points).toHaveLength(6);
    await expect.poll(() => store.getState().status, { timeout: 30_000 }).toBe('done');
    const st = store.getState();
    expect(st.progress).toEqual({ done: 6, total: 6, failed: 0, running: 0 });
    const plan = planSweep(base, loadDef);
    if (!plan.ok) throw new Error('plan');
    plan.value.runs.forEach((run, i) => {
      const p = st.points[i]!;
      expect([p.series, p.point, p.value]).toEqual([run.series, run.point, run.value]);
      const want = runScenario(run.scenario).summary;
      expect(p.figures).toEqual(sweepFigures(want));
      expect(p.link).toBe(want.link);
      expect(p.error).toBeNull();
    });
  });

  it('gives the same points with 1 worker and with 3', async () => {
    const a = createSweepStore(realPool(1));
    const b = createSweepStore(realPool(3));
    a.getState().start(base, loadDef);
    b.getState().start(base, loadDef);
    await expect.poll(() => [a.getState().status, b.getState().status], { timeout: 30_000 }).toEqual(['done', 'done']);
    expect(JSON.stringify(b.getState().points)).toBe(JSON.stringify(a.getState().points));
  });

  it('refuses a sweep that does not plan, with planSweep\u2019s messages', () => {
    const store = createSweepStore(realPool(1));
    expect(store.getState().start(base, { ...loadDef, spec: 'traffic.load=0.5..9' })).toBe(false);
    expect(store.getState().status).toBe('error');
    expect(store.getState().errors.join(' ')).toMatch(/end "9"/);
    expect(store.getState().run).toBeNull();
  });

  it('fills points in completion order, counts failures, and ends done when some points ran', async () => {
    const m = manualPool();
    const store = createSweepStore(m.pool);
    store.getState().start(base, loadDef);
    m.finish(4);
    expect(store.getState().points.map((p) => p !== null)).toEqual([false, false, false, false, true, false]);
    m.fail(0, 'boom');
    for (const i of [1, 2, 3, 5]) m.finish(i);
    m.end();
    await settle();
    expect(store.getState().status).toBe('done');
    expect(store.getState().points[0]).toMatchObject({ figures: null, error: 'boom', series: 0, point: 0 });
  });

  it('ends in error when every point failed', async () => {
    const m = manualPool();
    const store = createSweepStore(m.pool);
    store.getState().start(base, { spec: 'traffic.load=0.5..1:2', series: [], y: 'delivered_pps' });
    m.fail(0, 'worker gone');
    m.fail(1, 'worker gone');
    m.end();
    await settle();
    expect(store.getState().status).toBe('error');
    expect(store.getState().errors[0]).toMatch(/Every run of the sweep failed; the first said: worker gone/);
  });

  it('cancel stops the pool and ignores anything that arrives later', async () => {
    const m = manualPool();
    const store = createSweepStore(m.pool);
    store.getState().start(base, loadDef);
    m.finish(0);
    store.getState().cancel();
    expect(store.getState().status).toBe('cancelled');
    expect(m.cancelled()).toBe(1);
    m.finish(1); // late
    await settle();
    expect(store.getState().status).toBe('cancelled');
    expect(store.getState().points.filter(Boolean)).toHaveLength(1);
    // A new start works.
    expect(store.getState().start(base, loadDef)).toBe(true);
    expect(store.getState().status).toBe('running');
  });
});

describe('sweep drafts', () => {
  it('turn every built-in sweep into editor fields and back unchanged', () => {
    for (const b of BUILTIN_SWEEPS) {
      const { def, errors } = defFromDraft(draftFromDef(b.def));
      expect(errors, b.name).toEqual([]);
      expect(sameDef(def, b.def), b.name).toBe(true);
    }
  });

  it('split a spec into fields', () => {
    expect(draftFromSpec('traffic.flows=1..10000:log:9')).toEqual({ path: 'traffic.flows', from: '1', to: '10000', points: '9', scale: 'log' });
    expect(draftFromSpec('nic.link_gbps=10..100')).toEqual({ path: 'nic.link_gbps', from: '10', to: '100', points: '', scale: 'lin' });
  });

  it('write a choice knob\u2019s range without scale or count', () => {
    const d = { ...defaultDraft(), path: 'lro.mode', from: 'off', to: 'sorted', points: '9', scale: 'log' as const };
    expect(specOf(d)).toBe('lro.mode=off..sorted');
  });

  it('read series rows as typed knob values, naming the mistakes', () => {
    expect(parseSeriesSet('lro.mode=sorted, lro.batch=1024', 's')).toEqual({ set: { 'lro.mode': 'sorted', 'lro.batch': 1024 }, errors: [] });
    expect(parseSeriesSet('lro.mod=sorted; oops', 's').errors).toEqual(['s: unknown knob "lro.mod"', 's: "oops" is not knob=value']);
    // Numbers follow the form's rule; spaces around "=" and the separators are the list's syntax.
    expect(parseSeriesSet('lro.batch = 1024 ; lro.entries=0x10', 's')).toEqual({ set: { 'lro.batch': 1024 }, errors: ['s: lro.entries: "0x10" is hexadecimal; give a decimal number; write 16'] });
    const d = { ...defaultDraft(), series: [{ label: '', set: 'sim.seed=2' }, { label: 'a', set: '' }, { label: 'a', set: '' }] };
    expect(defFromDraft(d).errors).toEqual(['series 1: give it a label (it names the line on the chart)', 'two series have the same label']);
  });

  it('offer a range around the current value when a knob is chosen', () => {
    expect(rangeFor(KNOB_BY_PATH.get('traffic.flows')!, 2000)).toEqual({ path: 'traffic.flows', from: '500', to: '8000', points: '5', scale: 'lin' });
    expect(rangeFor(KNOB_BY_PATH.get('queues.rx_desc')!, 1024)).toMatchObject({ from: '256', to: '4096', points: '' });
    expect(rangeFor(KNOB_BY_PATH.get('lro.mode')!, 'legacy')).toMatchObject({ from: 'off', to: 'sorted' });
    const r = rangeFor(KNOB_BY_PATH.get('traffic.load')!, 1);
    expect(planSweep(defaultScenario(), { spec: specOf({ ...defaultDraft(), ...r }), series: [], y: 'delivered_pps' }).ok).toBe(true);
  });
});
