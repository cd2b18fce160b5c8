import { describe, expect, it } from 'vitest';
import { stateBytes } from './footprint';
import { applyKnob, defaultScenario } from './scenario';
import { Simulation } from './sim';

describe('stateBytes', () => {
  it('counts each reachable buffer once, through objects, arrays, maps and cycles', () => {
    const shared = new Float64Array(100);
    const a: Record<string, unknown> = { x: shared, y: new Uint8Array(shared.buffer, 8, 8), m: new Map([[1, new Int32Array(10)]]), list: [new Uint16Array(5)] };
    a.self = a;
    expect(stateBytes(a)).toBe(800 + 40 + 10);
  });

  it('grows with the rings and flows a scenario asks for, and not while the run advances', () => {
    const small = new Simulation(defaultScenario());
    const big = new Simulation(applyKnob(applyKnob(defaultScenario(), 'traffic.flows', 200_000), 'queues.rx_desc', 4096));
    expect(stateBytes(big)).toBeGreaterThan(stateBytes(small) + 1_000_000);
    const before = stateBytes(small);
    small.advance(50);
    expect(stateBytes(small)).toBe(before);
  });
});
