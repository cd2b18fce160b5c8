/**
 * Trace content from the stage modules' own recording calls (tracetap.ts), on scenarios small
 * enough to count by hand: one queue, one flow, one packet every 20 µs, so the 200 µs window
 * (1.0–1.2 ms of a 2 ms run) holds ten packets, each handled alone. Then the kinds only busier
 * runs have (lock waits, CAS retries, netmap sleeps, LRO flushes, cxgbe egress updates), checked
 * against what the model says happened.
 */
import { describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, Simulation, applyKnob, defaultScenario, findPreset, lineRatePps, parseScenario, presetScenario, setPath, type Scenario, type Summary } from './index';
import { findNic } from './hardware';
import { LRO_REASONS } from './lro';
import { MP_STATES, NM_WAKE_SOURCES, TK, type TraceData } from './trace';
import { layoutTrace } from './tracelayout';
import { chromeTrace } from './traceexport';
import { eventName } from './tracenames';
import { validateChromeTrace } from './tracevalidate';

const GAP_NS = 20_000;

/** ixl (iflib) on the Ryzen host, one RX and one TX queue, interrupts unmoderated, one packet per 20 µs. */
function oneQueue(workload: 'forward' | 'transmit' | 'receive', extra: Record<string, unknown> = {}): Scenario {
  let s = applyKnob(applyKnob(defaultScenario(), 'nic.model', 'ixl-x710'), 'host.preset', 'ryzen7-8845hs');
  const set: Record<string, unknown> = {
    'traffic.workload': workload, 'queues.rx': 1, 'queues.tx': 1, 'iflib.itr_us': 0, 'traffic.flows': 1,
    'traffic.load': 1e9 / GAP_NS / lineRatePps(10, 64), 'sim.duration_ms': 2, 'sim.trace': true,
    ...(workload === 'transmit' ? { 'traffic.senders': 1 } : {}), ...extra,
  };
  for (const [k, v] of Object.entries(set)) s = setPath(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
}

function run(s: Scenario): { d: TraceData; summary: Summary; sim: Simulation } {
  const sim = new Simulation(s);
  sim.advance(FRAMES_PER_RUN);
  return { d: sim.trace!.data(), summary: sim.summary(0), sim };
}

const of = (d: TraceData, kind: number) => [...Array(d.n).keys()].filter((i) => d.kind[i] === kind);
const inside = (d: TraceData, child: number, parent: number) =>
  d.cpu[child] === d.cpu[parent] && d.t0[child]! >= d.t0[parent]! - 1e-6 && d.t1[child]! <= d.t1[parent]! + 1e-6;
const stageSum = (d: TraceData, i: number) => {
  let s = 0;
  for (let k = 0; k < d.stages.length; k++) s += d.stageNs[i * d.stages.length + k]!;
  return s;
};
const stageOf = (d: TraceData, i: number, st: string) => d.stageNs[i * d.stages.length + d.stages.indexOf(st)]!;
const samples = (d: TraceData, name: string) => {
  const k = d.counters.findIndex((c) => c.name === name);
  return [...Array(d.cn).keys()].filter((j) => d.ctrack[j] === k).map((j) => [d.ct[j]!, d.cv[j]!] as const);
};

/** `cpu` runs something at every moment of [from, to] (its top-level slices leave no gap). */
function busyThrough(d: TraceData, L: ReturnType<typeof layoutTrace>, cpu: number, from: number, to: number): boolean {
  let at = from;
  for (const i of L.lanesByCpu[cpu]?.[0]?.ev ?? []) {
    if (d.t0[i]! > at + 1e-3) { if (d.t0[i]! < to) return false; break; }
    if (d.t1[i]! > at) at = d.t1[i]!;
  }
  return at >= to;
}

describe('one forwarded packet every 20 µs', () => {
  const { d } = run(oneQueue('forward'));
  const passes = of(d, TK.RX_PASS), irqs = of(d, TK.IRQ), drains = of(d, TK.DRAIN), bells = of(d, TK.DOORBELL);

  it('ten packets in the 200 µs window: ten interrupts, each starting a pass of one packet', () => {
    expect(d.toNs - d.fromNs).toBe(10 * GAP_NS);
    expect(irqs.length).toBe(10);
    expect(passes.length).toBe(10);
    for (const [k, p] of passes.entries()) {
      expect(d.packets[p]).toBe(1);
      expect(d.a[p]).toBe(1); // queued by the interrupt
      expect(d.cpu[p]).toBe(d.cpu[irqs[k]!]);
      expect(d.t0[p]).toBe(d.t0[irqs[k]!]); // the idle CPU starts the task at the interrupt
      if (k > 0) expect(d.t0[p]! - d.t0[passes[k - 1]!]!).toBeCloseTo(GAP_NS, 6);
    }
  });

  it('the pass forwards its packet into the mp_ring and, the ring idle, drains it itself: a drain inside the pass, with an arrow', () => {
    expect(drains.length).toBe(10);
    expect(d.fn).toBe(10);
    for (const [k, p] of passes.entries()) {
      const dr = drains[k]!;
      expect(inside(d, dr, p)).toBe(true);
      // one packet, three doorbell writes (iflib_txd_db_check rings at every check while the ring
      // holds no more than an eighth of its descriptors: before the loop, after the packet, at the end), by the producer
      expect([d.packets[dr], d.a[dr], d.b[dr], d.queue[dr]]).toEqual([1, 3, 0, 0]);
      expect([d.flowFrom[k], d.flowTo[k]]).toEqual([p, dr]);
      // it leaves the pass when the packet entered the mp_ring, just before the drain starts
      expect(d.flowT[k]! > d.t0[p]! && d.flowT[k]! <= d.t0[dr]!).toBe(true);
    }
    expect(validateChromeTrace(chromeTrace(d)).stats.flows).toBe(10); // every arrow exported
  });

  it('one doorbell hands the packet to the NIC at the end of each drain; the mp_ring goes BUSY, then IDLE', () => {
    expect(bells.length).toBe(10);
    for (const [k, b] of bells.entries()) {
      expect(d.a[b]).toBe(1); // descriptors handed over
      expect(d.t0[b]! >= d.t0[drains[k]!]! && d.t0[b]! <= d.t1[drains[k]!]!).toBe(true);
    }
    const states = of(d, TK.MP_STATE).map((i) => MP_STATES[d.a[i]!]);
    expect(states).toEqual(Array.from({ length: 10 }, () => ['BUSY', 'IDLE']).flat());
  });

  it('every pass costs the same, and its stage split adds up to its length', () => {
    const dur = passes.map((p) => d.t1[p]! - d.t0[p]!);
    for (const x of dur) expect(x).toBeCloseTo(dur[0]!, 6);
    expect(dur[0]).toBeGreaterThan(0);
    for (const i of [...passes, ...drains]) {
      expect(d.hasStages[i]).toBe(1);
      expect(stageSum(d, i)).toBeCloseTo(d.t1[i]! - d.t0[i]!, 2);
    }
    const p = passes[0]!, dr = drains[0]!;
    for (const st of ['irq', 'rxeof', 'stack', 'tx_enqueue', 'drain', 'encap', 'doorbell']) expect(stageOf(d, p, st), st).toBeGreaterThan(0);
    // the drain's own work is inside the pass's; the interrupt and the stack are not the drain's
    expect([stageOf(d, dr, 'irq'), stageOf(d, dr, 'stack')]).toEqual([0, 0]);
    expect(stageOf(d, dr, 'encap')).toBeCloseTo(stageOf(d, p, 'encap'), 3);
  });

  it('the RX ring holds the packet from its arrival until its pass takes it; the TX ring holds its descriptor', () => {
    const rx = samples(d, 'rxq0 RX ring');
    expect(rx[0]).toEqual([d.fromNs, 0]); // its value when the window opens
    rx.shift();
    expect(rx.filter(([, v]) => v === 1).length).toBe(10);
    for (const [k, p] of passes.entries()) {
      const [t1, v1] = rx[2 * k]!, [t0, v0] = rx[2 * k + 1]!;
      expect(v1).toBe(1);
      expect(t1).toBeLessThanOrEqual(d.t0[irqs[k]!]!); // the packet lands, the interrupt fires
      expect(v0).toBe(0);
      expect(t0 > d.t0[p]! && t0 < d.t1[p]!).toBe(true); // taken inside the pass
    }
    // each drain first reclaims the previous packet's descriptor (long sent), at the moment the
    // ring goes BUSY (the drain's slice starts once the CPU has paid for the if_transmit before it), then writes its own;
    // the newest isc_tx_nsegments completed descriptors stay held (DESC_RECLAIMABLE)
    const keep = findNic('ixl-x710')!.txNsegments;
    const st = of(d, TK.MP_STATE), busy = st.filter((i) => d.a[i] === 1);
    const tx = samples(d, 'txq0 TX ring');
    expect(tx[0]).toEqual([d.fromNs, keep + 1]);
    expect(tx.slice(1)).toEqual(busy.flatMap((b, k) => [[d.t0[b]!, keep], [d.t0[bells[k]!]!, keep + 1]]));
    // (ifmp_ring_enqueue's two CAS on the state word: the pass's spin outside its drain)
    for (const [k, b] of busy.entries()) {
      const p = passes[k]!, x = drains[k]!;
      expect(d.t0[x]! - d.t0[b]!).toBeCloseTo(stageOf(d, p, 'tx_enqueue') + stageOf(d, p, 'spin') - stageOf(d, x, 'spin'), 3);
    }
    // the mp_ring holds the packet from its enqueue until the drain's consumer publishes it taken
    const mp = samples(d, 'txq0 mp_ring');
    expect(mp[0]).toEqual([d.fromNs, 0]);
    expect(mp.slice(1)).toEqual(st.map((i) => [d.t0[i]!, d.a[i] === 1 ? 1 : 0]));
  });
});

describe('one sender, one TX queue, a packet every 20 µs', () => {
  it('the producer becomes the consumer: each sender pass holds the drain of its packet, with an arrow', () => {
    const { d } = run(oneQueue('transmit'));
    const sends = of(d, TK.SENDER_PASS), drains = of(d, TK.DRAIN);
    // passes at 1.00, 1.02, …, 1.20 ms (woken at its packet's time: the wake-up is in the pass);
    // the last one's drain starts after the window
    expect(sends.length).toBe(11);
    expect(sends.map((s) => d.t0[s]! / 1e3)).toEqual(Array.from({ length: 11 }, (_, k) => 1000 + 20 * k));
    expect(drains.length).toBe(10);
    expect(d.fn).toBe(10);
    for (let k = 0; k < d.fn; k++) {
      const [s, t] = [d.flowFrom[k]!, d.flowTo[k]!];
      expect(d.kind[s]).toBe(TK.SENDER_PASS);
      expect(d.kind[t]).toBe(TK.DRAIN);
      expect(inside(d, t, s)).toBe(true);
      expect(d.t1[t]).toBe(d.t1[s]); // sendto returns when the drain is done
      expect([d.packets[s], d.packets[t], d.a[t], d.b[t]]).toEqual([1, 1, 3, 0]);
      expect(stageOf(d, s, 'irq')).toBeGreaterThan(0); // its wake-up
    }
  });

  it('with tx_abdicate and separate TX CPUs the drain runs on the TX queue\'s CPU, inside _task_fn_tx', () => {
    const { d } = run(oneQueue('transmit', { 'iflib.tx_abdicate': true, 'queues.separate_txrx': true }));
    const sends = of(d, TK.SENDER_PASS), tasks = of(d, TK.TX_TASK), drains = of(d, TK.DRAIN);
    expect(d.fn).toBe(10);
    expect(tasks.length).toBe(10);
    expect(new Set(sends.map((s) => d.cpu[s])).size).toBe(1);
    for (let k = 0; k < d.fn; k++) {
      const [s, t] = [d.flowFrom[k]!, d.flowTo[k]!];
      expect([d.kind[s], d.kind[t]]).toEqual([TK.SENDER_PASS, TK.DRAIN]);
      expect(d.cpu[t]).not.toBe(d.cpu[s]);
      expect(d.b[t]).toBe(1); // run by the TX task
      const task = tasks.find((x) => inside(d, t, x))!;
      expect(task).toBeDefined();
      // GROUPTASK_ENQUEUE in the producer's if_transmit: the idle TX CPU starts the task at once
      expect(d.t0[task]! > d.t0[s]! && d.t0[task]! < d.t1[s]!).toBe(true);
      expect(d.packets[task]).toBe(1);
    }
    expect(drains.every((x) => d.b[x] === 1)).toBe(true);
    // the producer marks the idle ring ABDICATED; the task's drain makes it BUSY, then IDLE
    const states = of(d, TK.MP_STATE).map((i) => MP_STATES[d.a[i]!]);
    expect(states.slice(0, 3)).toEqual(['ABDICATED', 'BUSY', 'IDLE']);
  });
});

describe('one received TCP packet every 20 µs with LRO', () => {
  it('each pass flushes one segment up at its end (tcp_lro_flush_all, batch_end)', () => {
    // one TCP flow of evenly spaced packets (traffic.interleave uniform: not TSO bursts)
    const { d } = run(oneQueue('receive', { 'lro.mode': 'legacy', 'traffic.interleave': 'uniform', 'traffic.mix.tcp': 1, 'traffic.mix.udp': 0, 'traffic.frame_bytes': 1518, 'traffic.load': 1e9 / GAP_NS / lineRatePps(10, 1518) }));
    const passes = of(d, TK.RX_PASS), flushes = of(d, TK.LRO_FLUSH);
    expect(passes.length).toBe(10);
    expect(flushes.length).toBe(10);
    for (const [k, f] of flushes.entries()) {
      expect(d.b[f]).toBe(1); // one segment
      expect(LRO_REASONS[d.a[f]!]).toBe('batch_end');
      expect(d.t0[f]! > d.t0[passes[k]!]! && d.t0[f]! <= d.t1[passes[k]!]!).toBe(true);
    }
  });
});

describe('kinds of busier runs, against what the model counted', () => {
  it('the sorted queue with a batch of 1024 flushes when the queue goes idle: the flush is named by its trigger', () => {
    // idle flushes come about every 140 µs here: a 2 ms window holds a dozen whatever the constants
    const s = setPath(setPath(presetScenario(findPreset('lro-many-flows-sorted')!), 'sim.duration_ms', 20), 'sim.trace', true);
    const { d, summary } = run(setPath(s, 'sim.trace_us', 2000));
    const flushes = of(d, TK.LRO_FLUSH);
    expect(flushes.length).toBeGreaterThan(0);
    expect(summary.lro!.flush_reasons.idle).toBeGreaterThan(0);
    for (const f of flushes) {
      expect(['idle', 'batch_end', 'queue_full']).toContain(LRO_REASONS[d.a[f]!]);
      expect(d.b[f]).toBeGreaterThan(0);
    }
  });

  it('a drain handed to a producer in flight starts when that producer\'s step ends: its stage split adds up to its length', () => {
    // APU2, every packet on TX queue 0: the consumer duty moves between the CPUs (mpringpath.ts)
    let s = setPath(setPath(presetScenario(findPreset('fwd-igb-i210-apu2')!), 'sim.duration_ms', 20), 'sim.trace', true);
    s = setPath(setPath(s, 'sim.trace_from_us', 0), 'sim.trace_us', 20000);
    const { d, summary } = run(s);
    expect(summary.queues.find((q) => q.kind === 'tx')!.abdications).toBeGreaterThan(0);
    const drains = of(d, TK.DRAIN);
    const cpus = new Set(drains.map((i) => d.cpu[i]));
    expect(cpus.size).toBeGreaterThan(1); // drains on more than one CPU: hand-offs are in the window
    for (const i of drains) {
      if (!d.hasStages[i]) continue;
      const len = d.t1[i]! - d.t0[i]!; // a drain runs for up to milliseconds: float sums to 1e-6 of that
      expect(Math.abs(stageSum(d, i) - len), `drain on CPU ${d.cpu[i]} at ${d.t0[i]}`).toBeLessThan(1e-6 * len + 1e-2);
    }
    expect(layoutTrace(d).clipped).toBe(0);
  });

  it('FreeBSD 12 forwarding on 12 queues: waits for IF_AFDATA_RLOCK lie inside the pass that waited, and add to its spin time', () => {
    let s = setPath(setPath(presetScenario(findPreset('fwd-ix-82599-e5v4')!), 'sim.duration_ms', 2), 'sim.trace', true);
    s = setPath(setPath(s, 'host.freebsd', 12), 'host.afdata_rlock', true);
    const parsed = parseScenario(s);
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const { d } = run(parsed.value);
    const waits = of(d, TK.LOCK_WAIT);
    expect(waits.length).toBeGreaterThan(100);
    expect(d.lines).toContain('IF_AFDATA_RLOCK (egress ifnet)');
    const L = layoutTrace(d);
    expect(L.clipped).toBe(0);
    const slices = [...Array(d.n).keys()].filter((i) => !d.instant[i] && d.kind[i] !== TK.LOCK_WAIT);
    for (const w of waits) {
      expect(d.lines[d.a[w]!]).toMatch(/IF_AFDATA_RLOCK|state word|taskqueue mutex/);
      expect(d.b[w]).toBeGreaterThan(0);
      const parent = slices.filter((i) => inside(d, w, i));
      expect(parent.length).toBeGreaterThan(0);
      // the innermost activity around it spent at least the wait spinning
      const inner = parent.reduce((a, i) => (d.t1[i]! - d.t0[i]! < d.t1[a]! - d.t0[a]! ? i : a));
      expect(stageOf(d, inner, 'spin')).toBeGreaterThanOrEqual(d.t1[w]! - d.t0[w]! - 1e-3);
    }
  });

  it('16 cxgbe senders: CAS retries on the mp_ring state words end lock waits; egress updates run the TX task', () => {
    const { d, summary } = run(setPath(setPath(presetScenario(findPreset('cxgbe-40g-kernel-tx')!), 'sim.duration_ms', 2), 'sim.trace', true));
    const cas = of(d, TK.CAS_RETRY), waits = of(d, TK.LOCK_WAIT);
    expect(cas.length).toBeGreaterThan(0);
    for (const c of cas) {
      expect(d.a[c]).toBeGreaterThan(0);
      const w = waits.find((x) => d.cpu[x] === d.cpu[c] && d.t1[x] === d.t0[c] && d.queue[x] === d.queue[c]);
      expect(w, `CAS retry ${c}`).toBeDefined();
      expect(d.lines[d.a[w!]!]).toBe(`txq${d.queue[c]} mp_ring state word`);
    }
    // the model's retries over the whole run bound the window's
    const modelRetries = summary.queues.filter((q) => q.kind === 'tx').reduce((a, q) => a + ((q as { cas_retries?: number }).cas_retries ?? 0), 0);
    const traced = cas.reduce((a, c) => a + d.a[c]!, 0);
    if (modelRetries > 0) expect(traced).toBeLessThanOrEqual(modelRetries);
    const egr = of(d, TK.EGR_UPDATE), tasks = of(d, TK.TX_TASK);
    expect(egr.length).toBeGreaterThan(0);
    const L = layoutTrace(d);
    for (const e of egr) {
      // its handler: that queue's TX task on that CPU, once the CPU gets to it: it starts after
      // the update, or the CPU is busy with other work to the end of the window
      const ran = tasks.some((t) => d.queue[t] === d.queue[e] && d.cpu[t] === d.cpu[e] && d.t0[t]! >= d.t0[e]! - 1e-6);
      expect(ran || busyThrough(d, L, d.cpu[e]!, d.t0[e]!, d.toNs), `egress update ${e}`).toBe(true);
    }
  });

  it.each([['ixl-netmap-stall', ['timer', 'iflib_timer']], ['cxgbe-40g-netmap-tx', ['tx_irq']]])('%s: a netmap thread on a full ring sleeps until it is woken (by %j); nothing runs for it meanwhile', (name, sources) => {
    const { d, summary } = run(setPath(setPath(presetScenario(findPreset(name)!), 'sim.duration_ms', 2), 'sim.trace', true));
    const sleeps = of(d, TK.NM_SLEEP), wakes = of(d, TK.NM_WAKE), syncs = of(d, TK.NM_TXSYNC);
    expect(sleeps.length).toBeGreaterThan(0);
    expect(summary.netmap!.stalls).toBeGreaterThanOrEqual(sleeps.length);
    expect(wakes.length).toBeGreaterThan(0);
    for (const w of wakes) {
      expect(sources).toContain(NM_WAKE_SOURCES[d.a[w]!]);
      const thread = d.queue[w]!;
      const before = sleeps.filter((s) => d.queue[s] === thread && d.t0[s]! <= d.t0[w]!);
      if (before.length === 0) continue; // asleep since before the window
      const s = before[before.length - 1]!;
      // no txsync of that thread between its sleep and this wake-up
      expect(syncs.some((x) => d.queue[x] === thread && d.t0[x]! > d.t0[s]! && d.t1[x]! < d.t0[w]!)).toBe(false);
    }
  });
});

describe('names', () => {
  it.each(['fwd-ixl-x710-ryzen', 'cxgbe-40g-kernel-tx', 'fwd-cxgbe-t540-atom', 'mlx5-netperf-udp'])('%s: drains, TX tasks and doorbells carry the driver\'s own functions, as the summary names them', (name) => {
    const { d, summary } = run(setPath(setPath(presetScenario(findPreset(name)!), 'sim.duration_ms', 2), 'sim.trace', true));
    const names = summary.tx_path.names!;
    const field: Record<number, string | null> = { [TK.DRAIN]: names.drain, [TK.TX_TASK]: names.task, [TK.DOORBELL]: names.doorbell };
    let checked = 0;
    for (let i = 0; i < d.n; i++) {
      const f = field[d.kind[i]!];
      if (f === undefined || f === null) continue;
      const n = eventName(d.meta, d.lines, d.kind[i]!, d.a[i]!, d.b[i]!).name;
      expect(f.split(/ → |\(/).map((x) => x.trim()), `${n} in "${f}"`).toContain(n);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('busy time', () => {
  it.each(['fwd-ix-82599-e5v4', 'cxgbe-40g-kernel-tx', 'mlx5-netperf-udp', 'lro-ack-storm'])('%s: a CPU\'s top-level slices in the window add up to its busy time there', (name) => {
    const { d, sim } = run(setPath(setPath(presetScenario(findPreset(name)!), 'sim.duration_ms', 2), 'sim.trace', true));
    const L = layoutTrace(d);
    const f = sim.frames.since(0);
    const t = f.columns.t_ms!;
    const frameNs = 2e6 / FRAMES_PER_RUN;
    for (let c = 0; c < d.ncpu; c++) {
      const util = f.columns[`cpu${c}_util`]!;
      let busy = 0;
      for (let k = 0; k < t.length; k++) if (t[k]! * 1e6 > d.fromNs && t[k]! * 1e6 <= d.toNs + 1e-6) busy += util[k]! * frameNs;
      let traced = 0;
      for (const i of L.lanesByCpu[c]?.[0]?.ev ?? []) traced += Math.max(0, Math.min(d.t1[i]!, d.toNs) - Math.max(d.t0[i]!, d.fromNs));
      expect(traced, `CPU ${c}`).toBeCloseTo(busy, 0);
    }
  });
});
