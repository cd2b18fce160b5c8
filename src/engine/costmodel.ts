/**
 * What each operation of the packet path costs on each CPU of a run, built from the constants in
 * costs.ts and the facts of the host, the NIC and the placement:
 *
 * - Code: cycles (Broadwell cycles × 1/ipc of the host's microarchitecture) at the core clock. A
 *   hardware thread whose SMT sibling also has queue or sender work gets `smt.share` of the core's
 *   execution; stalls are not slowed by the sibling (they overlap), which is why SMT pays off on
 *   stall-bound packet work and hardly on cycle-bound work.
 * - Memory with a working set: a packet reads lines the NIC wrote (its header, the RX completion;
 *   a drain call the TX completion) and lines of software state (mbuf, iflib's descriptor arrays).
 *   NIC-written lines hit the LLC when DDIO keeps them there — while the DMA working set of all
 *   queues fits DDIO's share of the LLC — and come from DRAM otherwise. Software lines hit while
 *   the CPU's own rings' footprint fits its cache. Misses of one packet overlap up to `mlp`.
 * - NUMA: lines homed in another domain cost the interconnect on top (NIC DMA for a CPU off the
 *   NIC's domain, the ifnet's software state, the egress NIC's descriptors and doorbell).
 * - The doorbell is an uncached MMIO write: ns, not cycles.
 */
import { HOST_COSTS, MBUF_XFER_LINES, PARAMS, TXQ_STATE_LINES, STAGE_INDEX, STAGES, type HostCosts, type Params, type Stage } from './costs';
import type { NicPreset } from './hardware';
import { LRO_CHECK_CYCLES, LRO_FWD_READ_CYCLES } from './lrocheck';
import type { Topology } from './topology';

/** Operations a stage charges, each to one CPU stage (plus memory and NUMA stalls). */
export const OP = {
  IRQ: 0, // iflib_fast_intr + taskqueue wake-up
  RXEOF_PASS: 1, // rxd_available, refill doorbell, loop set-up
  RX_PKT: 2, // isc_rxd_pkt_get + mbuf set-up + refill share
  FORWARD: 3, // ip_tryforward + fib lookup + ether_output
  RECEIVE: 4, // ip_input → udp/tcp_input → socket append, per segment
  IF_TRANSMIT: 5, // iflib_if_transmit / drbr_enqueue / the driver's transmit entry
  DRAIN_CALL: 6, // one iflib_txq_drain call
  DRAIN_PKT: 7, // the drain loop per packet (ring peek, bookkeeping)
  ENCAP: 8, // iflib_encap: DMA map load, descriptor write
  DOORBELL: 9, // isc_txd_flush: the MMIO write of the TX tail
  RECLAIM: 10, // iflib_completed_tx_reclaim per descriptor (m_freem)
  SEND: 11, // sendto → udp_output
  NM_FILL: 12, // pkt-gen fills one netmap slot
  NM_SLOT: 13, // iflib_netmap_txsync per slot
  NM_SYNC: 14, // one txsync (ioctl/poll entry)
  TASK: 15, // a grouptask run (_task_fn_tx entry)
  IP_FORWARD: 16, // FreeBSD 12 ip_forward → ip_output over the fast path
  TX_WR: 17, // cxgbe: one work request
  LRO_CHECK: 18, // iflib_check_lro_possible on one packet (LRO enabled on a router)
  LRO_PASS: 19, // iflib_get_ip_forwarding, once per rxeof pass with LRO enabled
} as const;
export const NOP = 20;
/** The ops of one drain call, in the order `chargeDrainCall` charges them. */
const DRAIN_OPS = Int32Array.of(OP.DRAIN_CALL, OP.RECLAIM, OP.DRAIN_PKT, OP.ENCAP, OP.TX_WR);
export const NST = STAGES.length;
const MEM_STAGE = STAGE_INDEX.memory, NUMA_STAGE = STAGE_INDEX.numa;

/** CPU stage each operation's cycles are charged to. */
const OP_STAGE: readonly Stage[] = [
  'irq', 'rxeof', 'rxeof', 'stack', 'stack', 'tx_enqueue', 'drain', 'drain', 'encap', 'doorbell', 'reclaim', 'sender', 'sender', 'encap', 'sender', 'drain', 'stack', 'encap', 'lro', 'lro',
];

/** Lines of software state a packet touches (mbuf header, iflib/driver descriptor arrays). */
export const SW_LINES_PER_PACKET = 3;
/** Bytes of software state per ring slot that cycle through the cache (mbuf + sw descriptor). */
export const SW_BYTES_PER_SLOT = 320;

export interface CostPlacement {
  /** NUMA domain of the NIC the packets arrive on (its DMA lands there). */
  nicDomain: number;
  /** Domain of the ifnet, rings and softc (if_alloc_dev → the NIC's, else 0). */
  memDomain: number;
  /** Domain of the NIC the packets leave by. */
  egressDomain: number;
  /** Per CPU: does its SMT sibling also run queue or sender work? */
  siblingBusy: Uint8Array;
  /** Per CPU: descriptors of the rings it serves (RX and TX), its software working set. */
  ringSlots: Float64Array;
  /** Descriptors of all RX rings of the NIC (the DMA working set DDIO must hold). */
  rxSlotsTotal: number;
  /** Bytes of last-level cache per domain. */
  llcBytes: number;
}

export class CostModel {
  readonly ncpu: number;
  readonly host: HostCosts;
  readonly params: Params;
  /**
   * Per CPU per op, three doubles: ns of the code (cycles at this CPU's speed), memory stall,
   * NUMA stall — interleaved, so `charge` (several times per packet) reads one array.
   */
  private readonly opNs: Float64Array;
  /** Per CPU per op: the three together. */
  readonly totalNs: Float64Array;
  /** Per CPU: ns the CPU owes before its current step ends (the step's duration being built). */
  readonly owe: Float64Array;
  /** AMD: each uncached store first waits for the one before (txpath/uncached.ts). */
  readonly uncachedWaitsEach: boolean;
  /** Per CPU: when its last doorbell's uncached store completes, simulated ns. */
  readonly uncachedFree: Float64Array;
  /** ns per Broadwell cycle on each CPU. */
  readonly nsPerCycle: Float64Array;
  /** Stage index of each op's cycles. */
  readonly opStage: Int32Array;

  readonly memStage = STAGE_INDEX.memory;
  readonly numaStage = STAGE_INDEX.numa;
  /** What a consumer pays per packet produced on another CPU, same domain / across, ns. */
  private readonly xferIntra: number;
  private readonly xferCross: number;
  private readonly txqIntra: number;
  private readonly txqCross: number;
  private readonly domain: Int32Array;
  /** Per CPU: share of its software lines and of NIC-written lines that hit (diagnostics). */
  readonly swHit: Float64Array;
  readonly dmaHit: number;

  constructor(hostPreset: string, nic: NicPreset, ghz: number, topo: Topology, place: CostPlacement, params: Params = PARAMS) {
    this.ncpu = topo.ncpu;
    this.domain = topo.domain;
    this.params = params;
    const h = (this.host = HOST_COSTS[hostPreset] ?? HOST_COSTS.custom!);
    const P = (k: string) => {
      const v = params[k];
      if (v === undefined) throw new Error(`cost parameter ${k} missing`);
      return v;
    };
    const fam = nic.usesIflib ? 'iflib' : nic.driver;
    const ipc = h.microarch === 'broadwell' ? 1 : P(`ipc.${h.microarch}`);
    const n = topo.ncpu;
    const cycNs = new Float64Array(n * NOP);
    const memNs = new Float64Array(n * NOP);
    const numaNs = new Float64Array(n * NOP);
    this.totalNs = new Float64Array(n * NOP);
    this.owe = new Float64Array(n);
    this.nsPerCycle = new Float64Array(n);
    this.swHit = new Float64Array(n);
    this.opStage = Int32Array.from(OP_STAGE, (s) => STAGE_INDEX[s]);
    const cycles = new Float64Array(NOP);
    cycles[OP.IRQ] = P('cyc.irq');
    cycles[OP.RXEOF_PASS] = P('cyc.rx_pass');
    cycles[OP.RX_PKT] = P(`cyc.rx.${fam}`);
    cycles[OP.FORWARD] = P('cyc.forward');
    cycles[OP.RECEIVE] = P('cyc.receive');
    cycles[OP.IF_TRANSMIT] = P('cyc.if_transmit');
    cycles[OP.DRAIN_CALL] = P('cyc.drain_call');
    cycles[OP.DRAIN_PKT] = P('cyc.drain_pkt');
    cycles[OP.ENCAP] = P(`cyc.tx.${fam}`);
    cycles[OP.RECLAIM] = P('cyc.reclaim');
    cycles[OP.SEND] = P('ns.sendto') * 2.2; // a Broadwell cycle count: the source ran at 2.2 GHz
    cycles[OP.NM_FILL] = P('cyc.netmap_fill');
    cycles[OP.NM_SLOT] = P('cyc.netmap_slot');
    cycles[OP.NM_SYNC] = P('cyc.netmap_sync');
    cycles[OP.TASK] = P('cyc.task');
    cycles[OP.IP_FORWARD] = P('cyc.ip_forward');
    cycles[OP.TX_WR] = P('cyc.tx_wr');
    // priors from lrocheck.ts (a call and a header compare; two forwarding loads under CURVNET_SET)
    cycles[OP.LRO_CHECK] = LRO_CHECK_CYCLES;
    cycles[OP.LRO_PASS] = LRO_FWD_READ_CYCLES;
    const mlp = P('mlp');
    const missNs = h.dramNs / mlp;
    // NIC-written lines: the LLC while DDIO holds the DMA working set, else DRAM.
    const dmaLines = place.rxSlotsTotal * (1 + nic.rxCompletionBytes / 64);
    const ddioBytes = h.ddio ? place.llcBytes * h.ddioShare : 0;
    this.dmaHit = h.ddio ? Math.min(1, ddioBytes / (dmaLines * 64)) : 0;
    const nicLineNs = this.dmaHit * h.llcHitNs + (1 - this.dmaHit) * missNs;
    const rxNicLines = 1 + nic.rxCompletionBytes / 64;
    const txNicLines = nic.txCompletionBytes / 64;
    this.xferIntra = MBUF_XFER_LINES * h.lineIntraNs;
    this.xferCross = MBUF_XFER_LINES * h.lineCrossNs;
    // the state lines are independent stores: their transfers overlap like misses (mlp)
    this.txqIntra = (TXQ_STATE_LINES * h.lineIntraNs) / P('mlp');
    this.txqCross = (TXQ_STATE_LINES * h.lineCrossNs) / P('mlp');
    // Only the GX-412TC's MMIO store has a constant of its own (its rows need it); Zen 4 and the
    // Atom take the Broadwell figure (an assumption, docs/MODEL.md).
    const doorbell = P(h.microarch === 'jaguar' ? 'ns.doorbell.jaguar' : 'ns.doorbell');
    // the AMD hosts (AMD64 APM vol. 2: a UC access first writes the write buffers out)
    this.uncachedWaitsEach = h.microarch === 'jaguar' || h.microarch === 'zen4';
    this.uncachedFree = new Float64Array(n);
    const smt = P('smt.share');
    for (let c = 0; c < n; c++) {
      const share = place.siblingBusy[c] ? smt : 1;
      const npc = 1 / (ghz * ipc * share);
      this.nsPerCycle[c] = npc;
      const dom = topo.domain[c]!;
      const remote = (lines: number, where: number) => (dom !== where ? lines * h.remoteExtraNs : 0);
      // the CPU's software state against its cache
      const ws = place.ringSlots[c]! * SW_BYTES_PER_SLOT;
      const hit = ws > 0 ? Math.min(1, h.cachePerCoreBytes / ws) : 1;
      this.swHit[c] = hit;
      const swNs = SW_LINES_PER_PACKET * (1 - hit) * missNs;
      const o = c * NOP;
      for (let k = 0; k < NOP; k++) cycNs[o + k] = cycles[k]! * npc;
      cycNs[o + OP.DOORBELL] = doorbell;
      memNs[o + OP.RX_PKT] = rxNicLines * nicLineNs + swNs;
      numaNs[o + OP.RX_PKT] = remote(rxNicLines, place.nicDomain) + remote(SW_LINES_PER_PACKET, place.memDomain);
      memNs[o + OP.DRAIN_CALL] = txNicLines * nicLineNs;
      numaNs[o + OP.DRAIN_CALL] = remote(txNicLines, place.egressDomain);
      numaNs[o + OP.ENCAP] = remote(1, place.egressDomain); // the TX descriptor line
      numaNs[o + OP.DOORBELL] = remote(1, place.egressDomain);
      numaNs[o + OP.SEND] = remote(SW_LINES_PER_PACKET, place.memDomain);
      numaNs[o + OP.NM_SLOT] = remote(1, place.egressDomain);
      for (let k = 0; k < NOP; k++) this.totalNs[o + k] = cycNs[o + k]! + memNs[o + k]! + numaNs[o + k]!;
    }
    this.opNs = new Float64Array(3 * n * NOP);
    for (let o = 0; o < n * NOP; o++) {
      this.opNs[3 * o] = cycNs[o]!;
      this.opNs[3 * o + 1] = memNs[o]!;
      this.opNs[3 * o + 2] = numaNs[o]!;
    }
  }

  /**
   * Cache lines a consumer on `to` reads that a producer on `from` wrote moments ago (the mbuf
   * and its headers): cache-to-cache transfers, dearer across domains.
   */
  /** A TX queue's driver state moving from the CPU that drained it last to `to`, ns. */
  txqXferNs(from: number, to: number): number {
    return this.domain[from] === this.domain[to] ? this.txqIntra : this.txqCross;
  }

  xferNs(from: number, to: number): number {
    return this.domain[from] === this.domain[to] ? this.xferIntra : this.xferCross;
  }

  /** ns of `count` × op on cpu. */
  ns(cpu: number, op: number, count = 1): number {
    return this.totalNs[cpu * NOP + op]! * count;
  }

  /**
   * `count` × op on cpu: add it to that CPU's stage totals (`stageNs`, ncpu × STAGES) and to what
   * the CPU owes before its next step ends (`owe`). Nothing is returned: a double returned from a
   * call V8 does not inline is a heap allocation, and this runs several times per packet.
   */
  charge(stageNs: Float64Array, cpu: number, op: number, count: number): void {
    const tab = this.opNs, o = 3 * (cpu * NOP + op), s = cpu * NST;
    const cyc = tab[o]! * count, mem = tab[o + 1]! * count, numa = tab[o + 2]! * count;
    stageNs[s + this.opStage[op]!]! += cyc;
    if (mem !== 0) stageNs[s + MEM_STAGE]! += mem;
    if (numa !== 0) stageNs[s + NUMA_STAGE]! += numa;
    this.owe[cpu]! += cyc + mem + numa;
  }

  private readonly drainCounts = new Float64Array(DRAIN_OPS.length);

  /**
   * One drain call's work on cpu, exactly as the charges of DRAIN_OPS in order (each only when
   * its count is positive): the call, `reclaimed` descriptors reclaimed, `packets` through the
   * drain loop and iflib_encap, `wrs` work requests (its doorbells are charged as the wait for
   * their stores, txpath/uncached.ts). One pass with the tables and what the CPU owes in locals;
   * the same additions in the same order as separate `charge` calls, so the same doubles.
   */
  chargeDrainCall(stageNs: Float64Array, cpu: number, reclaimed: number, packets: number, wrs: number): void {
    const counts = this.drainCounts;
    counts[0] = 1;
    counts[1] = reclaimed;
    counts[2] = packets;
    counts[3] = packets;
    counts[4] = wrs;
    const tab = this.opNs, opStage = this.opStage, s = cpu * NST, base = 3 * cpu * NOP;
    let owe = this.owe[cpu]!;
    for (let k = 0; k < DRAIN_OPS.length; k++) {
      const n = counts[k]!;
      if (!(n > 0)) continue;
      const op = DRAIN_OPS[k]!, o = base + 3 * op;
      const cyc = tab[o]! * n, mem = tab[o + 1]! * n, numa = tab[o + 2]! * n;
      stageNs[s + opStage[op]!]! += cyc;
      if (mem !== 0) stageNs[s + MEM_STAGE]! += mem;
      if (numa !== 0) stageNs[s + NUMA_STAGE]! += numa;
      owe += cyc + mem + numa;
    }
    this.owe[cpu] = owe;
  }

  /**
   * Charge `ns[a] + ns[b]` to one stage of cpu (and to what it owes): chargeNs for a sum the
   * caller has in a typed array (a double argument to a call V8 does not inline is boxed).
   */
  chargeNsSum(stageNs: Float64Array, cpu: number, stage: number, ns: Float64Array, a: number, b: number): void {
    const v = ns[a]! + ns[b]!;
    stageNs[cpu * NST + stage]! += v;
    this.owe[cpu]! += v;
  }

  /** chargeNs of `ns[i]`. */
  chargeNsAt(stageNs: Float64Array, cpu: number, stage: number, ns: Float64Array, i: number): void {
    const v = ns[i]!;
    stageNs[cpu * NST + stage]! += v;
    this.owe[cpu]! += v;
  }

  /** Charge `ns` to one stage of cpu (and to what it owes). */
  chargeNs(stageNs: Float64Array, cpu: number, stage: number, ns: number): void {
    stageNs[cpu * NST + stage]! += ns;
    this.owe[cpu]! += ns;
  }
}
