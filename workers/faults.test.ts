/**
 * Faults around the engine Worker: a run over its wall-time budget stops with a message (in the
 * worker, or by the client's backstop when the worker cannot answer), paused time does not count,
 * and a worker that disappears without an error event is noticed (through the Web Lock it holds)
 * and replaced. The browser side of the same is e2e/faults.spec.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FRAMES_PER_RUN } from '../src/engine';
import { WORKER_GONE_MESSAGE, budgetFromSearch, createEngineClient, memoryBudgetFromSearch, type EngineClient } from './client';
import { EngineRunner } from './runner';
import { DeadWorker, FakeLocks, channelWorker, comlinkCall, sleep, small } from './testing';

let clients: EngineClient[] = [];
afterEach(() => {
  clients.forEach((c) => c.dispose());
  clients = [];
  vi.unstubAllGlobals();
});

describe('wall-time budget in the runner', () => {
  it('stops a run that outlasts its budget, with a message saying how far it got', async () => {
    const r = new EngineRunner();
    let frames = 0;
    const t0 = performance.now();
    // 200 frames at 100 frames/s take 2 s; the budget is 300 ms.
    const res = await r.start(small, (b) => void (frames += b.columns.t_ms!.length), { framesPerSecond: 100, budgetMs: 300 });
    const took = performance.now() - t0;
    expect(res.kind).toBe('error');
    if (res.kind === 'error') expect(res.message).toMatch(/^The run was stopped at [\d.]+ of 0\.2 ms simulated: it used up its wall-time budget of 300 ms\./);
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2000);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(FRAMES_PER_RUN);
    // The runner is usable straight away.
    expect((await r.start(small, () => {}, { framesPerSecond: 0, budgetMs: 5000 })).kind).toBe('done');
  });

  it('does not count paused time', async () => {
    const r = new EngineRunner();
    // 200 frames at 1000 frames/s: about 200 ms of running time, within a 800 ms budget even
    // with a 1000 ms pause in the middle.
    const run = r.start(small, () => {}, { framesPerSecond: 1000, budgetMs: 800 });
    await sleep(60);
    r.pause();
    await sleep(1000);
    r.resume();
    expect((await run).kind).toBe('done');
  });

  it('no budget, or 0, means no limit', async () => {
    const r = new EngineRunner();
    expect((await r.start(small, () => {}, { framesPerSecond: 400, budgetMs: 0 })).kind).toBe('done');
  });
});

describe('wall-time budget in the client', () => {
  it('passes the page budget to the worker, which stops the run itself', async () => {
    const client = createEngineClient(channelWorker, { budgetMs: 150 });
    clients.push(client);
    const res = await client.run(small, () => {}, { framesPerSecond: 100 });
    expect(res.kind).toBe('error');
    if (res.kind === 'error') {
      expect(res.message).toMatch(/wall-time budget of 150 ms/);
      expect(res.message).not.toMatch(/did not stop by itself/);
    }
    // A run's own budget wins over the page's.
    expect((await client.run(small, () => {}, { framesPerSecond: 0, budgetMs: 10_000 })).kind).toBe('done');
  });

  it('terminates and replaces a worker that does not stop by itself', async () => {
    const made: DeadWorker[] = [];
    const client = createEngineClient(() => {
      const w = new DeadWorker();
      made.push(w);
      return w as unknown as Worker;
    }, { budgetMs: 100, budgetGraceMs: 50 });
    clients.push(client);
    const t0 = performance.now();
    const res = await client.run(small, () => {}, { framesPerSecond: 0 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(res.kind).toBe('error');
    if (res.kind === 'error') expect(res.message).toMatch(/wall-time budget of 100 ms\..*did not stop by itself and was replaced/);
    expect(made[0]!.terminated).toBe(true);
    void client.run(small, () => {}, { framesPerSecond: 0, budgetMs: 0 });
    expect(made.length).toBe(2);
  });

  it('the backstop does not count time while paused', async () => {
    const client = createEngineClient(() => new DeadWorker() as unknown as Worker, { budgetMs: 100, budgetGraceMs: 50 });
    clients.push(client);
    let settled = false;
    const run = client.run(small, () => {}, { framesPerSecond: 0 }).then((r) => {
      settled = true;
      return r;
    });
    await sleep(40);
    void client.pause();
    await sleep(300);
    expect(settled).toBe(false);
    void client.resume();
    expect((await run).kind).toBe('error');
  });

  it('a run that ends in time clears the backstop', async () => {
    const made: Worker[] = [];
    const client = createEngineClient(() => {
      const w = channelWorker();
      made.push(w);
      return w;
    }, { budgetMs: 5000, budgetGraceMs: 10 });
    clients.push(client);
    expect((await client.run(small, () => {}, { framesPerSecond: 0 })).kind).toBe('done');
    await sleep(50);
    expect((await client.run(small, () => {}, { framesPerSecond: 0 })).kind).toBe('done');
    expect(made.length).toBe(1);
  });

  it('reads ?budget_ms= from a query string', () => {
    expect(budgetFromSearch('?fps=0&budget_ms=2500')).toBe(2500);
    for (const bad of ['', '?budget_ms=', '?budget_ms=0', '?budget_ms=-5', '?budget_ms=abc', '?budget_ms=Infinity', '?fps=0']) {
      expect(budgetFromSearch(bad), bad).toBeUndefined();
    }
  });
});

describe('a worker that ends without an error event', () => {
  it('holds a Web Lock for its life; when it is gone the run fails and the worker is replaced', async () => {
    const locks = new FakeLocks();
    vi.stubGlobal('navigator', { locks });
    const made: Worker[] = [];
    const client = createEngineClient(() => {
      const w = channelWorker();
      made.push(w);
      return w;
    }, {});
    clients.push(client);
    const run = client.run(small, () => {}, { framesPerSecond: 25 }); // 8 s: plenty of time
    await vi.waitFor(() => expect(locks.names().length).toBe(1));
    const name = locks.names()[0]!;
    await vi.waitFor(() => expect(locks.waiters(name)).toBe(1)); // the client queued for it
    locks.vanish(name); // the worker ended without a word
    expect(await run).toEqual({ kind: 'error', message: WORKER_GONE_MESSAGE, restartable: true });
    // The next run goes to a fresh worker and completes.
    expect((await client.run(small, () => {}, { framesPerSecond: 0 })).kind).toBe('done');
    expect(made.length).toBe(2);
  });

  it('a worker the client terminates on purpose is not reported as gone', async () => {
    const locks = new FakeLocks();
    vi.stubGlobal('navigator', { locks });
    const client = createEngineClient(channelWorker, {});
    const run = client.run(small, () => {}, { framesPerSecond: 25 });
    await vi.waitFor(() => expect(locks.names().length).toBe(1));
    const name = locks.names()[0]!;
    await vi.waitFor(() => expect(locks.waiters(name)).toBe(1));
    client.dispose(); // terminates the worker: the client's own wait for the lock is withdrawn
    expect(await run).toEqual({ kind: 'cancelled' });
    expect(locks.waiters(name)).toBe(0);
  });
});

describe('memoryBudgetFromSearch', () => {
  it('reads ?budget_mb=N above 0 and ignores anything else', () => {
    expect(memoryBudgetFromSearch('?budget_ms=9&budget_mb=64')).toBe(64);
    for (const bad of ['', '?budget_mb=', '?budget_mb=0', '?budget_mb=-3', '?budget_mb=abc', '?budget_mb=Infinity']) expect(memoryBudgetFromSearch(bad), bad).toBeUndefined();
  });
});

describe('heartbeat (always on, no ?budget_ms)', () => {
  const fast = { intervalMs: 20, hangMs: 150, stallMs: 300 };

  it('a worker that stops answering is detected, terminated, and the run says so and offers Restart', async () => {
    const made: DeadWorker[] = [];
    const client = createEngineClient(() => {
      const w = new DeadWorker();
      made.push(w);
      return w as unknown as Worker;
    }, { heartbeat: fast });
    clients.push(client);
    const t0 = performance.now();
    const res = await client.run(small, () => {}, { framesPerSecond: 0 });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
    expect(res).toEqual({
      kind: 'error',
      message: 'The simulation worker stopped answering: no reply for 0.15 s (an endless loop, or an engine step that never returns). It was stopped; press Restart to run again on a fresh worker.',
      restartable: true,
    });
    expect(made[0]!.terminated).toBe(true);
    void client.run(small, () => {}, { framesPerSecond: 0 });
    expect(made.length).toBe(2);
  });

  it('a worker that hangs mid-run (it answered, then its event loop stopped) is detected', async () => {
    let beats = 0;
    let hung = false;
    const client = createEngineClient(
      () =>
        channelWorker((msg) => {
          // After three answered beats, swallow everything: as if the worker's loop never returned.
          if (comlinkCall(msg)?.method === 'beat') hung ||= beats++ >= 3;
          return hung;
        }),
      { heartbeat: fast },
    );
    clients.push(client);
    const res = await client.run(small, () => {}, { framesPerSecond: 10 }); // 20 s of frames: still running
    expect(res.kind).toBe('error');
    expect(res.kind === 'error' && res.message).toMatch(/^The simulation worker stopped answering/);
    expect(beats).toBeGreaterThanOrEqual(3);
  });

  it('a worker that answers but never runs what it was given is stalled', async () => {
    // The start message is lost: the worker answers every beat with "idle".
    const client = createEngineClient(() => channelWorker((msg) => comlinkCall(msg)?.method === 'start'), { heartbeat: fast });
    clients.push(client);
    const res = await client.run(small, () => {}, { framesPerSecond: 0 });
    expect(res.kind === 'error' && res.message).toMatch(/^The simulation stopped making progress: for [\d.]+ s the worker answered but its run did not advance\. It was stopped; press Restart/);
    expect(res.kind === 'error' && res.restartable).toBe(true);
  });

  it('a paced run, a paused run and a page slow to take frames are not flagged', async () => {
    const client = createEngineClient(channelWorker, { heartbeat: fast });
    clients.push(client);
    // 200 frames at 400 frames/s: 0.5 s of pacing, longer than the stall time.
    expect((await client.run(small, () => {}, { framesPerSecond: 400 })).kind).toBe('done');
    const run = client.run(small, () => {}, { framesPerSecond: 200 });
    await sleep(50);
    await client.pause();
    await sleep(600);
    await client.resume();
    expect((await run).kind).toBe('done');
    // The page takes 100 ms per batch: the worker waits for it ("delivering"), which is no stall.
    expect((await client.run(small, () => sleep(100), { framesPerSecond: 0, maxBatchesPerSecond: 50 })).kind).toBe('done');
  });

  it('reads the same budgets for a run and for the pool (one options rule)', async () => {
    const { engineOptions } = await import('./handle');
    expect(engineOptions({}, '?budget_ms=900&budget_mb=64')).toMatchObject({ budgetMs: 900, memoryBudgetMib: 64 });
    expect(engineOptions({ budgetMs: 5, memoryBudgetMib: 8 }, '?budget_ms=900&budget_mb=64')).toMatchObject({ budgetMs: 5, memoryBudgetMib: 8 });
    expect(engineOptions({}, '')).toMatchObject({ budgetMs: 0, heartbeat: { intervalMs: 1000, hangMs: 10_000 } });
  });
});
