/**
 * The packet-path diagram's data: which stages a scenario's packets go through, the live rate and
 * drops at each (from the latest frames), each stage's share of the busy CPU cycles (from the
 * summary) and which stage is saturated. Pure data shaping over what the engine reports (frames,
 * Summary); no React, no DOM, nothing modelled here.
 */
import type { Scenario, Summary } from '../engine';

export type DropLocation = keyof Summary['drops'];
/** The engine's CPU stages (costs.ts STAGES), as they appear in `summary.cores[].cycles_by_stage`. */
export type CpuStage = Exclude<keyof Summary['cores'][number]['cycles_by_stage'], 'idle'>;

export type StageId =
  | 'wire_in'
  | 'nic_rx'
  | 'rxeof'
  | 'lro'
  | 'stack'
  | 'sink'
  | 'senders'
  | 'pktgen'
  | 'if_transmit'
  | 'soft_ring'
  | 'drain'
  | 'encap'
  | 'simple'
  | 'txsync'
  | 'tx_ring'
  | 'wire_out';

/** Where a stage's rate comes from: a run-total frame series, or the sum of the per-queue ones. */
export type RateSource = 'offered_pps' | 'rx_pps' | 'delivered_pps' | 'tx_pps' | 'queues';

export interface StageDef {
  id: StageId;
  /** Short name on the node. */
  label: string;
  /** The FreeBSD function (or object) on the node, short enough to fit. */
  fn: string;
  /** Tooltip: the FreeBSD call chain this stage stands for. */
  functions: string;
  rate: RateSource;
  /** What the rate on the node counts. */
  rateLabel: string;
  drops: readonly DropLocation[];
  /** Engine CPU stages whose cycles count for this node (empty: hardware, no CPU). */
  cpu: readonly CpuStage[];
  /** 0: first row; 1: second row (long paths are drawn in two rows). */
  row: 0 | 1;
  /** A stage that may cost nothing (drawn dashed unless the run charged it cycles). */
  notModelled?: boolean;
}

export const DROP_LABELS: Record<DropLocation, string> = {
  wire: 'offered above line rate',
  nic: 'NIC packet-rate ceiling',
  rx_ring: 'RX rings full',
  mp_ring: 'mp_ring full (ENOBUFS)',
  buf_ring: 'buf_ring full (br_drops)',
  tx_ring: 'TX rings full',
  sender: 'sender backlog full',
};

export const DROP_LOCATION_ORDER: readonly DropLocation[] = ['wire', 'nic', 'rx_ring', 'sender', 'mp_ring', 'buf_ring', 'tx_ring'];

/** Human names of the engine's CPU stages, with the FreeBSD code they stand for. */
export const CPU_STAGE_LABELS: Record<CpuStage, string> = {
  irq: 'interrupt (iflib_fast_intr)',
  rxeof: 'rxeof (iflib_rxeof)',
  lro: 'LRO (tcp_lro_rx)',
  stack: 'stack (ip_tryforward / ip_input)',
  sender: 'sender (sendto / pkt-gen)',
  tx_enqueue: 'if_transmit (ifmp_ring_enqueue)',
  drain: 'drain (iflib_txq_drain)',
  encap: 'encap (iflib_encap)',
  doorbell: 'doorbell (isc_txd_flush)',
  reclaim: 'reclaim (iflib_completed_tx_reclaim)',
  memory: 'memory stalls (DMA-written lines)',
  numa: 'NUMA (remote lines and MMIO)',
  spin: 'lock / CAS contention',
};

/** Order of the engine's CPU stages (costs.ts STAGES; not exported by the engine's index). */
export const CPU_STAGES: readonly CpuStage[] = ['irq', 'rxeof', 'lro', 'stack', 'sender', 'tx_enqueue', 'drain', 'encap', 'doorbell', 'reclaim', 'memory', 'numa', 'spin'];

const WIRE_IN: StageDef = {
  id: 'wire_in', label: 'wire in', fn: 'ingress port', row: 0,
  functions: "The traffic generator's port: frames at up to line rate (each frame plus 20 bytes of preamble and inter-frame gap).",
  rate: 'offered_pps', rateLabel: 'offered by the generator', drops: ['wire'], cpu: [],
};
const NIC_RX: StageDef = {
  id: 'nic_rx', label: 'NIC RX queues', fn: 'RSS → RX rings', row: 0,
  functions: 'The NIC hashes each flow (Toeplitz RSS, indirection table) to an RX queue and DMAs the frame into that queue\'s descriptor ring; a full ring drops (missed packets), and a NIC packet-rate ceiling drops before the rings.',
  rate: 'rx_pps', rateLabel: 'admitted into the RX rings', drops: ['nic', 'rx_ring'], cpu: [],
};
const RXEOF: StageDef = {
  id: 'rxeof', label: 'rxeof', fn: 'iflib_rxeof', row: 0,
  functions: 'iflib_fast_intr → GROUPTASK_ENQUEUE → _task_fn_rx → iflib_rxeof → isc_rxd_pkt_get, isc_rxd_refill (up to iflib.rx_budget packets per pass).',
  rate: 'queues', rateLabel: 'processed by the RX queue tasks (sum over queues)', drops: [], cpu: ['irq', 'rxeof'],
};
const TX_RING: StageDef = {
  id: 'tx_ring', label: 'TX ring', fn: 'TX descriptors', row: 0,
  functions: 'The hardware TX descriptor ring: a frame holds a descriptor until it has left the wire and the driver reclaims it; a full ring drops.',
  rate: 'tx_pps', rateLabel: 'transmitted from the TX rings', drops: ['tx_ring'], cpu: [],
};
const WIRE_OUT: StageDef = {
  id: 'wire_out', label: 'wire out', fn: 'egress port', row: 0,
  functions: 'The egress wire at line rate (plus the NIC\'s TX packet-rate ceiling, where one is known).',
  rate: 'tx_pps', rateLabel: 'transmitted on the wire', drops: [], cpu: [],
};
const ENCAP: StageDef = {
  id: 'encap', label: 'encap', fn: 'iflib_encap', row: 0,
  functions: 'iflib_encap → bus_dmamap_load_mbuf_sg → isc_txd_encap (descriptor write), then isc_txd_flush: the doorbell MMIO write of the TX tail.',
  rate: 'delivered_pps', rateLabel: 'handed to the NIC (≈ transmitted)', drops: [], cpu: ['encap', 'doorbell'],
};

function row<T extends StageDef>(s: T, r: 0 | 1): T {
  return { ...s, row: r };
}

/** The stages of a scenario's packet path, in order. */
export function stagesFor(s: Scenario): StageDef[] {
  const workload = s.traffic.workload;
  if (workload === 'ring') {
    return [
      { ...TX_RING, rate: 'offered_pps', rateLabel: 'frames arriving at the ring', functions: `${TX_RING.functions} The ring workload models only this ring and the wire: no CPU, no driver.` },
      WIRE_OUT,
    ];
  }
  if (workload === 'receive') {
    return [
      WIRE_IN,
      NIC_RX,
      RXEOF,
      {
        id: 'lro', label: 'LRO', fn: 'tcp_lro_rx', row: 0, notModelled: true,
        functions: 'tcp_lro_rx / tcp_lro_flush_all: software large receive offload, merging TCP segments of a flow before the stack. Drawn dashed when the run charges it no cycles (UDP only, or not modelled).',
        rate: 'queues', rateLabel: 'passed to LRO', drops: [], cpu: ['lro'],
      },
      {
        id: 'stack', label: 'stack', fn: 'ip_input', row: 0,
        functions: 'ether_input → ip_input → udp_input / tcp_input → sbappend to the socket.',
        rate: 'delivered_pps', rateLabel: 'delivered to sockets', drops: [], cpu: ['stack'],
      },
      {
        id: 'sink', label: 'socket', fn: 'sbappend (sink)', row: 0,
        functions: 'The local receiver: packets end in a socket buffer (a sink that never blocks).',
        rate: 'delivered_pps', rateLabel: 'delivered to sockets', drops: [], cpu: [],
      },
    ];
  }
  if (workload === 'forward') {
    const fbsd12 = s.host.freebsd === 12;
    // LRO enabled on the router: iflib_rxeof's LRO checks are rxeof's cycles (engine stage lro)
    const rxeof: StageDef = s.lro.forwarding
      ? { ...RXEOF, cpu: ['irq', 'rxeof', 'lro'], functions: `${RXEOF.functions} With LRO enabled (lro.forwarding): iflib_get_ip_forwarding once per pass and iflib_check_lro_possible on every packet (false on a router: none is coalesced).` }
      : RXEOF;
    return [
      WIRE_IN,
      NIC_RX,
      rxeof,
      {
        id: 'stack', label: 'forward', fn: 'ip_tryforward', row: 0,
        functions: `ip_tryforward → fib4_lookup → ether_output → arpresolve${fbsd12 ? ' (FreeBSD 12: IF_AFDATA_RLOCK on the egress ifnet, a lock word every CPU shares; its contention is counted here)' : ' (FreeBSD 13+: under the network epoch, no IF_AFDATA lock)'}.`,
        rate: 'queues', rateLabel: 'forwarded by the RX queue tasks', drops: [], cpu: fbsd12 ? ['stack', 'spin'] : ['stack'],
      },
      {
        id: 'if_transmit', label: 'if_transmit', fn: 'ifmp_ring_enqueue', row: 1,
        functions: 'iflib_if_transmit → ifmp_ring_enqueue (two CAS on the ring state word). In the forward workload the mp_ring is drained inline by the forwarding CPU.',
        rate: 'queues', rateLabel: 'enqueued for transmit', drops: ['mp_ring'], cpu: ['tx_enqueue'],
      },
      {
        id: 'drain', label: 'drain', fn: 'iflib_txq_drain', row: 1,
        functions: 'iflib_txq_drain (up to 32 packets per call) → iflib_completed_tx_reclaim (m_freem of completed descriptors).',
        rate: 'queues', rateLabel: 'drained to the driver', drops: [], cpu: ['drain', 'reclaim'],
      },
      { ...row(ENCAP, 1), rate: 'queues', rateLabel: 'encapsulated into TX descriptors' },
      row(TX_RING, 1),
      row(WIRE_OUT, 1),
    ];
  }
  // transmit
  const path = s.tx.path;
  if (path === 'netmap') {
    return [
      {
        id: 'pktgen', label: 'pkt-gen', fn: 'fills TX slots', row: 0,
        functions: 'pkt-gen threads write frames straight into netmap TX slots (no mbufs, no stack), then call ioctl(NIOCTXSYNC); the system-call entry is counted here.',
        rate: 'queues', rateLabel: 'slots filled by pkt-gen', drops: ['sender'], cpu: ['irq', 'sender'],
      },
      {
        id: 'txsync', label: 'txsync', fn: 'iflib_netmap_txsync', row: 0,
        functions: 'netmap_txsync → iflib_netmap_txsync: one descriptor per slot, one isc_txd_flush per call. On a full ring the thread sleeps until a callout wakes it (netmap.tx_timer: the txq callout that iflib_timer re-arms, or a dedicated timer).',
        rate: 'queues', rateLabel: 'slots handed to the NIC', drops: [], cpu: ['encap', 'doorbell'],
      },
      TX_RING,
      WIRE_OUT,
    ];
  }
  const senders: StageDef = {
    id: 'senders', label: 'senders', fn: 'sendto()', row: 0,
    functions: 'Application threads: sendto → sosend → udp_output → ip_output → ether_output → if_transmit.',
    rate: 'queues', rateLabel: 'sent by the sender threads', drops: ['sender'], cpu: ['irq', 'sender'],
  };
  if (path === 'simple') {
    return [
      senders,
      {
        id: 'simple', label: 'simple transmit', fn: 'iflib_simple_transmit', row: 0,
        functions: 'No software ring: each packet takes the TX queue lock, is encapsulated (isc_txd_encap) and rings the doorbell (isc_txd_flush); mlx5en does the same in mlx5e_xmit. Lock contention is counted here.',
        rate: 'queues', rateLabel: 'encapsulated under the TX lock', drops: [], cpu: ['tx_enqueue', 'drain', 'encap', 'doorbell', 'reclaim', 'spin'],
      },
      TX_RING,
      WIRE_OUT,
    ];
  }
  const mp = path === 'mp_ring';
  return [
    senders,
    {
      id: 'if_transmit', label: 'if_transmit', fn: mp ? 'iflib_if_transmit' : 'drbr_enqueue', row: 0,
      functions: mp ? 'iflib_if_transmit → ifmp_ring_enqueue: reserve a slot and publish it with CAS on the ring state word.' : 'iflib_if_transmit → drbr_enqueue → buf_ring_enqueue (CAS on the producer head).',
      rate: 'queues', rateLabel: 'enqueued by the senders', drops: [], cpu: ['tx_enqueue'],
    },
    {
      id: 'soft_ring', label: mp ? 'mp_ring' : 'buf_ring', fn: mp ? 'ifmp_ring' : 'buf_ring', row: 0,
      functions: mp
        ? `The software TX ring (${s.tx.mp_ring_size} entries per queue): the producer that finds it idle becomes the consumer and drains it${s.iflib.tx_abdicate ? ' (tx_abdicate: producers hand the drain to the TX task)' : ''}. Contention on its state word is counted here; a full ring drops (ENOBUFS).`
        : `The drbr buf_ring (${s.tx.mp_ring_size} entries per queue): producers enqueue and whoever gets the TX lock drains. Contention on the producer head and the lock is counted here; a full ring drops (br_drops).`,
      rate: 'delivered_pps', rateLabel: 'drained from the ring (≈ transmitted)', drops: [mp ? 'mp_ring' : 'buf_ring'], cpu: ['spin'],
    },
    {
      id: 'drain', label: 'drain', fn: mp ? 'iflib_txq_drain' : 'drbr_dequeue', row: 1,
      functions: mp
        ? 'iflib_txq_drain (up to 32 packets per call) → iflib_completed_tx_reclaim (m_freem of completed descriptors).'
        : 'Under the TX lock: drbr_peek / drbr_advance → iflib_completed_tx_reclaim.',
      rate: 'delivered_pps', rateLabel: 'drained to the driver (≈ transmitted)', drops: [], cpu: ['drain', 'reclaim'],
    },
    row(ENCAP, 1),
    row(TX_RING, 1),
    row(WIRE_OUT, 1),
  ];
}

/** Row captions, when the path takes two rows. */
export function rowTitles(s: Scenario): [string, string] | null {
  if (s.traffic.workload === 'forward') return ['Receive side: ingress port → forwarding CPU', 'Transmit side: the same CPU → egress port'];
  if (s.traffic.workload === 'transmit' && (s.tx.path === 'mp_ring' || s.tx.path === 'buf_ring')) {
    return ['Producers: the sender threads', 'Consumer: whoever drains the ring → the NIC'];
  }
  return null;
}

export interface StageDrop {
  loc: DropLocation;
  label: string;
  pps: number;
}

export interface DiagramStage extends StageDef {
  /** Live rate, pps (mean of the latest frames); null before the first frame. */
  pps: number | null;
  /** Live drops at this stage, pps, by location (only the stage's own locations). */
  drops_pps: StageDrop[];
  dropsTotalPps: number;
  /** Drops over the whole run, packets (after the run). */
  dropsTotal: number | null;
  /** Fraction of all busy CPU cycles of the run spent in this stage (after the run; null for hardware). */
  cpuShare: number | null;
  /** The same share split by engine stage. */
  cpuParts: { stage: CpuStage; label: string; share: number }[];
  saturated: boolean;
}

export interface Saturation {
  id: StageId;
  /** One line: why this stage. */
  reason: string;
  /** From the finished run's summary, or live from the latest frames. */
  source: 'summary' | 'live';
}

export interface Diagram {
  workload: Scenario['traffic']['workload'];
  stages: DiagramStage[];
  rows: DiagramStage[][];
  rowTitles: [string, string] | null;
  saturated: Saturation | null;
  offeredPps: number | null;
  lineRatePps: number | null;
  /** Shares of busy cycles that belong to no one stage: memory stalls and NUMA. */
  otherCpu: { stage: CpuStage; label: string; share: number }[];
  /** Busy cycles over all CPUs (after the run). */
  busyCycles: number | null;
}

export interface DiagramInput {
  scenario: Scenario;
  /** Latest value (mean of the last frames) per series key: see `latestMeans`. Empty before a run. */
  rates: Readonly<Record<string, number>>;
  summary: Summary | null;
  lineRatePps: number | null;
}

function sumQueues(rates: Readonly<Record<string, number>>): number | null {
  let total = 0;
  let any = false;
  for (const [k, v] of Object.entries(rates)) {
    if (/^q\d+_pps$/.test(k) && Number.isFinite(v)) {
      total += v;
      any = true;
    }
  }
  return any ? total : null;
}

function rateOf(src: RateSource, rates: Readonly<Record<string, number>>): number | null {
  if (src === 'queues') {
    // The ring workload and engines without per-queue series fall back to the run totals.
    return sumQueues(rates) ?? finite(rates.rx_pps) ?? finite(rates.delivered_pps);
  }
  return finite(rates[src]);
}

function finite(x: number | undefined): number | null {
  return x !== undefined && Number.isFinite(x) ? x : null;
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

type Core = Summary['cores'][number];

/** The stage (of those the diagram draws) with the most cycles on this core. */
function topStage(core: Core, stages: readonly StageDef[]): { stage: CpuStage; node: StageDef; share: number } | null {
  let busy = 0;
  for (const st of CPU_STAGES) busy += core.cycles_by_stage[st] ?? 0;
  if (busy <= 0) return null;
  let best: { stage: CpuStage; node: StageDef; share: number } | null = null;
  for (const st of CPU_STAGES) {
    const node = stages.find((n) => n.cpu.includes(st));
    if (!node) continue;
    const share = (core.cycles_by_stage[st] ?? 0) / busy;
    if (!best || share > best.share) best = { stage: st, node, share };
  }
  return best;
}

function nodeFor(stages: readonly StageDef[], loc: DropLocation): StageDef | undefined {
  return stages.find((s) => s.drops.includes(loc));
}

/** The queue-task stage a ring overflow points at when no cycles are known yet. */
function consumerOf(stages: readonly StageDef[], loc: DropLocation): StageDef | undefined {
  if (loc === 'rx_ring') return stages.find((s) => s.id === 'rxeof');
  if (loc === 'sender') return stages.find((s) => s.id === 'senders' || s.id === 'pktgen');
  return nodeFor(stages, loc);
}

/**
 * The saturated stage of a finished run, read from its summary: the netmap lost wake-up, the NIC's
 * TX ceiling or line rate named by `summary.bottleneck`, else the largest drop location (an input
 * ring overflowing points at the busiest CPU's main stage), else a CPU above 90 %.
 */
export function saturationFromSummary(s: Summary, stages: readonly StageDef[]): Saturation | null {
  const has = (id: StageId) => stages.some((x) => x.id === id);
  const at = (id: StageId, reason: string): Saturation => ({ id, reason, source: 'summary' });
  if (s.netmap && s.netmap.lost_wakeups > 0 && has('txsync')) {
    return at('txsync', `pkt-gen sleeps on a full TX ring and its wake-up is lost: ${s.netmap.lost_wakeups} of ${s.netmap.stalls} sleeps waited for iflib_timer (hz/2)`);
  }
  if (s.bottleneck.kind === 'tx_ceiling' && has('tx_ring')) {
    return at('tx_ring', "the NIC's TX packet-rate ceiling: the TX rings fill faster than the NIC sends");
  }
  const drops = DROP_LOCATION_ORDER.map((loc) => [loc, s.drops[loc] ?? 0] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const worker = s.cores.filter((c) => c.tasks.length > 0);
  const busiest = (worker.length > 0 ? worker : s.cores).reduce<Core | null>((a, c) => (!a || c.utilization > a.utilization ? c : a), null);
  const top = busiest ? topStage(busiest, stages) : null;
  if (drops.length > 0) {
    const loc = drops[0]![0];
    if (loc === 'rx_ring' || loc === 'sender') {
      // As the engine's bottleneck sentence: the CPU of the input ring that dropped the most.
      let worst: { cpu: number; dropped: number } | null = null;
      for (const q of s.queues) {
        if ((q.kind === 'rx' || q.kind === 'sender') && (!worst || q.dropped > worst.dropped)) worst = { cpu: q.cpu, dropped: q.dropped };
      }
      const core = (worst && s.cores.find((c) => c.cpu === worst.cpu)) || busiest;
      const ct = core ? topStage(core, stages) : null;
      if (core && ct) {
        return at(
          ct.node.id,
          `CPU ${core.cpu} is ${pct(core.utilization)} busy, ${CPU_STAGE_LABELS[ct.stage]} takes ${pct(ct.share)} of its cycles, and its ${loc === 'rx_ring' ? 'RX ring' : 'sender backlog'} overflows`,
        );
      }
    }
    const node = consumerOf(stages, loc);
    if (node) return at(node.id, `drops: ${DROP_LABELS[loc]}`);
  }
  if (s.bottleneck.kind === 'line_rate' || (s.line_rate_pps > 0 && s.tx_pps >= 0.995 * s.line_rate_pps && has('wire_out'))) {
    return at('wire_out', 'line rate: the wire is the limit');
  }
  if (busiest && top && busiest.utilization >= 0.9) {
    return at(top.node.id, `CPU ${busiest.cpu} is ${pct(busiest.utilization)} busy; ${CPU_STAGE_LABELS[top.stage]} takes ${pct(top.share)} of its cycles`);
  }
  return null;
}

/** While running: the stage with the largest drop rate in the latest frames, or the wire at line rate. */
export function saturationLive(rates: Readonly<Record<string, number>>, stages: readonly StageDef[], lineRatePps: number | null, workload: Scenario['traffic']['workload']): Saturation | null {
  let best: { loc: DropLocation; pps: number } | null = null;
  for (const loc of DROP_LOCATION_ORDER) {
    const pps = rates[`drops_${loc}_pps`];
    if (pps !== undefined && Number.isFinite(pps) && pps > 0 && (!best || pps > best.pps)) best = { loc, pps };
  }
  // The ring workload records only the total (every drop there is a TX ring drop).
  if (!best && workload === 'ring' && (rates.drops_pps ?? 0) > 0) best = { loc: 'tx_ring', pps: rates.drops_pps! };
  if (best) {
    const netmap = stages.some((s) => s.id === 'txsync');
    if (netmap && best.loc === 'sender') return { id: 'tx_ring', reason: 'pkt-gen finds the TX rings full', source: 'live' };
    const node = consumerOf(stages, best.loc);
    if (node) {
      const why = best.loc === 'rx_ring' ? 'the RX rings overflow: rxeof does not keep up' : best.loc === 'sender' ? 'the sender backlogs overflow: the sender threads do not keep up' : `drops: ${DROP_LABELS[best.loc]}`;
      return { id: node.id, reason: why, source: 'live' };
    }
  }
  const tx = rates.tx_pps;
  if (lineRatePps && tx !== undefined && tx >= 0.995 * lineRatePps && stages.some((s) => s.id === 'wire_out')) {
    return { id: 'wire_out', reason: 'line rate: the wire is the limit', source: 'live' };
  }
  return null;
}

/** Everything the diagram draws. */
export function buildDiagram({ scenario, rates, summary, lineRatePps }: DiagramInput): Diagram {
  const defs = stagesFor(scenario);
  const busyByStage = new Map<CpuStage, number>();
  let busy = 0;
  if (summary) {
    for (const c of summary.cores) {
      for (const st of CPU_STAGES) {
        const v = c.cycles_by_stage[st] ?? 0;
        busyByStage.set(st, (busyByStage.get(st) ?? 0) + v);
        busy += v;
      }
    }
  }
  const hasCpu = summary !== null && busy > 0;
  const saturated = summary ? saturationFromSummary(summary, defs) : saturationLive(rates, defs, lineRatePps, scenario.traffic.workload);
  const stages: DiagramStage[] = defs.map((d) => {
    const drops_pps = d.drops.map((loc) => ({ loc, label: DROP_LABELS[loc], pps: finite(rates[`drops_${loc}_pps`]) ?? (scenario.traffic.workload === 'ring' && loc === 'tx_ring' ? (finite(rates.drops_pps) ?? 0) : 0) }));
    const cpuParts = hasCpu ? d.cpu.map((st) => ({ stage: st, label: CPU_STAGE_LABELS[st], share: (busyByStage.get(st) ?? 0) / busy })) : [];
    const cpuShare = hasCpu && d.cpu.length > 0 ? cpuParts.reduce((a, x) => a + x.share, 0) : null;
    return {
      ...d,
      notModelled: d.notModelled === true && !(cpuShare !== null && cpuShare > 0),
      pps: rateOf(d.rate, rates),
      drops_pps,
      dropsTotalPps: drops_pps.reduce((a, x) => a + x.pps, 0),
      dropsTotal: summary ? d.drops.reduce((a, loc) => a + (summary.drops[loc] ?? 0), 0) : null,
      cpuShare,
      cpuParts,
      saturated: saturated?.id === d.id,
    };
  });
  const drawn = new Set(defs.flatMap((d) => d.cpu));
  const otherCpu = hasCpu
    ? CPU_STAGES.filter((st) => !drawn.has(st) && (busyByStage.get(st) ?? 0) > 0).map((st) => ({ stage: st, label: CPU_STAGE_LABELS[st], share: (busyByStage.get(st) ?? 0) / busy }))
    : [];
  const rows: DiagramStage[][] = [stages.filter((s) => s.row === 0), stages.filter((s) => s.row === 1)].filter((r) => r.length > 0);
  return {
    workload: scenario.traffic.workload,
    stages,
    rows,
    rowTitles: rows.length > 1 ? rowTitles(scenario) : null,
    saturated,
    offeredPps: finite(rates.offered_pps),
    lineRatePps,
    otherCpu,
    busyCycles: hasCpu ? busy : null,
  };
}

/** Mpps for a node: "14.88", "0.334", "0"; a dash when unknown. */
export function formatRate(pps: number | null): string {
  if (pps === null || !Number.isFinite(pps)) return '—';
  const m = pps / 1e6;
  if (m === 0) return '0';
  if (Math.abs(m) >= 100) return m.toFixed(0);
  if (Math.abs(m) >= 1) return m.toFixed(2);
  if (Math.abs(m) >= 0.001) return m.toFixed(3);
  return '< 0.001';
}
