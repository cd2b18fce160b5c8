/**
 * The engine → UI contract: the typed parts of a run's summary that views read instead of
 * parsing prose. Cores and their cycles by stage, TX queues with their software-ring counters,
 * the packet path's stages with the driver's own function names and the packets each one saw
 * (all from the same ledger counters), the cost per packet, and the bottleneck as a structure.
 */
import { STAGES, type Stage } from './costs';
import { NST } from './costmodel';
import { findNic, type NicPreset } from './hardware';
import type { HostPath, TxPathKind } from './hostpath';
import { C_DRAINED, C_ENCAP, C_IF_TRANSMIT, C_NIC_IN, C_NIC_TX, C_OFFERED, C_RXEOF, C_SEND, C_SOCKET, C_SOFT_RING, C_STACK, DROP_LOCATIONS, type DropLocation } from './ledger';
import type { RingModel } from './ringpath';
import type { RxQueueSummary } from './rxqueue';
import type { Scenario, Workload } from './scenario';
import { BUF_RING_NAMES } from './txpath/bufringpath';
import { MLX5_NAMES, SIMPLE_NAMES } from './txpath/locked';
import { CXGBE_NAMES, IFLIB_NAMES } from './txpath/mpringpath';
import type { SoftRingSummary, TxPathNames } from './txpath/txpath';

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

export interface TxQueueSummary {
  id: number;
  kind: 'tx';
  /** CPU of the queue's task (_task_fn_tx). */
  cpu: number;
  descriptors: number;
  enqueued: number;
  delivered: number;
  dropped: number;
  /** Frames handed to the NIC (or written) that have not finished on the wire. */
  in_flight: number;
  /** Descriptors still held at the end (finished frames wait for the driver's lazy reclaim). */
  held: number;
  max_occupancy: number;
  mean_occupancy: number;
  /** λW with W = enqueue → reclaim, the time a descriptor is held. */
  littles_law_lambda_w: number;
  littles_law_residual: number;
  mean_latency_us: number;
  pps: number;
  /** if_transmit calls that picked this queue, and what the TX path did with them. */
  transmits?: number;
  drains?: number;
  /** Drains run by the TX task (tx_abdicate, restarts) rather than by a producer. */
  task_drains?: number;
  abdications?: number;
  stalls?: number;
  cas_retries?: number;
  doorbells?: number;
  /** The software ring in front of this queue (mp_ring or buf_ring). */
  soft_ring?: SoftRingSummary;
}

/** What limits packets per second, for views and scripts; `text` is the sentence. */
export interface Bottleneck {
  kind: 'line_rate' | 'generator' | 'nic_ceiling' | 'tx_ceiling' | 'cpu' | 'lock' | 'tx_ring' | 'netmap_wakeup' | 'wire' | 'none';
  /** The packet-path stage (StageReport id) that limits, or null. */
  stage: string | null;
  cpu: number | null;
  queue: number | null;
  text: string;
}

/**
 * What a stage of the packet path is, without figures: the same for a scenario before it runs
 * (`stagesOf`), for the run's `stage_<id>_pps` series and for its summary (`StageReport`).
 */
export interface StageInfo {
  id: string;
  /** Short name. */
  title: string;
  /** The FreeBSD function (or object) of this driver and path. */
  fn: string;
  /** The call chain it stands for. */
  functions: string;
  /** Drop locations counted at this stage (a StageReport's `drops` has exactly these keys). */
  drop_locations: DropLocation[];
  /** CPU stages (cycles_by_stage keys) whose time counts for this stage; empty: hardware. */
  cpu_stages: Stage[];
}

/** One stage of the packet-path diagram, in path order. */
export interface StageReport {
  id: string;
  /** Short name. */
  title: string;
  /** The FreeBSD function (or object) of this driver and path. */
  fn: string;
  /** The call chain it stands for. */
  functions: string;
  /** Packets that entered the stage over the run, and per second. */
  packets: number;
  pps: number;
  /** Packets dropped at the stage, by location. */
  drops: Partial<Record<DropLocation, number>>;
  /** CPU stages (cycles_by_stage keys) whose time counts for this stage; empty: hardware. */
  cpu_stages: Stage[];
  /** CPU ns spent in those stages per packet that entered (0 for hardware stages). */
  ns_per_packet: number;
  /**
   * Packets inside the stage when the run ended: they entered it, were not dropped there and have
   * not entered the next stage yet (packets − drops − the next stage's packets; 0 for the last).
   * Over all stages it is the summary's `in_flight`.
   */
  held: number;
}

export interface CostPerPacket {
  /** Packets the costs are divided by (those that completed the path). */
  packets: number;
  /** Busy CPU time per packet, all CPUs, ns; and the same in cycles at the nominal clock. */
  total_ns: number;
  total_cycles: number;
  by_stage_ns: Record<Stage, number>;
  /** The same in cycles at the nominal clock. */
  by_stage_cycles: Record<Stage, number>;
  /** Per CPU: busy ns per packet of the whole run. */
  by_cpu_ns: number[];
  /** The same in cycles at the nominal clock. */
  by_cpu_cycles: number[];
}

const RX_NAMES: Record<string, { fn: string; chain: string }> = {
  iflib: { fn: 'iflib_rxeof', chain: 'iflib_fast_intr → GROUPTASK_ENQUEUE → _task_fn_rx → iflib_rxeof → isc_rxd_pkt_get, iflib_fl_refill_all' },
  mlx5en: { fn: 'mlx5e_rx_cq_comp', chain: 'mlx5e_rx_cq_comp → mlx5e_poll_rx_cq → mlx5e_build_rx_mbuf, mlx5e_post_rx_wqes' },
  cxgbe: { fn: 'service_iq_fl', chain: 't4_intr → service_iq_fl → eth_rx, refill_fl' },
};

function rxNames(nic: NicPreset): { fn: string; chain: string } {
  return nic.usesIflib ? RX_NAMES.iflib! : RX_NAMES[nic.driver] ?? RX_NAMES.iflib!;
}

/** The driver's netmap txsync (iflib's, cxgbe's own, or netmap's generic one for mlx5en). */
function txsyncName(nic: NicPreset): string {
  return nic.usesIflib ? 'iflib_netmap_txsync' : nic.driver === 'cxgbe' ? 'cxgbe_netmap_txsync' : 'generic_netmap_txsync';
}

export function coreSummaries(h: HostPath, T: number): CoreSummary[] {
  const names: string[][] = Array.from({ length: h.topo.ncpu }, () => []);
  for (let q = 0; q < h.nrx; q++) names[h.rxCpu[q]!]!.push(`rxq${q}`);
  const threads = h.senders ?? h.netmap;
  if (threads) for (let k = 0; k < threads.n; k++) names[threads.cpu[k]!]!.push(h.netmap ? `pkt-gen${k}` : `sender${k}`);
  const st = h.cpus.stageNs, busy = h.cpus.busyAcc;
  const out: CoreSummary[] = [];
  for (let cpu = 0; cpu < h.topo.ncpu; cpu++) {
    const byStage = {} as Record<Stage | 'idle', number>;
    for (let k = 0; k < NST; k++) byStage[STAGES[k]!] = Math.round(st[cpu * NST + k]! * h.ghz);
    byStage.idle = Math.max(0, Math.round((T - busy[cpu]!) * h.ghz));
    out.push({
      cpu, core: h.topo.core[cpu]!, domain: h.topo.domain[cpu]!, tasks: names[cpu]!,
      utilization: T > 0 ? busy[cpu]! / T : 0, busy_ms: busy[cpu]! / 1e6, cycles_by_stage: byStage,
    });
  }
  return out;
}

export function txQueueSummaries(h: HostPath, T: number): TxQueueSummary[] {
  return h.rings.map((r, id) => {
    const ctr = h.tx?.counters[id];
    const soft = h.tx?.softRing(id);
    return {
      id, kind: 'tx' as const, cpu: h.txCpu[id]!,
      descriptors: r.capacity, enqueued: r.enqueued, delivered: r.delivered, dropped: r.dropped + (ctr && !soft ? ctr.drops : 0),
      in_flight: r.inFlight, held: r.occupancy, max_occupancy: r.maxOccupancy,
      mean_occupancy: T > 0 ? r.area / T : 0,
      littles_law_lambda_w: T > 0 ? r.sojournSum / T : 0,
      littles_law_residual: T > 0 ? r.inFlightAge(T) / T : 0,
      mean_latency_us: r.delivered ? r.latencySum / r.delivered / 1e3 : 0,
      pps: T > 0 ? r.delivered / (T / 1e9) : 0,
      ...(ctr ? {
        transmits: ctr.transmits, drains: ctr.drains, task_drains: ctr.taskDrains, abdications: ctr.abdications,
        stalls: ctr.stalls, cas_retries: ctr.casRetries, doorbells: ctr.doorbells,
      } : {}),
      ...(soft ? { soft_ring: soft } : {}),
    };
  });
}

/** Doorbell writes per packet handed to the NIC (netmap: one per txsync). */
export function doorbellsPerPacket(h: HostPath): number {
  const encap = h.ledger.c[C_ENCAP]!;
  if (encap === 0) return 0;
  let db = h.netmap ? h.netmap.doorbells : 0;
  if (h.tx) for (const c of h.tx.counters) db += c.doorbells;
  return db / encap;
}

export function costPerPacket(h: HostPath, delivered: number): CostPerPacket {
  const st = h.cpus.stageNs, n = h.topo.ncpu;
  const byStage = {} as Record<Stage, number>;
  let total = 0;
  for (let k = 0; k < NST; k++) {
    let s = 0;
    for (let c = 0; c < n; c++) s += st[c * NST + k]!;
    byStage[STAGES[k]!] = delivered > 0 ? s / delivered : 0;
    total += s;
  }
  const byCpu: number[] = [];
  for (let c = 0; c < n; c++) {
    let s = 0;
    for (let k = 0; k < NST; k++) s += st[c * NST + k]!;
    byCpu.push(delivered > 0 ? s / delivered : 0);
  }
  const perPkt = delivered > 0 ? total / delivered : 0;
  const byStageCycles = {} as Record<Stage, number>;
  for (const st of STAGES) byStageCycles[st] = byStage[st] * h.ghz;
  return {
    packets: delivered, total_ns: perPkt, total_cycles: perPkt * h.ghz,
    by_stage_ns: byStage, by_stage_cycles: byStageCycles, by_cpu_ns: byCpu, by_cpu_cycles: byCpu.map((ns) => ns * h.ghz),
  };
}

/** The ring workload's cost per packet: no CPU is modelled. */
export function noCostPerPacket(delivered: number): CostPerPacket {
  const zero = () => Object.fromEntries(STAGES.map((st) => [st, 0])) as Record<Stage, number>;
  return { packets: delivered, total_ns: 0, total_cycles: 0, by_stage_ns: zero(), by_stage_cycles: zero(), by_cpu_ns: [], by_cpu_cycles: [] };
}

/** A stage of the path as the run counts it: its report fields and the counter it reads. */
export interface StagePlan {
  id: string;
  title: string;
  fn: string;
  functions: string;
  /** Packets that entered the stage so far (a ledger counter). */
  count: () => number;
  drops: readonly DropLocation[];
  cpu: Stage[];
}

/** What decides a path's stages and their names: the same whether read from a run or a scenario. */
interface PathShape {
  workload: Workload;
  rx: { fn: string; chain: string };
  /** netmap's txsync for this driver. */
  txsync: string;
  lro: 'legacy' | 'sorted' | null;
  /** A router with lro.forwarding: iflib_check_lro_possible runs in rxeof. */
  lroCheck: boolean;
  netmap: boolean;
  txKind: TxPathKind;
  tx: TxPathNames | null;
}

/** A stage and the ledger counter it reads (DELIVERED: the packets that completed the path). */
type Outlined = StageInfo & { counter: number };
const DELIVERED = -1;

/** The kernel TX paths' function names by kind (netmap and receive have none). */
const TX_NAMES: Partial<Record<TxPathKind, TxPathNames>> = {
  mp_ring: IFLIB_NAMES, cxgbe_mp_ring: CXGBE_NAMES, buf_ring: BUF_RING_NAMES, simple: SIMPLE_NAMES, mlx5e_xmit: MLX5_NAMES,
};

/** The stages of a path, in order. */
function outline(p: PathShape): Outlined[] {
  const out: Outlined[] = [];
  const mk = (id: string, title: string, fn: string, functions: string, counter: number, drops: DropLocation[], cpu: Stage[]) =>
    out.push({ id, title, fn, functions, counter, drop_locations: drops, cpu_stages: cpu });
  if (p.workload !== 'transmit') {
    mk('wire_in', 'wire in', 'ingress port', "The traffic generator's port: frames at up to line rate (each frame plus 20 bytes of preamble and inter-frame gap).", C_OFFERED, ['wire'], []);
    mk('nic_rx', 'NIC RX queues', 'RSS → RX rings', "The NIC hashes each flow (Toeplitz RSS, indirection table) to an RX queue and DMAs the frame into that queue's descriptor ring; a full ring drops (missed packets), and so does a packet-rate ceiling in front of the rings (the X710/XL710's share of its documented device limit).", C_NIC_IN, ['nic', 'rx_ring'], []);
    // Receive: a pass hands its packets up the stack (C_STACK) in the step that takes them off the
    // ring and counts C_RXEOF one step later, at the refill; rxeof counts what the pass took, so a
    // pass in flight is never in LRO before it is in rxeof.
    // A router with LRO enabled pays iflib_check_lro_possible inside iflib_rxeof (stage lro).
    const chain = p.lroCheck ? `${p.rx.chain}; with LRO enabled on the router (lro.forwarding): iflib_get_ip_forwarding once per pass and iflib_check_lro_possible on every packet (false on a router: none is coalesced)` : p.rx.chain;
    mk('rxeof', 'rxeof', p.rx.fn, chain, p.workload === 'receive' ? C_STACK : C_RXEOF, [], p.lroCheck ? ['irq', 'rxeof', 'memory', 'lro'] : ['irq', 'rxeof', 'memory']);
  }
  if (p.workload === 'receive') {
    if (p.lro) mk('lro', 'LRO', p.lro === 'sorted' ? 'tcp_lro_queue_mbuf' : 'tcp_lro_rx', 'tcp_lro_rx / tcp_lro_queue_mbuf → tcp_lro_flush_all', C_STACK, [], ['lro']);
    mk('stack', 'stack', 'ip_input', 'ip_input → udp_input / tcp_input (once per segment LRO hands up)', p.lro ? C_SOCKET : C_STACK, [], ['stack']);
    mk('socket', 'socket', 'sbappend', 'the socket buffer (the sink)', C_SOCKET, [], []);
    return out;
  }
  if (p.workload === 'forward') mk('stack', 'ip_tryforward', 'ip_tryforward', 'ether_input → ip_tryforward → fib4_lookup → ether_output (arpresolve)', C_STACK, [], ['stack']);
  if (p.netmap) {
    mk('pktgen', 'pkt-gen', 'pkt-gen', 'pkt-gen fills netmap TX slots (no mbufs, no stack)', C_SEND, [], ['sender']);
    const fn = p.txsync;
    mk('txsync', 'txsync', fn, `poll/ioctl → netmap_txsync → ${fn}: one descriptor per slot, one doorbell`, C_ENCAP, [], ['encap', 'doorbell', 'memory', 'numa']);
  } else {
    const n = p.tx!;
    if (p.workload === 'transmit') mk('senders', 'senders', 'sendto', 'sendto → sosend_dgram → udp_output → ip_output', C_SEND, [], ['sender']);
    mk('if_transmit', 'if_transmit', n.transmit.split(' ')[0]!, n.transmit, C_IF_TRANSMIT, n.softRing ? (p.txKind === 'buf_ring' ? ['buf_ring'] : ['mp_ring']) : [], ['tx_enqueue', 'spin']);
    if (n.softRing) {
      mk('soft_ring', n.softRing.split(' ')[0]!, n.softRing, `${n.softRing}: the software ring in front of each TX queue`, C_SOFT_RING, [], []);
      mk('drain', 'drain', n.drain!.split(' ').pop()!, n.drain!, C_DRAINED, [], ['drain', 'reclaim']);
    }
    mk('encap', 'encap', n.encap.split(' ')[0]!, `${n.encap}; doorbell: ${n.doorbell}`, C_ENCAP, n.softRing ? [] : ['tx_ring'], ['encap', 'doorbell', 'numa']);
  }
  mk('tx_ring', 'TX ring', 'TX descriptors', 'The hardware TX descriptor ring: a frame holds a descriptor from its write until it has left the wire and the driver reclaims it; the NIC sees it at the doorbell.', C_NIC_TX, p.netmap || (p.tx && !p.tx.softRing) ? [] : ['tx_ring'], []);
  mk('wire_out', 'wire out', 'egress port', "The egress wire at line rate (and the NIC's TX packet-rate ceiling, or its share of a documented device limit, where one is known).", DELIVERED, [], []);
  return out;
}

/** The ring workload's stages: the arrival process, the one TX ring, the wire. */
const RING_OUTLINE: readonly Omit<StageInfo, 'drop_locations' | 'cpu_stages'>[] = [
  { id: 'source', title: 'source', fn: 'arrival process', functions: 'The traffic source: constant, Poisson or bursty arrivals.' },
  { id: 'tx_ring', title: 'TX ring', fn: 'TX descriptors', functions: 'The hardware TX descriptor ring: a frame holds a descriptor until its last bit leaves the wire; a full ring drops.' },
  { id: 'wire_out', title: 'wire', fn: 'egress port', functions: 'The wire at line rate.' },
];

/** The TX software path a scenario runs: the driver's own where it has one, else tx.path (HostPath runs this one). */
export function txKindOf(s: Scenario, nic: NicPreset): TxPathKind {
  const w = s.traffic.workload;
  if (w === 'receive') return 'none';
  if (w === 'transmit' && s.tx.path === 'netmap') return 'netmap';
  return nic.driver === 'mlx5en' ? 'mlx5e_xmit' : nic.driver === 'cxgbe' ? 'cxgbe_mp_ring' : (s.tx.path as TxPathKind);
}

/**
 * The stages a scenario's packets go through, with this driver's function names, before (or
 * without) running it: what the run's `stage_<id>_pps` series and `summary.stages` will hold, in
 * the same order (report.test.ts checks it for every preset and every TX path). Empty for a
 * scenario whose NIC is unknown.
 */
export function stagesOf(s: Scenario): StageInfo[] {
  if (s.traffic.workload === 'ring') return ringStagePlan(null).map(infoOf);
  const nic = findNic(s.nic.model);
  if (!nic) return [];
  const txKind = txKindOf(s, nic);
  return outline({
    workload: s.traffic.workload,
    rx: rxNames(nic),
    txsync: txsyncName(nic),
    lro: s.traffic.workload === 'receive' && s.lro.mode !== 'off' ? (s.lro.mode as 'legacy' | 'sorted') : null,
    lroCheck: s.traffic.workload === 'forward' && s.lro.forwarding,
    netmap: txKind === 'netmap',
    txKind,
    tx: TX_NAMES[txKind] ?? null,
  }).map(({ counter: _c, ...info }) => info);
}

function infoOf(p: StagePlan): StageInfo {
  return { id: p.id, title: p.title, fn: p.fn, functions: p.functions, drop_locations: [...p.drops], cpu_stages: [...p.cpu] };
}

/** The stages of this run's packet path, in order; each reads one ledger counter. */
export function stagePlan(h: HostPath): StagePlan[] {
  const c = h.ledger.c;
  const shape: PathShape = {
    workload: h.workload,
    rx: rxNames(h.nic),
    txsync: txsyncName(h.nic),
    lro: h.rxt !== null && h.rxt.lros.length > 0 ? (h.s.lro.mode as 'legacy' | 'sorted') : null,
    lroCheck: h.workload === 'forward' && h.s.lro.forwarding,
    netmap: h.netmap !== null,
    txKind: h.txKind,
    tx: h.tx ? h.tx.names : null,
  };
  return outline(shape).map((o) => ({
    id: o.id, title: o.title, fn: o.fn, functions: o.functions, drops: o.drop_locations, cpu: o.cpu_stages,
    count: o.counter === DELIVERED ? () => h.delivered() : () => c[o.counter]!,
  }));
}

/** The ring workload's stages as it counts them (`m` null: names only). */
export function ringStagePlan(m: RingModel | null): StagePlan[] {
  const counts = [() => m!.offered, () => m!.offered, () => m!.ring.delivered];
  return RING_OUTLINE.map((o, i) => ({ ...o, count: counts[i]!, drops: o.id === 'tx_ring' ? ['tx_ring'] : [], cpu: [] }));
}

/** The ring workload's stages' whole-run figures. */
export function ringStageReports(plan: readonly StagePlan[], m: RingModel, T: number): StageReport[] {
  const sec = T / 1e9;
  const out = plan.map((p): StageReport => {
    const packets = p.count();
    const drops: Partial<Record<DropLocation, number>> = {};
    for (const l of p.drops) drops[l] = l === 'tx_ring' ? m.ring.dropped : 0;
    return { id: p.id, title: p.title, fn: p.fn, functions: p.functions, packets, pps: sec > 0 ? packets / sec : 0, drops, cpu_stages: p.cpu, ns_per_packet: 0, held: 0 };
  });
  return withHeld(out);
}

/** Each stage's `held`: what entered it and neither was dropped there nor entered the next one. */
function withHeld(stages: StageReport[]): StageReport[] {
  for (let i = 0; i + 1 < stages.length; i++) {
    const s = stages[i]!;
    let dropped = 0;
    for (const v of Object.values(s.drops)) dropped += v ?? 0;
    s.held = s.packets - dropped - stages[i + 1]!.packets;
  }
  return stages;
}

/** The stages' whole-run figures. */
export function stageReports(h: HostPath, plan: readonly StagePlan[], T: number): StageReport[] {
  const d = h.ledger.drops, sec = T / 1e9, st = h.cpus.stageNs;
  const out = plan.map((p): StageReport => {
    const packets = p.count();
    let ns = 0;
    for (const name of p.cpu) {
      const k = STAGES.indexOf(name);
      for (let cpu = 0; cpu < h.topo.ncpu; cpu++) ns += st[cpu * NST + k]!;
    }
    const drops: Partial<Record<DropLocation, number>> = {};
    for (const l of p.drops) drops[l] = d[DROP_LOCATIONS.indexOf(l)]!;
    return { id: p.id, title: p.title, fn: p.fn, functions: p.functions, packets, pps: sec > 0 ? packets / sec : 0, drops, cpu_stages: p.cpu, ns_per_packet: packets > 0 && p.cpu.length ? ns / packets : 0, held: 0 };
  });
  return withHeld(out);
}

export type { RxQueueSummary };
