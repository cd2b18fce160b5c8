import { describe, expect, it, vi } from 'vitest';
import { FRAMES_PER_RUN, Simulation, decodeLink, defaultScenario, encodeLink, setPath, type Scenario } from '../engine';
import type { EngineClient, FramesCallback, RunOptions, RunResult } from '../../workers/client';
import { createCompareStore, sameScenario } from './compare';
import { createAppStore } from './store';

/** An engine that really runs the scenario (in a few batches, like the worker), or waits to be told. */
function realEngine() {
  const made: { engine: EngineClient; opts: RunOptions[] }[] = [];
  const make = () => {
    const opts: RunOptions[] = [];
    const engine: EngineClient = {
      run: vi.fn(async (scenario: Scenario, onFrames: FramesCallback, o: RunOptions): Promise<RunResult> => {
        opts.push(o);
        const t0 = performance.now();
        const sim = new Simulation(scenario);
        let first = true;
        while (!sim.done) {
          const batch = sim.advance(37);
          await onFrames(batch, { frames: sim.frames.length, totalFrames: FRAMES_PER_RUN, simulatedMs: sim.simulatedMs, totalMs: scenario.sim.duration_ms, ...(first ? { series: sim.series } : {}) });
          first = false;
          await Promise.resolve();
        }
        return { kind: 'done', summary: sim.summary(performance.now() - t0) };
      }),
      pause: vi.fn(async () => {}),
      resume: vi.fn(async () => {}),
      reset: vi.fn(async () => {}),
      warm: vi.fn(),
      dispose: vi.fn(),
    };
    made.push({ engine, opts });
    return engine;
  };
  return { make, made };
}

/** An engine whose runs end only when the test says so. */
function heldEngine() {
  const runs: { scenario: Scenario; finish: (r: RunResult) => void; engine: EngineClient }[] = [];
  const make = () => {
    const engine: EngineClient = {
      run: vi.fn((scenario: Scenario) => new Promise<RunResult>((finish) => runs.push({ scenario, finish, engine }))),
      pause: vi.fn(async () => {}),
      resume: vi.fn(async () => {}),
      reset: vi.fn(async () => {}),
      warm: vi.fn(),
      dispose: vi.fn(() => {
        const r = runs.find((x) => x.engine === engine);
        r?.finish({ kind: 'cancelled' });
      }),
    };
    return engine;
  };
  return { make, runs };
}

const short = (s: Scenario, seed = 1) => setPath(setPath(s, 'sim.duration_ms', 0.5), 'sim.seed', seed);
const flush = () => new Promise((r) => setTimeout(r, 0));

/** The summary without the one field that differs between identical runs. */
function figures(s: { wall_ms: number } | null | undefined) {
  if (!s) return s;
  const { wall_ms: _wall, ...rest } = s;
  return rest;
}

describe('compare store', () => {
  it('pins the finished run as A: its figures and frames, and the link carries its scenario', async () => {
    const main = realEngine();
    const app = createAppStore(main.make(), { framesPerSecond: 0 });
    const side = realEngine();
    const cmp = createCompareStore(app, side.make);
    expect(cmp.getState().pin()).toBe(false); // nothing finished yet
    app.getState().loadScenario(short(defaultScenario()));
    await app.getState().run();
    expect(app.getState().status).toBe('done');
    expect(cmp.getState().pin()).toBe(true);
    const b = cmp.getState().baseline!;
    expect(b.source).toBe('pinned');
    expect(b.status).toBe('done');
    expect(b.summary).toBe(app.getState().summary);
    expect(b.frames.count).toBe(FRAMES_PER_RUN);
    expect(sameScenario(app.getState().baselineScenario!, b.scenario)).toBe(true);
    const d = decodeLink(app.getState().shareHash);
    expect(d.ok && !d.empty && d.state.baseline && sameScenario(d.state.baseline, b.scenario)).toBe(true);
    expect(side.made).toHaveLength(0); // pinning never re-runs

    cmp.getState().unpin();
    expect(cmp.getState().baseline).toBeNull();
    expect(app.getState().baselineScenario).toBeNull();
    cmp.dispose();
  });

  it('repeats a linked baseline on its own engine, at full speed, and gets the pinned figures back', async () => {
    const scenarioA = short(defaultScenario(), 7);
    // The page that pinned A.
    const app1 = createAppStore(realEngine().make(), { framesPerSecond: 0 });
    const cmp1 = createCompareStore(app1, realEngine().make);
    app1.getState().loadScenario(scenarioA);
    await app1.getState().run();
    cmp1.getState().pin();
    app1.getState().setKnobText('traffic.load', '0.5');
    const link = app1.getState().shareHash;
    const pinned = cmp1.getState().baseline!;

    // A new page opened from the link.
    const main = realEngine();
    const app2 = createAppStore(main.make(), { framesPerSecond: 0 });
    const side = realEngine();
    const cmp2 = createCompareStore(app2, side.make);
    app2.getState().applyLink(link);
    expect(app2.getState().scenario.traffic.load).toBe(0.5);
    expect(cmp2.getState().baseline?.status).toBe('running');
    expect(cmp2.getState().baseline?.source).toBe('link');
    await vi.waitFor(() => expect(cmp2.getState().baseline?.status).toBe('done'));
    const again = cmp2.getState().baseline!;
    expect(figures(again.summary)).toEqual(figures(pinned.summary));
    expect(again.frames.count).toBe(FRAMES_PER_RUN);
    expect(Object.keys(again.frames.columns).sort()).toEqual(Object.keys(pinned.frames.columns).sort());
    for (const k of Object.keys(pinned.frames.columns)) expect(Array.from(again.frames.columns[k]!), k).toEqual(Array.from(pinned.frames.columns[k]!));
    expect(again.series).toEqual(pinned.series);
    expect(side.made).toHaveLength(1);
    expect(side.made[0]!.opts[0]!.framesPerSecond).toBe(0);
    expect(side.made[0]!.engine.dispose).toHaveBeenCalled(); // the worker is let go once done
    expect(main.made[0]!.engine.run).not.toHaveBeenCalled(); // the main engine is untouched
    cmp1.dispose();
    cmp2.dispose();
  });

  it('ignores a repeat that was unpinned or replaced before it ended', async () => {
    const app = createAppStore(realEngine().make(), { framesPerSecond: 0 });
    const side = heldEngine();
    const cmp = createCompareStore(app, side.make);
    const a1 = short(defaultScenario(), 1);
    const a2 = short(defaultScenario(), 2);
    app.getState().applyLink(encodeLink({ scenario: defaultScenario(), baseline: a1 }));
    expect(side.runs).toHaveLength(1);
    app.getState().applyLink(encodeLink({ scenario: defaultScenario(), baseline: a2 }));
    expect(side.runs).toHaveLength(2);
    expect(side.runs[0]!.engine.dispose).toHaveBeenCalled();
    expect(cmp.getState().baseline?.scenario.sim.seed).toBe(2);
    // The first repeat's late result does not land.
    side.runs[0]!.finish({ kind: 'error', message: 'late' });
    await flush();
    expect(cmp.getState().baseline?.status).toBe('running');
    cmp.getState().unpin();
    expect(cmp.getState().baseline).toBeNull();
    expect(side.runs[1]!.engine.dispose).toHaveBeenCalled();
    cmp.dispose();
  });

  it('reports a failed repeat and retries it', async () => {
    const app = createAppStore(realEngine().make(), { framesPerSecond: 0 });
    const side = heldEngine();
    const cmp = createCompareStore(app, side.make);
    app.getState().applyLink(encodeLink({ scenario: defaultScenario(), baseline: short(defaultScenario()) }));
    side.runs[0]!.finish({ kind: 'error', message: 'The simulation worker crashed.' });
    await flush();
    expect(cmp.getState().baseline).toMatchObject({ status: 'error', error: 'The simulation worker crashed.' });
    cmp.getState().retry();
    expect(side.runs).toHaveLength(2);
    expect(cmp.getState().baseline?.status).toBe('running');
    cmp.dispose();
  });
});
