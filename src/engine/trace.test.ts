import { describe, expect, it } from 'vitest';
import { STAGES } from './costs';
import { defaultScenario, parseScenario, setPath } from './scenario';
import { TK, TK_NAMES, TraceRecorder, traceSummary, traceTransferables, traceWindow, warmupNs } from './trace';

const stages = ['a', 'b', 'c'];
const rec = (capacity = 8, extra: Partial<ConstructorParameters<typeof TraceRecorder>[0]> = {}) =>
  new TraceRecorder({ fromNs: 1000, toNs: 2000, capacity, ncpu: 2, stages, ...extra });

describe('TraceRecorder', () => {
  it('keeps slices that overlap the window and refuses the others', () => {
    const r = rec();
    expect(r.slice(TK.RX_PASS, 0, 100, 999, 0, 4, 0, 0)).toBe(-1); // ends before
    expect(r.slice(TK.RX_PASS, 0, 2001, 2100, 0, 4, 0, 0)).toBe(-1); // starts after
    expect(r.slice(TK.RX_PASS, 0, 900, 1100, 0, 4, 1, 0)).toBe(0); // straddles the start
    expect(r.slice(TK.DRAIN, 1, 1500, 1600, 2, 8, 1, 1)).toBe(1);
    expect(r.instant(TK.DOORBELL, 1, 999, 2, 8, 0)).toBe(-1);
    expect(r.instant(TK.DOORBELL, 1, 1600, 2, 8, 0)).toBe(2);
    const d = r.data();
    expect(d.n).toBe(3);
    expect([...d.kind]).toEqual([TK.RX_PASS, TK.DRAIN, TK.DOORBELL]);
    expect([...d.instant]).toEqual([0, 0, 1]);
    expect([...d.t0]).toEqual([900, 1500, 1600]);
    expect([...d.t1]).toEqual([1100, 1600, 1600]);
    expect([...d.packets]).toEqual([4, 8, 0]);
    expect([...d.a]).toEqual([1, 1, 8]);
    expect(r.overflowed).toBe(0);
  });

  it('counts what does not fit once full, and says when it filled', () => {
    const r = rec(2);
    r.slice(TK.RX_PASS, 0, 1000, 1100, 0, 1, 0, 0);
    r.slice(TK.RX_PASS, 0, 1100, 1200, 0, 1, 0, 0);
    expect(r.slice(TK.RX_PASS, 0, 1300, 1400, 0, 1, 0, 0)).toBe(-1);
    expect(r.instant(TK.IRQ, 0, 1500, 0, 0, 0)).toBe(-1);
    expect(r.overflowed).toBe(2);
    const s = traceSummary(r);
    expect(s.events).toBe(2);
    expect(s.overflowed).toBe(2);
    expect(s.full_at_us).toBe(1.3);
    expect(s.notes.join(' ')).toMatch(/filled at 1\.3 µs: 2 later events/);
    // Events outside the window are not overflow.
    const r2 = rec(1);
    r2.slice(TK.RX_PASS, 0, 1000, 1100, 0, 1, 0, 0);
    r2.slice(TK.RX_PASS, 0, 5000, 5100, 0, 1, 0, 0);
    expect(r2.overflowed).toBe(0);
  });

  it('keeps a reserve for the slices still open when it fills, then refuses everything', () => {
    const r = rec(10);
    r.reserve(3);
    for (let k = 0; k < 9; k++) r.instant(TK.DOORBELL, 0, 1100 + k, 0, 1, 0);
    expect([r.length, r.overflowed, r.eventsFull]).toEqual([7, 2, true]);
    expect(r.slice(TK.RX_PASS, 0, 1000, 1500, 0, 1, 0, 0)).toBe(-1);
    r.useReserve(() => {
      expect(r.slice(TK.SENDER_PASS, 1, 900, 1900, 0, 40, 0, 0)).toBe(7);
      expect(r.slice(TK.DRAIN, 1, 1800, 1900, 0, 2, 1, 0)).toBe(8);
    });
    expect(r.instant(TK.DOORBELL, 0, 1950, 0, 1, 0)).toBe(-1);
    expect([r.length, r.overflowed]).toEqual([9, 4]);
  });

  it('copies stage ns into the event row and marks it', () => {
    const r = rec();
    const ev = r.slice(TK.RX_PASS, 0, 1000, 1300, 0, 4, 0, 0);
    const other = r.slice(TK.IRQ, 0, 1300, 1350, 0, 0, 0, 0);
    r.stageNs(ev, Float64Array.of(9, 9, 100, 150, 50, 9), 2);
    r.stageNs(-1, Float64Array.of(1, 2, 3), 0); // a refused slice: ignored
    const d = r.data();
    expect([...d.stageNs.subarray(0, 3)]).toEqual([100, 150, 50]);
    expect([...d.stageNs.subarray(3, 6)]).toEqual([0, 0, 0]);
    expect([...d.hasStages]).toEqual([1, 0]);
    expect(other).toBe(1);
  });

  it('counters: the value before the window starts the track, repeats are dropped', () => {
    const r = rec();
    const rx = r.declareCounter('rxq0 ring', 'descriptors');
    const idle = r.declareCounter('mp_ring 0', 'entries');
    r.counter(rx, 100, 3);
    r.counter(rx, 900, 7);
    r.counter(idle, 500, 42); // never changes in the window
    r.counter(rx, 1200, 7); // same as the value carried to the window's start: dropped
    r.counter(rx, 1300, 7); // repeat: dropped
    r.counter(rx, 1400, 9);
    r.counter(rx, 2500, 1); // after the window
    const d = r.data();
    const samples = [...d.ct].map((t, i) => [d.ctrack[i], t, d.cv[i]]);
    expect(samples).toEqual([
      [rx, 1000, 7],
      [rx, 1400, 9],
      [idle, 1000, 42],
    ]);
    expect(d.counters).toEqual([{ name: 'rxq0 ring', unit: 'descriptors' }, { name: 'mp_ring 0', unit: 'entries' }]);
  });

  it('grows its per-track state past eight counters', () => {
    const r = rec();
    const ids = Array.from({ length: 20 }, (_, k) => r.declareCounter(`q${k}`, 'x'));
    for (const k of ids) r.counter(k, 1500, k);
    const d = r.data();
    expect(d.cn).toBe(20);
    expect([...d.cv]).toEqual(ids);
  });

  it('flows join two recorded events; anything else is ignored', () => {
    const r = rec();
    const a = r.slice(TK.RX_PASS, 0, 1000, 1100, 0, 4, 0, 0);
    const b = r.slice(TK.DRAIN, 1, 1200, 1300, 0, 4, 1, 1);
    r.flow(a, b);
    r.flow(-1, b);
    r.flow(a, 7);
    r.flow(a, a);
    const d = r.data();
    expect(d.fn).toBe(1);
    expect([d.flowFrom[0], d.flowTo[0]]).toEqual([a, b]);
  });

  it('lock lines are named; data() is a copy that transfers', () => {
    const r = rec();
    const line = r.declareLine('IF_AFDATA_RLOCK');
    r.slice(TK.LOCK_WAIT, 1, 1000, 1040, 0, 0, line, 3);
    const d = r.data();
    expect(d.lines).toEqual(['IF_AFDATA_RLOCK']);
    d.t0[0] = 5;
    expect(r.data().t0[0]).toBe(1000);
    const bufs = traceTransferables(d);
    expect(new Set(bufs).size).toBe(bufs.length);
    const clone = structuredClone(d, { transfer: bufs });
    expect(clone.t0[0]).toBe(5);
    expect(d.t0.length).toBe(0); // detached
  });

  it('records identically for identical calls (no clock, no randomness)', () => {
    const play = () => {
      const r = new TraceRecorder({ fromNs: 0, toNs: 1e6, capacity: 1000, ncpu: 4, stages: STAGES });
      const row = new Float64Array(STAGES.length).map((_, k) => k * 1.5);
      for (let i = 0; i < 500; i++) {
        const e = r.slice(i % 3 === 0 ? TK.RX_PASS : TK.DRAIN, i % 4, i * 100, i * 100 + 80, i % 2, i % 17, 0, 0);
        r.stageNs(e, row, 0);
        if (i % 5 === 0) r.flow(e - 1, e);
      }
      return JSON.stringify(r.data(), (_k, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v));
    };
    expect(play()).toBe(play());
  });

  it('refuses a window that ends before it starts', () => {
    expect(() => new TraceRecorder({ fromNs: 10, toNs: 5, capacity: 1, ncpu: 1, stages })).toThrow(/ends/);
  });

  it('names every kind', () => {
    expect(TK_NAMES[TK.LRO_FLUSH]).toBe('LRO_FLUSH');
    expect(new Set(Object.values(TK)).size).toBe(TK_NAMES.length);
  });
});

describe('trace window', () => {
  const sim = (duration_ms: number, trace_from_us = 0, trace_us = 200) => ({ sim: { seed: 1, duration_ms, trace: true, trace_from_us, trace_us } });

  it('starts after the warm-up: max(1 ms, 10% of the run)', () => {
    expect(warmupNs(20e6)).toBe(2e6);
    expect(warmupNs(5e6)).toBe(1e6);
    expect(traceWindow(sim(20))).toMatchObject({ fromNs: 2e6, toNs: 2.2e6, notes: [] });
    expect(traceWindow(sim(5))).toMatchObject({ fromNs: 1e6, toNs: 1.2e6 });
  });

  it('a short run traces its last sim.trace_us', () => {
    expect(traceWindow(sim(1.1))).toMatchObject({ fromNs: 0.9e6, toNs: 1.1e6, notes: [] });
    const w = traceWindow(sim(0.1));
    expect(w).toMatchObject({ fromNs: 0, toNs: 0.1e6 });
    expect(w.notes[0]).toMatch(/cut at the end of the run/);
  });

  it('an explicit start is kept, and the end cut at the end of the run', () => {
    expect(traceWindow(sim(20, 500, 100))).toMatchObject({ fromNs: 0.5e6, toNs: 0.6e6 });
    expect(traceWindow(sim(2, 1900, 500))).toMatchObject({ fromNs: 1.9e6, toNs: 2e6 });
  });

  it('the scenario refuses a start past the end while tracing, with the knobs named', () => {
    let s = setPath(defaultScenario(), 'sim.trace', true);
    s = setPath(s, 'sim.trace_from_us', 30000);
    const r = parseScenario(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/sim\.trace_from_us = 30000 µs is not before the end of the run \(sim\.duration_ms = 20 ms\)/);
    expect(parseScenario(setPath(s, 'sim.trace', false)).ok).toBe(true);
  });
});
