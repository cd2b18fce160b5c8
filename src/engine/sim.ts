/**
 * One simulation run: builds the model for the scenario's workload, drives it from the scheduler
 * and records frames. Steppable, so a Worker can stream frames and pause between steps; stepping
 * in any chunk size gives the same result as one call (frame boundaries are fixed in simulated
 * time).
 */
import { STAGES } from './costs';
import { Histogram } from './histogram';
import { encodeLink } from './link';
import { FRAME_SERIES, FrameRecorder, type FrameBatch, type SeriesInfo } from './metrics';
import { DROP_LOCATIONS, EV_ARRIVAL, EV_CPU_DONE, EV_IRQ, EV_NM_WAKE, PathModel, type CoreSummary, type LroSummary, type DropLocation, type RxQueueSummary, type TxQueueSummary } from './path';
import { Prng } from './prng';
import { RingModel } from './ringpath';
import type { Scenario, Workload } from './scenario';
import { Scheduler } from './scheduler';
import { TraceRecorder, traceSummary, traceWindow, type TraceSummary } from './trace';
import { PROBE_NOTE, PathTraceProbe, pathRecorder } from './traceprobe';
import { ENGINE_ID } from './version';

/** Frames per run: fixed, so chart resolution does not depend on duration. */
export const FRAMES_PER_RUN = 200;

const EV_FRAME = 1;

export interface LatencySummary {
  mean: number;
  p50: number;
  p99: number;
}

export interface Invariants {
  /** offered = delivered + dropped (all locations) + in flight, exactly. */
  conservation: boolean;
  /** Each ring: arrived = processed + dropped + still in the ring. */
  ring_conservation: boolean;
  /**
   * Worst relative gap, over all rings, between the time-integrated mean occupancy L and
   * λW + residual (W from per-packet sojourns; the residual counts packets still in the ring).
   */
  littles_law_max_error: number;
}

export interface Summary {
  engine: string;
  scenario: Scenario;
  link: string;
  workload: Workload;
  simulated_ms: number;
  /** Wall-clock time of the run: the only field that differs between identical runs. */
  wall_ms: number;
  packets_simulated: number;
  line_rate_pps: number;
  offered_pps: number;
  /** Packets admitted into RX descriptor rings (or sender backlogs) per second. */
  rx_pps: number;
  /** Packets forwarded out of the egress port per second (forward workload; else 0). */
  forwarded_pps: number;
  /** Packets that completed the path per second: forwarded, sunk, or transmitted. */
  delivered_pps: number;
  /** Frames that left on a TX wire per second. */
  tx_pps: number;
  drops: Record<DropLocation, number>;
  in_flight: number;
  latency_us: LatencySummary;
  queues: (RxQueueSummary | TxQueueSummary)[];
  cores: CoreSummary[];
  /** One sentence: what limits packets per second in this run. */
  bottleneck: string;
  notes: string[];
  invariants: Invariants;
  /** receive with LRO: coalescing and what it saved. */
  lro?: LroSummary;
  /** netmap transmit: sleeps on a full TX ring and what woke the thread. */
  netmap?: { tx_timer: string; stalls: number; lost_wakeups: number; wakeups: { timer: number; iflib_timer: number } };
  /** With sim.trace: the recorded window and whether the trace buffer filled. */
  trace?: TraceSummary;
}

export class Simulation {
  readonly scenario: Scenario;
  readonly frames: FrameRecorder;
  readonly series: readonly SeriesInfo[];
  readonly durationNs: number;
  readonly frameNs: number;
  private readonly clock = new Scheduler();
  private readonly ring: RingModel | null = null;
  private readonly path: PathModel | null = null;
  private readonly row: Float64Array;
  private prev = { offered: 0, admitted: 0, delivered: 0, tx: 0, drops: 0, area: 0, latSum: 0, latN: 0 };
  private readonly prevTask: Float64Array;
  private readonly prevBusy: Float64Array;
  /** The run's trace (sim.trace), else null. */
  readonly trace: TraceRecorder | null = null;
  private readonly probe: PathTraceProbe | null = null;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    this.durationNs = scenario.sim.duration_ms * 1e6;
    this.frameNs = this.durationNs / FRAMES_PER_RUN;
    const rng = new Prng(scenario.sim.seed);
    const series: SeriesInfo[] = [...FRAME_SERIES];
    if (scenario.traffic.workload === 'ring') {
      this.ring = new RingModel(scenario, this.clock, rng, this.durationNs);
      this.ring.start();
      this.prevTask = new Float64Array(0);
      this.prevBusy = new Float64Array(0);
      if (scenario.sim.trace) {
        const w = traceWindow(scenario);
        this.trace = new TraceRecorder({ fromNs: w.fromNs, toNs: w.toNs, capacity: 0, ncpu: 0, stages: STAGES });
      }
    } else {
      const p = new PathModel(scenario, this.clock, rng, this.durationNs);
      this.path = p;
      for (const loc of DROP_LOCATIONS) series.push({ key: `drops_${loc}_pps`, label: `Drops: ${loc}`, unit: 'pps', group: 'drops' });
      const qname = p.workload === 'transmit' ? 'Sender' : 'RX queue';
      for (let t = 0; t < p.ntask; t++) series.push({ key: `q${t}_pps`, label: `${qname} ${t} (CPU ${p.taskCpu[t]})`, unit: 'pps', group: 'queue' });
      for (let c = 0; c < p.topo.ncpu; c++) series.push({ key: `cpu${c}_util`, label: `CPU ${c} (domain ${p.topo.domain[c]})`, unit: 'fraction busy', group: 'cpu' });
      if (p.lros.length > 0) series.push({ key: 'lro_ratio', label: 'LRO aggregation (packets per segment to tcp_input)', unit: 'packets/segment', group: 'lro' });
      if (scenario.sim.trace) {
        this.trace = pathRecorder(scenario, p);
        this.probe = new PathTraceProbe(this.trace, p, this.clock, scenario);
      }
      p.start();
      this.prevTask = new Float64Array(p.ntask);
      this.prevBusy = new Float64Array(p.topo.ncpu);
    }
    this.series = series;
    this.row = new Float64Array(series.length);
    this.frames = new FrameRecorder(FRAMES_PER_RUN, series);
    this.clock.schedule(this.frameNs, EV_FRAME, 1);
  }

  get done(): boolean {
    return this.frames.length >= FRAMES_PER_RUN;
  }

  get simulatedMs(): number {
    return this.clock.now / 1e6;
  }

  /** Run until `maxFrames` more frames are recorded (or the run ends); returns those frames. */
  advance(maxFrames = FRAMES_PER_RUN): FrameBatch {
    if (this.probe) return this.advanceTraced(maxFrames);
    const from = this.frames.length;
    const target = Math.min(FRAMES_PER_RUN, from + maxFrames);
    const clock = this.clock;
    const path = this.path;
    while (this.frames.length < target) {
      const kind = clock.pop();
      if (kind === EV_ARRIVAL) {
        if (path) path.arrivals();
        else this.ring!.arrivals();
      } else if (kind === EV_CPU_DONE) path!.cpuDone(clock.lastArg);
      else if (kind === EV_IRQ) path!.irq(clock.lastArg);
      else if (kind === EV_NM_WAKE) path!.nmWake(clock.lastArg);
      else if (kind === EV_FRAME) this.frame(clock.lastArg);
      else break;
    }
    return this.frames.since(from);
  }

  /** advance() with the trace probe told of the events around its window (a separate loop: no cost when off). */
  private advanceTraced(maxFrames: number): FrameBatch {
    const from = this.frames.length;
    const target = Math.min(FRAMES_PER_RUN, from + maxFrames);
    const clock = this.clock;
    const path = this.path!;
    const probe = this.probe!;
    const pFrom = probe.fromNs, pTo = probe.toNs;
    while (this.frames.length < target) {
      const kind = clock.pop();
      const arg = clock.lastArg;
      if (kind === EV_ARRIVAL) path.arrivals();
      else if (kind === EV_CPU_DONE) path.cpuDone(arg);
      else if (kind === EV_IRQ) path.irq(arg);
      else if (kind === EV_NM_WAKE) path.nmWake(arg);
      else if (kind === EV_FRAME) this.frame(arg);
      else break;
      const t = clock.now;
      if (t >= pFrom && t <= pTo) probe.after(kind, arg);
    }
    return this.frames.since(from);
  }

  private totals(): { offered: number; admitted: number; delivered: number; tx: number; drops: number; area: number; lat: Histogram } {
    if (this.ring) {
      const r = this.ring.ring;
      return { offered: this.ring.offered, admitted: this.ring.offered, delivered: r.delivered, tx: r.delivered, drops: r.dropped, area: r.area, lat: r.latency };
    }
    const p = this.path!;
    let drops = 0;
    for (const loc of DROP_LOCATIONS) drops += p.drops[loc];
    let tx = 0, area = 0;
    for (const r of p.txRings) { tx += r.delivered; area += r.area; }
    return { offered: p.offered, admitted: p.admitted, delivered: p.delivered(), tx, drops, area, lat: p.latency };
  }

  private frame(index: number): void {
    const t = this.clock.now;
    if (this.ring) this.ring.ring.observeUntil(t);
    else this.path!.sync(t);
    const sec = this.frameNs / 1e9;
    const now = this.totals();
    const row = this.row;
    const pr = this.prev;
    const latN = now.lat.count - pr.latN;
    row[0] = t / 1e6;
    row[1] = (now.offered - pr.offered) / sec;
    row[2] = (now.admitted - pr.admitted) / sec;
    row[3] = (now.delivered - pr.delivered) / sec;
    row[4] = (now.tx - pr.tx) / sec;
    row[5] = (now.drops - pr.drops) / sec;
    row[6] = (now.area - pr.area) / this.frameNs;
    row[7] = latN > 0 ? (now.lat.sum - pr.latSum) / latN / 1e3 : 0;
    this.prev = { offered: now.offered, admitted: now.admitted, delivered: now.delivered, tx: now.tx, drops: now.drops, area: now.area, latSum: now.lat.sum, latN: now.lat.count };
    const p = this.path;
    if (p) {
      let i = FRAME_SERIES.length;
      for (const loc of DROP_LOCATIONS) row[i++] = p.drops[loc]; // turned into rates below
      for (let k = 0; k < DROP_LOCATIONS.length; k++) {
        const j = FRAME_SERIES.length + k;
        const total = row[j]!;
        row[j] = (total - this.prevDrops[k]!) / sec;
        this.prevDrops[k] = total;
      }
      for (let q = 0; q < p.ntask; q++) {
        row[i++] = (p.processed[q]! - this.prevTask[q]!) / sec;
        this.prevTask[q] = p.processed[q]!;
      }
      for (let c = 0; c < p.topo.ncpu; c++) {
        row[i++] = (p.busyAcc[c]! - this.prevBusy[c]!) / this.frameNs;
        this.prevBusy[c] = p.busyAcc[c]!;
      }
      if (p.lros.length > 0) {
        const dp = p.lroTotals[0]! - this.prevLro[0]!, ds = p.lroTotals[1]! - this.prevLro[1]!;
        // No segment went up in this frame: there is no ratio (NaN; an empty CSV field), not 0.
        row[i++] = ds > 0 ? dp / ds : NaN;
        this.prevLro[0] = p.lroTotals[0]!;
        this.prevLro[1] = p.lroTotals[1]!;
      }
    }
    this.frames.push(row);
    if (index < FRAMES_PER_RUN) {
      // The last boundary is exactly the duration (no accumulated rounding).
      const next = index + 1 === FRAMES_PER_RUN ? this.durationNs : (index + 1) * this.frameNs;
      this.clock.schedule(next, EV_FRAME, index + 1);
    }
  }

  private readonly prevDrops = new Float64Array(DROP_LOCATIONS.length);
  private readonly prevLro = new Float64Array(2);

  summary(wallMs: number): Summary {
    const T = this.clock.now;
    const sec = T / 1e9;
    const rate = (n: number) => (sec > 0 ? n / sec : 0);
    const tot = this.totals();
    const lat = (h: Histogram): LatencySummary => ({ mean: h.mean() / 1e3, p50: h.quantile(0.5) / 1e3, p99: h.quantile(0.99) / 1e3 });
    const base = {
      engine: ENGINE_ID,
      scenario: this.scenario,
      link: encodeLink({ scenario: this.scenario }),
      workload: this.scenario.traffic.workload,
      simulated_ms: T / 1e6,
      wall_ms: wallMs,
      packets_simulated: tot.offered,
      ...(this.trace ? { trace: traceSummary(this.trace, [...traceWindow(this.scenario).notes, this.ring ? 'the ring workload has no CPUs: nothing to trace' : PROBE_NOTE]) } : {}),
    };
    if (this.ring) {
      const m = this.ring, r = m.ring;
      const q: TxQueueSummary = {
        id: 0, kind: 'tx', descriptors: r.capacity, enqueued: r.enqueued, delivered: r.delivered, dropped: r.dropped,
        in_flight: r.inFlight, held: r.occupancy, max_occupancy: r.maxOccupancy, mean_occupancy: T > 0 ? r.area / T : 0,
        littles_law_lambda_w: T > 0 ? r.sojournSum / T : 0, littles_law_residual: T > 0 ? r.inFlightAge(T) / T : 0, mean_latency_us: r.delivered ? r.latencySum / r.delivered / 1e3 : 0, pps: rate(r.delivered),
      };
      const drops = { wire: 0, nic: 0, rx_ring: 0, mp_ring: 0, buf_ring: 0, tx_ring: r.dropped, sender: 0 };
      return {
        ...base,
        line_rate_pps: m.linePps,
        offered_pps: rate(m.offered),
        rx_pps: 0,
        forwarded_pps: 0,
        delivered_pps: rate(r.delivered),
        tx_pps: rate(r.delivered),
        drops,
        in_flight: r.inFlight,
        latency_us: lat(r.latency),
        queues: [q],
        cores: [],
        bottleneck: r.dropped > 0 ? 'The wire: offered load exceeds what the TX ring and line rate can carry, so the ring overflows.' : 'Nothing saturates: every frame fits on the wire.',
        notes: ['ring workload: no CPU or driver is modelled, only the TX descriptor ring and the wire'],
        invariants: {
          conservation: m.offered === r.delivered + r.dropped + r.inFlight,
          ring_conservation: r.enqueued === r.delivered + r.inFlight && r.enqueued === r.reclaimed + r.occupancy,
          littles_law_max_error: littleError(q.mean_occupancy, q.littles_law_lambda_w + q.littles_law_residual),
        },
      };
    }
    const p = this.path!;
    const rxq = p.rxQueueSummaries(T);
    const txq = p.txQueueSummaries(T);
    const cores = p.coreSummaries(T);
    const delivered = p.delivered();
    const inFlight = p.inFlight();
    const drops = { ...p.drops };
    let dropTotal = 0;
    for (const loc of DROP_LOCATIONS) dropTotal += drops[loc];
    let ringOk = true, lErr = 0;
    for (const q of rxq) {
      if (q.arrived !== q.processed + q.dropped + q.in_ring) ringOk = false;
      lErr = Math.max(lErr, littleError(q.mean_occupancy, q.littles_law_lambda_w + q.littles_law_residual));
    }
    for (const q of txq) {
      if (q.enqueued !== q.delivered + q.in_flight) ringOk = false;
      lErr = Math.max(lErr, littleError(q.mean_occupancy, q.littles_law_lambda_w + q.littles_law_residual));
    }
    const wireTx = txq.reduce((a, q) => a + q.delivered, 0);
    return {
      ...base,
      line_rate_pps: p.linePps,
      offered_pps: rate(p.offered),
      rx_pps: rate(p.admitted),
      forwarded_pps: p.workload === 'forward' ? rate(delivered) : 0,
      delivered_pps: rate(delivered),
      tx_pps: rate(wireTx),
      drops,
      in_flight: inFlight,
      latency_us: lat(p.latency),
      queues: [...rxq, ...txq],
      cores,
      bottleneck: explainBottleneck(p, cores, rxq, drops, rate(delivered)),
      notes: p.notes,
      ...(p.lros.length > 0 ? { lro: p.lroSummary()! } : {}),
      ...(p.txPath === 'netmap' ? { netmap: { tx_timer: this.scenario.netmap.tx_timer, stalls: p.netmapStats.stalls, lost_wakeups: p.netmapStats.lost_wakeups, wakeups: { ...p.netmapStats.wakeups } } } : {}),
      invariants: {
        conservation: p.offered === delivered + dropTotal + inFlight,
        ring_conservation: ringOk,
        littles_law_max_error: lErr,
      },
    };
  }
}

/** Relative gap between L and λW, ignoring rings that are nearly always empty. */
function littleError(L: number, lw: number): number {
  if (L < 1e-3 && lw < 1e-3) return 0;
  return Math.abs(L - lw) / Math.max(L, lw);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)}%`;
}

function explainBottleneck(p: PathModel, cores: CoreSummary[], rxq: RxQueueSummary[], drops: Record<DropLocation, number>, deliveredPps: number): string {
  const parts: string[] = [];
  const busiest = cores.reduce((a, c) => (c.utilization > a.utilization ? c : a), cores[0]!);
  const topStage = (c: CoreSummary) => {
    let best = '', bestV = -1, total = 0;
    for (const st of STAGES) {
      const v = c.cycles_by_stage[st];
      total += v;
      if (v > bestV) { bestV = v; best = st; }
    }
    return total > 0 ? `${best} ${pct(bestV / total)} of its busy cycles` : 'idle';
  };
  if (p.txPath === 'netmap') {
    const st = p.netmapStats;
    if (st.lost_wakeups > 0) {
      return `pkt-gen sleeps on a full TX ring and nothing wakes it but iflib_timer every hz/2: iflib_timer re-armed the one-tick txq callout after the woken thread had armed it (${st.stalls} sleeps, ${st.lost_wakeups} wake-ups lost, ${st.wakeups.timer} by the tick, ${st.wakeups.iflib_timer} by iflib_timer). Delivered ${(deliveredPps / 1e6).toFixed(2)} Mpps.`;
    }
    const ceil = p.nic.txCeilingPps;
    if (ceil && deliveredPps > 0.97 * ceil) return `The NIC's TX packet-rate ceiling (${(ceil / 1e6).toFixed(0)} Mpps): pkt-gen fills faster than the ${p.nic.title} sends; threads sleep on full rings ${st.stalls} times and the ${p.s.netmap.tx_timer} timer wakes them.`;
  } else if (p.workload === 'transmit' && p.nic.txCeilingPps && deliveredPps > 0.97 * p.nic.txCeilingPps) {
    return `The NIC's TX packet-rate ceiling (${(p.nic.txCeilingPps / 1e6).toFixed(0)} Mpps).`;
  }
  if (drops.wire > 0) parts.push('the offered load exceeds the ingress line rate (the sender drops the excess)');
  if (drops.nic > 0) parts.push(`the NIC's packet-rate ceiling (${((p.nic.hwCeilingPps ?? 0) / 1e6).toFixed(2)} Mpps) drops packets before the rings`);
  if (drops.rx_ring > 0 || drops.sender > 0) {
    const worst = rxq.reduce((a, q) => (q.dropped > a.dropped ? q : a), rxq[0]!);
    const c = cores[worst.cpu]!;
    const what = p.workload === 'transmit' ? `sender ${worst.id}` : `RX queue ${worst.id}`;
    parts.push(`CPU ${c.cpu} (${what}, domain ${c.domain}) is ${pct(c.utilization)} busy and its ring overflows: ${topStage(c)}`);
    const busy = cores.filter((x) => x.utilization > 0.9).length;
    const withWork = cores.filter((x) => x.tasks.length > 0).length;
    if (withWork < cores.length) parts.push(`${cores.length - withWork} of ${cores.length} CPUs have no queue work`);
    else if (busy > 1) parts.push(`${busy} CPUs are above 90%`);
  }
  if (drops.tx_ring > 0) parts.push('the egress TX rings overflow: the egress wire is at line rate');
  if (parts.length === 0) {
    const atLine = deliveredPps > 0.995 * p.linePps;
    return atLine
      ? `Line rate: the wire is the limit; busiest CPU ${busiest.cpu} is ${pct(busiest.utilization)} busy.`
      : `Nothing saturates: every offered packet is delivered; busiest CPU ${busiest.cpu} is ${pct(busiest.utilization)} busy (${topStage(busiest)}).`;
  }
  const s = parts.join('; ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

/** Run a scenario to completion (CLI, tests, benchmarks). */
export function runScenario(scenario: Scenario): { summary: Summary; frames: FrameBatch } {
  const t0 = performance.now();
  const sim = new Simulation(scenario);
  sim.advance(FRAMES_PER_RUN);
  const wall = performance.now() - t0;
  return { summary: sim.summary(wall), frames: sim.frames.since(0) };
}
