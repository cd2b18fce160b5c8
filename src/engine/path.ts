/**
 * The host packet path: wire → NIC → RSS → RX descriptor rings → interrupt → queue task on a CPU
 * (iflib_rxeof in passes of rx_budget) → stack (ip_tryforward, or a local sink) → TX queue by
 * flowid → TX descriptor ring → egress wire. The transmit workload replaces the RX half with
 * sender threads.
 *
 * Every CPU runs its queue tasks one pass at a time, in FIFO order (a taskqueue). A pass takes the
 * packets present in its input ring (up to the budget), costs what docs/MODEL.md says, and hands
 * its packets on when it ends: that is when iflib refills the RX descriptors and rings the TX
 * doorbell, so the NIC sees the whole pass at once. A task with packets left re-queues itself
 * (GROUPTASK_ENQUEUE); one with none re-arms its interrupt.
 *
 * State lives in typed arrays indexed by task, CPU or flow; the per-packet loops allocate nothing.
 */
import { ATOMIC_NS, COMMON, CONTENTION_WINDOW_NS, DRIVER_COSTS, HOST_COSTS, LRO_COST, STAGES, STAGE_INDEX, type Stage } from './costs';
import { SharedLine } from './sharedline';
import { LRO_REASONS, LRO_WORK_LEN, LRO_WORK_NAMES, Lro, lroCodeOf } from './lro';
import { SegmentBuffer, TcpFlows } from './tcpflows';
import { makeRxSource } from './makesource';
import type { Capture } from './pcap';
import { C_FRAME, C_TIME, type RxSource } from './rxsource';
import { BR_ACCEPTED, BR_OUT_LEN, BufRing } from './bufring';
import { DRN_CAS, DRN_TAKEN, ENQ_CAS, ENQ_CODE, MP_CONSUME, MP_DROP, MP_DROP_CHECK, MP_OUT_LEN, MpRing, TX_BATCH_SIZE } from './mpring';
import { findNic, type NicPreset } from './hardware';
import { Histogram } from './histogram';
import type { Prng } from './prng';
import { MS_TOEPLITZ, RssIndirection, txQueueOf } from './rss';
import { effectiveQueues, type Scenario } from './scenario';
import type { Scheduler } from './scheduler';
import { buildTopology, placeQueues, placeSenders, type Topology } from './topology';
import { TxRing, Wire } from './txring';
import { frameTimeNs, lineRatePps } from './wire';

export const EV_ARRIVAL = 0;
export const EV_IRQ = 2;
export const EV_CPU_DONE = 3;
export const EV_NM_WAKE = 4;

const NST = STAGES.length;
const WIRE_LAST = 0, NIC_LAST = 1, NEXT_T = 2, NEXT_STAMP = 3;
const ARMED = 0; // interrupt enabled, task idle
const IRQ_PENDING = 1; // interrupt raised (after moderation), task not yet queued
const QUEUED = 2; // task on its CPU's run queue or running
const SLEEPING = 3; // netmap: pkt-gen asleep in poll() on a full TX ring, waiting for a wake-up

/** Frames the sender's NIC can hold before the generator itself drops (pkt-gen's TX ring). */
const SENDER_QUEUE = 1024;
/** Packets a NIC can buffer in front of its packet-rate limit (on-chip packet buffer). */
const NIC_BUFFER = 512;
/** Backlog of a sender thread before the application is held back (counted as `sender` drops). */
const SENDER_BACKLOG = 256;
/** Packets a sender thread pushes per scheduling pass (its send loop between preemption points). */
const SENDER_PASS = 8;

export type DropLocation = 'wire' | 'nic' | 'rx_ring' | 'mp_ring' | 'buf_ring' | 'tx_ring' | 'sender';
export const DROP_LOCATIONS: readonly DropLocation[] = ['wire', 'nic', 'rx_ring', 'mp_ring', 'buf_ring', 'tx_ring', 'sender'];

export interface CoreSummary {
  cpu: number;
  core: number;
  domain: number;
  tasks: string[];
  utilization: number;
  busy_ms: number;
  /** Cycles charged to each stage (at the nominal clock), plus `idle`. */
  cycles_by_stage: Record<Stage | 'idle', number>;
}

export interface RxQueueSummary {
  id: number;
  kind: 'rx' | 'sender';
  cpu: number;
  descriptors: number;
  arrived: number;
  processed: number;
  dropped: number;
  in_ring: number;
  max_occupancy: number;
  mean_occupancy: number;
  littles_law_lambda_w: number;
  /** Time-average occupancy owed to packets still in the ring at the end (their waits so far / T). */
  littles_law_residual: number;
  interrupts: number;
  passes: number;
  mean_pass: number;
  pps: number;
}

export interface TxQueueSummary {
  id: number;
  kind: 'tx';
  descriptors: number;
  enqueued: number;
  delivered: number;
  dropped: number;
  /** Frames handed to the NIC that have not finished on the wire. */
  in_flight: number;
  /** Descriptors still held at the end (finished frames wait for the driver's lazy reclaim). */
  held: number;
  /** Held descriptors: maximum and time average. */
  max_occupancy: number;
  mean_occupancy: number;
  /** λW with W = enqueue → reclaim, the time a descriptor is held. */
  littles_law_lambda_w: number;
  littles_law_residual: number;
  mean_latency_us: number;
  pps: number;
  /** The software ring in front of this queue (transmit with mp_ring or buf_ring). */
  soft_ring?: SoftRingSummary;
}

export interface LroSummary {
  mode: 'legacy' | 'sorted';
  packets_in: number;
  segments_out: number;
  /** Packets per segment handed to tcp_input: data, pure ACKs, and all. */
  aggregation_ratio: { data: number; ack: number; all: number };
  flush_reasons: Record<string, number>;
  /** Passed up uncoalesced because every entry of the table was busy (TCP_LRO_NO_ENTRIES). */
  no_entries: number;
  /** Non-TCP packets offered to LRO (iflib_check_lro_possible lets them through). */
  not_tcp: number;
  /** Stack cycles saved by coalescing, minus what LRO itself cost (nominal clock). */
  cycles_saved: number;
  /** Packets LRO still held at the end. */
  held: number;
}

export interface SoftRingSummary {
  kind: 'mp_ring' | 'buf_ring';
  size: number;
  occupancy: number;
  enqueues: number;
  drops: number;
  /** mp_ring only (mp_ring.h counters). */
  starts?: number;
  stalls?: number;
  restarts?: number;
  abdications?: number;
  /** As iflib's ring_state sysctl. */
  state?: string;
  /** Drain passes run, and packets they handed to the NIC. */
  drain_passes: number;
  drained: number;
}

export class PathModel {
  readonly workload: 'forward' | 'receive' | 'transmit';
  readonly nic: NicPreset;
  readonly topo: Topology;
  readonly ntask: number;
  readonly ntx: number;
  readonly nrxq: number;
  readonly budget: number;
  readonly taskCpu: Int32Array;
  readonly txCpu: Int32Array;
  readonly ghz: number;
  readonly linePps: number;
  readonly notes: string[] = [];

  // flows
  private readonly nflows: number;
  private readonly flowTask: Int32Array;
  private readonly flowTxq: Int32Array;

  // ingress stream: source → sender wire → NIC rate limit → (next admitted packet)
  private readonly source: RxSource;
  /** ns per byte on the generator port's wire (frames of their own size: pcap replay). */
  private readonly wireByteNs: number;
  private readonly rng: Prng;
  private readonly wireS: number;
  private readonly nicS: number; // 0 = no ceiling
  // Doubles that change per packet live in a typed array (V8 boxes double object fields on every
  // write): [WIRE_LAST] the generator port's last departure, [NIC_LAST] the NIC limiter's,
  // [NEXT_T] arrival time at the input ring of the pending packet, [NEXT_STAMP] its entry time.
  private readonly ing = Float64Array.of(0, 0, Infinity, 0);
  private nextFlow = 0;

  // input rings (RX descriptor rings or sender backlogs), one per task
  private readonly cap: number;
  private readonly ringT: Float64Array;
  private readonly ringStamp: Float64Array;
  private readonly ringFlow: Int32Array;
  private readonly head: Int32Array;
  private readonly count: Int32Array;
  private readonly state: Uint8Array;
  private readonly lastIrq: Float64Array;
  private readonly itrNs: number;
  private readonly wokenByIrq: Uint8Array;
  // per-task accounting
  readonly arrived: Float64Array;
  readonly processed: Float64Array;
  readonly ringDrops: Float64Array;
  private readonly maxOcc: Int32Array;
  private readonly area: Float64Array;
  private readonly areaT: Float64Array;
  private readonly sojourn: Float64Array;
  readonly irqs: Float64Array;
  readonly passes: Float64Array;
  // per-task costs, ns: per packet and per pass, split by stage
  private readonly pktNs: Float64Array;
  private readonly passNs: Float64Array;
  private readonly irqNs: Float64Array;
  private readonly pktStage: Float64Array;
  private readonly passStage: Float64Array;
  private readonly irqStage: Float64Array;

  // CPUs
  private readonly runq: Int32Array;
  private readonly rqHead: Int32Array;
  private readonly rqLen: Int32Array;
  private readonly rqCap: number;
  private readonly cur: Int32Array; // running task or -1
  private readonly curN: Int32Array; // packets in the running pass
  private readonly busyFrom: Float64Array;
  readonly busyAcc: Float64Array;
  /** Lock time (hold + wait) charged to each CPU, ns; the other stages are derived from counts. */
  private readonly spinNs: Float64Array;
  /** Packets whose cost has been charged (at pass start), and interrupt wake-ups, per task. */
  private readonly chargedPkts: Float64Array;
  private readonly wakeups: Float64Array;

  // Transmit through a software TX path (tx.path): per TX queue a software ring and its consumer.
  readonly txPath: 'direct' | 'mp_ring' | 'buf_ring' | 'simple' | 'netmap';
  // netmap: sleeping pkt-gen threads and what wakes them.
  private readonly nmTimer: 'tick' | 'sbt_1ms' | 'sbt_90us' = 'sbt_90us';
  private readonly tickNs: number = 1e6;
  /** tick mode: until when iflib_timer's own hz/2 re-arm has overwritten the txq callout, per queue. */
  private readonly nmOverride: Float64Array = new Float64Array(0);
  /** 0: the netmap timer, 1: iflib_timer (hz/2), per sleeping thread. */
  private readonly nmSource: Uint8Array = new Uint8Array(0);
  /** stalls: sleeps on a full ring; lost_wakeups: sleeps whose one-tick wake-up iflib_timer overwrote. */
  readonly netmapStats = { stalls: 0, lost_wakeups: 0, wakeups: { timer: 0, iflib_timer: 0 } };
  private readonly mp: MpRing[] = [];
  private readonly br: BufRing[] = [];
  /** The ring's state word / producer head (mp_ring, buf_ring) or the TX lock (simple): contended lines. */
  private readonly swLine: SharedLine[] = [];
  private readonly swSize: number = 0;
  private readonly swStamp: Float64Array = new Float64Array(0);
  private readonly swPos: Int32Array = new Int32Array(0);
  private readonly taken: Int32Array = new Int32Array(0);
  private readonly drainN: Int32Array = new Int32Array(0);
  /** 1 while a drain pass of this queue is queued or running (the single consumer). */
  private readonly draining: Uint8Array = new Uint8Array(0);
  /** mp_ring: a producer got MP_CONSUME while a drain was running; the running consumer continues. */
  private readonly owed: Uint8Array = new Uint8Array(0);
  /** mp_ring with tx_abdicate: the TX task was asked to run while a drain was running. */
  private readonly taskPending: Uint8Array = new Uint8Array(0);
  readonly drainPasses: Float64Array = new Float64Array(0);
  readonly drained: Float64Array = new Float64Array(0);
  private readonly abdicate: boolean = false;
  /** Cost of a drain on each CPU, ns: per packet, per iflib_txq_drain call, per reclaimed descriptor. */
  private readonly drainPktNs: Float64Array = new Float64Array(0);
  private readonly drainCallNs: Float64Array = new Float64Array(0);
  private readonly reclaimNs: Float64Array = new Float64Array(0);
  /** Per CPU: packets drained, drain calls, descriptors reclaimed (for stage totals). */
  private readonly cpuDrainPkts: Float64Array = new Float64Array(0);
  private readonly cpuDrainCalls: Float64Array = new Float64Array(0);
  private readonly cpuReclaims: Float64Array = new Float64Array(0);
  private readonly drainStagePkt: Float64Array = new Float64Array(0);
  private readonly drainStageCall: Float64Array = new Float64Array(0);
  private readonly drainStageReclaim: Float64Array = new Float64Array(0);
  private readonly mpOut = new Int32Array(MP_OUT_LEN);
  private readonly brOut = new Int32Array(BR_OUT_LEN);
  private readonly itemBuf = new Int32Array(1);
  /** Queues this CPU owes an inline drain to after its current pass (producer became consumer). */
  private readonly owedHere: Int32Array;
  private owedHereN = 0;
  private drainCredit = 0;
  private readonly reclaimThresh: number = 0;

  // LRO on the receive path: one Lro per RX queue, TCP state per flow, stamps of held packets.
  readonly lros: Lro[] = [];
  private readonly seg: SegmentBuffer | null = null;
  private readonly lroHold: number = 0;
  private readonly holdStamp: Float64Array = new Float64Array(0);
  private readonly serial: Int32Array = new Int32Array(0);
  private readonly lroMark: Float64Array = new Float64Array(0);
  private readonly lroOpNs: Float64Array = new Float64Array(0);
  private readonly stackSegNs: Float64Array = new Float64Array(0);
  /** Per CPU: ns of LRO work and of tcp_input per segment (stages lro and stack). */
  private readonly cpuLroNs: Float64Array = new Float64Array(0);
  private readonly cpuStackNs: Float64Array = new Float64Array(0);
  /** [0] packets delivered in segments, [1] segments, totals for the frames' aggregation ratio. */
  readonly lroTotals = new Float64Array(2);

  /** FreeBSD 12's IF_AFDATA_RLOCK word on the egress ifnet, taken per forwarded packet (else null). */
  readonly afdataLock: SharedLine | null;
  private readonly lineOut = new Float64Array(2);

  // egress
  readonly egressWire: Wire | null;
  readonly txRings: TxRing[];
  readonly latency = new Histogram();

  // totals
  offered = 0;
  admitted = 0;
  sunk = 0;
  readonly drops: Record<DropLocation, number> = { wire: 0, nic: 0, rx_ring: 0, mp_ring: 0, buf_ring: 0, tx_ring: 0, sender: 0 };

  constructor(
    readonly s: Scenario,
    private readonly clock: Scheduler,
    rng: Prng,
    private readonly durationNs: number,
    capture?: Capture,
  ) {
    this.rng = rng;
    this.workload = s.traffic.workload as 'forward' | 'receive' | 'transmit';
    const nic = findNic(s.nic.model);
    if (!nic) throw new Error(`unknown nic.model ${s.nic.model}`);
    this.nic = nic;
    const drv = DRIVER_COSTS[nic.driver]!;
    const host = HOST_COSTS[s.host.preset] ?? HOST_COSTS.custom!;
    this.ghz = s.host.ghz;
    this.topo = buildTopology(s.host.cores, s.host.smt, s.host.numa_domains);
    const q = effectiveQueues(s);
    this.nrxq = q.rx;
    this.ntx = q.tx;
    const place = placeQueues(this.topo, q.rx, q.tx, {
      coreOffset: s.queues.core_offset,
      separateTxrx: s.queues.separate_txrx,
      useLogicalCores: s.queues.use_logical_cores,
      irqSpread: s.queues.irq_spread,
    });
    this.txCpu = place.tx;
    const transmit = this.workload === 'transmit';
    // Transmit: sender threads (default one per TX queue, on that queue's CPU), else RX queue tasks.
    const senders = s.traffic.senders;
    this.ntask = transmit ? senders || q.tx : q.rx;
    this.taskCpu = transmit ? (senders ? placeSenders(this.topo, senders, s.traffic.sender_cpu) : place.tx) : place.rx;
    const netmap = transmit && s.tx.path === 'netmap';
    this.budget = netmap ? s.netmap.burst : transmit ? SENDER_PASS : nic.usesIflib ? s.iflib.rx_budget : drv.ownRxBudget ?? s.iflib.rx_budget;
    if (!transmit && !nic.usesIflib) this.notes.push(`${nic.driver} does not use iflib: its own RX loop handles up to ${this.budget} packets per pass (iflib.rx_budget does not apply)`);
    this.notes.push(`${q.rx} RX / ${q.tx} TX queues (${q.why})`);

    // The packets' source (traffic.interleave): it may define its own flows (a capture).
    this.linePps = lineRatePps(s.nic.link_gbps, s.traffic.frame_bytes);
    this.source = makeRxSource(s, rng, { rate: (s.traffic.load * this.linePps) / 1e9, capture });
    this.notes.push(...this.source.notes);
    // Flows: pkt-gen style 5-tuples (198.18.x.y → 198.19.x.y, ports 2000), hashed once each.
    const F = this.source.nflows;
    this.nflows = F;
    this.flowTask = new Int32Array(F);
    this.flowTxq = new Int32Array(F);
    const reta = new RssIndirection(nic.rssTableEntries, Math.max(1, q.rx));
    const txMask = nic.txFlowidTableSize ? nic.txFlowidTableSize - 1 : 0xffffffff;
    const mix = s.traffic.mix;
    const flowHash = new Uint32Array(F);
    for (let f = 0; f < F; f++) {
      const src = (0xc6120000 + 1 + (f % 65000)) >>> 0;
      const dst = (0xc6130000 + 1 + Math.floor(f / 65000)) >>> 0;
      // Protocol by deterministic position in the mix (no PRNG draw: the mix must not shift the stream).
      const u = (f + 0.5) / F;
      const sctp = u >= mix.tcp + mix.udp;
      const hash = this.source.flowHash ? this.source.flowHash[f]! : sctp ? MS_TOEPLITZ.v4(src, dst) : MS_TOEPLITZ.v4Ports(src, dst, 2000, 2000);
      flowHash[f] = hash;
      // A sender owns the flows f ≡ its index; its packets pick a TX queue by flowid (QIDX), so
      // with senders ≠ queues several senders share a queue. Default senders map 1:1 to queues.
      this.flowTask[f] = transmit ? f % this.ntask : reta.queueOf(hash);
      // netmap: each pkt-gen thread owns one TX ring (thread i → ring i mod ntx).
      this.flowTxq[f] = netmap ? (f % this.ntask) % q.tx : transmit && !senders ? f % this.ntask : txQueueOf(hash, txMask, q.tx);
    }

    // Ingress.
    const S = frameTimeNs(s.nic.link_gbps, s.traffic.frame_bytes);
    this.wireS = transmit ? 0 : S;
    this.wireByteNs = transmit ? 0 : 8 / s.nic.link_gbps;
    this.nicS = !transmit && nic.hwCeilingPps ? 1e9 / nic.hwCeilingPps : 0;

    // Input rings.
    const T = this.ntask;
    this.cap = transmit ? SENDER_BACKLOG : s.queues.rx_desc;
    this.ringT = new Float64Array(T * this.cap);
    this.ringStamp = new Float64Array(T * this.cap);
    this.ringFlow = new Int32Array(T * this.cap);
    this.head = new Int32Array(T);
    this.count = new Int32Array(T);
    this.state = new Uint8Array(T);
    this.lastIrq = new Float64Array(T).fill(-Infinity);
    this.itrNs = transmit ? 0 : s.iflib.itr_us * 1e3;
    this.wokenByIrq = new Uint8Array(T);
    this.arrived = new Float64Array(T);
    this.processed = new Float64Array(T);
    this.ringDrops = new Float64Array(T);
    this.maxOcc = new Int32Array(T);
    this.area = new Float64Array(T);
    this.areaT = new Float64Array(T);
    this.sojourn = new Float64Array(T);
    this.irqs = new Float64Array(T);
    this.passes = new Float64Array(T);
    this.chargedPkts = new Float64Array(T);
    this.wakeups = new Float64Array(T);

    // CPUs.
    const ncpu = this.topo.ncpu;
    const tasksOn = new Int32Array(ncpu);
    for (let t = 0; t < T; t++) tasksOn[this.taskCpu[t]!]! += 1;
    this.rqCap = Math.max(1, T + q.tx);
    this.txPath = transmit ? s.tx.path : 'direct';
    this.owedHere = new Int32Array(Math.max(1, q.tx));
    this.runq = new Int32Array(ncpu * this.rqCap);
    this.rqHead = new Int32Array(ncpu);
    this.rqLen = new Int32Array(ncpu);
    this.cur = new Int32Array(ncpu).fill(-1);
    this.curN = new Int32Array(ncpu);
    this.busyFrom = new Float64Array(ncpu);
    this.busyAcc = new Float64Array(ncpu);
    this.spinNs = new Float64Array(ncpu);

    // Costs per task, from the stage costs of docs/MODEL.md.
    this.pktNs = new Float64Array(T);
    this.passNs = new Float64Array(T);
    this.irqNs = new Float64Array(T);
    this.pktStage = new Float64Array(T * NST);
    this.passStage = new Float64Array(T * NST);
    this.irqStage = new Float64Array(T * NST);
    const nicDom = s.nic.numa_domain;
    const memDom = s.numa.if_alloc_dev ? nicDom : 0;
    const egressDom = this.workload === 'forward' ? s.forward.egress_numa_domain : nicDom;
    const lineNs = host.ddio ? host.llcHitNs : host.dramNs;
    for (let t = 0; t < T; t++) {
      const cpu = this.taskCpu[t]!;
      const d = this.topo.domain[cpu]!;
      const sib = this.topo.sibling[cpu]!;
      const share = sib >= 0 && tasksOn[sib]! > 0 ? host.smtShare : 1;
      const cyc = (c: number) => c / (this.ghz * share);
      const pk = (st: Stage, ns: number) => { this.pktStage[t * NST + STAGE_INDEX[st]]! += ns; };
      const ps = (st: Stage, ns: number) => { this.passStage[t * NST + STAGE_INDEX[st]]! += ns; };
      const remote = (lines: number, dom: number) => (d !== dom ? lines * host.remoteExtraNs : 0);
      if (this.workload !== 'transmit') {
        pk('rxeof', cyc(drv.rxPkt));
        ps('rxeof', cyc(COMMON.rxeofPass));
        pk('memory', COMMON.rxLines * lineNs);
        pk('numa', remote(COMMON.rxLines, nicDom) + remote(COMMON.softLines, memDom));
        this.irqStage[t * NST + STAGE_INDEX.irq] = cyc(COMMON.irq);
      } else {
        pk('sender', cyc(COMMON.sendPkt));
        pk('numa', remote(COMMON.softLines, memDom));
        this.irqStage[t * NST + STAGE_INDEX.irq] = cyc(COMMON.irq);
      }
      if (this.workload === 'receive') {
        // With LRO, tcp_input runs once per segment LRO hands up, charged per pass.
        if (s.lro.mode === 'off') pk('stack', cyc(COMMON.receive));
      } else if (this.txPath === 'netmap') {
        // pkt-gen fills slots; txsync writes one descriptor per slot and rings the doorbell once.
        this.pktStage[t * NST + STAGE_INDEX.sender] = cyc(COMMON.netmapFill);
        pk('encap', cyc(COMMON.netmapSlot));
        pk('memory', COMMON.txLines * lineNs);
        pk('numa', remote(COMMON.txLines, egressDom));
        ps('sender', cyc(COMMON.netmapSync));
        ps('doorbell', COMMON.doorbellNs + remote(1, egressDom));
      } else if (this.txPath === 'mp_ring' || this.txPath === 'buf_ring') {
        // The producer's share: if_transmit and the enqueue. Draining is a pass of its own.
        pk('tx_enqueue', cyc(COMMON.txEnqueue));
      } else {
        if (this.workload === 'forward') pk('stack', cyc(COMMON.forward));
        pk('tx_enqueue', cyc(COMMON.txEnqueue));
        pk('drain', cyc(COMMON.drainPkt));
        pk('encap', cyc(drv.txPkt));
        pk('reclaim', cyc(COMMON.reclaimPkt));
        pk('memory', COMMON.txLines * lineNs);
        pk('numa', remote(COMMON.txLines, egressDom));
        // simple: every packet rings the doorbell under the TX lock; otherwise one per pass.
        if (this.txPath === 'simple') pk('doorbell', COMMON.doorbellNs + remote(1, egressDom));
        else ps('doorbell', COMMON.doorbellNs + remote(1, egressDom));
      }
      let a = 0, b = 0, c = 0;
      for (let k = 0; k < NST; k++) {
        a += this.pktStage[t * NST + k]!;
        b += this.passStage[t * NST + k]!;
        c += this.irqStage[t * NST + k]!;
      }
      this.pktNs[t] = a;
      this.passNs[t] = b;
      this.irqNs[t] = c;
    }

    if (this.workload === 'receive' && s.lro.mode !== 'off') {
      const nq = this.ntask, cap = this.cap;
      for (let k = 0; k < nq; k++) {
        this.lros.push(new Lro({ mode: s.lro.mode, code: lroCodeOf(s.host.freebsd, s.lro.code), entries: s.lro.entries, mbufs: s.lro.mbufs, batch: s.lro.batch, tcpHint: s.lro.tcp_hint }));
      }
      this.source.attachTcp(new TcpFlows(F, {
        // Tiny frames (ACK storms) still need a data MSS for any data flows: floor the frame at 128.
        frameBytes: Math.max(128, s.traffic.frame_bytes - 4),
        mix: s.traffic.mix,
        ackShare: s.traffic.ack_share,
        lossProb: s.traffic.loss,
        reorderProb: s.traffic.loss,
        flowid: flowHash,
      }, rng));
      this.seg = new SegmentBuffer(nq * cap);
      // Ids of packets inside LRO or handed up by the running pass, for their arrival stamps: at
      // most the sort array or the batch (whichever flushes first) plus one pass, so twice that
      // never wraps onto a packet still in flight.
      this.lroHold = 2 * (Math.max(s.lro.mbufs, s.lro.batch) + this.budget);
      this.holdStamp = new Float64Array(nq * this.lroHold);
      this.serial = new Int32Array(nq);
      this.lroMark = new Float64Array(nq * LRO_WORK_LEN);
      this.lroOpNs = new Float64Array(nq * LRO_WORK_LEN);
      this.stackSegNs = new Float64Array(nq);
      this.cpuLroNs = new Float64Array(this.topo.ncpu);
      this.cpuStackNs = new Float64Array(this.topo.ncpu);
      for (let t = 0; t < nq; t++) {
        const cpu = this.taskCpu[t]!;
        const sib = this.topo.sibling[cpu]!;
        const share = sib >= 0 && tasksOn[sib]! > 0 ? host.smtShare : 1;
        const f = 1 / (this.ghz * share);
        for (let k = 0; k < LRO_WORK_LEN; k++) this.lroOpNs[t * LRO_WORK_LEN + k] = LRO_COST[LRO_WORK_NAMES[k]!] * f;
        this.stackSegNs[t] = COMMON.receive * f;
      }
      this.notes.push(`LRO ${s.lro.mode} (${lroCodeOf(s.host.freebsd, s.lro.code) === 'classic' ? 'classic tcp_lro.c' : 'FreeBSD 13+ tcp_lro.c'}): ${s.lro.mode === 'legacy' ? `${s.lro.entries} entries per RX queue` : `${s.lro.mbufs}-packet sort array`}, flush_all every ${s.lro.batch > 1 ? `${s.lro.batch} packets` : 'rxeof pass'}${s.lro.tcp_hint ? ', TCP only (hash-type hint)' : ', every IP packet offered'}`);
    }

    this.afdataLock = this.workload === 'forward' && s.host.freebsd === 12
      ? new SharedLine({ atomicNs: ATOMIC_NS, intraNs: host.lineIntraNs, crossNs: host.lineCrossNs, windowNs: CONTENTION_WINDOW_NS }, this.topo.domain)
      : null;
    if (this.afdataLock) this.notes.push('FreeBSD 12: every forwarded packet takes IF_AFDATA_RLOCK on the egress ifnet in arpresolve, a lock word shared by all CPUs');

    // Egress: TX rings on one wire (the egress port, or the NIC's own port for transmit).
    if (this.workload === 'receive') {
      this.egressWire = null;
      this.txRings = [];
    } else {
      // The NIC cannot send faster than its TX packet-rate ceiling, where one is known.
      const txCeil = transmit && nic.txCeilingPps ? 1e9 / nic.txCeilingPps : 0;
      this.egressWire = new Wire(Math.max(S, txCeil));
      if (txCeil > S) this.notes.push(`the ${nic.title} sends at most ${(nic.txCeilingPps! / 1e6).toFixed(0)} Mpps (fitted TX ceiling, docs/MODEL.md)`);
      this.txRings = Array.from({ length: q.tx }, () => new TxRing(s.queues.tx_desc, this.egressWire!, this.latency));
    }

    if (this.txPath === 'netmap') {
      this.nmTimer = s.netmap.tx_timer;
      this.tickNs = 1e9 / s.kern.hz;
      this.nmOverride = new Float64Array(q.tx);
      this.nmSource = new Uint8Array(this.ntask);
      this.notes.push(`tx.path=netmap: ${this.ntask} pkt-gen thread(s), burst ${s.netmap.burst}, wake-up on a full ring by ${s.netmap.tx_timer}`);
    } else if (this.txPath !== 'direct') {
      const lineCosts = { atomicNs: ATOMIC_NS, intraNs: host.lineIntraNs, crossNs: host.lineCrossNs, windowNs: CONTENTION_WINDOW_NS };
      const nq = q.tx;
      for (let k = 0; k < nq; k++) this.swLine.push(new SharedLine(lineCosts, this.topo.domain));
      this.abdicate = this.txPath === 'mp_ring' && s.iflib.tx_abdicate;
      this.reclaimThresh = s.iflib.tx_reclaim_thresh;
      if (this.txPath === 'mp_ring' || this.txPath === 'buf_ring') {
        const size = s.tx.mp_ring_size;
        this.swSize = size;
        this.swStamp = new Float64Array(nq * size);
        this.swPos = new Int32Array(nq);
        this.taken = new Int32Array(nq * size);
        this.drainN = new Int32Array(nq);
        this.draining = new Uint8Array(nq);
        this.owed = new Uint8Array(nq);
        this.taskPending = new Uint8Array(nq);
        this.drainPasses = new Float64Array(nq);
        this.drained = new Float64Array(nq);
        for (let k = 0; k < nq; k++) {
          const ring = this.txRings[k]!;
          if (this.txPath === 'mp_ring') {
            // iflib_txq_drain: up to TX_BATCH_SIZE per call, as many as there are free descriptors.
            this.mp.push(new MpRing(size, (_r, _c, avail) => {
              const n = Math.min(avail, this.drainCredit, TX_BATCH_SIZE);
              this.drainCredit -= n;
              return n;
            }, () => {
              ring.retireAt(this.clock.timeCell, 0);
              return ring.free > 0;
            }));
          } else {
            this.br.push(new BufRing(size));
          }
        }
      }
      // A drain's cost depends on the CPU that runs it (the producer's, or the TX task's).
      const ncpuAll = this.topo.ncpu;
      this.drainPktNs = new Float64Array(ncpuAll);
      this.drainCallNs = new Float64Array(ncpuAll);
      this.reclaimNs = new Float64Array(ncpuAll);
      this.cpuDrainPkts = new Float64Array(ncpuAll);
      this.cpuDrainCalls = new Float64Array(ncpuAll);
      this.cpuReclaims = new Float64Array(ncpuAll);
      this.drainStagePkt = new Float64Array(ncpuAll * NST);
      this.drainStageCall = new Float64Array(ncpuAll * NST);
      this.drainStageReclaim = new Float64Array(ncpuAll * NST);
      for (let cpu = 0; cpu < ncpuAll; cpu++) {
        const d = this.topo.domain[cpu]!;
        const sib = this.topo.sibling[cpu]!;
        const share = sib >= 0 && tasksOn[sib]! > 0 ? host.smtShare : 1;
        const cyc = (c: number) => c / (this.ghz * share);
        const remote = (lines: number) => (d !== nicDom ? lines * host.remoteExtraNs : 0);
        const o = cpu * NST;
        this.drainStagePkt[o + STAGE_INDEX.drain] = cyc(COMMON.drainPkt);
        this.drainStagePkt[o + STAGE_INDEX.encap] = cyc(drv.txPkt);
        this.drainStagePkt[o + STAGE_INDEX.memory] = COMMON.txLines * lineNs;
        this.drainStagePkt[o + STAGE_INDEX.numa] = remote(COMMON.txLines);
        this.drainStageCall[o + STAGE_INDEX.drain] = cyc(COMMON.drainCall);
        this.drainStageCall[o + STAGE_INDEX.doorbell] = COMMON.doorbellNs + remote(1);
        this.drainStageReclaim[o + STAGE_INDEX.reclaim] = cyc(COMMON.reclaimPkt);
        let a = 0, b = 0, c = 0;
        for (let k = 0; k < NST; k++) { a += this.drainStagePkt[o + k]!; b += this.drainStageCall[o + k]!; c += this.drainStageReclaim[o + k]!; }
        this.drainPktNs[cpu] = a;
        this.drainCallNs[cpu] = b;
        this.reclaimNs[cpu] = c;
      }
      this.notes.push(this.txPath === 'simple'
        ? 'tx.path=simple: no software ring; each packet takes the TX queue lock, is encapsulated and rings the doorbell'
        : `tx.path=${this.txPath}: ${s.tx.mp_ring_size}-entry software ring per TX queue${this.abdicate ? '; producers abdicate, the TX task drains on its own CPU' : '; the producer that finds the ring idle drains it'}`);
    }
  }

  start(): void {
    this.pullNext();
    const t = this.ing[NEXT_T]!;
    if (t < this.durationNs) this.clock.schedule(t, EV_ARRIVAL);
  }

  /** Generate source packets until one is admitted to the DUT (or the source passes the end). */
  private pullNext(): void {
    const src = this.source;
    const ing = this.ing;
    const cell = src.cell;
    for (;;) {
      const flow = src.next(this.durationNs);
      if (flow < 0) {
        ing[NEXT_T] = Infinity;
        return;
      }
      const t = cell[C_TIME]!;
      this.offered++;
      let at = t;
      if (this.wireS > 0) {
        // The generator's (or switch's) port: a FIFO at line rate with SENDER_QUEUE frames of room.
        const last = ing[WIRE_LAST]!;
        const start = t > last ? t : last;
        if (start - t >= SENDER_QUEUE * this.wireS) {
          this.drops.wire++;
          src.lostInNetwork();
          continue;
        }
        const fb = cell[C_FRAME]!;
        at = start + (fb > 0 ? (fb + 20) * this.wireByteNs : this.wireS); // last bit received
        ing[WIRE_LAST] = at;
      }
      if (this.nicS > 0) {
        const last = ing[NIC_LAST]!;
        const start = at > last ? at : last;
        if (start - at >= NIC_BUFFER * this.nicS) {
          this.drops.nic++;
          src.lostInNetwork();
          continue;
        }
        at = start + this.nicS;
        ing[NIC_LAST] = at;
      }
      ing[NEXT_T] = at;
      ing[NEXT_STAMP] = this.workload === 'transmit' ? t : at;
      this.nextFlow = flow;
      return;
    }
  }

  /** EV_ARRIVAL: admit packets until the next foreign event, then re-arm. */
  arrivals(): void {
    const clock = this.clock;
    const cap = this.cap;
    const ing = this.ing;
    // typed arrays in locals: the loop calls out (the source's header), after which V8 would
    // reload every `this.x` field
    const flowTask = this.flowTask, arrived = this.arrived, count = this.count, ringDrops = this.ringDrops;
    const area = this.area, areaT = this.areaT, head = this.head, ringT = this.ringT, ringStamp = this.ringStamp;
    const ringFlow = this.ringFlow, maxOcc = this.maxOcc, state = this.state;
    const src = this.source, seg = this.seg;
    const end = this.durationNs;
    let t = ing[NEXT_T]!;
    // The clock is moved only where another stage looks at it (scheduling an interrupt) and at
    // the end: arrivals in between touch nothing that reads the time.
    let last = -1;
    // The next foreign event: it changes only when this loop schedules one (an interrupt). Read
    // once, not per packet (peekTime's Infinity branch makes its result a boxed heap number).
    let peek = clock.peekTime();
    while (t < end && t <= peek) {
      last = t;
      const f = this.nextFlow;
      const task = flowTask[f]!;
      arrived[task]! += 1;
      const n = count[task]!;
      if (n >= cap) {
        // A dropped packet still advances its flow: the receiver sees a sequence gap.
        src.header(null, 0);
        src.dropped(f, t);
        ringDrops[task]! += 1;
        if (this.workload === 'transmit') this.drops.sender++;
        else this.drops.rx_ring++;
      } else {
        // occupancy integral, then push
        area[task]! += n * (t - areaT[task]!);
        areaT[task] = t;
        let slot = head[task]! + n;
        if (slot >= cap) slot -= cap;
        const i = task * cap + slot;
        src.header(seg, i);
        ringT[i] = t;
        ringStamp[i] = ing[NEXT_STAMP]!;
        ringFlow[i] = f;
        count[task] = n + 1;
        if (n + 1 > maxOcc[task]!) maxOcc[task] = n + 1;
        this.admitted++;
        if (state[task] === ARMED) {
          this.raiseIrq(task, t);
          peek = clock.peekTime();
        }
      }
      this.pullNext();
      t = ing[NEXT_T]!;
    }
    if (last > clock.now) clock.advanceTo(last);
    if (t < end) clock.schedule(t, EV_ARRIVAL);
  }

  /** A packet at `t` found the task idle with its interrupt enabled: raise it (after moderation). */
  private raiseIrq(task: number, t: number): void {
    const irqAt = this.lastIrq[task]! + this.itrNs;
    this.state[task] = IRQ_PENDING;
    this.clock.advanceTo(t);
    this.clock.schedule(t > irqAt ? t : irqAt, EV_IRQ, task);
  }

  /** EV_IRQ: the (moderated) interrupt fires; the filter queues the task on its CPU. */
  irq(task: number): void {
    this.lastIrq[task] = this.clock.now;
    this.irqs[task]! += 1;
    this.state[task] = QUEUED;
    this.wokenByIrq[task] = 1;
    this.enqueueTask(task);
  }

  private enqueueTask(task: number): void {
    const cpu = this.taskCpu[task]!;
    if (this.cur[cpu] === -1 && this.rqLen[cpu] === 0) {
      this.startPass(cpu, task);
      return;
    }
    let slot = this.rqHead[cpu]! + this.rqLen[cpu]!;
    if (slot >= this.rqCap) slot -= this.rqCap;
    this.runq[cpu * this.rqCap + slot] = task;
    this.rqLen[cpu]! += 1;
  }

  private startPass(cpu: number, task: number): void {
    if (task >= this.ntask) {
      this.startDrain(cpu, task - this.ntask);
      return;
    }
    const now = this.clock.now;
    let n = Math.min(this.budget, this.count[task]!);
    if (this.txPath === 'netmap') {
      // txsync first reclaims completed slots; pkt-gen fills only what is free.
      const ring = this.txRings[task % this.ntx]!;
      // iflib_netmap_txsync asks for a completion report at slot 0 and half the ring only.
      ring.retireAt(this.clock.timeCell, 0, 0, ring.capacity >> 1);
      if (ring.free < n) n = ring.free;
      if (n === 0) {
        this.sleep(task);
        if (this.cur[cpu] === -1) this.nextTask(cpu);
        return;
      }
    }
    let cost = this.passNs[task]! + n * this.pktNs[task]!;
    // Stage totals are derived at the end from these counts (the per-task stage costs are fixed).
    this.chargedPkts[task]! += n;
    if (this.wokenByIrq[task]) {
      this.wokenByIrq[task] = 0;
      this.wakeups[task]! += 1;
      cost += this.irqNs[task]!;
    }
    if (this.lros.length > 0) cost += this.lroPass(cpu, task, n);
    if (this.afdataLock && n > 0) cost += this.lineTime(this.afdataLock, cpu, now, n);
    if (this.txPath !== 'direct' && this.txPath !== 'netmap' && n > 0) cost += this.producerContention(cpu, task, n, now);
    this.cur[cpu] = task;
    this.curN[cpu] = n;
    this.busyFrom[cpu] = now;
    this.passes[task]! += 1;
    this.clock.schedule(now + cost, EV_CPU_DONE, cpu);
  }

  /**
   * iflib_rxeof's LRO hand-off for one pass: every packet to tcp_lro_rx / tcp_lro_queue_mbuf in ring
   * order, tcp_lro_flush_all at the end (or once `lro.batch` packets came in). Returns the LRO work plus tcp_input per segment handed up, ns; the packets
   * of those segments are delivered when the pass ends.
   */
  private lroPass(cpu: number, task: number, n: number): number {
    const lro = this.lros[task]!;
    const cap = this.cap, base = task * cap, hold = this.lroHold, hb = task * hold;
    let h = this.head[task]!;
    let id = this.serial[task]!;
    for (let k = 0; k < n; k++) {
      const i = base + h;
      this.holdStamp[hb + id] = this.ringStamp[i]!;
      lro.input(this.seg!, i, id);
      id = id + 1 === hold ? 0 : id + 1;
      h = h + 1 === cap ? 0 : h + 1;
    }
    this.serial[task] = id;
    // flush_all at the end of the pass; with a larger lro.batch, held packets wait for more
    // (even across interrupts: that is the latency price of the batch).
    lro.endOfPass();
    // What went up stays in lro.out until the pass ends (cpuDone delivers and clears it).
    const out = lro.out;
    const np = out.npkt, ns = out.nseg;
    this.lroTotals[0]! += np;
    this.lroTotals[1]! += ns;
    // the work counted since the last pass (lro.workSince), each count at its cost
    const w = lro.work, mark = this.lroMark, opNs = this.lroOpNs, ob = task * LRO_WORK_LEN;
    let work = 0;
    for (let k = 0; k < LRO_WORK_LEN; k++) {
      const d = w[k]! - mark[ob + k]!;
      mark[ob + k] = w[k]!;
      work += d * opNs[ob + k]!;
    }
    const stack = ns * this.stackSegNs[task]!;
    this.cpuLroNs[cpu]! += work;
    this.cpuStackNs[cpu]! += stack;
    return work + stack;
  }

  /** `n` acquisitions of a contended line by `cpu` at `t`: hold + wait, charged to `spin`. */
  private lineTime(line: SharedLine, cpu: number, t: number, n: number, criticalNs = 0): number {
    const out = this.lineOut;
    line.acquire(cpu, t, n, out, criticalNs);
    const spin = out[0]! + out[1]!;
    this.spinNs[cpu]! += spin;
    return spin;
  }

  /**
   * Atomics a sender pass does on shared lines, per TX queue its packets go to: mp_ring's state
   * word (reserve + publish CAS per packet), buf_ring's producer head and the TX lock trylock, or
   * for `simple` the TX queue lock held through encap and doorbell. Returns the hold + wait, ns.
   */
  private producerContention(cpu: number, task: number, n: number, now: number): number {
    const cap = this.cap, base = task * cap;
    const critical = this.txPath === 'simple' ? this.pktStage[task * NST + STAGE_INDEX.encap]! + this.pktStage[task * NST + STAGE_INDEX.doorbell]! : 0;
    const perPkt = this.txPath === 'simple' ? 1 : 2;
    let total = 0;
    let h = this.head[task]!;
    let runQ = -1, runN = 0;
    for (let k = 0; k <= n; k++) {
      const q = k < n ? this.flowTxq[this.ringFlow[base + h]!]! : -2;
      if (q !== runQ) {
        if (runN > 0) total += this.lineTime(this.swLine[runQ]!, cpu, now + total, runN * perPkt, critical / perPkt);
        runQ = q;
        runN = 0;
      }
      runN++;
      h = h + 1 === cap ? 0 : h + 1;
    }
    return total;
  }

  /**
   * netmap: pkt-gen found no free slot and sleeps in poll(). Nothing but a timer wakes it: iflib
   * has no TX interrupt. With `tick`, txsync arms the txq callout for one tick, but iflib_timer
   * shares that callout and re-arms it for hz/2 when it runs; a thread woken by it on another CPU
   * runs txsync before that re-arm, so its one-tick arm is overwritten and the next wake-up is
   * hz/2 (500 ms) later, again and again: the missed wake-up of the meeting.
   */
  private sleep(task: number): void {
    const now = this.clock.now;
    const q = task % this.ntx;
    this.state[task] = SLEEPING;
    this.netmapStats.stalls++;
    let at: number;
    if (this.nmTimer === 'sbt_90us') at = now + 90e3;
    else if (this.nmTimer === 'sbt_1ms') at = now + 1e6;
    else if (now < this.nmOverride[q]!) {
      at = this.nmOverride[q]!;
      this.nmSource[task] = 1;
      this.netmapStats.lost_wakeups++;
    } else {
      at = (Math.floor(now / this.tickNs) + 1) * this.tickNs;
      this.nmSource[task] = 0;
    }
    if (this.nmTimer !== 'tick') this.nmSource[task] = 0;
    if (at < this.durationNs) this.clock.schedule(at, EV_NM_WAKE, task);
  }

  /** EV_NM_WAKE: the timer fires; netmap_tx_irq wakes the thread, which runs txsync again. */
  nmWake(task: number): void {
    if (this.state[task] !== SLEEPING) return;
    const now = this.clock.now;
    const q = task % this.ntx;
    if (this.nmSource[task] === 1) this.netmapStats.wakeups.iflib_timer++;
    else this.netmapStats.wakeups.timer++;
    if (this.nmTimer === 'tick' && this.taskCpu[task] !== this.txCpu[q]) {
      // iflib_timer finishes on the txq's CPU after the woken thread has re-armed: hz/2 wins.
      this.nmOverride[q] = now + (this.tickNs * Math.floor(1e9 / this.tickNs)) / 2;
    }
    this.state[task] = QUEUED;
    this.wokenByIrq[task] = 1;
    this.enqueueTask(task);
  }

  /** A drain pass of TX queue q's software ring on `cpu`: reclaim, dequeue, encap, doorbell. */
  private startDrain(cpu: number, q: number): void {
    const now = this.clock.now;
    const ring = this.txRings[q]!;
    const before = ring.reclaimed;
    ring.retireAt(this.clock.timeCell, 0, this.reclaimThresh); // iflib_completed_tx_reclaim first
    const reclaimed = ring.reclaimed - before;
    let n = 0, cas = 0;
    const off = q * this.swSize;
    if (this.txPath === 'mp_ring') {
      const m = this.mp[q]!;
      if (!m.drainOwed) {
        // The TX task (tx_abdicate): ifmp_ring_check_drainage restarts an ABDICATED/STALLED ring.
        m.checkDrainage(TX_BATCH_SIZE, this.mpOut);
        cas += this.mpOut[ENQ_CAS]!;
      }
      if (m.drainOwed) {
        this.drainCredit = ring.free;
        m.drain(this.mpOut, this.taken, off);
        n = this.mpOut[DRN_TAKEN]!;
        cas += this.mpOut[DRN_CAS]!;
      }
    } else {
      n = this.br[q]!.dequeue(this.taken, off, ring.free);
    }
    const calls = n > 0 ? Math.ceil(n / TX_BATCH_SIZE) : 1;
    let cost = n * this.drainPktNs[cpu]! + calls * this.drainCallNs[cpu]! + reclaimed * this.reclaimNs[cpu]!;
    if (cas > 0) cost += this.lineTime(this.swLine[q]!, cpu, now, cas);
    this.cpuDrainPkts[cpu]! += n;
    this.cpuDrainCalls[cpu]! += calls;
    this.cpuReclaims[cpu]! += reclaimed;
    this.drainPasses[q]! += 1;
    this.drainN[q] = n;
    this.cur[cpu] = this.ntask + q;
    this.curN[cpu] = n;
    this.busyFrom[cpu] = now;
    this.clock.schedule(now + cost, EV_CPU_DONE, cpu);
  }

  /** The drain pass ends: its packets reach the NIC (doorbell), then the consumer decides. */
  private endDrain(cpu: number, q: number): void {
    const ring = this.txRings[q]!;
    const nowCell = this.clock.timeCell;
    const off = q * this.swSize;
    const n = this.drainN[q]!;
    for (let k = 0; k < n; k++) {
      if (!ring.offerFrom(nowCell, 0, this.swStamp, off + this.taken[off + k]!)) this.drops.tx_ring++;
    }
    this.drained[q]! += n;
    this.drainN[q] = 0;
    const task = this.ntask + q;
    if (this.txPath === 'mp_ring') {
      if (this.owed[q]) {
        // A producer found the ring idle while we ran: as the running consumer, keep going.
        this.owed[q] = 0;
        this.pushFront(cpu, task);
      } else if (this.taskPending[q]) {
        this.taskPending[q] = 0;
        this.enqueueOn(this.txCpu[q]!, task);
      } else {
        this.draining[q] = 0;
      }
    } else {
      // buf_ring: the TX lock holder drains until the ring is empty or the NIC is full.
      const more = this.br[q]!.count > 0;
      ring.retireAt(nowCell, 0);
      if (more && ring.free > 0) this.pushFront(cpu, task);
      else this.draining[q] = 0;
    }
  }

  /** Enqueue one sent packet on TX queue q's software ring (at the end of its sender's pass). */
  private softEnqueue(q: number, stamps: Float64Array, si: number): void {
    const S = this.swSize;
    const pos = this.swPos[q]!;
    this.swStamp[q * S + pos] = stamps[si]!;
    this.itemBuf[0] = pos;
    if (this.txPath === 'mp_ring') {
      const out = this.mpOut;
      const m = this.mp[q]!;
      m.enqueue(this.itemBuf, 0, 1, TX_BATCH_SIZE, this.abdicate, out);
      let code = out[ENQ_CODE]!;
      if (code === MP_DROP || code === MP_DROP_CHECK) {
        this.drops.mp_ring++;
        if (code === MP_DROP_CHECK) {
          m.checkDrainage(0, out);
          code = out[ENQ_CODE]!;
        } else return;
      } else {
        this.swPos[q] = pos + 1 === S ? 0 : pos + 1;
      }
      if (code === MP_CONSUME) {
        if (this.draining[q]) this.owed[q] = 1;
        else {
          this.draining[q] = 1;
          this.owedHere[this.owedHereN++] = q;
        }
      } else if (this.abdicate) {
        // iflib_if_transmit: with tx_abdicate, GROUPTASK_ENQUEUE the TX task (coalesced).
        if (this.draining[q]) this.taskPending[q] = 1;
        else {
          this.draining[q] = 1;
          this.enqueueOn(this.txCpu[q]!, this.ntask + q);
        }
      }
    } else {
      const b = this.br[q]!;
      b.enqueueMany(this.itemBuf, 0, 1, this.brOut);
      if (this.brOut[BR_ACCEPTED] === 0) {
        this.drops.buf_ring++;
        return;
      }
      this.swPos[q] = pos + 1 === S ? 0 : pos + 1;
      if (!this.draining[q]) {
        // mtx_trylock on the TX lock succeeded: this producer drains.
        this.draining[q] = 1;
        this.owedHere[this.owedHereN++] = q;
      }
    }
  }

  /** Put a task at the head of `cpu`'s run queue (the caller starts the CPU if it is idle). */
  private pushFront(cpu: number, task: number): void {
    let slot = this.rqHead[cpu]! - 1;
    if (slot < 0) slot += this.rqCap;
    this.runq[cpu * this.rqCap + slot] = task;
    this.rqHead[cpu] = slot;
    this.rqLen[cpu]! += 1;
  }

  private enqueueOn(cpu: number, task: number): void {
    if (this.cur[cpu] === -1 && this.rqLen[cpu] === 0) {
      this.startPass(cpu, task);
      return;
    }
    this.enqueueTaskBehind(cpu, task);
  }

  private nextTask(cpu: number): void {
    if (this.rqLen[cpu]! > 0) {
      const next = this.runq[cpu * this.rqCap + this.rqHead[cpu]!]!;
      this.rqHead[cpu] = this.rqHead[cpu]! + 1 === this.rqCap ? 0 : this.rqHead[cpu]! + 1;
      this.rqLen[cpu]! -= 1;
      this.startPass(cpu, next);
    } else {
      this.cur[cpu] = -1;
    }
  }

  /** EV_CPU_DONE: the pass ends; its packets move on, then the CPU takes its next task. */
  cpuDone(cpu: number): void {
    const now = this.clock.now;
    const task = this.cur[cpu]!;
    const n = this.curN[cpu]!;
    this.busyAcc[cpu]! += now - this.busyFrom[cpu]!;
    this.busyFrom[cpu] = now;
    if (task >= this.ntask) {
      this.cur[cpu] = -1;
      this.endDrain(cpu, task - this.ntask);
      if (this.cur[cpu] === -1) this.nextTask(cpu);
      return;
    }
    const soft = this.txPath === 'mp_ring' || this.txPath === 'buf_ring';
    const lroOn = this.lros.length > 0;
    const cap = this.cap;
    const base = task * cap;
    let h = this.head[task]!;
    const cnt = this.count[task]!;
    this.area[task]! += cnt * (now - this.areaT[task]!);
    this.areaT[task] = now;
    let soj = 0;
    const rings = this.txRings;
    const fwd = rings.length > 0;
    const nowCell = this.clock.timeCell;
    let lastQ = -1;
    for (let k = 0; k < n; k++) {
      const i = base + h;
      soj += now - this.ringT[i]!;
      if (soft) {
        this.softEnqueue(this.flowTxq[this.ringFlow[i]!]!, this.ringStamp, i);
      } else if (fwd) {
        const q = this.flowTxq[this.ringFlow[i]!]!;
        const ring = rings[q]!;
        // Retiring is idempotent at one instant: once per ring per pass is enough.
        if (q !== lastQ) { ring.retireAt(nowCell, 0); lastQ = q; }
        if (!ring.offerFrom(nowCell, 0, this.ringStamp, i)) this.drops.tx_ring++;
      } else if (!lroOn) {
        this.sunk++;
        this.latency.record(now - this.ringStamp[i]!);
        if (this.source.feedback) this.source.delivered(this.ringFlow[i]!, 1, 1, now);
      }
      h = h + 1 === cap ? 0 : h + 1;
    }
    if (lroOn) {
      // What LRO handed up during this pass reaches the socket now.
      const out = this.lros[task]!.out;
      const pb = task * this.lroHold, np = out.npkt, ids = out.pkt;
      for (let k = 0; k < np; k++) this.latency.record(now - this.holdStamp[pb + ids[k]!]!);
      this.sunk += np;
      if (this.source.feedback) for (let k = 0; k < out.nseg; k++) this.source.delivered(out.flow[k]!, out.count[k]!, 1, now);
      out.clear();
    }
    // A closed-loop source that had nothing to send may have been given window by these ACKs.
    if (this.source.feedback && this.ing[NEXT_T] === Infinity) {
      this.pullNext();
      const t = this.ing[NEXT_T]!;
      if (t < this.durationNs) this.clock.schedule(t, EV_ARRIVAL);
    }
    this.head[task] = h;
    this.count[task] = cnt - n;
    this.sojourn[task]! += soj;
    this.processed[task]! += n;
    // The task re-queues itself while packets remain, else re-enables its interrupt.
    if (cnt - n > 0) this.enqueueTaskBehind(cpu, task);
    else this.state[task] = ARMED;
    this.cur[cpu] = -1;
    // A producer that became the consumer drains before it does anything else.
    for (let k = this.owedHereN - 1; k >= 0; k--) this.pushFront(cpu, this.ntask + this.owedHere[k]!);
    this.owedHereN = 0;
    if (this.cur[cpu] === -1) this.nextTask(cpu);
  }

  private enqueueTaskBehind(cpu: number, task: number): void {
    let slot = this.rqHead[cpu]! + this.rqLen[cpu]!;
    if (slot >= this.rqCap) slot -= this.rqCap;
    this.runq[cpu * this.rqCap + slot] = task;
    this.rqLen[cpu]! += 1;
  }

  /** Bring time-integrated state up to `t` (frame boundaries, end of run). */
  sync(t: number): void {
    for (const r of this.txRings) r.observeUntil(t);
    for (let task = 0; task < this.ntask; task++) {
      this.area[task]! += this.count[task]! * (t - this.areaT[task]!);
      this.areaT[task] = t;
    }
    for (let cpu = 0; cpu < this.topo.ncpu; cpu++) {
      if (this.cur[cpu] !== -1) {
        this.busyAcc[cpu]! += t - this.busyFrom[cpu]!;
        this.busyFrom[cpu] = t;
      }
    }
  }

  /** Packets on the wire to the DUT or in rings at this moment. */
  inFlight(): number {
    let n = this.ing[NEXT_T]! < Infinity ? 1 : 0;
    for (let t = 0; t < this.ntask; t++) n += this.count[t]!;
    for (const r of this.txRings) n += r.inFlight;
    for (const m of this.mp) n += m.occupancy;
    for (const b of this.br) n += b.count;
    for (let q = 0; q < this.drainN.length; q++) n += this.drainN[q]!;
    if (this.lros.length > 0) {
      for (let t = 0; t < this.lros.length; t++) n += this.lros[t]!.heldPackets + this.lros[t]!.out.npkt;
      // A running pass's packets are already in LRO (or handed up) and still hold their descriptors.
      for (let c = 0; c < this.topo.ncpu; c++) if (this.cur[c]! >= 0 && this.cur[c]! < this.ntask) n -= this.curN[c]!;
    }
    return n;
  }

  delivered(): number {
    let n = this.sunk;
    for (const r of this.txRings) n += r.delivered;
    return n;
  }

  /** Arrivals scheduled but not yet admitted (the one-packet lookahead). */
  get pendingIngress(): number {
    return this.ing[NEXT_T]! < Infinity ? 1 : 0;
  }

  /** ns charged to each stage on each CPU: counts × the task's fixed stage costs, plus lock time. */
  stageTotals(): Float64Array {
    const out = new Float64Array(this.topo.ncpu * NST);
    for (let t = 0; t < this.ntask; t++) {
      const co = this.taskCpu[t]! * NST, so = t * NST;
      const passes = this.passes[t]!, pkts = this.chargedPkts[t]!, wakes = this.wakeups[t]!;
      for (let k = 0; k < NST; k++) {
        out[co + k]! += passes * this.passStage[so + k]! + pkts * this.pktStage[so + k]! + wakes * this.irqStage[so + k]!;
      }
    }
    const spin = STAGE_INDEX.spin;
    for (let c = 0; c < this.topo.ncpu; c++) out[c * NST + spin]! += this.spinNs[c]!;
    if (this.cpuLroNs.length) {
      for (let c = 0; c < this.topo.ncpu; c++) {
        out[c * NST + STAGE_INDEX.lro]! += this.cpuLroNs[c]!;
        out[c * NST + STAGE_INDEX.stack]! += this.cpuStackNs[c]!;
      }
    }
    if (this.cpuDrainPkts.length) {
      for (let c = 0; c < this.topo.ncpu; c++) {
        const o = c * NST, p = this.cpuDrainPkts[c]!, calls = this.cpuDrainCalls[c]!, r = this.cpuReclaims[c]!;
        for (let k = 0; k < NST; k++) out[o + k]! += p * this.drainStagePkt[o + k]! + calls * this.drainStageCall[o + k]! + r * this.drainStageReclaim[o + k]!;
      }
    }
    return out;
  }

  coreSummaries(T: number): CoreSummary[] {
    const out: CoreSummary[] = [];
    const names: string[][] = Array.from({ length: this.topo.ncpu }, () => []);
    const label = this.workload === 'transmit' ? 'sender' : 'rxq';
    for (let t = 0; t < this.ntask; t++) names[this.taskCpu[t]!]!.push(`${label}${t}`);
    const stageNs = this.stageTotals();
    for (let cpu = 0; cpu < this.topo.ncpu; cpu++) {
      const byStage = {} as Record<Stage | 'idle', number>;
      for (let k = 0; k < NST; k++) byStage[STAGES[k]!] = Math.round(stageNs[cpu * NST + k]! * this.ghz);
      byStage.idle = Math.max(0, Math.round((T - this.busyAcc[cpu]!) * this.ghz));
      out.push({
        cpu,
        core: this.topo.core[cpu]!,
        domain: this.topo.domain[cpu]!,
        tasks: names[cpu]!,
        utilization: T > 0 ? this.busyAcc[cpu]! / T : 0,
        busy_ms: this.busyAcc[cpu]! / 1e6,
        cycles_by_stage: byStage,
      });
    }
    return out;
  }

  rxQueueSummaries(T: number): RxQueueSummary[] {
    const out: RxQueueSummary[] = [];
    for (let t = 0; t < this.ntask; t++) {
      const done = this.processed[t]!;
      out.push({
        id: t,
        kind: this.workload === 'transmit' ? 'sender' : 'rx',
        cpu: this.taskCpu[t]!,
        descriptors: this.cap,
        arrived: this.arrived[t]!,
        processed: done,
        dropped: this.ringDrops[t]!,
        in_ring: this.count[t]!,
        max_occupancy: this.maxOcc[t]!,
        mean_occupancy: T > 0 ? this.area[t]! / T : 0,
        littles_law_lambda_w: T > 0 ? this.sojourn[t]! / T : 0,
        littles_law_residual: T > 0 ? this.ageInRing(t, T) / T : 0,
        interrupts: this.irqs[t]!,
        passes: this.passes[t]!,
        mean_pass: this.passes[t]! ? done / this.passes[t]! : 0,
        pps: T > 0 ? done / (T / 1e9) : 0,
      });
    }
    return out;
  }

  /** Sum over packets still in task `t`'s ring of how long they have waited by time T. */
  private ageInRing(t: number, T: number): number {
    let age = 0;
    for (let k = 0, h = this.head[t]!; k < this.count[t]!; k++, h = h + 1 === this.cap ? 0 : h + 1) age += T - this.ringT[t * this.cap + h]!;
    return age;
  }

  txQueueSummaries(T: number): TxQueueSummary[] {
    return this.txRings.map((r, id) => ({
      id,
      kind: 'tx' as const,
      descriptors: r.capacity,
      enqueued: r.enqueued,
      delivered: r.delivered,
      dropped: r.dropped,
      in_flight: r.inFlight,
      held: r.occupancy,
      max_occupancy: r.maxOccupancy,
      mean_occupancy: T > 0 ? r.area / T : 0,
      littles_law_lambda_w: T > 0 ? r.sojournSum / T : 0,
      littles_law_residual: T > 0 ? r.inFlightAge(T) / T : 0,
      mean_latency_us: r.delivered ? r.latencySum / r.delivered / 1e3 : 0,
      pps: T > 0 ? r.delivered / (T / 1e9) : 0,
      ...(this.mp[id] ? { soft_ring: this.mpSummary(id) } : this.br[id] ? { soft_ring: this.brSummary(id) } : {}),
    }));
  }

  lroSummary(): LroSummary | null {
    if (this.lros.length === 0) return null;
    let pin = 0, segs = 0, dp = 0, ds = 0, ap = 0, as = 0, noE = 0, notTcp = 0, held = 0, lroNs = 0, stackNs = 0;
    const reasons = new Float64Array(LRO_REASONS.length);
    for (const l of this.lros) {
      pin += l.packetsIn; segs += l.segmentsOut; dp += l.dataPackets; ds += l.dataSegments; ap += l.ackPackets; as += l.ackSegments;
      noE += l.noEntries; notTcp += l.notTcp; held += l.heldPackets;
      for (let k = 0; k < reasons.length; k++) reasons[k]! += l.reasons[k]!;
    }
    for (let c = 0; c < this.cpuLroNs.length; c++) { lroNs += this.cpuLroNs[c]!; stackNs += this.cpuStackNs[c]!; }
    const perSeg = COMMON.receive / this.ghz; // ns of tcp_input per segment at the nominal clock
    const flush: Record<string, number> = {};
    LRO_REASONS.forEach((r, k) => { if (reasons[k]! > 0) flush[r] = reasons[k]!; });
    const delivered = pin - held;
    return {
      mode: this.s.lro.mode as 'legacy' | 'sorted',
      packets_in: pin,
      segments_out: segs,
      aggregation_ratio: { data: ds ? dp / ds : 0, ack: as ? ap / as : 0, all: segs ? delivered / segs : 0 },
      flush_reasons: flush,
      no_entries: noE,
      not_tcp: notTcp,
      cycles_saved: Math.round((delivered * perSeg - stackNs - lroNs) * this.ghz),
      held,
    };
  }

  private mpSummary(q: number): SoftRingSummary {
    const m = this.mp[q]!;
    return {
      kind: 'mp_ring', size: this.swSize, occupancy: m.occupancy, enqueues: m.enqueues, drops: m.drops,
      starts: m.starts, stalls: m.stalls, restarts: m.restarts, abdications: m.abdications, state: m.describe(),
      drain_passes: this.drainPasses[q]!, drained: this.drained[q]!,
    };
  }

  private brSummary(q: number): SoftRingSummary {
    const b = this.br[q]!;
    return { kind: 'buf_ring', size: this.swSize, occupancy: b.count, enqueues: b.enqueued, drops: b.drops, drain_passes: this.drainPasses[q]!, drained: this.drained[q]! };
  }

  /** Busy time so far per CPU (ns), for frame utilisation. */
  busyTotals(): Float64Array {
    return this.busyAcc;
  }
}
