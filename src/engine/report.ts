/**
 * The engine → UI contract: the typed parts of a run's summary that views read instead of
 * parsing prose. Cores and their cycles by stage, TX queues with their software-ring counters,
 * the packet path's stages with the driver's own function names and the packets each one saw
 * (all from the same ledger counters), the cost per packet, and the bottleneck as a structure.
 */
import { STAGES, type Stage } from './costs';
import { NST } from './costmodel';
import type { HostPath } from './hostpath';
import { C_DRAINED, C_ENCAP, C_IF_TRANSMIT, C_NIC_IN, C_NIC_TX, C_OFFERED, C_RXEOF, C_SEND, C_SOCKET, C_SOFT_RING, C_STACK, DROP_LOCATIONS, type DropLocation } from './ledger';
import type { RxQueueSummary } from './rxqueue';
import type { SoftRingSummary } from './txpath/txpath';

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
}

export interface CostPerPacket {
  /** Packets the costs are divided by (those that completed the path). */
  packets: number;
  /** Busy CPU time per packet, all CPUs, ns; and the same in cycles at the nominal clock. */
  total_ns: number;
  total_cycles: number;
  by_stage_ns: Record<Stage, number>;
  /** Per CPU: busy ns per packet of the whole run. */
  by_cpu_ns: number[];
}

const RX_NAMES: Record<string, { fn: string; chain: string }> = {
  iflib: { fn: 'iflib_rxeof', chain: 'iflib_fast_intr → GROUPTASK_ENQUEUE → _task_fn_rx → iflib_rxeof → isc_rxd_pkt_get, iflib_fl_refill_all' },
  mlx5en: { fn: 'mlx5e_rx_cq_comp', chain: 'mlx5e_rx_cq_comp → mlx5e_poll_rx_cq → mlx5e_build_rx_mbuf, mlx5e_post_rx_wqes' },
  cxgbe: { fn: 'service_iq_fl', chain: 't4_intr → service_iq_fl → eth_rx, refill_fl' },
};

function rxNames(h: HostPath): { fn: string; chain: string } {
  return h.nic.usesIflib ? RX_NAMES.iflib! : RX_NAMES[h.nic.driver] ?? RX_NAMES.iflib!;
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
  return { packets: delivered, total_ns: perPkt, total_cycles: perPkt * h.ghz, by_stage_ns: byStage, by_cpu_ns: byCpu };
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

/** The stages of this run's packet path, in order; each reads one ledger counter. */
export function stagePlan(h: HostPath): StagePlan[] {
  const c = h.ledger.c;
  const out: StagePlan[] = [];
  const mk = (id: string, title: string, fn: string, functions: string, k: number, drops: DropLocation[], cpu: Stage[]) =>
    out.push({ id, title, fn, functions, count: () => c[k]!, drops, cpu });
  const rxn = rxNames(h);
  if (h.workload !== 'transmit') {
    mk('wire_in', 'wire in', 'ingress port', "The traffic generator's port: frames at up to line rate (each frame plus 20 bytes of preamble and inter-frame gap).", C_OFFERED, ['wire'], []);
    mk('nic_rx', 'NIC RX queues', 'RSS → RX rings', "The NIC hashes each flow (Toeplitz RSS, indirection table) to an RX queue and DMAs the frame into that queue's descriptor ring; a full ring drops (missed packets).", C_NIC_IN, ['nic', 'rx_ring'], []);
    // a router with LRO enabled pays iflib_check_lro_possible inside iflib_rxeof (stage lro)
    const lroCheck = h.workload === 'forward' && h.s.lro.forwarding;
    mk('rxeof', 'rxeof', rxn.fn, rxn.chain, C_RXEOF, [], lroCheck ? ['irq', 'rxeof', 'memory', 'lro'] : ['irq', 'rxeof', 'memory']);
  }
  if (h.workload === 'receive') {
    const lro = h.rxt !== null && h.rxt.lros.length > 0;
    if (lro) mk('lro', 'LRO', h.s.lro.mode === 'sorted' ? 'tcp_lro_queue_mbuf' : 'tcp_lro_rx', 'tcp_lro_rx / tcp_lro_queue_mbuf → tcp_lro_flush_all', C_STACK, [], ['lro']);
    mk('stack', 'stack', 'ip_input', 'ip_input → udp_input / tcp_input (once per segment LRO hands up)', lro ? C_SOCKET : C_STACK, [], ['stack']);
    mk('socket', 'socket', 'sbappend', 'the socket buffer (the sink)', C_SOCKET, [], []);
    return out;
  }
  if (h.workload === 'forward') mk('stack', 'ip_tryforward', 'ip_tryforward', 'ether_input → ip_tryforward → fib4_lookup → ether_output (arpresolve)', C_STACK, [], ['stack']);
  if (h.netmap) {
    mk('pktgen', 'pkt-gen', 'pkt-gen', 'pkt-gen fills netmap TX slots (no mbufs, no stack)', C_SEND, [], ['sender']);
    const fn = h.nic.usesIflib ? 'iflib_netmap_txsync' : h.nic.driver === 'cxgbe' ? 'cxgbe_netmap_txsync' : 'generic_netmap_txsync';
    mk('txsync', 'txsync', fn, `poll/ioctl → netmap_txsync → ${fn}: one descriptor per slot, one doorbell`, C_ENCAP, [], ['encap', 'doorbell', 'memory', 'numa']);
  } else {
    const n = h.tx!.names;
    if (h.workload === 'transmit') mk('senders', 'senders', 'sendto', 'sendto → sosend_dgram → udp_output → ip_output', C_SEND, [], ['sender']);
    mk('if_transmit', 'if_transmit', n.transmit.split(' ')[0]!, n.transmit, C_IF_TRANSMIT, n.softRing ? (h.txKind === 'buf_ring' ? ['buf_ring'] : ['mp_ring']) : [], ['tx_enqueue', 'spin']);
    if (n.softRing) {
      mk('soft_ring', n.softRing.split(' ')[0]!, n.softRing, `${n.softRing}: the software ring in front of each TX queue`, C_SOFT_RING, [], []);
      mk('drain', 'drain', n.drain!.split(' ').pop()!, n.drain!, C_DRAINED, [], ['drain', 'reclaim']);
    }
    mk('encap', 'encap', n.encap.split(' ')[0]!, `${n.encap}; doorbell: ${n.doorbell}`, C_ENCAP, n.softRing ? [] : ['tx_ring'], ['encap', 'doorbell', 'numa']);
  }
  mk('tx_ring', 'TX ring', 'TX descriptors', 'The hardware TX descriptor ring: a frame holds a descriptor from its write until it has left the wire and the driver reclaims it; the NIC sees it at the doorbell.', C_NIC_TX, h.netmap || (h.tx && !h.tx.names.softRing) ? [] : ['tx_ring'], []);
  out.push({ id: 'wire_out', title: 'wire out', fn: 'egress port', functions: "The egress wire at line rate (and the NIC's TX packet-rate ceiling, where one is known).", count: () => h.delivered(), drops: [], cpu: [] });
  return out;
}

/** The stages' whole-run figures. */
export function stageReports(h: HostPath, plan: readonly StagePlan[], T: number): StageReport[] {
  const d = h.ledger.drops, sec = T / 1e9, st = h.cpus.stageNs;
  return plan.map((p) => {
    const packets = p.count();
    let ns = 0;
    for (const name of p.cpu) {
      const k = STAGES.indexOf(name);
      for (let cpu = 0; cpu < h.topo.ncpu; cpu++) ns += st[cpu * NST + k]!;
    }
    const drops: Partial<Record<DropLocation, number>> = {};
    for (const l of p.drops) drops[l] = d[DROP_LOCATIONS.indexOf(l)]!;
    return { id: p.id, title: p.title, fn: p.fn, functions: p.functions, packets, pps: sec > 0 ? packets / sec : 0, drops, cpu_stages: p.cpu, ns_per_packet: packets > 0 && p.cpu.length ? ns / packets : 0 };
  });
}

export type { RxQueueSummary };
