import { describe, expect, it } from 'vitest';
import { STAGES } from './costs';
import { TK, TraceRecorder, type TraceMeta } from './trace';
import { chromeTrace, chromeTraceJson, type ChromeEvent } from './traceexport';
import { laneRange, layoutTrace } from './tracelayout';
import { IFLIB_ONLY, eventName } from './tracenames';
import { synthMeta, synthTrace } from './tracesynth';
import { validateChromeTrace } from './tracevalidate';

const meta: TraceMeta = synthMeta('ixl', 2);

/** Two CPUs, hand-placed: an interrupt and a pass on CPU 0 with a lock wait inside, an abdicated drain on CPU 1. */
function small() {
  const r = new TraceRecorder({ fromNs: 1000, toNs: 5000, capacity: 64, ncpu: 2, stages: STAGES, meta });
  const line = r.declareLine('IF_AFDATA_RLOCK');
  const ring = r.declareCounter('rxq0 ring', 'descriptors');
  r.counter(ring, 900, 4);
  r.slice(TK.IRQ, 0, 1000, 1100, 0, 0, 0, 0);
  const pass = r.slice(TK.RX_PASS, 0, 1100, 2100, 0, 4, 1, 0);
  r.slice(TK.LOCK_WAIT, 0, 1500, 1540, 0, 0, line, 4);
  r.counter(ring, 2100, 0);
  const drain = r.slice(TK.DRAIN, 1, 2100, 2600, 0, 4, 1, 1);
  r.instant(TK.DOORBELL, 1, 2600, 0, 4, 0);
  r.instant(TK.MP_STATE, 1, 2600, 0, 0, 0);
  r.flow(pass, drain);
  return r.data();
}

const byPh = (evs: ChromeEvent[], ph: string) => evs.filter((e) => e.ph === ph);

describe('layout', () => {
  it('nests a lock wait inside its pass and sorts lanes', () => {
    const d = small();
    const L = layoutTrace(d);
    expect(L.ncpu).toBe(2);
    expect(L.lanesByCpu[0]!.map((l) => [...l.ev])).toEqual([[0, 1], [2]]);
    expect([...L.depth]).toEqual([0, 0, 1, 0, 0, 0]);
    expect([...L.instants[1]!.ev]).toEqual([4, 5]);
    expect(L.clipped).toBe(0);
    const lane = L.lanesByCpu[0]![0]!;
    expect(laneRange(lane, 0, 999)).toEqual([0, 0]);
    expect(laneRange(lane, 1050, 1060)).toEqual([0, 1]);
    expect(laneRange(lane, 1100, 1100)).toEqual([0, 2]); // touching both
    expect(laneRange(lane, 3000, 4000)).toEqual([2, 2]);
  });

  it('cuts a slice that overruns the one it starts in, and counts it', () => {
    const r = new TraceRecorder({ fromNs: 0, toNs: 1e4, capacity: 8, ncpu: 1, stages: STAGES, meta });
    r.slice(TK.RX_PASS, 0, 100, 200, 0, 1, 0, 0);
    r.slice(TK.LOCK_WAIT, 0, 150, 260, 0, 0, 0, 1);
    const d = r.data();
    const L = layoutTrace(d);
    expect(L.clipped).toBe(1);
    expect(L.end[1]).toBe(200);
    const t = chromeTrace(d);
    expect(validateChromeTrace(t).ok).toBe(true);
    expect(byPh(t.traceEvents, 'X')[1]!.args!.clipped_ns).toBe(60);
    expect(t.otherData.clipped_slices).toBe(1);
  });
});

describe('Chrome trace export', () => {
  it('writes tracks, slices, instants, counters and a flow that a validator accepts', () => {
    const d = small();
    const t = chromeTrace(d);
    const check = validateChromeTrace(JSON.parse(chromeTraceJson(d)));
    expect(check.errors).toEqual([]);
    expect(check.stats.phases).toEqual({ M: 6, X: 4, i: 2, C: 2, s: 1, f: 1 });
    expect(check.stats.threads).toBe(2);
    const names = byPh(t.traceEvents, 'M').filter((e) => e.name === 'thread_name').map((e) => [e.tid, e.args!.name]);
    expect(names).toEqual([[1, 'CPU 0 (domain 0)'], [2, 'CPU 1 (domain 1)']]);
    const x = byPh(t.traceEvents, 'X');
    expect(x.map((e) => [e.name, e.tid, e.ts, e.dur])).toEqual([
      ['iflib_fast_intr', 1, 1, 0.1],
      ['iflib_rxeof', 1, 1.1, 1],
      ['IF_AFDATA_RLOCK', 1, 1.5, 0.04],
      ['iflib_txq_drain', 2, 2.1, 0.5],
    ]);
    expect(x[1]!.args).toMatchObject({ queue: 0, packets: 4, woken_by_interrupt: true });
    expect(x[2]!.args).toMatchObject({ line: 'IF_AFDATA_RLOCK', acquisitions: 4 });
    expect(x[3]!.args).toMatchObject({ doorbells: 1, run_by: 'TX task (abdicated)' });
    expect(byPh(t.traceEvents, 'i').map((e) => [e.name, e.args!.descriptors ?? e.args!.state])).toEqual([['iflib_txd_db_check', 4], ['mp_ring → IDLE', 'IDLE']]);
    // The counter starts at the window with the value it had before it.
    expect(byPh(t.traceEvents, 'C').map((e) => [e.name, e.ts, e.args!.value])).toEqual([['rxq0 ring (descriptors)', 1, 4], ['rxq0 ring (descriptors)', 2.1, 0]]);
    const [s, f] = [byPh(t.traceEvents, 's')[0]!, byPh(t.traceEvents, 'f')[0]!];
    expect([s.tid, s.ts, f.tid, f.ts, f.bp, s.id === f.id]).toEqual([1, 2.099, 2, 2.1, 'e', true]);
    expect(t.otherData.window_us).toEqual([1, 5]);
  });

  it('exports a large synthetic recording (every kind of event) that validates', () => {
    const d = synthTrace({ ncpu: 8, passes: 400, seed: 3 });
    expect(d.n).toBeGreaterThan(8 * 400 * 4);
    const json = chromeTraceJson(d);
    const check = validateChromeTrace(JSON.parse(json));
    expect(check.errors).toEqual([]);
    expect(check.stats.flows).toBe(d.fn);
    expect(check.stats.counters).toBe(16);
    // one event per line
    expect(json.split('\n').length).toBe(check.stats.events + 3);
  });

  it('a full buffer (131 072 events and more) lays out and exports', () => {
    const d = synthTrace({ ncpu: 8, passes: 4000, seed: 9 });
    expect(d.n).toBeGreaterThan(131072);
    const L = layoutTrace(d);
    expect(L.ncpu).toBe(8);
    expect(L.clipped).toBe(0);
    const t = chromeTrace(d);
    expect(t.traceEvents.length).toBeGreaterThan(d.n);
  });

  it('stage ns travel in the args, only the stages used', () => {
    const d = synthTrace({ ncpu: 1, passes: 3 });
    const x = byPh(chromeTrace(d).traceEvents, 'X').find((e) => e.name === 'iflib_rxeof')!;
    const st = x.args!.stage_ns as Record<string, number>;
    expect(Object.keys(st).sort()).toEqual(['memory', 'rxeof', 'stack']);
    const sum = Object.values(st).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(x.dur! * 1000, 3);
  });
});

describe('names by driver family', () => {
  const kinds = Object.values(TK);
  it('iflib drivers get iflib functions', () => {
    const m = synthMeta('ixl', 1);
    expect(eventName(m, [], TK.RX_PASS, 0, 0).name).toBe('iflib_rxeof');
    expect(eventName(m, [], TK.IRQ, 0, 0).name).toBe('iflib_fast_intr');
    expect(eventName(m, [], TK.DRAIN, 0, 0).name).toBe('iflib_txq_drain');
    expect(eventName(m, [], TK.TX_TASK, 0, 0).name).toBe('_task_fn_tx');
    expect(eventName(m, [], TK.NM_TXSYNC, 0, 0).name).toBe('iflib_netmap_txsync');
    expect(eventName(m, [], TK.LRO_FLUSH, 0, 3).chain).toMatch(/tcp_lro_flush_all \(batch_end\): 3 segments/);
    expect(eventName({ ...m, txPath: 'simple' }, [], TK.DRAIN, 0, 0).name).toBe('iflib_simple_transmit');
  });

  it('mlx5en and cxgbe use their own functions and never an iflib one', () => {
    for (const drv of ['mlx5en', 'cxgbe'] as const) {
      for (const txPath of ['direct', 'mp_ring', 'buf_ring', 'simple', 'netmap']) {
        for (const nmTimer of ['tick', 'sbt_1ms']) {
          const m = { ...synthMeta(drv, 1), txPath, nmTimer };
          for (const k of kinds) {
            for (const a of [0, 1, 2, 3]) {
              const n = eventName(m, ['a lock'], k, a, 1);
              expect(`${n.name} ${n.chain}`, `${drv} kind ${k}`).not.toMatch(IFLIB_ONLY);
              expect(n.name).not.toBe('');
            }
          }
        }
      }
    }
    expect(eventName(synthMeta('mlx5en', 1), [], TK.RX_PASS, 0, 0).name).toBe('mlx5e_poll_rx_cq');
    expect(eventName(synthMeta('mlx5en', 1), [], TK.DOORBELL, 0, 0).name).toBe('mlx5e_tx_notify_hw');
    expect(eventName(synthMeta('cxgbe', 1), [], TK.RX_PASS, 0, 0).name).toBe('service_iq_fl');
    expect(eventName(synthMeta('cxgbe', 1), [], TK.DRAIN, 0, 0).name).toBe('eth_tx');
    expect(eventName(synthMeta('cxgbe', 1), [], TK.DOORBELL, 0, 0).name).toBe('ring_eq_db');
  });

  it('an mlx5en recording exports with mlx5en names only', () => {
    const d = synthTrace({ ncpu: 2, passes: 20, driver: 'mlx5en' });
    for (const e of chromeTrace(d).traceEvents) {
      if (e.ph === 'M') continue;
      expect(`${e.name} ${String(e.args?.freebsd ?? '')}`).not.toMatch(IFLIB_ONLY);
    }
  });
});
