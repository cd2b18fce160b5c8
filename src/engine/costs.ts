/**
 * What each operation of the packet path costs, as one table of named constants. Each is
 * - `sourced`: a figure from a cited measurement or document (docs/MODEL.md, docs/hardware-sources.md);
 * - `prior`: a reasoned estimate that no calibration row constrains (kept, and said so);
 * - `fitted`: a free constant of the model, set by the fitter (`npm run calibrate`) to the rows of
 *   calibration.md and stored in calibration.generated.ts with its leave-one-out errors.
 * Operation *counts* per packet are not constants here: they come from the drivers' code
 * (hardware.ts, the stage modules). Cycles are Broadwell cycles: a host's microarchitecture
 * scales them (`ipc.*`), its clock converts them to ns; memory and MMIO stalls are ns.
 */
import { FITTED } from './calibration.generated';

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
  'memory', // stalls on cache lines that missed (NIC-written lines, software state)
  'numa', // extra stall for cache lines and MMIO that cross NUMA domains
  'spin', // lock/CAS contention
] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_INDEX: Record<Stage, number> = Object.fromEntries(STAGES.map((s, i) => [s, i])) as Record<Stage, number>;

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

export type ParamKind = 'fitted' | 'prior' | 'sourced';

export interface ParamSpec {
  name: string;
  kind: ParamKind;
  /** The value when not fitted; for fitted ones the starting point of the fit. */
  value: number;
  unit: string;
  /** Bounds the fitter keeps to (fitted only). */
  lo?: number;
  hi?: number;
  /** Where the value comes from, or what the fit is asked to explain. */
  source: string;
}

/**
 * Every constant of the cost model. Names are what calibration.generated.ts and docs/MODEL.md
 * use. The fitted ones' `value` is only the fit's start.
 */
export const PARAM_SPECS: readonly ParamSpec[] = [
  // --- code, per operation (Broadwell cycles) -----------------------------------------------
  { name: 'cyc.rx.iflib', kind: 'fitted', value: 900, lo: 100, hi: 6000, unit: 'cycles/packet', source: 'iflib_rxeof per packet: isc_rxd_pkt_get, iflib_rxd_pkt_get (mbuf set-up), the refill share' },
  { name: 'cyc.rx.mlx5en', kind: 'fitted', value: 330, lo: 50, hi: 4000, unit: 'cycles/packet', source: 'mlx5e_poll_rx_cq per packet: CQE parse, mlx5e_build_rx_mbuf, WQE repost' },
  { name: 'cyc.rx.cxgbe', kind: 'fitted', value: 260, lo: 50, hi: 4000, unit: 'cycles/packet', source: 'service_iq_fl / eth_rx per packet: response parse, mbuf from the free list, refill' },
  { name: 'cyc.tx.iflib', kind: 'fitted', value: 700, lo: 50, hi: 6000, unit: 'cycles/packet', source: 'iflib_encap: bus_dmamap_load_mbuf_sg, isc_txd_encap (descriptor write)' },
  { name: 'cyc.tx.mlx5en', kind: 'fitted', value: 260, lo: 50, hi: 4000, unit: 'cycles/packet', source: 'mlx5e_xmit → mlx5e_sq_xmit: WQE build, DMA map (lock and doorbell apart)' },
  { name: 'cyc.tx.cxgbe', kind: 'fitted', value: 190, lo: 50, hi: 4000, unit: 'cycles/packet', source: 'cxgbe_transmit parse_pkt + eth_tx: work request write' },
  { name: 'cyc.forward', kind: 'fitted', value: 450, lo: 100, hi: 4000, unit: 'cycles/packet', source: 'ether_input → ip_tryforward → fib4_lookup → ether_output' },
  { name: 'cyc.drain_call', kind: 'prior', value: 200, unit: 'cycles/call', source: 'prior: one iflib_txq_drain / eth_tx call apart from its packets: iflib_completed_tx_reclaim → isc_txd_credits_update, the loop set-up, mp_ring bookkeeping (≈ 60 instructions and two calls through function pointers)' },
  { name: 'cyc.irq', kind: 'prior', value: 1500, unit: 'cycles', source: 'prior: interrupt filter + taskqueue wake-up + context switch ≈ 0.7 µs at 2.2 GHz (IRQ save/restore ~15 ns, calls, scheduler; calibration.md priors)' },
  { name: 'cyc.rx_pass', kind: 'prior', value: 300, unit: 'cycles/pass', source: 'prior: rxd_available, refill doorbell, loop set-up of one rxeof pass' },
  { name: 'cyc.receive', kind: 'prior', value: 900, unit: 'cycles/segment', source: 'prior: ip_input → udp_input/tcp_input → socket append (no receive row calibrates it)' },
  { name: 'cyc.if_transmit', kind: 'prior', value: 120, unit: 'cycles/packet', source: 'prior: iflib_if_transmit + the enqueue\'s own work (its atomics are the shared line\'s)' },
  { name: 'cyc.drain_pkt', kind: 'prior', value: 60, unit: 'cycles/packet', source: 'prior: the drain loop per packet (_ring_peek_one, counters)' },
  { name: 'cyc.reclaim', kind: 'prior', value: 80, unit: 'cycles/descriptor', source: 'prior: iflib_tx_desc_free per descriptor: bus_dmamap_unload, m_freem to the UMA cache' },
  { name: 'cyc.task', kind: 'prior', value: 300, unit: 'cycles/run', source: 'prior: gtaskqueue_run_locked dispatch and _task_fn_tx entry' },
  { name: 'cyc.ip_forward', kind: 'prior', value: 700, unit: 'cycles/packet', source: 'prior: what FreeBSD 12\'s ip_forward → ip_output adds to the fast path (no row runs it): a second route lookup, m_gethdr + m_copydata of the header (mcopy) and its m_freem — about the fast path again plus a UMA allocation' },
  { name: 'cyc.tx_wr', kind: 'prior', value: 150, unit: 'cycles/work request', source: 'prior: cxgbe write_txpkts_wr / write_txpkt_wr per work request: the WR header, the egress queue\'s pidx and wrap bookkeeping (the per-frame CPL and gather entry are cyc.tx.cxgbe)' },
  { name: 'cyc.netmap_fill', kind: 'sourced', value: 60, unit: 'cycles/slot', source: 'calibration.md: netmap transmit ~60 cycles per packet (14.88 Mpps on one 900 MHz core)' },
  { name: 'cyc.netmap_slot', kind: 'prior', value: 25, unit: 'cycles/slot', source: 'prior: iflib_netmap_txsync writes one descriptor per slot (no mbuf, no DMA map load)' },
  { name: 'cyc.netmap_sync', kind: 'prior', value: 1500, unit: 'cycles/txsync', source: 'prior: poll/ioctl entry and netmap_txsync' },
  { name: 'ns.sendto', kind: 'sourced', value: 950, unit: 'ns/packet at 2.2 GHz', source: 'calibration.md: FreeBSD sendto() of a UDP packet ~950 ns (netsend ~1.05 Mpps per core)' },
  // --- microarchitectures (throughput per cycle relative to Broadwell) ----------------------
  { name: 'ipc.zen4', kind: 'prior', value: 1.35, unit: '× Broadwell', source: 'prior: Zen 4 retires roughly a third more per cycle than Broadwell on integer code; one calibration row (Ryzen) cannot fix it, so it is a prediction' },
  { name: 'ipc.silvermont', kind: 'fitted', value: 0.6, lo: 0.2, hi: 0.8, unit: '× Broadwell', source: 'fitted: the Atom C2758 rows (two-wide, out-of-order Silvermont); bounded at 0.8: a two-wide core cannot retire more than a fraction of what four-wide Broadwell does per cycle' },
  { name: 'ipc.jaguar', kind: 'fitted', value: 0.5, lo: 0.15, hi: 0.8, unit: '× Broadwell', source: 'fitted: the APU2 rows (two-wide Jaguar); bounded at 0.8 as Silvermont' },
  // --- the memory system and MMIO (ns) -------------------------------------------------------
  { name: 'ns.doorbell', kind: 'fitted', value: 100, lo: 10, hi: 3000, unit: 'ns/store', source: 'the doorbell (Broadwell-EP; Zen 4 and the Atom C2758 have no separate figure and take it): the time an uncached MMIO store (isc_txd_flush / ring_eq_db / mlx5e_tx_notify_hw) takes to complete; stores complete one after another and the iflib and cxgbe drain calls wait for them at their closing CAS (txpath/uncached.ts), the other paths pay it per doorbell' },
  { name: 'ns.doorbell.jaguar', kind: 'fitted', value: 100, lo: 10, hi: 3000, unit: 'ns/store', source: 'the same uncached store on the GX-412TC SoC (its own root complex and fabric)' },
  { name: 'ns.tx_fetch', kind: 'prior', value: 1000, unit: 'ns', source: 'prior: after a doorbell the NIC reads the descriptor, then the frame, by PCIe DMA before it can send: two read round trips of ~0.5 µs as published PCIe measurements on Xeon E5 hosts report (e.g. Neugebauer et al., SIGCOMM 2018)' },
  { name: 'mlp', kind: 'prior', value: 2, unit: 'misses in flight', source: 'prior: memory-level parallelism, the independent misses of one packet a core overlaps (the mbuf header and the packet header lines are independent; the descriptor read precedes them)' },
  { name: 'ns.atomic', kind: 'sourced', value: 8, unit: 'ns', source: 'calibration.md: an atomic operation ~8 ns' },
  { name: 'ns.spinlock', kind: 'sourced', value: 14, unit: 'ns', source: 'calibration.md: spin lock + unlock ~14 ns (a lock cycle holds its line this long; its atomics are ns.atomic of it)' },
  { name: 'smt.share', kind: 'prior', value: 0.6, unit: 'of a core', source: 'prior: two busy hardware threads each get ~0.6 of the core\'s execution (SMT ≈ 1.2× per core on integer code); memory and MMIO stalls overlap' },
  // --- hardware ceilings ---------------------------------------------------------------------
  { name: 'ceil.t580_tx_mpps', kind: 'fitted', value: 59.52, lo: 10, hi: 60, unit: 'Mpps', source: 'fitted to the cxgbe netmap row alone (start: 40G line rate, 59.52 Mpps of 64-byte frames): no public 64-byte TX rate' },
];

const SPEC_BY_NAME = new Map(PARAM_SPECS.map((p) => [p.name, p]));

/** The model's constants: specs' values, with the fitted ones from calibration.generated.ts. */
export type Params = Readonly<Record<string, number>>;

export function defaultParams(): Params {
  const out: Record<string, number> = {};
  for (const p of PARAM_SPECS) out[p.name] = p.kind === 'fitted' ? FITTED[p.name] ?? p.value : p.value;
  return out;
}

/** The committed constants (computed once). */
export const PARAMS: Params = defaultParams();

export function paramSpec(name: string): ParamSpec {
  const p = SPEC_BY_NAME.get(name);
  if (!p) throw new Error(`unknown cost parameter ${name}`);
  return p;
}

/** Host memory-system and interconnect facts (docs/hardware-sources.md). */
export interface HostCosts {
  microarch: 'broadwell' | 'zen4' | 'silvermont' | 'jaguar';
  /** A line from the LLC (or the shared L2 on hosts without an L3), ns. */
  llcHitNs: number;
  /** A line from local DRAM, ns. */
  dramNs: number;
  /** Whether NIC DMA writes land in the LLC of the NIC's socket (Intel DDIO), and in what share of it. */
  ddio: boolean;
  ddioShare: number;
  /** Cache a core can keep its queue's software state in: its private L2 plus its share of the LLC, bytes. */
  cachePerCoreBytes: number;
  /** Extra stall per cache line (or MMIO write) that crosses to another NUMA domain, ns. */
  remoteExtraNs: number;
  /** Cache-to-cache transfer of a contended line within a domain, and across domains, ns. */
  lineIntraNs: number;
  lineCrossNs: number;
}

const MB = 1 << 20;

/**
 * Sources: docs/hardware-sources.md. llcHitNs of Broadwell is calibration.md's L3 hit (7.9 ns);
 * DRAM, DDIO share and cache sizes are datasheet and published-latency figures. remoteExtraNs (40)
 * and the Broadwell-EP line transfers (45 / 100 ns) lie inside published ranges (a QPI hop
 * ~40–60 ns; core-to-core ~40–50 ns within a socket, ~100–130 across) but were picked within those
 * ranges in engine 0.3.0 against the ix 16-queue and mlx5 24-queue rows: they are not independent
 * of those two rows (docs/MODEL.md says so where it reports them).
 */
export const HOST_COSTS: Record<string, HostCosts> = {
  'xeon-e5-2650v4-2s': { microarch: 'broadwell', llcHitNs: 7.9, dramNs: 90, ddio: true, ddioShare: 0.1, cachePerCoreBytes: 0.25 * MB + 30 * MB / 12, remoteExtraNs: 40, lineIntraNs: 45, lineCrossNs: 100 },
  'xeon-e5-2697av4': { microarch: 'broadwell', llcHitNs: 7.9, dramNs: 90, ddio: true, ddioShare: 0.1, cachePerCoreBytes: 0.25 * MB + 40 * MB / 16, remoteExtraNs: 0, lineIntraNs: 45, lineCrossNs: 100 },
  'xeon-e5-2697av4-2s': { microarch: 'broadwell', llcHitNs: 7.9, dramNs: 90, ddio: true, ddioShare: 0.1, cachePerCoreBytes: 0.25 * MB + 40 * MB / 16, remoteExtraNs: 40, lineIntraNs: 45, lineCrossNs: 100 },
  'ryzen7-8845hs': { microarch: 'zen4', llcHitNs: 10, dramNs: 110, ddio: false, ddioShare: 0, cachePerCoreBytes: 1 * MB + 16 * MB / 8, remoteExtraNs: 0, lineIntraNs: 30, lineCrossNs: 30 },
  'atom-c2758': { microarch: 'silvermont', llcHitNs: 12, dramNs: 100, ddio: false, ddioShare: 0, cachePerCoreBytes: 0.5 * MB, remoteExtraNs: 0, lineIntraNs: 60, lineCrossNs: 60 },
  'apu2-gx412tc': { microarch: 'jaguar', llcHitNs: 12, dramNs: 110, ddio: false, ddioShare: 0, cachePerCoreBytes: 0.5 * MB, remoteExtraNs: 0, lineIntraNs: 60, lineCrossNs: 60 },
  custom: { microarch: 'broadwell', llcHitNs: 7.9, dramNs: 90, ddio: true, ddioShare: 0.1, cachePerCoreBytes: 2 * MB, remoteExtraNs: 40, lineIntraNs: 45, lineCrossNs: 100 },
};

/** Cache lines a TX consumer reads that its producer (another CPU) wrote: the mbuf header and the packet header. */
export const MBUF_XFER_LINES = 2;

/**
 * Cache lines of a TX queue's driver state that a drain (or a locked transmit) writes, so they move
 * to its CPU when another CPU drained the queue last: iflib_encap and iflib_txd_db_check write
 * txq's ift_pidx / ift_in_use / ift_gen / ift_db_pending (one line), iflib_completed_tx_reclaim
 * its ift_cidx / ift_processed (one line), and the slot's ifsd_m and ifsd_map entries and
 * hardware descriptor (one line each) — five (sys/net/iflib.c). cxgbe's eth_tx (txq and eq
 * state, the sdesc, the WR) and mlx5e_sq_xmit (SQ state, mbuf array, WQE) touch as many.
 */
export const TXQ_STATE_LINES = 5;

/**
 * LRO work, cycles per counted operation (lro.ts `work[W_*]`). Priors: a header parse and hash
 * lookup per offered packet, a compare per entry scanned, a header update per merge, building and
 * handing up one segment per flush, and the radix sort's passes.
 */
export const LRO_COST = {
  offered: 40, lookups: 20, scanned: 8, merges: 50, allocs: 30, flushes: 80, passups: 20,
  queued: 15, flush_all: 50, rx_done: 0, sorts: 100, sort_scans: 2, sort_swaps: 4, sort_cmps: 2,
} as const;
