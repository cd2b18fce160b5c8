/**
 * What each operation of the packet path costs on each CPU, in one place: the cycles of the
 * code (scaled by the clock and, when the core's other hardware thread also has work, by the SMT
 * share), the stalls on cache lines the NIC wrote (LLC with DDIO, DRAM without) and the extra
 * stall of lines and MMIO that cross NUMA domains. Stages charge these by operation count; the
 * constants and their sources are in costs.ts and docs/MODEL.md.
 */
import { COMMON, DRIVER_COSTS, HOST_COSTS, STAGE_INDEX, STAGES, type DriverCosts, type HostCosts, type Stage } from './costs';
import type { NicPreset } from './hardware';
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
} as const;
export const NOP = 16;

/** CPU stage each operation's cycles are charged to. */
const OP_STAGE: readonly Stage[] = [
  'irq', 'rxeof', 'rxeof', 'stack', 'stack', 'tx_enqueue', 'drain', 'drain', 'encap', 'doorbell', 'reclaim', 'sender', 'sender', 'encap', 'sender', 'drain',
];

export interface CostPlacement {
  /** NUMA domain of the NIC the packets arrive on (its DMA lands there). */
  nicDomain: number;
  /** Domain of the ifnet, rings and softc (if_alloc_dev → the NIC's, else 0). */
  memDomain: number;
  /** Domain of the NIC the packets leave by. */
  egressDomain: number;
  /** Per CPU: does its SMT sibling also run queue or sender work? (then it runs at the SMT share) */
  siblingBusy: Uint8Array;
}

export class CostModel {
  readonly ncpu: number;
  readonly host: HostCosts;
  readonly drv: DriverCosts;
  /** Per CPU per op: ns of the code (cycles at this CPU's speed), memory stall, NUMA stall. */
  readonly cycNs: Float64Array;
  readonly memNs: Float64Array;
  readonly numaNs: Float64Array;
  /** Per CPU per op: the three together. */
  readonly totalNs: Float64Array;
  /** Per CPU: ns the CPU owes before its current step ends (the step's duration being built). */
  readonly owe: Float64Array;
  /** ns per cycle on each CPU (1 / (GHz × SMT share)). */
  readonly nsPerCycle: Float64Array;
  /** Stage index of each op's cycles. */
  readonly opStage: Int32Array;
  readonly memStage = STAGE_INDEX.memory;
  readonly numaStage = STAGE_INDEX.numa;
  private readonly domain: Int32Array;

  constructor(hostPreset: string, nic: NicPreset, ghz: number, topo: Topology, place: CostPlacement) {
    this.ncpu = topo.ncpu;
    this.domain = topo.domain;
    this.host = HOST_COSTS[hostPreset] ?? HOST_COSTS.custom!;
    this.drv = DRIVER_COSTS[nic.driver]!;
    const h = this.host, d = this.drv;
    const n = topo.ncpu;
    this.cycNs = new Float64Array(n * NOP);
    this.memNs = new Float64Array(n * NOP);
    this.numaNs = new Float64Array(n * NOP);
    this.totalNs = new Float64Array(n * NOP);
    this.opStage = Int32Array.from(OP_STAGE, (s) => STAGE_INDEX[s]);
    this.nsPerCycle = new Float64Array(n);
    this.owe = new Float64Array(n);
    const cycles = new Float64Array(NOP);
    cycles[OP.IRQ] = COMMON.irq;
    cycles[OP.RXEOF_PASS] = COMMON.rxeofPass;
    cycles[OP.RX_PKT] = d.rxPkt;
    cycles[OP.FORWARD] = COMMON.forward;
    cycles[OP.RECEIVE] = COMMON.receive;
    cycles[OP.IF_TRANSMIT] = COMMON.txEnqueue;
    cycles[OP.DRAIN_CALL] = COMMON.drainCall;
    cycles[OP.DRAIN_PKT] = COMMON.drainPkt;
    cycles[OP.ENCAP] = d.txPkt;
    cycles[OP.RECLAIM] = COMMON.reclaimPkt;
    cycles[OP.SEND] = COMMON.sendPkt;
    cycles[OP.NM_FILL] = COMMON.netmapFill;
    cycles[OP.NM_SLOT] = COMMON.netmapSlot;
    cycles[OP.NM_SYNC] = COMMON.netmapSync;
    cycles[OP.TASK] = COMMON.taskRun;
    const lineNs = h.ddio ? h.llcHitNs : h.dramNs;
    for (let c = 0; c < n; c++) {
      const share = place.siblingBusy[c] ? h.smtShare : 1;
      const dom = topo.domain[c]!;
      const remote = (lines: number, where: number) => (dom !== where ? lines * h.remoteExtraNs : 0);
      const o = c * NOP;
      this.nsPerCycle[c] = 1 / (ghz * share);
      for (let k = 0; k < NOP; k++) this.cycNs[o + k] = cycles[k]! / (ghz * share);
      // The doorbell is an uncached MMIO write: a stall in ns, not cycles.
      this.cycNs[o + OP.DOORBELL] = COMMON.doorbellNs;
      this.memNs[o + OP.RX_PKT] = COMMON.rxLines * lineNs;
      this.numaNs[o + OP.RX_PKT] = remote(COMMON.rxLines, place.nicDomain) + remote(COMMON.softLines, place.memDomain);
      this.memNs[o + OP.ENCAP] = COMMON.txLines * lineNs;
      this.numaNs[o + OP.ENCAP] = remote(COMMON.txLines, place.egressDomain);
      this.numaNs[o + OP.DOORBELL] = remote(1, place.egressDomain);
      this.numaNs[o + OP.SEND] = remote(COMMON.softLines, place.memDomain);
      this.memNs[o + OP.NM_SLOT] = COMMON.txLines * lineNs;
      this.numaNs[o + OP.NM_SLOT] = remote(COMMON.txLines, place.egressDomain);
      for (let k = 0; k < NOP; k++) this.totalNs[o + k] = this.cycNs[o + k]! + this.memNs[o + k]! + this.numaNs[o + k]!;
    }
  }

  /**
   * Cache lines a consumer on `to` reads that a producer on `from` wrote moments ago (the mbuf
   * and its headers): cache-to-cache transfers, dearer across domains.
   */
  xferNs(from: number, to: number): number {
    const h = this.host;
    return COMMON.mbufLines * (this.domain[from] === this.domain[to] ? h.lineIntraNs : h.lineCrossNs);
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
    const o = cpu * NOP + op, s = cpu * NST;
    const cyc = this.cycNs[o]! * count, mem = this.memNs[o]! * count, numa = this.numaNs[o]! * count;
    stageNs[s + this.opStage[op]!]! += cyc;
    if (mem !== 0) stageNs[s + this.memStage]! += mem;
    if (numa !== 0) stageNs[s + this.numaStage]! += numa;
    this.owe[cpu]! += cyc + mem + numa;
  }

  /** Charge `ns` to one stage of cpu (and to what it owes). */
  chargeNs(stageNs: Float64Array, cpu: number, stage: number, ns: number): void {
    stageNs[cpu * NST + stage]! += ns;
    this.owe[cpu]! += ns;
  }
}

export const NST = STAGES.length;
