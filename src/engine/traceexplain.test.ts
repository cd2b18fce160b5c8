import { describe, expect, it } from 'vitest';
import { STAGES } from './costs';
import { FRAMES_PER_RUN, PRESETS, Simulation, findPreset, presetScenario, setPath } from './index';
import { TK, TraceRecorder } from './trace';
import { bottleneckRef, findBottleneckMoment, type BottleneckRef } from './traceexplain';
import { synthMeta } from './tracesynth';

const ref = (o: Partial<BottleneckRef>): BottleneckRef => ({ kind: 'cpu', stage: null, cpu: null, queue: null, text: '', ...o });

function recorder() {
  return new TraceRecorder({ fromNs: 0, toNs: 100_000, capacity: 1000, ncpu: 2, stages: STAGES, meta: synthMeta('ixl', 2) });
}

describe('findBottleneckMoment', () => {
  it('lock contention: the CPU\'s longest stretch of lock waits', () => {
    const r = recorder();
    const line = r.declareLine('mp_ring state word');
    // CPU 1: passes with short waits, then a stretch of four waits 500 ns apart at 50 µs
    for (let k = 0; k < 10; k++) r.slice(TK.RX_PASS, 1, k * 5000, k * 5000 + 4000, 1, 8, 0, 0);
    r.slice(TK.LOCK_WAIT, 1, 1000, 1100, 1, 0, line, 1);
    const first = r.slice(TK.LOCK_WAIT, 1, 50_000, 50_300, 1, 0, line, 2);
    r.slice(TK.LOCK_WAIT, 1, 50_800, 51_200, 1, 0, line, 2);
    r.slice(TK.LOCK_WAIT, 1, 51_700, 52_000, 1, 0, line, 2);
    r.slice(TK.LOCK_WAIT, 1, 52_500, 53_000, 1, 0, line, 2);
    const m = findBottleneckMoment(ref({ kind: 'lock', stage: 'spin', cpu: 1 }), r.data())!;
    expect(m.cpu).toBe(1);
    expect(m.ev).toBe(first);
    expect(m.fromNs).toBeLessThan(50_000);
    expect(m.toNs).toBeGreaterThan(53_000);
    expect(m.toNs - m.fromNs).toBeLessThan(5000);
    expect(m.why).toBe('CPU 1\'s longest stretch of lock waits: 3.00 µs from 50.0 µs');
  });

  it('a busy CPU: its longest stretch of back-to-back work, the slice with most of the stage selected', () => {
    const r = recorder();
    r.slice(TK.RX_PASS, 0, 1000, 2000, 0, 4, 0, 0); // alone
    const row = new Float64Array(STAGES.length);
    let pick = -1;
    for (let k = 0; k < 20; k++) {
      const e = r.slice(TK.RX_PASS, 0, 10_000 + k * 1000, 11_000 + k * 1000, 0, 16, 0, 0);
      row.fill(0);
      row[STAGES.indexOf('encap')] = k === 7 ? 900 : 100;
      r.stageNs(e, row, 0);
      if (k === 7) pick = e;
    }
    const m = findBottleneckMoment(ref({ cpu: 0, stage: 'encap' }), r.data())!;
    expect(m.cpu).toBe(0);
    expect(m.ev).toBe(pick);
    expect(m.fromNs).toBeLessThanOrEqual(10_000);
    expect(m.why).toMatch(/^CPU 0 busy without a break for 20\.0 µs from 10\.0 µs \(20% of the trace\)$/);
  });

  it('netmap: the longest sleep until its wake-up', () => {
    const r = recorder();
    r.instant(TK.NM_SLEEP, 1, 10_000, 0, 1, 0);
    r.instant(TK.NM_WAKE, 1, 12_000, 0, 0, 0);
    const s = r.instant(TK.NM_SLEEP, 1, 20_000, 0, 1, 0);
    r.instant(TK.NM_WAKE, 1, 60_000, 0, 1, 0);
    const m = findBottleneckMoment(ref({ kind: 'netmap_lost_wakeup' }), r.data())!;
    expect([m.cpu, m.fromNs <= 20_000, m.toNs >= 60_000]).toEqual([1, true, true]);
    expect(m.ev).toBe(s + 1);
    expect(m.why).toMatch(/longest netmap sleep on CPU 1: 40\.0 µs from 20\.0 µs to its wake-up/);
  });

  it('a ring overflow: the queue\'s ring at its peak', () => {
    const r = recorder();
    const q = r.declareCounter('rxq1 RX ring', 'descriptors');
    r.counter(q, 5000, 10);
    r.counter(q, 30_000, 1024);
    r.counter(q, 40_000, 3);
    r.slice(TK.RX_PASS, 1, 29_000, 31_000, 1, 16, 0, 0);
    const m = findBottleneckMoment(ref({ kind: 'ring_overflow', queue: 1, cpu: 1 }), r.data())!;
    expect(m.fromNs).toBeLessThanOrEqual(29_000);
    expect(m.toNs).toBeGreaterThanOrEqual(31_000);
    expect(m.why).toBe('rxq1 RX ring at its peak, 1024 descriptors, at 30.0 µs');
  });

  it('a ring full all the time has no one moment: the CPU\'s busy stretch instead', () => {
    const r = recorder();
    const q = r.declareCounter('rxq0 RX ring', 'descriptors');
    r.counter(q, 0, 1024);
    r.counter(q, 99_000, 1000);
    for (let k = 0; k < 40; k++) r.slice(TK.RX_PASS, 0, 20_000 + k * 1000, 21_000 + k * 1000, 0, 16, 0, 0);
    const m = findBottleneckMoment(ref({ kind: 'ring_overflow', queue: 0, cpu: 0 }), r.data())!;
    expect(m.why).toBe('rxq0 RX ring full (1024 descriptors) for 99% of the trace while CPU 0 works without a break');
    expect(m.fromNs).toBeLessThanOrEqual(20_000);
    expect(m.toNs).toBeGreaterThan(20_000);
  });

  it('work that began before the window (a long pass, a sender that never yields) counts from the window\'s start', () => {
    const r = new TraceRecorder({ fromNs: 50_000, toNs: 100_000, capacity: 100, ncpu: 1, stages: STAGES, meta: synthMeta('ixl', 1) });
    r.slice(TK.SENDER_PASS, 0, 0, 80_000, 0, 500, 0, 0);
    r.slice(TK.SENDER_PASS, 0, 80_000, 120_000, 0, 200, 0, 0);
    const m = findBottleneckMoment(ref({ cpu: 0 }), r.data())!;
    expect(m.why).toBe('CPU 0 busy without a break for 50.0 µs from 50.0 µs (100% of the trace)');
    expect(m.fromNs).toBe(50_000);
  });

  it('the slice selected is the one that spent most in the CPU\'s top stage, around the stretch too; a lock wait counts only for spin', () => {
    const r = new TraceRecorder({ fromNs: 50_000, toNs: 100_000, capacity: 100, ncpu: 1, stages: STAGES, meta: synthMeta('ixl', 1) });
    const row = new Float64Array(STAGES.length);
    const loop = r.slice(TK.SENDER_PASS, 0, 0, 120_000, 0, 500, 0, 0); // a sender's loop around the whole window
    row[STAGES.indexOf('doorbell')] = 60_000;
    r.stageNs(loop, row, 0);
    const line = r.declareLine('txq7 ifmp_ring state word');
    r.slice(TK.LOCK_WAIT, 0, 51_000, 51_500, 7, 0, line, 1);
    const d = r.data();
    // the summary's stage is the diagram's ('encap' groups encap and doorbell); the CPU's is doorbell
    expect(findBottleneckMoment(ref({ cpu: 0, stage: 'encap', cpuStage: 'doorbell' }), d)!.ev).toBe(loop);
    expect(findBottleneckMoment(ref({ kind: 'cpu', cpu: 0, cpuStage: 'spin' }), d)!.ev).toBe(loop + 1);
  });

  it('the wire as the limit has nothing on a CPU to show', () => {
    const r = recorder();
    r.slice(TK.RX_PASS, 0, 0, 10, 0, 1, 0, 0);
    for (const kind of ['line_rate', 'tx_ceiling', 'nic_ceiling', 'generator', 'tx_ring', 'none']) expect(findBottleneckMoment(ref({ kind, cpu: 0 }), r.data()), kind).toBeNull();
    expect(findBottleneckMoment(ref({ cpu: 0 }), recorder().data())).toBeNull();
  });
});

describe('bottleneckRef', () => {
  it('builds the bottleneck from the summary\'s numbers when it has only the sentence', () => {
    const s = setPath(setPath(presetScenario(findPreset('fewer-queues-than-cores')!), 'sim.duration_ms', 2), 'sim.trace', true);
    const sim = new Simulation(s);
    sim.advance(FRAMES_PER_RUN);
    const full = sim.summary(0);
    // a summary of before the structured bottleneck: the sentence only
    const sum = { ...full, bottleneck: full.bottleneck.text } as unknown as typeof full;
    const b = bottleneckRef(sum)!;
    const worst = sum.queues.filter((q) => q.kind === 'rx').reduce((a, q) => (q.dropped > a.dropped ? q : a));
    expect(b.kind).toBe('ring_overflow');
    expect(b.queue).toBe(worst.id);
    expect(b.text).toBe(full.bottleneck.text);
    const m = findBottleneckMoment(b, sim.trace!.data())!;
    expect(m).not.toBeNull();
    expect(m.why).toMatch(new RegExp(`^rxq${worst.id} RX ring at its peak`));
  });

  it('every preset\'s own bottleneck: a moment inside the trace, or none where nothing on a CPU shows it', () => {
    for (const p of PRESETS) {
      const sim = new Simulation(setPath(setPath(presetScenario(p), 'sim.duration_ms', 2), 'sim.trace', true));
      sim.advance(FRAMES_PER_RUN);
      const sum = sim.summary(0), d = sim.trace!.data();
      const b = bottleneckRef(sum)!;
      expect(b.kind, p.name).toBe(sum.bottleneck.kind);
      const m = findBottleneckMoment(b, d);
      if (/line_rate|ceiling|generator|none|wire|tx_ring/.test(b.kind)) {
        expect(m, p.name).toBeNull();
        continue;
      }
      expect(m, p.name).not.toBeNull();
      expect(m!.fromNs >= d.fromNs && m!.toNs <= d.toNs && m!.toNs > m!.fromNs, p.name).toBe(true);
      const pct = /\((\d+)% of the trace\)/.exec(m!.why);
      if (pct) expect(Number(pct[1]), p.name).toBeLessThanOrEqual(100);
    }
  });

  it('takes a structured bottleneck as it is', () => {
    const sum = { bottleneck: { kind: 'cas', stage: 'spin', cpu: 3, queue: 1, text: 'CPU 3 waits' }, cores: [], queues: [] } as unknown as Parameters<typeof bottleneckRef>[0];
    expect(bottleneckRef(sum)).toEqual({ kind: 'cas', stage: 'spin', cpu: 3, queue: 1, text: 'CPU 3 waits', cpuStage: null });
  });
});
