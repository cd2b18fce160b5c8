/**
 * The memory a scenario's simulation will hold, estimated from its sizes alone — before any typed
 * array is allocated — so a scenario over the memory budget is refused without first building it
 * (the worker and the CLI check this; `stateBytes` in footprint.ts measures a built Simulation).
 *
 * The estimate is an upper bound: each term is one module's own allocation, array by array, as
 * its constructor sizes it (named after the module; the two largest are `tx_rings`, txring.ts,
 * and `rx_rings`, rxqueue.ts); where a size depends on the placement (tasks per CPU) or on the
 * run (the scheduler's heap) the term takes its upper bound, and SLACK covers a few small arrays
 * added later. So estimate ≥ stateBytes for every scenario, and within ESTIMATE_FACTOR of it
 * (budget.test.ts checks both over every preset, extreme knob settings and random scenarios; a
 * change to the engine's allocations that outgrows the estimate fails there).
 * Not covered: LRO's output and packet-chain arrays grow by doubling during a run when a flush
 * hands up, or an entry chains, more packets than they hold (lro.ts LroOutput growSegs/growPkts,
 * Lro growNodes), and so does a closed loop's queue of ACKs in flight (tcpsenders.ts growAcks);
 * the estimate counts their set-up size, as stateBytes does.
 *
 * A capture replay's flows are the capture's: `captureFlows` when the caller has opened it (the
 * worker, the CLI), else the most a capture may have (MAX_CAPTURE_FLOWS), an upper bound. Its
 * flow table (pcapflows.ts) belongs to the opened capture and is counted, as stateBytes sees it.
 *
 * Units: bytes; MiB = 2^20 bytes (what the budget, `?budget_mb=` and `--max-mib`, counts in).
 */
import { NOP, NST } from './costmodel';
import { STACK_DEPTH } from './cpus';
import { findNic } from './hardware';
import { DROP_LOCATIONS, NCOUNTERS } from './ledger';
import { LRO_REASONS, LRO_WORK_LEN, REC, lroCodeOf, phashinitSize } from './lro';
import { FRAME_SERIES } from './metrics';
import { MP_OUT_LEN, TX_BATCH_SIZE } from './mpring';
import { ARRIVALS_PER_EVENT } from './ringpath';
import { stagesOf } from './report';
import { effectiveQueues, logicalCpus, type Scenario } from './scenario';
import { rxSourceKind } from './makesource';
import { PCAP_LIMITS } from './pcap';
import { KEY_WORDS, MAX_CAPTURE_FLOWS } from './pcapflows';
import { PK_REC } from './tcpflows';
import { TRACE_CAPACITY, TRACE_COUNTER_CAPACITY, TRACE_FLOW_CAPACITY } from './trace';
import { FLOW_FAN, TAP_SERIALS } from './tracetap';
import { CXGBE_TXPKTS_MAX } from './txpath/drain';
import { UC_SLOTS } from './txpath/uncached';

export const MIB = 2 ** 20;

/** estimate / stateBytes stays within [1, ESTIMATE_FACTOR] (budget.test.ts; 1.00–1.04 measured). */
export const ESTIMATE_FACTOR = 1.5;

/**
 * Default memory budget of one run's simulation state, MiB (the page's `?budget_mb=N`, the CLI's
 * `--max-mib N`). The heaviest scenarios the knobs allow need ~445 MiB (a receive run with LRO
 * sorted on 253 queues of 8192 descriptors, a million TCP senders in a closed loop; 411 MiB open
 * loop); the presets need 0.1–2.1 MiB.
 */
export const DEFAULT_MEMORY_BUDGET_MIB = 256;

const F64 = 8;
const I32 = 4;
const U8 = 1;
/** Frames per run (sim.ts FRAMES_PER_RUN; not imported: budget.ts must not pull in the Simulation). */
const FRAMES = 200;
/** histogram.ts: 48 powers of two × 256 sub-buckets of Float64, and its 4 accumulators. */
const HISTOGRAM = 48 * 256 * F64 + 4 * F64;
/** prng.ts: the xoshiro state (4 × Int32) and the ziggurat's two doubles. */
const PRNG = 4 * I32 + 2 * F64;
/** traffic.ts TrafficSource: its next arrival (one Float64). */
const TRAFFIC_SOURCE = F64;
/** sharedline.ts SharedLine: its 7 state doubles and the 4-double io block. */
const SHARED_LINE = 7 * F64 + 4 * F64;
/** Margin for a few small arrays the terms do not list (bytes; ≤ 4% of the smallest run's state). */
const SLACK = 4096;
/** hostpath.ts OWN_RX_BUDGET: the RX pass of the drivers with their own RX loop. */
const OWN_RX_BUDGET: Readonly<Record<string, number>> = { mlx5en: 256, cxgbe: 64 };

/** scheduler.ts Tournament(n): n + 1 times (Float64), 2p winners (Int32) and their times (Float64), p = n rounded up to 2^k. */
const tournamentBytes = (n: number) => {
  let p = 1;
  while (p < n) p *= 2;
  return (n + 1) * F64 + 2 * p * (I32 + F64);
};
/** scheduler.ts LazyMin(n): n times and the cached minimum (Float64). */
const lazyMinBytes = (n: number) => (n + 1) * F64;
/** scheduler.ts heap: starts at 64 events and doubles (times, seqs: Float64; kinds, args: Int32). */
const heapBytes = (events: number) => {
  let cap = 64;
  while (cap < events) cap *= 2;
  return cap * (2 * F64 + 2 * I32);
};
/** metrics.ts FrameRecorder columns (FRAMES doubles per series) and sim.ts row, prevTotals, prevLro. */
const framesBytes = (series: number) => series * FRAMES * F64 + 2 * series * F64 + 2 * F64;

export interface EstimateOptions {
  /** Flows of the capture a pcap scenario replays (default: MAX_CAPTURE_FLOWS). */
  captureFlows?: number;
}

export interface StateEstimate {
  /** Upper bound on stateBytes of the Simulation this scenario builds. */
  bytes: number;
  /** The terms, for messages and the footprint bench. */
  parts: Record<string, number>;
}

/**
 * Bytes of the simulation state `s` will allocate, from its sizes. Pure and cheap (no allocation).
 * Each term mirrors one module's allocation in the constructors `new Simulation(s)` runs (named
 * after that module); sizes that depend on placement (tasks per CPU) are bounded from above.
 */
export function estimateStateBytes(s: Scenario, opts: EstimateOptions = {}): StateEstimate {
  const parts: Record<string, number> = {};
  if (s.traffic.workload === 'ring') {
    // ringpath.ts HwRing: arrival and departure per slot (slots: tx_desc rounded up to 2^k), its
    // accumulators and latency histogram; RingModel's block of arrival times, source and PRNG.
    let slots = 1;
    while (slots < s.queues.tx_desc) slots *= 2;
    parts.tx_ring = slots * 2 * F64 + 5 * F64 + HISTOGRAM; // ringpath.ts HwRing
    parts.ringpath = ARRIVALS_PER_EVENT * F64 + TRAFFIC_SOURCE + PRNG;
    // scheduler.ts: the heap (an arrival and a frame event), one timer slot, the clock cell.
    parts.scheduler = heapBytes(2) + tournamentBytes(1) + F64;
    // Its one drop location (tx_ring) and its stage series.
    parts.frames = framesBytes(FRAME_SERIES.length + 1 + stagesOf(s).length);
    return total(parts);
  }
  const nic = findNic(s.nic.model);
  const workload = s.traffic.workload;
  const transmit = workload === 'transmit';
  const receive = workload === 'receive';
  const q = effectiveQueues(s);
  const ncpu = logicalCpus(s);
  const nrx = transmit ? 0 : q.rx;
  const ntx = receive ? 0 : q.tx;
  const netmap = transmit && s.tx.path === 'netmap';
  const nsend = transmit ? s.traffic.senders || q.tx : 0;
  const ntask = nrx + ntx + nsend;
  const driver = nic?.driver ?? '';
  const usesIflib = nic?.usesIflib ?? true;
  // hostpath.ts: the TX path that runs (the driver's own where it has one, else tx.path).
  const txKind = receive ? 'none' : netmap ? 'netmap' : driver === 'mlx5en' ? 'mlx5e_xmit' : driver === 'cxgbe' ? 'cxgbe_mp_ring' : s.tx.path;
  const lro = receive && s.lro.mode !== 'off';
  const budget = usesIflib ? s.iflib.rx_budget : OWN_RX_BUDGET[driver] ?? s.iflib.rx_budget;

  // hostpath.ts: the task table (kind, arg, CPU per task), TX-queue flags (txQueued, egrDue) and
  // txqOwner, the placement (rxCpu, txCpu; set senders' CPUs), tailPos per CPU, lineIo, the wire
  // (not for receive), FreeBSD 12 forwarding's shared lines (IF_AFDATA_RLOCK, rtentry mutex).
  const fwd12 = workload === 'forward' && s.host.freebsd === 12;
  const fwdLines = fwd12 ? (s.host.afdata_rlock ? 1 : 0) + (s.forward.ip_redirect ? 1 : 0) : 0;
  parts.hostpath = 3 * ntask * I32 + ntx * (2 * U8 + I32) + (q.rx + q.tx) * I32 + Math.max(1, q.tx) * I32 + (transmit && s.traffic.senders ? nsend * I32 : 0)
    + ncpu * U8 + 4 * F64 + (receive ? 0 : F64) + fwdLines * SHARED_LINE;
  // topology.ts: core, domain and sibling of each CPU (Int32).
  parts.topology = 3 * ncpu * I32;
  // ledger.ts: drops by location and the path's counters; histogram.ts: the latency histogram.
  parts.ledger = DROP_LOCATIONS.length * F64 + NCOUNTERS * F64;
  parts.histogram = HISTOGRAM;
  // costmodel.ts: cycNs, memNs, numaNs, totalNs (CPU × op), owe, nsPerCycle, swHit, uncachedFree, opStage.
  parts.costmodel = 4 * ncpu * NOP * F64 + 4 * ncpu * F64 + NOP * I32;
  // cpus.ts: a run queue per CPU (tasks on it + 1), rqHead, rqLen, depth, the activity stack
  // (kind, arg, pos × STACK_DEPTH), busyFrom, busyAcc, and ns per stage.
  const rqCap = Math.max(2, tasksPerCpuBound(s, nic?.driver === 'cxgbe' && !transmit, q.rx, q.tx, nrx, ntx, nsend) + 1);
  parts.cpus = ncpu * (rqCap * I32 + 3 * I32 + 3 * STACK_DEPTH * I32 + 2 * F64 + NST * F64);
  // scheduler.ts: timer slots (one per CPU, a Tournament) and hostpath's rxTouch (a LazyMin), the clock cell;
  // the heap holds at most an arrival, a frame, an IRQ per RX queue, an egress update per TX
  // queue, a send per thread and a wake-up per netmap thread at once, so its size here bounds it
  // for the whole run (it grows by doubling), not only at set-up.
  parts.scheduler = tournamentBytes(ncpu) + lazyMinBytes(ncpu) + heapBytes(2 + nrx + ntx + (netmap ? 2 : 1) * nsend) + F64;

  // txring.ts: per TX queue, arrive/stamp/depart and the RS flag per descriptor, acc and scratch.
  if (!receive) parts.tx_rings = ntx * (s.queues.tx_desc * (3 * F64 + U8) + 4 * F64 + 2 * F64);

  // The TX path (txpath/*.ts).
  const size = s.tx.mp_ring_size;
  switch (txKind) {
    case 'mp_ring':
    case 'cxgbe_mp_ring': {
      // mpringpath.ts: source stamps and CPUs per slot, drPhase/tkPhase, a taskqueue line per CPU,
      // markers, out and item; per queue an MpRing (mpring.ts: items, st, ctr, duty, cons,
      // stepOut) and its state-word line; drain.ts DrainCalls (per-CPU items, the cxgbe open WRs).
      const cx = txKind === 'cxgbe_mp_ring';
      const sz = cx ? nic?.txRingDefaultSoftware ?? 1023 : size;
      parts.mp_ring = ntx * (sz * (F64 + I32) + I32) + ncpu * (2 * U8 + SHARED_LINE) + MP_OUT_LEN * I32 + I32
        + ntx * (sz * I32 + 4 * 2 + 8 * F64 + 4 * I32 + 7 * I32 + MP_OUT_LEN * I32 + SHARED_LINE);
      parts.drain = drainBytes(ncpu, ntx, cx ? sz : TX_BATCH_SIZE, cx);
      break;
    }
    case 'buf_ring':
      // bufringpath.ts: source stamps and CPUs per slot, held, drPhase/tkPhase, scratch; per queue a
      // BufRing (bufring.ts: ring, idx, ctr) and its producer and lock lines; drain.ts DrainCalls.
      parts.buf_ring = ntx * (size * (F64 + I32) + U8) + 2 * ncpu * U8 + 64 * I32
        + ntx * (size * I32 + 2 * I32 + 3 * F64 + 2 * SHARED_LINE);
      parts.drain = drainBytes(ncpu, ntx, TX_BATCH_SIZE, false);
      break;
    case 'simple':
    case 'mlx5e_xmit':
      // locked.ts: the TX lock per queue, tkPhase per CPU.
      parts.locked = ntx * SHARED_LINE + ncpu * U8;
      break;
    default:
      break;
  }

  if (transmit) {
    // senders.ts (stamp, phase, inRow, sent, holding, txq; a traffic source each) or netmap.ts
    // (phase, fill, sleeping, wakeSource, sent, a source each; reserved, override per ring), and
    // their PRNG.
    parts[netmap ? 'netmap' : 'senders'] = (netmap
      ? nsend * (3 * U8 + I32 + F64 + TRAFFIC_SOURCE) + ntx * (I32 + F64) + F64
      : nsend * (F64 + 2 * U8 + I32 + F64 + I32 + TRAFFIC_SOURCE)) + PRNG;
  } else {
    // The packets' source (makesource.ts): a capture brings its own flows.
    const kind = rxSourceKind(s);
    const tso = kind === 'tso' && s.traffic.load > 0;
    const pcap = kind === 'pcap';
    const F = pcap ? Math.max(1, Math.min(MAX_CAPTURE_FLOWS, opts.captureFlows ?? MAX_CAPTURE_FLOWS)) : s.traffic.flows;
    // flows.ts: hash (Uint32), proto and hashed (Uint8), rxq and txq (Int32) per flow.
    parts.flows = F * (I32 + 2 * U8 + 2 * I32);
    // rxqueue.ts: per slot arrival time, stamp (Float64) and flow (Int32); per queue head, count,
    // maxOcc (Int32), state, woken (Uint8), lastIrq and 8 accounting doubles.
    parts.rx_rings = nrx * (s.queues.rx_desc * (2 * F64 + I32) + 3 * I32 + 2 * U8 + 9 * F64);
    // rxtask.ts: per CPU the pass in flight (phase, passN, passK, fwdNs; flow and stamp of up to
    // `budget` packets), LRO's op cycles and totals; with LRO per queue the held packets' stamps,
    // serial and work marks.
    const hold = lro ? 2 * (Math.max(s.lro.mbufs, s.lro.batch) + budget) : 0;
    parts.rxtask = ncpu * (U8 + 2 * I32 + F64 + budget * (I32 + F64)) + LRO_WORK_LEN * F64 + 2 * F64
      + (lro ? nrx * (hold * F64 + I32 + LRO_WORK_LEN * F64) : 0);
    // ingress.ts: its state cell and the PRNG; the source (rxsource.ts UniformSource: its cell and
    // a TrafficSource; tcpsenders.ts; pcapreplay.ts)
    parts.ingress = 3 * F64 + PRNG + (tso || pcap ? 0 : 2 * F64 + TRAFFIC_SOURCE);
    if (tso) parts.tcpsenders = tcpSendersBytes(s);
    if (pcap) parts.pcap = pcapBytes(F);
    if (lro) {
      // tcpflows.ts: TcpFlows (kind byte and 16 Int32 words per flow, stats) and the SegmentBuffer
      // (one PK_REC-word record per RX ring slot).
      parts.tcpflows = (pcap ? 0 : F * (U8 + 16 * I32) + 4 * F64) + nrx * s.queues.rx_desc * PK_REC * I32;
      parts.lro = nrx * lroBytes(s);
    }
  }

  parts.frames = framesBytes(FRAME_SERIES.length + DROP_LOCATIONS.length + (transmit ? nsend : nrx) + ncpu + (lro ? 1 : 0) + stagesOf(s).length);
  if (s.sim.trace) parts.trace = traceBytes(ncpu, nrx, ntx, lro);
  return total(parts);
}

/**
 * trace.ts TraceRecorder at its largest (its arrays grow up to the capacities: kind, instant, cpu,
 * t0, t1, queue, packets, a, b, stage ns and hasStages per event; track, time, value per counter
 * sample; two ends and a time per flow) and tracetap.ts TraceTap (per activity slot: live, t0, serial, two
 * counters, flag, stage row, arrow list ends; per CPU last end and idle row; the serial ring; per
 * TX queue its producers and state; the arrow pool at its largest; LRO reason marks).
 */
function traceBytes(ncpu: number, nrx: number, ntx: number, lro: boolean): number {
  const perEvent = 2 * U8 + 2 + 2 * F64 + 4 * I32 + NST * 4 + U8;
  const recorder = TRACE_CAPACITY * perEvent + TRACE_COUNTER_CAPACITY * (2 + 2 * F64) + TRACE_FLOW_CAPACITY * (2 * I32 + F64) + 8 * (2 * F64 + 2 * U8);
  const slots = ncpu * STACK_DEPTH;
  const tap = slots * (2 * U8 + 3 * F64 + 3 * I32 + NST * F64) + ncpu * (F64 + NST * F64) + NST * F64 + 2 * TAP_SERIALS * I32
    + ntx * (FLOW_FAN * (2 * I32 + F64) + I32 + U8) + TRACE_FLOW_CAPACITY * (2 * I32 + F64) + 8 * (2 * I32 + U8 + F64) + (lro ? nrx * LRO_REASONS.length * F64 : 0);
  return recorder + tap;
}

/**
 * tcpsenders.ts TcpSenders: its cell, stats, the flows' kinds (makesource.ts) and burst sizes; per
 * host the next time, burst flow, packets left, burst length, round-robin position, heap index and
 * heap slot; a closed loop's per-flow window state (5 Int32, 2 Float64) and its ACK FIFO (1024
 * entries of 2 Float64 + 2 Int32 at set-up).
 */
function tcpSendersBytes(s: Scenario): number {
  const F = s.traffic.flows;
  const H = s.traffic.active_senders > 0 ? Math.min(s.traffic.active_senders, F) : F;
  const closed = s.traffic.window === 'newreno';
  return 7 * F64 + F * (U8 + I32) + H * (F64 + 6 * I32) + (closed ? F * (5 * I32 + 2 * F64) + 1024 * (2 * F64 + 2 * I32) : 0);
}

/**
 * pcapreplay.ts PcapReplay (cell, record, the flows' hashes and hash types) and its PacketReader
 * (a chunk plus the largest record, key and record words); pcapflows.ts FlowTable of the capture
 * (open addressing at most half full, from 1024 slots: keys and index; per flow, in arrays grown
 * by doubling from 64, its key, hash and hash type).
 */
function pcapBytes(flows: number): number {
  let slots = 1024;
  while ((flows + 1) * 2 > slots) slots *= 2;
  let per = 64;
  while (per < flows) per *= 2;
  const reader = PCAP_LIMITS.chunk + PCAP_LIMITS.maxRecord + 64 + (KEY_WORDS + PK_REC) * I32;
  return 2 * F64 + PK_REC * I32 + flows * (I32 + U8) + reader + slots * (KEY_WORDS + 1) * I32 + per * (KEY_WORDS * I32 + I32 + U8);
}

/**
 * drain.ts DrainCalls: items per CPU, n/rung, ethOut, the doorbell positions of a call and the
 * numbers of its wait (UC_SLOTS); cxgbe: open WRs per queue, hold per CPU.
 */
function drainBytes(ncpu: number, ntx: number, maxItems: number, cxgbe: boolean): number {
  return ncpu * (maxItems * I32 + 2 * I32) + 2 * I32 + (maxItems + 2) * I32 + UC_SLOTS * F64 + (cxgbe ? ntx * (I32 + CXGBE_TXPKTS_MAX * F64) + ncpu * U8 : 0);
}

/**
 * Most tasks on one CPU (cpus.ts sizes each run queue by it), from topology.ts's placement:
 * queues go round the n CPUs iflib uses (the NIC's domain only for cxgbe), consecutive or spread
 * (then one per CPU), so a CPU holds at most ⌈nrx/n⌉ RX and ⌈ntx/n⌉ TX tasks; set senders are
 * pinned one per CPU from sender_cpu on, default ones share the TX queues' CPUs.
 */
function tasksPerCpuBound(s: Scenario, oneDomain: boolean, qrx: number, qtx: number, nrx: number, ntx: number, nsend: number): number {
  const threads = s.host.smt ? 2 : 1;
  let n = s.host.cores * threads;
  if (oneDomain) {
    const doms = s.host.numa_domains, per = Math.ceil(s.host.cores / doms), d = s.nic.numa_domain;
    const first = d * per, last = d === doms - 1 ? s.host.cores : Math.min(s.host.cores, first + per);
    n = Math.max(1, (last - first) * threads);
  }
  const up = (k: number, m: number) => (k > 0 ? Math.ceil(k / m) : 0);
  const queueTasks = s.queues.separate_txrx ? up(qrx + qtx, n) : up(nrx, n) + up(ntx, n);
  const senderTasks = s.traffic.senders ? up(nsend, s.host.cores * threads) : up(nsend, n);
  return queueTasks + senderTasks;
}

/**
 * lro.ts: one RX queue's Lro (the output segments, entries, hash buckets, free list, chain nodes,
 * sort arrays). The 13+ engine (lro13.ts) keeps 22 words per entry and, per chain node, the
 * queued packet's record; the classic one (lroclassic.ts) 16 words and a link.
 */
function lroBytes(s: Scenario): number {
  const E = s.lro.entries;
  const M = s.lro.mbufs;
  const sorted = s.lro.mode === 'sorted';
  const Q = sorted ? M : 0;
  let b = 0;
  // LroOutput: start, count, bytes, flow (Int32), kind, reason (Uint8) per segment; packet ids.
  const segs = sorted ? M + 64 : 256;
  const pkts = sorted ? M + 64 : 1024;
  b += segs * (4 * I32 + 2 * U8) + pkts * I32;
  b += (LRO_WORK_LEN + LRO_REASONS.length + 8) * F64; // work, reasons, counters
  const rewrite = lroCodeOf(s.host.freebsd, s.lro.code) === 'freebsd13';
  b += E * (rewrite ? 22 : 16) * I32; // entries
  b += phashinitSize(Math.max(E, M)) * I32; // hash buckets
  b += E * I32; // free list
  b += rewrite ? Math.max(64, 8 * E) * (2 + REC) * I32 : Math.max(64, 4 * E) * 2 * I32; // packet chain nodes
  b += Math.max(1, Q) * PK_REC * I32 + 5 * Q * I32; // queued records, ids, keys, sort scratch
  b += 2048 * I32 + 4 * I32; // radix counts, key accumulators
  return b;
}

function total(parts: Record<string, number>): StateEstimate {
  parts.slack = SLACK;
  let bytes = 0;
  for (const v of Object.values(parts)) bytes += v;
  return { bytes, parts };
}

/** 12.3 MiB */
export function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

/** What takes the most: `rings 300.0 MiB, flows 68.7 MiB` (the two largest parts). */
export function largestParts(e: StateEstimate, n = 2): string {
  return Object.entries(e.parts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${mib(v)}`)
    .join(', ');
}

/**
 * The refusal for a scenario over a memory budget of `budgetMib` MiB, or null when it fits. `how`
 * says how to raise the budget (`?budget_mb=N`, `--max-mib N`).
 */
export function memoryBudgetProblem(s: Scenario, budgetMib: number, how: string, opts: EstimateOptions = {}): string | null {
  const e = estimateStateBytes(s, opts);
  if (e.bytes <= budgetMib * MIB) return null;
  return `This scenario needs about ${mib(e.bytes)} of simulation state (${largestParts(e)}); the memory budget is ${budgetMib} MiB. Use fewer flows, queues or descriptors, or raise the budget with ${how}.`;
}
