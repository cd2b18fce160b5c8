/** The trace of a run, fetched from the worker after the run: transferred typed arrays, one fetch per run. */
import { describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, Simulation, setPath } from '../src/engine';
import { createEngineClient } from './client';
import { EngineRunner } from './runner';
import { channelWorker, small } from './testing';

const traced = setPath(setPath(small, 'sim.trace', true), 'sim.trace_us', 100);

describe('EngineRunner.trace()', () => {
  it('hands over the finished run\'s trace once; a run without one gives null', async () => {
    const r = new EngineRunner();
    expect(r.trace()).toBeNull();
    const res = await r.start(traced, () => {}, { framesPerSecond: 0 });
    expect(res.kind).toBe('done');
    const d = r.trace()!;
    const direct = new Simulation(traced);
    direct.advance(FRAMES_PER_RUN);
    expect(d).toEqual(direct.trace!.data());
    expect(d.n).toBeGreaterThan(0);
    expect(r.trace()).toBeNull(); // taken
    await r.start(small, () => {}, { framesPerSecond: 0 });
    expect(r.trace()).toBeNull();
  });

  it('a new run discards the previous trace, also when it is cancelled', async () => {
    const r = new EngineRunner();
    await r.start(traced, () => {}, { framesPerSecond: 0 });
    const next = r.start(traced, () => {}, { framesPerSecond: 10 });
    r.reset();
    expect((await next).kind).toBe('cancelled');
    expect(r.trace()).toBeNull();
  });
});

describe('EngineClient.trace()', () => {
  it('fetches the trace over the worker channel, typed arrays intact', async () => {
    const client = createEngineClient(() => channelWorker(), {});
    expect(await client.trace!()).toBeNull(); // no worker yet
    const res = await client.run(traced, () => {}, { framesPerSecond: 0 });
    expect(res.kind).toBe('done');
    const d = await client.trace!();
    expect(d).not.toBeNull();
    expect(d!.t0).toBeInstanceOf(Float64Array);
    expect(d!.kind).toBeInstanceOf(Uint8Array);
    expect(d!.n).toBe(d!.t0.length);
    if (res.kind === 'done') expect(d!.n).toBe(res.summary.trace!.events);
    expect(await client.trace!()).toBeNull();
    client.dispose();
  });
});
