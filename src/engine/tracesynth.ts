/**
 * Synthetic recordings, made through the TraceRecorder API the engine uses: for tests of the
 * export, the validator, the layout and the timeline, and for the timeline's 100k-event benchmark.
 * Every CPU runs interrupt → RX pass (with a lock wait inside some passes) → drain, on its own CPU
 * or, abdicated, on a TX CPU, with doorbells, mp_ring state changes and ring counters. Not a
 * model: the times and counts are a seeded pattern, deterministic for a seed.
 */
import { STAGES, STAGE_INDEX } from './costs';
import { Prng } from './prng';
import { TK, TraceRecorder, type TraceData, type TraceMeta } from './trace';

export interface SynthOptions {
  ncpu: number;
  /** RX passes per CPU. */
  passes: number;
  driver?: 'ixl' | 'mlx5en' | 'cxgbe';
  seed?: number;
  fromNs?: number;
  /** Share of drains abdicated to CPU (c + 1) mod ncpu. */
  abdicate?: number;
  capacity?: number;
}

export function synthMeta(driver: 'ixl' | 'mlx5en' | 'cxgbe', ncpu: number): TraceMeta {
  return {
    driver,
    iflib: driver === 'ixl',
    workload: 'forward',
    txPath: 'mp_ring',
    nmTimer: 'sbt_90us',
    title: `synthetic host + ${driver}`,
    cpuLabels: Array.from({ length: ncpu }, (_, c) => `CPU ${c} (domain ${c < ncpu / 2 ? 0 : 1})`),
  };
}

export function synthRecorder(o: SynthOptions): TraceRecorder {
  const rng = new Prng(o.seed ?? 7);
  const from = o.fromNs ?? 2_000_000;
  const passNs = 40 * 32 + 300;
  const to = from + o.passes * (passNs + 600) + 10_000;
  const cap = o.capacity ?? Math.max(64, o.ncpu * o.passes * 6);
  const r = new TraceRecorder({ fromNs: from, toNs: to, capacity: cap, counterCapacity: cap, flowCapacity: cap, ncpu: o.ncpu, stages: STAGES, meta: synthMeta(o.driver ?? 'ixl', o.ncpu) });
  const line = r.declareLine(o.driver === 'mlx5en' ? 'mtx_lock(&sq->lock)' : 'mp_ring state word');
  const rxTrack = Array.from({ length: o.ncpu }, (_, c) => r.declareCounter(`rxq${c} ring`, 'descriptors'));
  const mpTrack = Array.from({ length: o.ncpu }, (_, c) => r.declareCounter(`mp_ring ${c}`, 'entries'));
  const row = new Float64Array(STAGES.length);
  const tNext = new Float64Array(o.ncpu).fill(from);
  // The TX CPU's own timeline (abdicated drains run there after its passes).
  for (let p = 0; p < o.passes; p++) {
    for (let c = 0; c < o.ncpu; c++) {
      let t = tNext[c]! + rng.below(400);
      const n = 1 + rng.below(32);
      r.slice(TK.IRQ, c, t, t + 80, c, 0, 0, 0);
      r.counter(rxTrack[c]!, t, n);
      t += 80;
      const dur = 300 + 40 * n;
      const pass = r.slice(TK.RX_PASS, c, t, t + dur, c, n, 1, 0);
      row.fill(0);
      row[STAGE_INDEX.rxeof] = 300 + 25 * n;
      row[STAGE_INDEX.stack] = 10 * n;
      row[STAGE_INDEX.memory] = 5 * n;
      let spin = 0;
      if (rng.below(5) === 0) {
        spin = 20 + rng.below(60);
        r.slice(TK.LOCK_WAIT, c, t + 100, t + 100 + spin, c, 0, line, 1 + rng.below(4));
        r.instant(TK.CAS_RETRY, c, t + 100 + spin, c, 1 + rng.below(3), 0);
      }
      row[STAGE_INDEX.spin] = spin;
      row[STAGE_INDEX.rxeof] = dur - 15 * n - spin;
      r.stageNs(pass, row, 0);
      r.counter(rxTrack[c]!, t + dur, 0);
      t += dur;
      const abd = rng.below(100) < (o.abdicate ?? 0.3) * 100;
      const dc = abd ? (c + 1) % o.ncpu : c;
      // an abdicated drain waits until the TX CPU is free
      let dt = abd ? Math.max(t, tNext[dc]!) : t;
      r.instant(TK.MP_STATE, c, t, c, abd ? 3 : 1, 0);
      r.counter(mpTrack[c]!, t, n);
      const ddur = 200 + 30 * n;
      const drain = r.slice(abd ? TK.TX_TASK : TK.DRAIN, dc, dt, dt + ddur, c, n, 1, abd ? 1 : 0);
      row.fill(0);
      row[STAGE_INDEX.drain] = 200 + 5 * n;
      row[STAGE_INDEX.encap] = 20 * n;
      row[STAGE_INDEX.doorbell] = ddur - 200 - 25 * n;
      r.stageNs(drain, row, 0);
      r.flow(pass, drain);
      dt += ddur;
      r.instant(TK.DOORBELL, dc, dt, c, n, 0);
      r.instant(TK.MP_STATE, dc, dt, c, 0, 0);
      r.counter(mpTrack[c]!, dt, 0);
      if (abd) tNext[dc] = Math.max(tNext[dc]!, dt);
      tNext[c] = Math.max(tNext[c]!, abd ? t : dt);
    }
  }
  return r;
}

export function synthTrace(o: SynthOptions): TraceData {
  return synthRecorder(o).data();
}
