/**
 * One simulation run: builds the model for the scenario's workload, drives it from the scheduler
 * and records frames. Steppable, so a Worker can stream frames and pause between steps; stepping
 * in any chunk size gives the same result as one call (frame boundaries are fixed in simulated
 * time).
 */
import { explainBottleneck } from './bottleneck';
import { EV_ARRIVAL, EV_FRAME } from './events';
import { Histogram } from './histogram';
import { HostPath, type TxPathKind } from './hostpath';
import { C_OFFERED, C_RX_RING, C_SEND, DROP_LOCATIONS, type DropLocation } from './ledger';
import { encodeLink } from './link';
import { FRAME_SERIES, FrameRecorder, type FrameBatch, type SeriesInfo } from './metrics';
import type { Capture } from './pcap';
import { Prng } from './prng';
import { coreSummaries, costPerPacket, doorbellsPerPacket, noCostPerPacket, ringStagePlan, ringStageReports, stagePlan, stageReports, txQueueSummaries, type Bottleneck, type CoreSummary, type CostPerPacket, type StagePlan, type StageReport, type TxQueueSummary } from './report';
import { RingModel } from './ringpath';
import type { LroSummary } from './rxtask';
import type { RxQueueSummary } from './rxqueue';
import type { Scenario, Workload } from './scenario';
import { Scheduler } from './scheduler';
import { TraceRecorder, traceSummary, traceWindow, type TraceSummary } from './trace';
import { attachTrace, hostRecorder, type TraceTap } from './tracetap';
import type { TxPathNames } from './txpath/txpath';
import { ENGINE_ID } from './version';
import { STAGES, type Params } from './costs';

export type { Bottleneck, CoreSummary, CostPerPacket, DropLocation, LroSummary, RxQueueSummary, StageReport, TxQueueSummary, TxPathNames };
export { DROP_LOCATIONS };
export { STAGES, STAGE_LABELS } from './costs';

/** Frames per run: fixed, so chart resolution does not depend on duration. */
export const FRAMES_PER_RUN = 200;

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
  /** Packets admitted into RX descriptor rings per second (transmit: sent by the applications). */
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
  /** What limits packets per second: kind, stage, CPU, queue and one sentence. */
  bottleneck: Bottleneck;
  notes: string[];
  invariants: Invariants;
  /** The path's stages in order, with the driver's function names and their packets. */
  stages: StageReport[];
  /** The TX software path that ran and the FreeBSD functions of its stages (none for receive). */
  tx_path: { kind: TxPathKind; names: TxPathNames | null };
  /** Doorbell writes per packet handed to the NIC. */
  doorbells_per_packet: number;
  /** CPU time per packet that completed the path, by stage and CPU. */
  cost_per_packet: CostPerPacket;
  /** receive with LRO: coalescing and what it saved. */
  lro?: LroSummary;
  /** netmap transmit: sleeps on a full TX ring and what woke the thread. */
  netmap?: { tx_timer: string; stalls: number; lost_wakeups: number; wakeups: { timer: number; iflib_timer: number; tx_irq: number } };
  /** With sim.trace: the recorded window and whether the trace buffer filled. */
  trace?: TraceSummary;
}

/** What the simulation drives: one model per run. */
interface Model {
  start(): void;
  handle(kind: number, arg: number): void;
  sync(t: number): void;
}

/** The `ring` workload behind the same interface. */
class RingRun implements Model {
  constructor(readonly m: RingModel) {}
  start(): void { this.m.start(); }
  handle(kind: number): void { if (kind === EV_ARRIVAL) this.m.arrivals(); }
  sync(t: number): void { this.m.ring.observeUntil(t); }
}

/** Options of a run besides its scenario (the fitter's candidate constants, the capture it replays). */
export interface RunOptions {
  /** Cost-model constants to use instead of the committed ones (costs.ts). */
  params?: Params;
  /** The capture a traffic.interleave=pcap run replays (its share link names it). */
  capture?: Capture;
}

export class Simulation {
  readonly scenario: Scenario;
  readonly frames: FrameRecorder;
  readonly series: readonly SeriesInfo[];
  readonly durationNs: number;
  readonly frameNs: number;
  private readonly clock = new Scheduler();
  private readonly model: Model;
  private readonly ring: RingModel | null = null;
  private readonly host: HostPath | null = null;
  private readonly plan: StagePlan[] = [];
  private readonly row: Float64Array;
  /** Running totals at the previous frame, by series column (rates are differences). */
  private readonly prevTotals: Float64Array;
  private readonly prev = { area: 0, latSum: 0, latN: 0 };
  private readonly prevLro = new Float64Array(2);
  /** The run's trace (sim.trace), else null; the sink the packet path's trace sources call. */
  readonly trace: TraceRecorder | null = null;
  private readonly tap: TraceTap | null = null;
  private readonly capture: Capture | undefined;

  constructor(scenario: Scenario, opts: RunOptions = {}) {
    this.capture = opts.capture;
    this.scenario = scenario;
    this.durationNs = scenario.sim.duration_ms * 1e6;
    this.frameNs = this.durationNs / FRAMES_PER_RUN;
    const rng = new Prng(scenario.sim.seed);
    const series: SeriesInfo[] = FRAME_SERIES.map((s) => ({ ...s }));
    const w = scenario.traffic.workload;
    const rxSeries = series.find((s) => s.key === 'rx_pps')!;
    if (w === 'transmit') rxSeries.label = rxSeries.title = 'Sent by the applications';
    else if (w === 'ring') rxSeries.label = rxSeries.title = 'Offered to the TX ring';
    // Receive has no TX wire and no TX ring: those base series stay (every run has the same base
    // columns) but are always 0, and say so.
    if (w === 'receive') for (const s of series) if (s.key === 'tx_pps' || s.key === 'tx_ring_occupancy') s.unused = true;
    if (w === 'ring') {
      this.ring = new RingModel(scenario, this.clock, rng, this.durationNs);
      this.model = new RingRun(this.ring);
      // The ring drops only at its TX ring.
      series.push({ key: 'drops_tx_ring_pps', label: 'Drops: tx_ring', unit: 'pps', group: 'drops', role: 'drop_at', id: 'tx_ring', title: 'tx_ring' });
      this.plan = ringStagePlan(this.ring);
    } else {
      const h = new HostPath(scenario, this.clock, rng, this.durationNs, opts.params, opts.capture);
      this.host = h;
      this.model = h;
      for (const loc of DROP_LOCATIONS) series.push({ key: `drops_${loc}_pps`, label: `Drops: ${loc}`, unit: 'pps', group: 'drops', role: 'drop_at', id: loc, title: loc });
      const threads = h.senders ?? h.netmap;
      const nq = threads ? threads.n : h.nrx;
      const qname = h.netmap ? 'pkt-gen thread' : threads ? 'Sender' : 'RX queue';
      const noun = h.netmap ? 'pkt-gen thread' : threads ? 'sender thread' : 'RX queue';
      for (let t = 0; t < nq; t++) {
        const cpu = threads ? threads.cpu[t]! : h.rxCpu[t]!;
        series.push({ key: `q${t}_pps`, label: `${qname} ${t} (CPU ${cpu})`, unit: 'pps', group: 'queue', role: 'queue', index: t, title: `${qname} ${t}`, noun });
      }
      for (let c = 0; c < h.topo.ncpu; c++) series.push({ key: `cpu${c}_util`, label: `CPU ${c} (domain ${h.topo.domain[c]})`, unit: 'fraction busy', group: 'cpu', role: 'cpu', index: c, title: `CPU ${c}`, noun: 'CPU' });
      if (h.rxt && h.rxt.lros.length > 0) series.push({ key: 'lro_ratio', label: 'LRO aggregation (packets per segment to tcp_input)', unit: 'packets/segment', group: 'lro', role: 'lro', title: 'LRO aggregation', detail: 'packets per segment to tcp_input' });
      this.plan = stagePlan(h);
    }
    for (const p of this.plan) series.push({ key: `stage_${p.id}_pps`, label: `${p.title} (${p.fn})`, unit: 'pps', group: 'stage', role: 'stage', id: p.id, title: p.title });
    if (scenario.sim.trace) {
      if (this.host) {
        this.tap = attachTrace(this.host, hostRecorder(scenario, this.host));
        this.trace = this.tap.recorder;
      }
      else {
        const tw = traceWindow(scenario);
        this.trace = new TraceRecorder({ fromNs: tw.fromNs, toNs: tw.toNs, capacity: 0, counterCapacity: 0, flowCapacity: 0, ncpu: 0, stages: STAGES });
      }
    }
    this.model.start();
    this.series = series;
    this.row = new Float64Array(series.length);
    this.prevTotals = new Float64Array(series.length);
    this.frames = new FrameRecorder(FRAMES_PER_RUN, series);
    this.clock.schedule(this.frameNs, EV_FRAME, 1);
  }

  get done(): boolean {
    return this.frames.length >= FRAMES_PER_RUN;
  }

  get simulatedMs(): number {
    return this.clock.now / 1e6;
  }

  /**
   * Run until `maxFrames` more frames are recorded (or the run ends), or `maxEvents` events have
   * been processed, whichever comes first; returns the frames recorded. The event bound keeps one
   * call short however long a frame is (a worker or the CLI checks its clock between calls);
   * slicing a run in any way gives the same result.
   */
  advance(maxFrames = FRAMES_PER_RUN, maxEvents = Infinity): FrameBatch {
    const from = this.frames.length;
    const target = Math.min(FRAMES_PER_RUN, from + maxFrames);
    const clock = this.clock, model = this.model;
    let events = 0;
    while (this.frames.length < target && events++ < maxEvents) {
      const kind = clock.pop();
      if (kind === EV_FRAME) this.frame(clock.lastArg);
      else if (kind < 0) break;
      else model.handle(kind, clock.lastArg);
    }
    return this.frames.since(from);
  }

  private totals(): { offered: number; admitted: number; delivered: number; tx: number; drops: number; area: number; lat: Histogram } {
    if (this.ring) {
      const r = this.ring.ring;
      return { offered: this.ring.offered, admitted: this.ring.offered, delivered: r.delivered, tx: r.delivered, drops: r.dropped, area: r.area, lat: r.latency };
    }
    const h = this.host!;
    let tx = 0, area = 0;
    for (const r of h.rings) { tx += r.delivered; area += r.area; }
    return { offered: h.ledger.c[C_OFFERED]!, admitted: admittedOf(h), delivered: h.delivered(), tx, drops: h.ledger.dropTotal(), area, lat: h.latency };
  }

  private frame(index: number): void {
    const t = this.clock.now;
    this.model.sync(t);
    if (this.tap !== null) this.tap.frame(t);
    const sec = this.frameNs / 1e9;
    const now = this.totals();
    const row = this.row, prev = this.prevTotals;
    // Cumulative counters into row, then differences over the frame where the series is a rate.
    const rate = (i: number, total: number) => {
      row[i] = (total - prev[i]!) / sec;
      prev[i] = total;
    };
    row[0] = t / 1e6;
    rate(1, now.offered);
    rate(2, now.admitted);
    rate(3, now.delivered);
    rate(4, now.tx);
    rate(5, now.drops);
    row[6] = (now.area - this.prev.area) / this.frameNs;
    const latN = now.lat.count - this.prev.latN;
    row[7] = latN > 0 ? (now.lat.sum - this.prev.latSum) / latN / 1e3 : 0;
    this.prev.area = now.area;
    this.prev.latSum = now.lat.sum;
    this.prev.latN = now.lat.count;
    const h = this.host;
    let i = FRAME_SERIES.length;
    if (this.ring) rate(i++, this.ring.ring.dropped);
    if (h) {
      for (let k = 0; k < DROP_LOCATIONS.length; k++) rate(i++, h.ledger.drops[k]!);
      const threads = h.senders ?? h.netmap;
      if (threads) for (let q = 0; q < threads.n; q++) rate(i++, threads.sent[q]!);
      else for (let q = 0; q < h.nrx; q++) rate(i++, h.rx!.processed[q]!);
      for (let c = 0; c < h.topo.ncpu; c++) {
        const b = h.cpus.busyAcc[c]!;
        row[i] = (b - prev[i]!) / this.frameNs;
        prev[i++] = b;
      }
      if (h.rxt && h.rxt.lros.length > 0) {
        const tot = h.rxt.lroTotals;
        const dp = tot[0]! - this.prevLro[0]!, ds = tot[1]! - this.prevLro[1]!;
        // No segment went up in this frame: there is no ratio (NaN; an empty CSV field), not 0.
        row[i++] = ds > 0 ? dp / ds : NaN;
        this.prevLro[0] = tot[0]!;
        this.prevLro[1] = tot[1]!;
      }
    }
    for (const p of this.plan) rate(i++, p.count());
    this.frames.push(row);
    if (index < FRAMES_PER_RUN) {
      // The last boundary is exactly the duration (no accumulated rounding).
      const next = index + 1 === FRAMES_PER_RUN ? this.durationNs : (index + 1) * this.frameNs;
      this.clock.schedule(next, EV_FRAME, index + 1);
    }
  }

  summary(wallMs: number): Summary {
    const T = this.clock.now;
    const sec = T / 1e9;
    const rate = (n: number) => (sec > 0 ? n / sec : 0);
    const tot = this.totals();
    const lat = (h: Histogram): LatencySummary => ({ mean: h.mean() / 1e3, p50: h.quantile(0.5) / 1e3, p99: h.quantile(0.99) / 1e3 });
    const base = {
      engine: ENGINE_ID,
      scenario: this.scenario,
      link: encodeLink({ scenario: this.scenario, ...(this.capture ? { capture: { name: this.capture.info.name, sha256: this.capture.info.sha256 } } : {}) }),
      workload: this.scenario.traffic.workload,
      simulated_ms: T / 1e6,
      wall_ms: wallMs,
      packets_simulated: tot.offered,
      ...(this.trace ? { trace: traceSummary(this.trace, this.traceNotes()) } : {}),
    };
    if (this.ring) return this.ringSummary(base, T, rate, lat);
    const h = this.host!;
    const rxq = h.rx ? h.rx.summaries(T, 'rx', h.rxCpu) : [];
    const txq = txQueueSummaries(h, T);
    const cores = coreSummaries(h, T);
    const delivered = h.delivered();
    const inFlight = h.inFlight();
    const drops = h.ledger.dropRecord();
    const dropTotal = h.ledger.dropTotal();
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
    const deliveredPps = rate(delivered);
    const nm = h.netmap;
    const lroSum = h.rxt?.lroSummary(this.scenario.lro.mode as 'legacy' | 'sorted', h.ghz);
    const cpp = costPerPacket(h, delivered), dbpp = doorbellsPerPacket(h);
    return {
      ...base,
      line_rate_pps: h.linePps,
      offered_pps: rate(tot.offered),
      rx_pps: rate(tot.admitted),
      forwarded_pps: h.workload === 'forward' ? deliveredPps : 0,
      delivered_pps: deliveredPps,
      tx_pps: rate(wireTx),
      drops,
      in_flight: inFlight,
      latency_us: lat(h.latency),
      queues: [...rxq, ...txq],
      cores,
      bottleneck: explainBottleneck(h, cores, rxq, drops, deliveredPps, rate(tot.offered), cpp, dbpp),
      notes: h.notes,
      stages: stageReports(h, this.plan, T),
      tx_path: { kind: h.txKind, names: h.tx ? h.tx.names : null },
      doorbells_per_packet: dbpp,
      cost_per_packet: cpp,
      ...(lroSum ? { lro: lroSum } : {}),
      ...(nm ? { netmap: { tx_timer: this.scenario.netmap.tx_timer, stalls: nm.stats.stalls, lost_wakeups: nm.stats.lost_wakeups, wakeups: { ...nm.stats.wakeups } } } : {}),
      invariants: {
        conservation: tot.offered === delivered + dropTotal + inFlight,
        ring_conservation: ringOk,
        littles_law_max_error: lErr,
      },
    };
  }

  private traceNotes(): string[] {
    const notes = traceWindow(this.scenario).notes;
    if (this.ring) notes.push('the ring workload has no CPUs: nothing to trace');
    const cut = this.tap ? this.tap.cut : 0;
    if (cut > 0) notes.push(`${cut} activit${cut === 1 ? 'y was' : 'ies were'} still running when recording stopped (a sender that never yields, the pass around a drain), at the first frame after the window or when the buffer filled: recorded up to the end of their step in flight`);
    return notes;
  }

  private ringSummary(base: Omit<Summary, 'line_rate_pps' | 'offered_pps' | 'rx_pps' | 'forwarded_pps' | 'delivered_pps' | 'tx_pps' | 'drops' | 'in_flight' | 'latency_us' | 'queues' | 'cores' | 'bottleneck' | 'notes' | 'invariants' | 'stages' | 'tx_path' | 'doorbells_per_packet' | 'cost_per_packet'>, T: number, rate: (n: number) => number, lat: (h: Histogram) => LatencySummary): Summary {
    const m = this.ring!, r = m.ring;
    const q: TxQueueSummary = {
      id: 0, kind: 'tx', cpu: 0, descriptors: r.capacity, enqueued: r.enqueued, delivered: r.delivered, dropped: r.dropped,
      in_flight: r.inFlight, held: r.occupancy, max_occupancy: r.maxOccupancy, mean_occupancy: T > 0 ? r.area / T : 0,
      littles_law_lambda_w: T > 0 ? r.sojournSum / T : 0, littles_law_residual: T > 0 ? r.inFlightAge(T) / T : 0, mean_latency_us: r.delivered ? r.latencySum / r.delivered / 1e3 : 0, pps: rate(r.delivered),
    };
    const drops = { wire: 0, nic: 0, rx_ring: 0, mp_ring: 0, buf_ring: 0, tx_ring: r.dropped, sender: 0 };
    const stages: StageReport[] = ringStageReports(this.plan, m, T);
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
      bottleneck: r.dropped > 0
        ? { kind: 'wire', stage: 'tx_ring', cpu: null, queue: 0, text: 'The wire: offered load exceeds what the TX ring and line rate can carry, so the ring overflows.' }
        : { kind: 'none', stage: null, cpu: null, queue: null, text: 'Nothing saturates: every frame fits on the wire.' },
      notes: ['ring workload: no CPU or driver is modelled, only the TX descriptor ring and the wire'],
      stages,
      tx_path: { kind: 'none', names: null },
      doorbells_per_packet: 0,
      cost_per_packet: noCostPerPacket(r.delivered),
      invariants: {
        conservation: m.offered === r.delivered + r.dropped + r.inFlight,
        ring_conservation: r.enqueued === r.delivered + r.inFlight && r.enqueued === r.reclaimed + r.occupancy,
        littles_law_max_error: littleError(q.mean_occupancy, q.littles_law_lambda_w + q.littles_law_residual),
      },
    };
  }
}

/** Packets admitted into the RX rings (transmit: sent by the applications). */
function admittedOf(h: HostPath): number {
  return h.workload === 'transmit' ? h.ledger.c[C_SEND]! : h.ledger.c[C_RX_RING]!;
}

/** Relative gap between L and λW, ignoring rings that are nearly always empty. */
function littleError(L: number, lw: number): number {
  if (L < 1e-3 && lw < 1e-3) return 0;
  return Math.abs(L - lw) / Math.max(L, lw);
}

/** Run a scenario to completion (CLI, tests, benchmarks). */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): { summary: Summary; frames: FrameBatch } {
  const t0 = performance.now();
  const sim = new Simulation(scenario, opts);
  sim.advance(FRAMES_PER_RUN);
  const wall = performance.now() - t0;
  return { summary: sim.summary(wall), frames: sim.frames.since(0) };
}
