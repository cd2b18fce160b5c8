import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { EV_TIMER, LazyMin, Scheduler } from './scheduler';

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

describe('Scheduler timers', () => {
  it('fire in time order with heap events, heap first on ties, slots by number on ties, and are one-shot', () => {
    const s = new Scheduler(4, 5);
    s.schedule(10, 7, 1);
    s.setTimer(3, 10);
    s.setTimer(1, 10);
    s.setTimer(4, 5);
    s.setTimer(0, 20);
    s.setTimer(0, 12); // moved earlier
    s.clearTimer(4);
    const got: string[] = [];
    for (let k = s.pop(); k !== -1; k = s.pop()) got.push(`${s.now}:${k === EV_TIMER ? `t${s.lastArg}` : `e${s.lastArg}`}`);
    expect(got).toEqual(['10:e1', '10:t1', '10:t3', '12:t0']);
    expect(s.peekTime()).toBe(Infinity);
  });

  it('agree with a sorted reference under random updates', () => {
    const n = 13;
    const s = new Scheduler(8, n);
    const r = new Prng(7);
    const ref = new Array<number>(n).fill(Infinity);
    let now = 0;
    for (let step = 0; step < 5000; step++) {
      const slot = r.below(n);
      if (r.nextFloat() < 0.2) { s.clearTimer(slot); ref[slot] = Infinity; }
      else { const t = now + r.below(100); s.setTimer(slot, t); ref[slot] = t; }
      if (r.nextFloat() < 0.5) {
        let best = -1;
        for (let j = 0; j < n; j++) if (ref[j]! < Infinity && (best < 0 || ref[j]! < ref[best]!)) best = j;
        expect(s.peekTime()).toBe(best < 0 ? Infinity : ref[best]);
        if (best >= 0) {
          expect(s.pop()).toBe(EV_TIMER);
          expect(s.lastArg).toBe(best);
          now = s.now;
          ref[best] = Infinity;
        }
      }
    }
  });

  it('refuses a timer in the past', () => {
    const s = new Scheduler(4, 2);
    s.advanceTo(50);
    expect(() => s.setTimer(0, 49)).toThrow(/past/);
  });
});

describe('LazyMin', () => {
  it('gives the minimum of its slots after any sequence of sets, idle slots included', () => {
    for (const n of [1, 3, 8, 33]) {
      const m = new LazyMin(n);
      const ref = new Float64Array(n).fill(Infinity);
      const r = new Prng(n);
      expect(m.min).toBe(Infinity);
      for (let i = 0; i < 2000; i++) {
        const slot = Math.floor(r.nextFloat() * n);
        // moves later, earlier, to an equal time, or idle
        const u = r.nextFloat();
        const t = u < 0.1 ? Infinity : u < 0.2 ? ref[slot]! : Math.floor(r.nextFloat() * 40);
        m.set(slot, t);
        ref[slot] = t;
        expect(m.t[slot]).toBe(t);
        // read the minimum only now and then, as the ingress does
        if (r.nextFloat() < 0.3) expect(m.min).toBe(Math.min(...ref));
      }
    }
  });
});
