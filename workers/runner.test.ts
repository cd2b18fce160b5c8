import { describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, defaultScenario, runScenario, setPath, type FrameBatch, type Scenario } from '../src/engine';
import type { RunProgress } from './protocol';
import { EngineRunner } from './runner';

/** A short run (0.2 ms simulated) so the tests are about the loop, not the engine's speed. */
const small: Scenario = setPath(defaultScenario(), 'sim.duration_ms', 0.2);

function collector() {
  const batches: FrameBatch[] = [];
  const progress: RunProgress[] = [];
  const times: number[] = [];
  const t0 = performance.now();
  const onFrames = (b: FrameBatch, p: RunProgress) => {
    batches.push(b);
    progress.push(p);
    times.push(performance.now() - t0);
  };
  const frames = () => batches.reduce((n, b) => n + b.columns.t_ms!.length, 0);
  return { batches, progress, times, onFrames, frames };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EngineRunner', () => {
  it('streams every frame once, in order, and ends with the same summary as a direct run', async () => {
    const r = new EngineRunner();
    const c = collector();
    const res = await r.start(small, c.onFrames, { framesPerSecond: 0 });
    expect(res.kind).toBe('done');
    let next = 0;
    for (const b of c.batches) {
      expect(b.start).toBe(next);
      next += b.columns.t_ms!.length;
    }
    expect(next).toBe(FRAMES_PER_RUN);
    // The run's series (labels and units) come with the first batch only.
    expect(c.progress[0]!.series?.map((s) => s.key)).toEqual(Object.keys(c.batches[0]!.columns));
    expect(c.progress.slice(1).every((p) => p.series === undefined)).toBe(true);
    expect(c.progress.at(-1)).toMatchObject({ frames: FRAMES_PER_RUN, totalFrames: FRAMES_PER_RUN, totalMs: 0.2 });
    const direct = runScenario(small);
    if (res.kind !== 'done') throw new Error('not done');
    expect({ ...res.summary, wall_ms: 0 }).toEqual({ ...direct.summary, wall_ms: 0 });
    const tx = new Float64Array(FRAMES_PER_RUN);
    for (const b of c.batches) tx.set(b.columns.tx_pps!, b.start);
    expect(Array.from(tx)).toEqual(Array.from(direct.frames.columns.tx_pps!));
  });

  it('paces frames to framesPerSecond and batches them', async () => {
    const r = new EngineRunner();
    const c = collector();
    const t0 = performance.now();
    const res = await r.start(small, c.onFrames, { framesPerSecond: 1000, maxBatchesPerSecond: 50 });
    const took = performance.now() - t0;
    expect(res.kind).toBe('done');
    expect(took).toBeGreaterThanOrEqual(195); // 200 frames at 1000/s
    expect(c.batches.length).toBeLessThanOrEqual(Math.ceil((took / 1000) * 50) + 2);
    expect(c.batches.length).toBeGreaterThan(3);
  });

  it('pauses without delivering frames and resumes to completion', async () => {
    const r = new EngineRunner();
    const c = collector();
    const run = r.start(small, c.onFrames, { framesPerSecond: 400, maxBatchesPerSecond: 100 });
    await sleep(100);
    r.pause();
    await sleep(30); // let an in-flight batch land
    const frozen = c.frames();
    expect(frozen).toBeGreaterThan(0);
    expect(frozen).toBeLessThan(FRAMES_PER_RUN);
    await sleep(250);
    expect(c.frames()).toBe(frozen);
    r.resume();
    const res = await run;
    expect(res.kind).toBe('done');
    expect(c.frames()).toBe(FRAMES_PER_RUN);
    // Paused and pacing time do not count as engine time.
    if (res.kind === 'done') expect(res.summary.wall_ms).toBeLessThan(250);
  });

  it('reset cancels the run', async () => {
    const r = new EngineRunner();
    const c = collector();
    const run = r.start(small, c.onFrames, { framesPerSecond: 200 });
    await sleep(50);
    r.reset();
    expect(await run).toEqual({ kind: 'cancelled' });
    const n = c.frames();
    await sleep(50);
    expect(c.frames()).toBe(n);
  });

  it('reset while paused cancels too', async () => {
    const r = new EngineRunner();
    const run = r.start(small, () => {}, { framesPerSecond: 200 });
    await sleep(20);
    r.pause();
    await sleep(20);
    r.reset();
    expect(await run).toEqual({ kind: 'cancelled' });
  });

  it('a new start cancels the previous run', async () => {
    const r = new EngineRunner();
    const first = r.start(small, () => {}, { framesPerSecond: 100 });
    await sleep(20);
    const second = r.start(small, () => {}, { framesPerSecond: 0 });
    expect(await first).toEqual({ kind: 'cancelled' });
    expect((await second).kind).toBe('done');
  });

  it('reports an invalid scenario as an error result, not an exception', async () => {
    const r = new EngineRunner();
    const res = await r.start(setPath(small, 'traffic.load', 7), () => {}, { framesPerSecond: 0 });
    expect(res.kind).toBe('error');
    if (res.kind === 'error') expect(res.message).toMatch(/traffic\.load/);
    const junk = await r.start(null as unknown as Scenario, () => {}, { framesPerSecond: 0 });
    expect(junk.kind).toBe('error');
  });

  it('reports a failing frame sink as an error result', async () => {
    const r = new EngineRunner();
    const res = await r.start(small, () => {
      throw new Error('page gone');
    }, { framesPerSecond: 0 });
    expect(res).toEqual({ kind: 'error', message: 'The page stopped accepting results: page gone' });
  });

  it('pause, resume and reset are harmless when idle', () => {
    const r = new EngineRunner();
    r.pause();
    r.resume();
    r.reset();
    expect(r.ping()).toBe('pong');
  });
});

describe('EngineRunner memory budget', () => {
  it('stops a scenario whose state is over the budget before the first frame, saying how much it needs', async () => {
    const big = setPath(setPath(small, 'traffic.flows', 500_000), 'queues.rx_desc', 4096);
    const r = new EngineRunner();
    const c = collector();
    const res = await r.start(big, c.onFrames, { framesPerSecond: 0, memoryBudgetMib: 1 });
    expect(res.kind).toBe('error');
    expect(res.kind === 'error' && res.message).toMatch(/needs about \d+\.\d MiB of simulation state \(.*\); the memory budget is 1 MiB\..*\?budget_mb=N \(MiB\)/);
    expect(c.frames()).toBe(0);
    // the same scenario runs under the default budget, and so does runToEnd
    const ok = await r.runToEnd(big);
    expect(ok.kind).toBe('done');
    const refused = await r.runToEnd(big, { memoryBudgetMib: 1 });
    expect(refused.kind).toBe('error');
  });
});
