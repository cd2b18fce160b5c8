import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { Scheduler } from './scheduler';

describe('Scheduler', () => {
  it('pops events in time order, ties in insertion order, and advances the clock', () => {
    const s = new Scheduler(2); // forces growth
    const r = new Prng(1);
    const expected: [number, number][] = [];
    for (let i = 0; i < 500; i++) {
      const t = Math.floor(r.nextFloat() * 50); // many ties
      s.schedule(t, i % 7, i);
      expected.push([t, i]);
    }
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const got: [number, number][] = [];
    let last = -1;
    while (s.pending > 0) {
      const kind = s.pop();
      expect(kind).toBe(s.lastArg % 7);
      expect(s.now).toBeGreaterThanOrEqual(last);
      last = s.now;
      got.push([s.now, s.lastArg]);
    }
    expect(got).toEqual(expected);
    expect(s.pop()).toBe(-1);
  });

  it('refuses to move time backwards or schedule in the past', () => {
    const s = new Scheduler();
    s.advanceTo(10);
    expect(() => s.advanceTo(5)).toThrow(/backwards/);
    expect(() => s.schedule(9, 0)).toThrow(/past/);
    expect(s.peekTime()).toBe(Infinity);
  });
});
