import { afterEach, describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, type FrameBatch } from '../src/engine';
import { createEngineClient, type EngineClient } from './client';
import { DeadWorker, channelWorker, small } from './testing';

let clients: EngineClient[] = [];
afterEach(() => {
  clients.forEach((c) => c.dispose());
  clients = [];
});

describe('createEngineClient', () => {
  it('runs a scenario through Comlink and streams transferred frame batches', async () => {
    const client = createEngineClient(channelWorker);
    clients.push(client);
    const batches: FrameBatch[] = [];
    const res = await client.run(small, (b) => void batches.push(b), { framesPerSecond: 0 });
    expect(res.kind).toBe('done');
    expect(batches.reduce((n, b) => n + b.columns.t_ms!.length, 0)).toBe(FRAMES_PER_RUN);
    expect(batches[0]!.columns.t_ms).toBeInstanceOf(Float64Array);
  });

  it('reset cancels a run in progress', async () => {
    const client = createEngineClient(channelWorker);
    clients.push(client);
    const run = client.run(small, () => {}, { framesPerSecond: 50 });
    await new Promise((r) => setTimeout(r, 50));
    await client.reset();
    expect(await run).toEqual({ kind: 'cancelled' });
  });

  it('a crashed worker ends the run with an error and is replaced', async () => {
    const made: DeadWorker[] = [];
    const client = createEngineClient(() => {
      const w = new DeadWorker();
      made.push(w);
      return w as unknown as Worker;
    });
    clients.push(client);
    const run = client.run(small, () => {}, { framesPerSecond: 0 });
    made[0]!.crash('out of memory');
    const res = await run;
    expect(res.kind).toBe('error');
    if (res.kind === 'error') expect(res.message).toMatch(/crashed: out of memory/);
    expect(made[0]!.terminated).toBe(true);
    void client.run(small, () => {}, { framesPerSecond: 0 });
    expect(made.length).toBe(2);
  });

  it('a worker that does not answer reset is terminated and replaced', async () => {
    const made: DeadWorker[] = [];
    const client = createEngineClient(() => {
      const w = new DeadWorker();
      made.push(w);
      return w as unknown as Worker;
    });
    clients.push(client);
    const run = client.run(small, () => {}, { framesPerSecond: 0 });
    await client.reset();
    expect(await run).toEqual({ kind: 'cancelled' });
    expect(made[0]!.terminated).toBe(true);
    client.warm();
    expect(made.length).toBe(2);
  });

  it('a run started while a stuck worker is being reset goes to the replacement, not the bin', async () => {
    const made: string[] = [];
    const client = createEngineClient(() => {
      if (made.length === 0) {
        made.push('dead');
        return new DeadWorker() as unknown as Worker;
      }
      made.push('live');
      return channelWorker();
    });
    clients.push(client);
    const first = client.run(small, () => {}, { framesPerSecond: 0 });
    const reset = client.reset();
    const second = client.run(small, () => {}, { framesPerSecond: 0 });
    expect(await first).toEqual({ kind: 'cancelled' });
    await reset;
    expect((await second).kind).toBe('done');
    expect(made).toEqual(['dead', 'live']);
  });
});
