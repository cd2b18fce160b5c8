/**
 * What each stage of the packet path costs the CPU that runs it. Every number here is listed in
 * docs/MODEL.md with its source: a prior from calibration.md's per-operation costs, or the
 * calibration row that fixed it. Cycles scale with the core clock; memory stalls are in ns and do
 * not.
 */

/** Stages that charge CPU time, in the order the summary and charts list them. */
export const STAGES = [
  'irq', // interrupt filter + taskqueue wake-up (iflib_fast_intr → GROUPTASK_ENQUEUE)
  'rxeof', // driver RX: descriptor read, mbuf setup, refill (iflib_rxeof / isc_rxd_pkt_get)
  'lro', // tcp_lro_rx / tcp_lro_flush_all
  'stack', // ip_tryforward (forward) or ip_input → tcp/udp_input → socket (receive)
  'sender', // sendto() → udp_output for the transmit workload's sender threads
  'tx_enqueue', // iflib_if_transmit → ifmp_ring_enqueue
  'drain', // iflib_txq_drain loop (mp_ring consumer)
  'encap', // iflib_encap / isc_txd_encap: DMA map, descriptor write
  'doorbell', // isc_txd_flush: MMIO write of the TX tail (iflib_txd_db_check)
  'reclaim', // iflib_completed_tx_reclaim: free mbufs of completed descriptors
  'memory', // stalls on cache lines the NIC wrote by DMA (LLC hit with DDIO, DRAM without)
  'numa', // extra stall for cache lines and MMIO that cross NUMA domains
  'spin', // lock/CAS contention
] as const;
export type Stage = (typeof STAGES)[number];

/** One name per CPU stage, for the summary's bottleneck sentence and the charts' legends alike. */
export const STAGE_LABELS: Record<Stage, string> = {
  irq: 'interrupt',
  rxeof: 'rxeof',
  lro: 'LRO',
  stack: 'stack',
  sender: 'sender',
  tx_enqueue: 'if_transmit',
  drain: 'drain',
  encap: 'encap',
  doorbell: 'doorbell',
  reclaim: 'reclaim',
  memory: 'memory stalls',
  numa: 'NUMA',
  spin: 'lock / CAS contention',
};
export const STAGE_INDEX: Record<Stage, number> = Object.fromEntries(STAGES.map((s, i) => [s, i])) as Record<Stage, number>;

/** Per-driver CPU costs in cycles. */
export interface DriverCosts {
  /** Driver RX work per packet (descriptor parse, mbuf/cluster handling, refill share). */
  rxPkt: number;
  /** Driver TX work per packet (encap: DMA load + descriptor write). */
  txPkt: number;
  /** RX packets per task pass for drivers that do not use iflib's rx_budget. */
  ownRxBudget: number | null;
}

/** Host memory system, ns. */
export interface HostCosts {
  /** Stall per NIC-written cache line read from the LLC (DDIO hosts). */
  llcHitNs: number;
  /** Stall per NIC-written cache line read from local DRAM (hosts without DDIO). */
  dramNs: number;
  /** Whether NIC DMA writes land in the LLC of the NIC's socket (Intel DDIO). */
  ddio: boolean;
  /** Extra stall per cache line (or MMIO write) that crosses to another NUMA domain. */
  remoteExtraNs: number;
  /** Throughput of one hardware thread when its SMT sibling is also busy, relative to alone. */
  smtShare: number;
  /** Cache-to-cache transfer of a contended line within a domain, and across domains, ns. */
  lineIntraNs: number;
  lineCrossNs: number;
}

/** An atomic on a line the core already owns (calibration.md: "an atomic operation ~8 ns"). */
export const ATOMIC_NS = 8;
/** Other CPUs that touched a shared line this recently count as contending for it. */
export const CONTENTION_WINDOW_NS = 5000;

/** Stack and iflib costs shared by all drivers, cycles. Priors; see docs/MODEL.md. */
export const COMMON = {
  /** Interrupt filter, taskqueue wake-up and context switch, per interrupt. */
  irq: 1500,
  /** Fixed part of one rxeof pass (rxd_available, refill doorbell, loop setup). */
  rxeofPass: 300,
  /** ip_tryforward + fib lookup + ether_output, per forwarded packet. */
  forward: 450,
  /** ip_input + udp_input/tcp_input + socket append (sink), per delivered segment. */
  receive: 900,
  /** iflib_if_transmit + ifmp_ring_enqueue (two atomics, ~8 ns each), per packet. */
  txEnqueue: 120,
  /** mp_ring drain loop overhead, per packet. */
  drainPkt: 60,
  /** One iflib_txq_drain call (up to TX_BATCH_SIZE = 32 packets): entry, reclaim check, loop setup. */
  drainCall: 200,
  /** Completed-descriptor reclaim (m_freem to the UMA cache), per packet. */
  reclaimPkt: 80,
  /** The doorbell MMIO write stalls the core, per doorbell (ns, not cycles). */
  doorbellNs: 100,
  /** NIC-written cache lines touched per received packet: RX descriptor and packet header. */
  rxLines: 2,
  /** TX-side lines touched per packet: TX descriptor and completion status. */
  txLines: 2,
  /** Lines of software state per packet allocated where the ifnet lives (queue softc, mbuf header). */
  softLines: 2,
  /** Lines of a packet a TX consumer reads that its producer wrote (mbuf header, packet headers). */
  mbufLines: 2,
  /** pkt-gen filling one netmap slot (calibration.md: 14.88 Mpps on one 900 MHz core ≈ 60 cycles). */
  netmapFill: 60,
  /** iflib_netmap_txsync per slot: one descriptor write (no mbuf, no DMA map load). */
  netmapSlot: 25,
  /** One txsync: ioctl/poll entry, netmap_txsync, iflib_netmap_txsync setup. */
  netmapSync: 1500,
  /** sendto() → udp_output per packet for the transmit workload (~950 ns at 2.2 GHz-class cores). */
  sendPkt: 2000,
  /** One grouptask run: gtaskqueue_run_locked picks the task, _task_fn_tx entry and exit. */
  taskRun: 300,
} as const;

/**
 * LRO work, cycles per counted operation (lro.ts `work[W_*]`). Priors: a header parse and hash
 * lookup per offered packet, a compare per entry scanned, a header update per merge, building and
 * handing up one segment per flush, and the radix sort's passes.
 */
export const LRO_COST = {
  offered: 40, lookups: 20, scanned: 8, merges: 50, allocs: 30, flushes: 80, passups: 20,
  queued: 15, flush_all: 50, rx_done: 0, sorts: 100, sort_scans: 2, sort_swaps: 4, sort_cmps: 2,
} as const;

/** Per-driver costs. Values fitted to calibration rows are marked so in docs/MODEL.md. */
export const DRIVER_COSTS: Record<string, DriverCosts> = {
  mlx5en: { rxPkt: 330, txPkt: 260, ownRxBudget: 256 },
  cxgbe: { rxPkt: 260, txPkt: 190, ownRxBudget: 64 },
  ixl: { rxPkt: 960, txPkt: 760, ownRxBudget: null },
  ix: { rxPkt: 1750, txPkt: 1160, ownRxBudget: null },
  igb: { rxPkt: 600, txPkt: 450, ownRxBudget: null },
};

export const HOST_COSTS: Record<string, HostCosts> = {
  'xeon-e5-2650v4-2s': { llcHitNs: 7.9, dramNs: 90, ddio: true, remoteExtraNs: 40, smtShare: 0.6, lineIntraNs: 45, lineCrossNs: 100 },
  'xeon-e5-2697av4': { llcHitNs: 7.9, dramNs: 90, ddio: true, remoteExtraNs: 40, smtShare: 0.6, lineIntraNs: 45, lineCrossNs: 100 },
  'xeon-e5-2697av4-2s': { llcHitNs: 7.9, dramNs: 90, ddio: true, remoteExtraNs: 40, smtShare: 0.6, lineIntraNs: 45, lineCrossNs: 100 },
  'apu2-gx412tc': { llcHitNs: 12, dramNs: 110, ddio: false, remoteExtraNs: 0, smtShare: 1, lineIntraNs: 60, lineCrossNs: 60 },
  'ryzen7-8845hs': { llcHitNs: 10, dramNs: 110, ddio: false, remoteExtraNs: 0, smtShare: 0.6, lineIntraNs: 30, lineCrossNs: 30 },
  'atom-c2758': { llcHitNs: 12, dramNs: 100, ddio: false, remoteExtraNs: 0, smtShare: 1, lineIntraNs: 60, lineCrossNs: 60 },
  custom: { llcHitNs: 7.9, dramNs: 90, ddio: true, remoteExtraNs: 40, smtShare: 0.6, lineIntraNs: 45, lineCrossNs: 100 },
};
