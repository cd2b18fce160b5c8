/**
 * The sweep pool in Node, with in-process channel workers: the same points give bit-identical
 * summaries with 1 worker or 3 (issue 7), results land at their index whatever order they finish
 * in, cancel() stops at once, and a worker that crashes, hangs or vanishes fails only its point.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  defaultScenario,
  findBuiltinSweep,
  findPreset,
  planSweep,
  presetScenario,
  runScenario,
  setPath,
  type Scenario,
  type Summary,
} from '../src/engine';
import { WORKER_GONE_MESSAGE } from './client';
import { createEnginePool, defaultPoolSize, poolSizeFromSearch, type EnginePool, type PointResult, type PoolProgress } from './pool';
import { DeadWorker, FakeLocks, channelWorker, comlinkCall, small, type ChannelWorker } from './testing';

let pools: EnginePool[] = [];
afterEach(() => {
  pools.forEach((p) => p.dispose());
  pools = [];
  vi.unstubAllGlobals();
});

function pool(opts: Parameters<typeof createEnginePool>[0]): EnginePool {
  const p = createEnginePool({ budgetMs: 0, ...opts });
  pools.push(p);
  return p;
}

/** A summary as JSON without its wall-clock time: what must be identical between runs. */
const canonical = (s: Summary) => JSON.stringify({ ...s, wall_ms: 0 });

function summaries(results: readonly (PointResult | undefined)[]): string[] {
  return results.map((r) => {
    if (r?.kind !== 'done') throw new Error(`point failed: ${r ? r.message : 'no result'}`);
    return canonical(r.summary);
  });
}

/** The built-in LRO flows sweep, shortened to 1 ms per run: 27 runs, 3 series. */
function lroSweep(): Scenario[] {
  const b = findBuiltinSweep('lro-flows')!;
  const base = setPath(presetScenario(findPreset(b.preset!)!), 'sim.duration_ms', 1);
  const plan = planSweep(base, b.def);
  if (!plan.ok) throw new Error(plan.errors.join('; '));
  return plan.value.runs.map((r) => r.scenario);
}

/** A run long enough to still be going when the test acts (seconds of engine time). */
const long = setPath(defaultScenario(), 'sim.duration_ms', 500);

describe('createEnginePool', () => {
  it('gives bit-identical summaries with 1 worker and with 3, equal to a direct run', async () => {
    const scenarios = lroSweep();
    const one = await pool({ size: 1, makeWorker: () => channelWorker() }).run(scenarios);
    const threePool = pool({ size: 3, makeWorker: () => channelWorker() });
    const seen: PoolProgress[] = [];
    const three = await threePool.run(scenarios, { onProgress: (p) => seen.push(p) });
    expect(one.kind).toBe('done');
    expect(three.kind).toBe('done');
    expect(summaries(three.results)).toEqual(summaries(one.results));
    expect(threePool.alive()).toBe(3);
    expect(Math.max(...seen.map((p) => p.running))).toBe(3);
    // And the same as the engine run directly here, point by point (a few, for time).
    for (const i of [0, 13, 26]) {
      expect(summaries([three.results[i]])[0]).toBe(canonical(runScenario(scenarios[i]!).summary));
    }
  });

  it('stores each result at its point whatever order the points finish in', async () => {
    // Point 0 takes far longer than 1 and 2, so they finish first.
    const scenarios = [setPath(small, 'sim.duration_ms', 20), setPath(small, 'sim.seed', 2), setPath(small, 'sim.seed', 3)];
    const order: number[] = [];
    const out = await pool({ size: 2, makeWorker: () => channelWorker() }).run(scenarios, { onResult: (i) => order.push(i) });
    expect(out.kind).toBe('done');
    expect(order[0]).not.toBe(0);
    expect([...order].sort()).toEqual([0, 1, 2]);
    out.results.forEach((r, i) => {
      expect(r?.kind).toBe('done');
      if (r?.kind === 'done') expect(r.summary.scenario).toEqual(scenarios[i]);
    });
  });

  it('reports progress: every point once, never more workers than the pool has', async () => {
    const seen: PoolProgress[] = [];
    const out = await pool({ size: 2, makeWorker: () => channelWorker() }).run(
      Array.from({ length: 5 }, (_, i) => setPath(small, 'sim.seed', i + 1)),
      { onProgress: (p) => seen.push(p) },
    );
    expect(out.kind).toBe('done');
    expect(seen.at(-1)).toEqual({ done: 5, total: 5, failed: 0, running: 0 });
    expect(seen.every((p) => p.running <= 2 && p.total === 5)).toBe(true);
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
  });

  it('an empty list is done at once', async () => {
    expect(await pool({ size: 2, makeWorker: () => channelWorker() }).run([])).toEqual({ kind: 'done', results: [] });
  });

  it('cancel stops promptly: busy workers are terminated, finished points kept, the pool stays usable', async () => {
    const made: ChannelWorker[] = [];
    const terminated = new Set<ChannelWorker>();
    const p = pool({
      size: 2,
      makeWorker: () => {
        const w = channelWorker();
        const term = w.terminate.bind(w);
        w.terminate = () => {
          terminated.add(w);
          term();
        };
        made.push(w);
        return w;
      },
    });
    const results: number[] = [];
    const run = p.run([small, long, long, long], { onResult: (i) => results.push(i) });
    await vi.waitFor(() => expect(results).toEqual([0]));
    const t0 = performance.now();
    p.cancel();
    const out = await run;
    expect(performance.now() - t0).toBeLessThan(100);
    expect(out.kind).toBe('cancelled');
    expect(out.results[0]?.kind).toBe('done');
    expect(out.results.slice(1)).toEqual([undefined, undefined, undefined]);
    expect(terminated.size).toBe(2); // both were busy with a long point
    expect(p.alive()).toBe(0);
    // The next run gets fresh workers and completes.
    const again = await p.run([small, setPath(small, 'sim.seed', 9)]);
    expect(again.kind).toBe('done');
    expect(made.length).toBe(4);
  });

  it('a new run cancels the one in progress', async () => {
    const p = pool({ size: 1, makeWorker: () => channelWorker() });
    const first = p.run([long]);
    const second = p.run([small]);
    expect((await first).kind).toBe('cancelled');
    expect((await second).kind).toBe('done');
  });

  it('a worker that crashes fails only its point, is replaced, and the sweep goes on', async () => {
    const made: ChannelWorker[] = [];
    const crashOn = 666;
    const p = pool({
      size: 2,
      makeWorker: () => {
        const w = channelWorker((msg, self) => {
          const call = comlinkCall(msg);
          if (call?.method !== 'runToEnd' || (call.args[0] as Scenario).sim.seed !== crashOn) return false;
          setTimeout(() => self.crash('out of memory'), 5);
          return true;
        });
        made.push(w);
        return w;
      },
    });
    const scenarios = [1, crashOn, 3, 4, 5].map((seed) => setPath(small, 'sim.seed', seed));
    const out = await p.run(scenarios);
    expect(out.kind).toBe('done');
    expect(out.results.map((r) => r?.kind)).toEqual(['done', 'error', 'done', 'done', 'done']);
    const bad = out.results[1];
    if (bad?.kind === 'error') expect(bad.message).toMatch(/crashed: out of memory\. It was replaced/);
    expect(made.length).toBe(3);
    expect(p.alive()).toBe(2);
  });

  it('a worker that does not stop at its budget is terminated and its point fails', async () => {
    const made: DeadWorker[] = [];
    const p = createEnginePool({
      size: 1,
      budgetMs: 60,
      budgetGraceMs: 40,
      makeWorker: () => {
        const w = new DeadWorker();
        made.push(w);
        return w as unknown as Worker;
      },
    });
    pools.push(p);
    const t0 = performance.now();
    const out = await p.run([small, small]);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect(out.results.map((r) => r?.kind)).toEqual(['error', 'error']);
    const r = out.results[0];
    if (r?.kind === 'error') expect(r.message).toMatch(/wall-time budget of 60 ms\..*did not stop by itself and was replaced/);
    expect(made.map((w) => w.terminated)).toEqual([true, true]);
  });

  it('a worker that hangs (no ?budget_ms) fails its point through the heartbeat; the others run', async () => {
    let first = true;
    const p = createEnginePool({
      size: 1,
      heartbeat: { intervalMs: 20, hangMs: 150, stallMs: 2000 },
      makeWorker: () => {
        if (!first) return channelWorker();
        first = false;
        return new DeadWorker() as unknown as Worker;
      },
    });
    pools.push(p);
    const out = await p.run([small, small]);
    expect(out.results.map((r) => r?.kind)).toEqual(['error', 'done']);
    const r = out.results[0];
    if (r?.kind === 'error') expect(r.message).toBe('The simulation worker stopped answering: no reply for 0.15 s (an endless loop, or an engine step that never returns). It was replaced; the other points went on.');
  });

  it('takes its memory budget from its options, as the run client does', async () => {
    const big = setPath(setPath(small, 'traffic.flows', 1_000_000), 'queues.rx_desc', 8192);
    const out = await pool({ size: 1, memoryBudgetMib: 4, makeWorker: () => channelWorker() }).run([big, small]);
    expect(out.results.map((r) => r?.kind)).toEqual(['error', 'done']);
    const r = out.results[0];
    if (r?.kind === 'error') expect(r.message).toMatch(/the memory budget is 4 MiB/);
  });

  it('the worker itself stops a point over its budget; the others run', async () => {
    const out = await pool({ size: 1, makeWorker: () => channelWorker() }).run([long, small], { budgetMs: 100 });
    expect(out.results.map((r) => r?.kind)).toEqual(['error', 'done']);
    const r = out.results[0];
    if (r?.kind === 'error') {
      expect(r.message).toMatch(/wall-time budget of 100 ms/);
      expect(r.message).not.toMatch(/did not stop by itself/);
    }
  });

  it('a worker that ends without an error event (its Web Lock is released) fails its point and is replaced', async () => {
    const locks = new FakeLocks();
    vi.stubGlobal('navigator', { locks });
    const made: Worker[] = [];
    const p = pool({
      size: 1,
      makeWorker: () => {
        const w = channelWorker();
        made.push(w);
        return w;
      },
    });
    const run = p.run([long, small]);
    await vi.waitFor(() => expect(locks.names().length).toBe(1));
    const name = locks.names()[0]!;
    await vi.waitFor(() => expect(locks.waiters(name)).toBe(1));
    locks.vanish(name);
    const out = await run;
    expect(out.results[0]).toEqual({ kind: 'error', message: WORKER_GONE_MESSAGE });
    expect(out.results[1]?.kind).toBe('done');
    expect(made.length).toBe(2);
  });
});

describe('pool size', () => {
  it('is one less than the cores, at least 1', () => {
    expect(defaultPoolSize(8)).toBe(7);
    expect(defaultPoolSize(2)).toBe(1);
    expect(defaultPoolSize(1)).toBe(1);
    expect(defaultPoolSize(undefined)).toBe(1);
    expect(defaultPoolSize(NaN)).toBe(1);
    expect(defaultPoolSize(512)).toBe(32);
  });

  it('reads ?pool=N from a query string', () => {
    expect(poolSizeFromSearch('?fps=0&pool=3')).toBe(3);
    expect(poolSizeFromSearch('?pool=1')).toBe(1);
    for (const bad of ['', '?pool=', '?pool=0', '?pool=-2', '?pool=1.5', '?pool=abc', '?pool=33', '?fps=0']) {
      expect(poolSizeFromSearch(bad), bad).toBeUndefined();
    }
  });

  it('takes the size option over everything', () => {
    const p = createEnginePool({ size: 4, budgetMs: 0, makeWorker: () => channelWorker() });
    pools.push(p);
    expect(p.size).toBe(4);
    expect(p.alive()).toBe(0); // workers are made on demand
  });
});
