import { describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, defaultScenario, runScenario, setPath, type Summary } from '../engine';
import { batch, fakeEngine, tick } from './testEngine';
import {
  LONG_RUN_MS,
  PROBE_FROM_PACKETS,
  clockMs,
  durationForTarget,
  estimateFromProbe,
  formatDuration,
  offeredPackets,
  probeScenario,
  resumeClock,
  runPace,
  startClock,
  stopClock,
} from './longRun';
import { createAppStore } from './store';

const small = runScenario(setPath(defaultScenario(), 'sim.duration_ms', 0.1)).summary;
/** A trial run's summary: `simMs` simulated in `wallMs` of engine time. */
const trial = (simMs: number, wallMs: number): Summary => ({ ...small, simulated_ms: simMs, wall_ms: wallMs });
/** The default forwarding scenario for `ms` simulated (14.88 Mpps offered). */
const longScenario = (ms: number) => setPath(defaultScenario(), 'sim.duration_ms', ms);

describe('estimates', () => {
  it('counts offered packets from load, line rate and duration', () => {
    const s = defaultScenario(); // 10G, 64-byte frames, load 1, 20 ms
    expect(offeredPackets(s)).toBeCloseTo(14_880_952 * 0.02, 0);
    expect(offeredPackets(setPath(s, 'traffic.load', 0.5))).toBeCloseTo(14_880_952 * 0.01, 0);
  });

  it('tries out only scenarios that offer many packets, on a short stretch of the same settings', () => {
    expect(probeScenario(defaultScenario())).toBeNull();
    const big = longScenario(10_000); // 149 M packets
    expect(offeredPackets(big)).toBeGreaterThan(PROBE_FROM_PACKETS);
    const p = probeScenario(big)!;
    expect(p).not.toBeNull();
    expect(offeredPackets(p)).toBeGreaterThan(2e5);
    expect(offeredPackets(p)).toBeLessThan(4e5);
    expect({ ...p, sim: { ...p.sim, duration_ms: 0 } }).toEqual({ ...big, sim: { ...big.sim, duration_ms: 0 } });
  });

  it('scales the trial to the run, and shortens to about the limit, never longer', () => {
    const e = estimateFromProbe(10_000, 20, 150); // 20 ms took 150 ms: 10 s would take 75 s
    expect(e.estimateMs).toBeCloseTo(75_000, 6);
    const d = durationForTarget(e);
    expect(d).toBeLessThanOrEqual(8000);
    expect(d).toBeGreaterThan(7000);
    expect(durationForTarget(estimateFromProbe(100, 100, 10))).toBe(100); // already short
  });

  it('gives percent done, the real-time factor and the time left', () => {
    expect(runPace(0, 20, 500)).toEqual({ fraction: 0, realTimeFactor: null, etaMs: null });
    const p = runPace(5, 20, 1000);
    expect(p.fraction).toBe(0.25);
    expect(p.realTimeFactor).toBe(0.005);
    expect(p.etaMs).toBe(3000);
  });

  it('a clock that pause stops and resume restarts', () => {
    let c = startClock(100);
    expect(clockMs(c, 600)).toBe(500);
    c = stopClock(c, 600);
    expect(clockMs(c, 5000)).toBe(500);
    c = resumeClock(c, 5000);
    expect(clockMs(c, 5250)).toBe(750);
  });

  it('says durations as people do', () => {
    expect(formatDuration(400)).toBe('under a second');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(200_000)).toBe('3 min 20 s');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
    expect(formatDuration(Infinity)).toBe('a very long time');
  });
});

describe('store: a new run drops the old figures at once', () => {
  it('frames, summary and error are gone the moment Run is pressed', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    const first = store.getState().run();
    calls[0]!.onFrames(batch(0, 5), { frames: 5, totalFrames: FRAMES_PER_RUN, simulatedMs: 1, totalMs: 20 });
    calls[0]!.finish({ kind: 'done', summary: small });
    await first;
    expect(store.getState().summary).not.toBeNull();
    void store.getState().run();
    const st = store.getState();
    expect(st.status).toBe('running');
    expect(st.summary).toBeNull();
    expect(st.frames.count).toBe(0);
    expect(st.progress?.simulatedMs).toBe(0);
  });
});

describe('store: long runs ask first', () => {
  it('a short scenario runs at once, with no trial', async () => {
    const { engine, calls } = fakeEngine();
    void createAppStore(engine).getState().run();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.scenario).toEqual(defaultScenario());
  });

  it('a big scenario is timed by a trial run; under a minute it then runs', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    store.getState().loadScenario(longScenario(2000)); // 30 M packets
    const done = store.getState().run();
    expect(store.getState().status).toBe('checking');
    expect(calls[0]!.scenario.sim.duration_ms).toBeLessThan(2000);
    expect(calls[0]!.opts.framesPerSecond).toBe(0);
    calls[0]!.finish({ kind: 'done', summary: trial(calls[0]!.scenario.sim.duration_ms, 100) });
    await tick();
    expect(store.getState().status).toBe('running');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.scenario.sim.duration_ms).toBe(2000);
    expect(store.getState().clock).not.toBeNull();
    calls[1]!.finish({ kind: 'done', summary: small });
    await done;
    expect(store.getState().status).toBe('done');
  });

  it('over a minute it waits for an answer: cancel runs nothing', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    store.getState().loadScenario(longScenario(100_000));
    const done = store.getState().run();
    const probeMs = calls[0]!.scenario.sim.duration_ms;
    calls[0]!.finish({ kind: 'done', summary: trial(probeMs, 50) });
    await done;
    const st = store.getState();
    expect(st.status).toBe('confirm');
    expect(st.longRun!.estimateMs).toBeCloseTo((50 * 100_000) / probeMs, 6);
    expect(st.longRun!.estimateMs).toBeGreaterThan(LONG_RUN_MS);
    store.getState().answerLongRun('cancel');
    expect(store.getState().status).toBe('idle');
    expect(calls).toHaveLength(1);
  });

  it('"run" runs it as it is; "shorten" sets the duration the question named, then runs', async () => {
    for (const answer of ['run', 'shorten'] as const) {
      const { engine, calls } = fakeEngine();
      const store = createAppStore(engine);
      store.getState().loadScenario(longScenario(100_000));
      const done = store.getState().run();
      calls[0]!.finish({ kind: 'done', summary: trial(calls[0]!.scenario.sim.duration_ms, 50) });
      await done;
      const est = store.getState().longRun!;
      store.getState().answerLongRun(answer);
      expect(store.getState().status).toBe('running');
      expect(calls).toHaveLength(2);
      const ms = answer === 'run' ? 100_000 : durationForTarget(est);
      expect(calls[1]!.scenario.sim.duration_ms).toBe(ms);
      expect(store.getState().scenario.sim.duration_ms).toBe(ms);
      expect(store.getState().fields['sim.duration_ms']!.text).toBe(String(ms));
    }
  });

  it('Reset during the trial stops it; the trial\'s late answer changes nothing', async () => {
    const { engine, calls } = fakeEngine();
    const store = createAppStore(engine);
    store.getState().loadScenario(longScenario(100_000));
    const done = store.getState().run();
    store.getState().reset();
    calls[0]!.finish({ kind: 'done', summary: trial(1, 50) });
    await done;
    expect(store.getState().status).toBe('idle');
    expect(store.getState().longRun).toBeNull();
    expect(calls).toHaveLength(1);
  });

  it('the run clock stops while paused', async () => {
    let t = 1000;
    const { engine } = fakeEngine();
    const store = createAppStore(engine, { now: () => t });
    void store.getState().run();
    t = 1400;
    store.getState().pause();
    t = 9000;
    store.getState().resume();
    t = 9100;
    expect(clockMs(store.getState().clock!, t)).toBe(500);
  });
});
