/**
 * The worker checks the memory budget from the scenario's sizes before it builds anything: a
 * scenario over the budget never reaches the Simulation constructor (the engine module is wrapped
 * here to count constructions).
 */
import { describe, expect, it, vi } from 'vitest';
import { setPath } from '../src/engine';
import { EngineRunner } from './runner';
import { small } from './testing';

const built = vi.hoisted(() => ({ n: 0 }));
vi.mock('../src/engine', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/engine')>();
  class CountingSimulation extends real.Simulation {
    constructor(...args: ConstructorParameters<typeof real.Simulation>) {
      built.n++;
      super(...args);
    }
  }
  return { ...real, Simulation: CountingSimulation };
});

describe('memory budget before allocation', () => {
  it('refuses a scenario over the budget without constructing its Simulation', async () => {
    const big = setPath(setPath(small, 'traffic.flows', 1_000_000), 'queues.rx_desc', 8192);
    const r = new EngineRunner();
    built.n = 0;
    const res = await r.runToEnd(big, { memoryBudgetMib: 4 });
    expect(res.kind === 'error' && res.message).toMatch(/needs about [\d.]+ MiB .*the memory budget is 4 MiB/);
    expect(built.n).toBe(0);
    // Within the budget it is built once and runs.
    expect((await r.runToEnd(small)).kind).toBe('done');
    expect(built.n).toBe(1);
  });
});
