import { describe, expect, it, vi } from 'vitest';
import { FRAMES_PER_RUN, Simulation, defaultScenario, setPath, synthTrace, type Scenario, type TraceData } from '../engine';
import type { EngineClient, FramesCallback, RunOptions, RunResult } from '../../workers/client';
import { createAppStore } from './store';
import { createTraceStore } from './trace';

/** Runs the scenario for real and keeps its trace for trace(), as the worker does. */
function engine() {
  let last: TraceData | null = null;
  const e: EngineClient = {
    run: vi.fn(async (s: Scenario, _on: FramesCallback, _o: RunOptions): Promise<RunResult> => {
      last = null;
      const sim = new Simulation(s);
      sim.advance(FRAMES_PER_RUN);
      last = sim.trace?.data() ?? null;
      return { kind: 'done', summary: sim.summary(0) };
    }),
    pause: vi.fn(async () => {}),
    resume: vi.fn(async () => {}),
    reset: vi.fn(async () => {}),
    warm: vi.fn(),
    dispose: vi.fn(),
    trace: vi.fn(async () => {
      const d = last;
      last = null;
      return d;
    }),
  };
  return { e };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const short = setPath(setPath(defaultScenario(), 'sim.duration_ms', 0.5), 'traffic.load', 0.2);

describe('trace store', () => {
  it('fetches the trace when a traced run is done, and drops it with the next run', async () => {
    const { e } = engine();
    const app = createAppStore(e, { framesPerSecond: 0 });
    const tr = createTraceStore(app, e);
    app.getState().loadScenario(setPath(short, 'sim.trace', true));
    await app.getState().run();
    await tick();
    const st = tr.getState();
    expect(st.status).toBe('ready');
    expect(st.runId).toBe(app.getState().runId);
    expect(st.data!.n).toBe(app.getState().summary!.trace!.events);
    expect(st.layout!.ncpu).toBe(st.data!.ncpu);
    expect(e.trace).toHaveBeenCalledTimes(1);

    app.getState().loadScenario(short); // untraced
    await app.getState().run();
    await tick();
    expect(tr.getState()).toMatchObject({ status: 'none', data: null });
    expect(e.trace).toHaveBeenCalledTimes(1); // no trace asked for an untraced run
    tr.dispose();
  });

  it('a reset drops the trace; a worker with nothing to give is an error the panel can show', async () => {
    const { e } = engine();
    const app = createAppStore(e, { framesPerSecond: 0 });
    const tr = createTraceStore(app, e);
    app.getState().loadScenario(setPath(short, 'sim.trace', true));
    await app.getState().run();
    await tick();
    expect(tr.getState().status).toBe('ready');
    app.getState().reset();
    expect(tr.getState().status).toBe('none');
    (e.trace as ReturnType<typeof vi.fn>).mockResolvedValueOnce(null);
    await app.getState().run();
    await tick();
    expect(tr.getState().status).toBe('error');
    expect(tr.getState().error).toMatch(/no trace to give/);
    tr.dispose();
  });

  it('show() asks the timeline for a moment, every time', () => {
    const { e } = engine();
    const tr = createTraceStore(createAppStore(e), e);
    tr.getState().load(synthTrace({ ncpu: 2, passes: 5 }));
    tr.getState().show({ fromNs: 1, toNs: 2, cpu: 0, ev: 3 });
    const a = tr.getState().focus!;
    tr.getState().show({ fromNs: 1, toNs: 2, cpu: 0, ev: 3 });
    expect(tr.getState().focus!.seq).toBe(a.seq + 1);
    tr.dispose();
  });
});
