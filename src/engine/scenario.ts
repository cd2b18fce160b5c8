/**
 * The one versioned scenario schema. Every knob is declared once, here, in KNOBS; the zod schema,
 * defaults, the UI form, share links, presets and the CLI are all derived from this table.
 *
 * Knob paths are public (links, `npm run sim -- --set`, docs): renaming one needs a migration in
 * link.ts and a SCHEMA_VERSION bump.
 */
import { z } from 'zod';

// No JIT: zod 4 compiles parsers with `new Function` when it can, and its probe for that is a
// violation of the page's Content-Security-Policy (script-src without 'unsafe-eval',
// security.config.ts). Parsing a scenario is small work either way.
z.config({ jitless: true });
import { readNumberText, wholeNumberKnob } from './knobtext';
import { didYouMean } from './suggest';
import { HOSTS, NICS, findHost, findNic } from './hardware';
import { crossCheck } from './crosscheck';
import { echoQuoted, formatIssues } from './echo';

// The rules between knobs and the queue and CPU facts they rest on (crosscheck.ts) are part of
// what a scenario is: importers of scenario get them from here too.
export { echoKey, echoQuoted } from './echo';
export { crossCheck, crossCheckIssues, effectiveQueues, iflibDomainLocal, intrCpus, logicalCpus, queueCpus, rssBinds, rssTableBuckets, rssTableSkew, type CrossCheckIssue, type IssuePart } from './crosscheck';

export const SCHEMA_VERSION = 5;

export type KnobGroup = 'Host' | 'NIC & queues' | 'iflib' | 'TX path' | 'LRO' | 'NUMA' | 'Traffic' | 'Simulation';

export const WORKLOADS = ['forward', 'receive', 'transmit', 'ring'] as const;
export type Workload = (typeof WORKLOADS)[number];

interface KnobBase {
  /** Dotted public path, e.g. `traffic.load`. */
  path: string;
  group: KnobGroup;
  label: string;
  /** One sentence for the tooltip: what it models, with the FreeBSD name where one exists. */
  help: string;
  /** The sysctl, tunable or function this knob models, if any. */
  freebsd?: string;
  /** Workloads the knob matters to (all when absent); the UI dims it for the others. */
  workloads?: readonly Workload[];
  /**
   * The link format (SCHEMA_VERSION) that added this knob; absent: 3 or earlier. A link of an
   * older format lacks it and gets `legacy` (the value that keeps the link's old meaning).
   */
  since?: number;
  /** The value a link from before `since` means (the old model's behaviour); default: `default`. */
  legacy?: string | number | boolean;
}

export interface IntKnob extends KnobBase {
  kind: 'int';
  min: number;
  max: number;
  default: number;
  unit?: string;
  /** Hardware rings need power-of-two sizes. */
  pow2?: boolean;
  /** What 0 stands for, where it is not a count ("driver default"): said once, beside the unit. */
  zeroMeans?: string;
}

export interface NumberKnob extends KnobBase {
  kind: 'number';
  min: number;
  max: number;
  default: number;
  step: number;
  unit?: string;
}

export interface ChoiceKnob extends KnobBase {
  kind: 'choice';
  /** Allowed values; numbers stay numbers (e.g. link speeds). */
  options: readonly (string | number)[];
  /** Human names for options, where the value is an id (hosts, NICs). */
  optionLabels?: Readonly<Record<string, string>>;
  default: string | number;
  unit?: string;
}

export interface BoolKnob extends KnobBase {
  kind: 'bool';
  default: boolean;
}

export type Knob = IntKnob | NumberKnob | ChoiceKnob | BoolKnob;

const NIC_PATH: readonly Workload[] = ['forward', 'receive', 'transmit'];
const RX_PATH: readonly Workload[] = ['forward', 'receive'];

/** The knob table with its literal types (the Scenario type is derived from it). */
const KNOB_TABLE = [
  // Host
  {
    path: 'host.preset', group: 'Host', kind: 'choice', label: 'Host', workloads: NIC_PATH,
    options: HOSTS.map((h) => h.id), default: 'xeon-e5-2650v4-2s',
    optionLabels: Object.fromEntries(HOSTS.map((h) => [h.id, h.title])),
    help: 'A real machine from calibration.md. Choosing one sets cores, clock, SMT and NUMA domains; it also selects the memory-system costs (DDIO, DRAM and cross-domain latency) in docs/MODEL.md.',
  },
  {
    path: 'host.cores', group: 'Host', kind: 'int', label: 'Physical cores', workloads: NIC_PATH,
    min: 1, max: 256, default: 24, unit: 'cores',
    help: 'Physical cores in the whole machine (all sockets).', freebsd: 'kern.smp.cores',
  },
  {
    path: 'host.ghz', group: 'Host', kind: 'number', label: 'Core clock', workloads: NIC_PATH,
    min: 0.5, max: 6, default: 2.2, step: 0.1, unit: 'GHz',
    help: 'Sustained core clock. CPU work in cycles scales with it; memory stalls (ns) do not.', freebsd: 'dev.cpu.0.freq',
  },
  {
    path: 'host.smt', group: 'Host', kind: 'bool', label: 'Hyper-threading', workloads: NIC_PATH, default: false,
    help: 'Two hardware threads per core. Two busy siblings share one core (each runs at the host\'s SMT share).', freebsd: 'machdep.hyperthreading_allowed',
  },
  {
    path: 'host.freebsd', group: 'Host', kind: 'choice', label: 'FreeBSD version', workloads: NIC_PATH,
    options: [12, 13, 14, 15, 16], default: 14,
    help: 'Kernel generation. 12 forwards through ip_forward + ip_output (route references under the rtentry lock) unless net.inet.ip.redirect=0; 13 and later always take ip_tryforward, the next hop looked up under the network epoch. cxgbe\'s eth_tx coalesces across calls from 13 (D25454).',
    freebsd: 'ip_input → ip_tryforward / ip_forward; t4_sge.c eth_tx',
  },
  {
    path: 'host.afdata_rlock', group: 'Host', kind: 'bool', label: 'arpresolve IF_AFDATA_RLOCK', workloads: ['forward'], default: false, since: 4, legacy: true,
    help: '12-head before r334118 (May 2018): arpresolve takes the egress ifnet\'s IF_AFDATA_RLOCK for every forwarded packet, a rwlock word every CPU writes. No effect on 13 and later.',
    freebsd: 'arpresolve / IF_AFDATA_RLOCK (removed by r334118)',
  },
  {
    path: 'host.options_rss', group: 'Host', kind: 'bool', label: 'Kernel options RSS', workloads: NIC_PATH, default: false, since: 5, legacy: false,
    help: 'A kernel built with options RSS (GENERIC has none). cxgbe then takes rss_getnumbuckets() RX and TX queues (at least twice the CPUs, a power of 2, at most 128; RX capped by the MSI-X vectors) and binds RX queue q\'s interrupt to bucket q\'s CPU, round robin over every CPU of every domain. iflib has no RSS code, so its queue counts and CPUs do not change; ixl, ix and igb fill their RSS tables from the kernel\'s buckets (queue = bucket mod RX queues), which loads some queues more when the RX queues do not divide the buckets.',
    freebsd: 'options RSS; rss_init (net.inet.rss.buckets), t4_main.c tweak_tunables, t4_setup_intr_handlers; ixl_set_rss_hlut, ixgbe_initialize_rss_mapping, igb_initialize_rss_mapping',
  },
  {
    path: 'forward.ip_redirect', group: 'Host', kind: 'bool', label: 'net.inet.ip.redirect', workloads: ['forward'], default: true, since: 4, legacy: false,
    help: 'On 12, ip_input takes the ip_tryforward fast path only with redirects off; on (the default), each packet goes ip_forward → ip_output: two route lookups that take and drop a reference under the shared rtentry mutex, and a copy of the header. No effect on 13 and later.',
    freebsd: 'net.inet.ip.redirect; ip_input, ip_forward, rtalloc1_fib (12)',
  },
  {
    path: 'host.numa_domains', group: 'Host', kind: 'int', label: 'NUMA domains', workloads: NIC_PATH,
    min: 1, max: 8, default: 2, unit: 'domains',
    help: 'Memory domains (usually sockets); cores are split evenly between them.', freebsd: 'vm.ndomains',
  },
  // NIC & queues
  {
    path: 'nic.model', group: 'NIC & queues', kind: 'choice', label: 'NIC', workloads: NIC_PATH,
    options: NICS.map((n) => n.id), default: 'mlx5-cx4lx',
    optionLabels: Object.fromEntries(NICS.map((n) => [n.id, n.title])),
    help: 'NIC and driver. Choosing one sets its default link speed and descriptor counts, and whether the driver allocates its ifnet with if_alloc_dev.',
  },
  {
    path: 'nic.link_gbps', group: 'NIC & queues', kind: 'choice', label: 'Link speed',
    options: [1, 10, 25, 40, 100], default: 10, unit: 'Gbit/s',
    help: 'Ethernet line rate. Each frame also occupies 20 bytes of preamble, SFD and inter-frame gap on the wire.',
    freebsd: 'ifconfig media / if_baudrate',
  },
  {
    path: 'nic.numa_domain', group: 'NUMA', kind: 'int', label: 'NIC domain', workloads: NIC_PATH,
    min: 0, max: 7, default: 0, unit: 'domain',
    help: 'NUMA domain the NIC is attached to (its PCIe root). DMA writes land in this domain\'s LLC (DDIO).', freebsd: 'dev.<drv>.<unit>.%domain (bus_get_domain)',
  },
  {
    path: 'nic.udp_hashtype', group: 'NIC & queues', kind: 'bool', label: 'UDP hash type', workloads: ['forward'], default: true, since: 4, legacy: true,
    help: 'The driver marks received UDP packets with an RSS hash type, so iflib picks a forwarded packet\'s TX queue by its flowid. Off (igb before D58513), iflib_if_transmit sends every such packet to TX queue 0 (iflib_simple_transmit to the last).',
    freebsd: 'M_HASHTYPE_GET(m) in iflib_if_transmit; D58513 (igb)',
  },
  {
    path: 'nic.tx_coalesce', group: 'NIC & queues', kind: 'bool', label: 'cxgbe TX coalescing', workloads: ['forward', 'transmit'], default: true, since: 4, legacy: false,
    help: 'cxgbe only, FreeBSD 13 and later (D25454, r362905): eth_tx keeps a txpkts work request open across calls, packs up to 15 frames in it and rings ring_eq_db once per 8 descriptors. Off (and on 12): work requests only from the frames of one call, ring_eq_db at 16 pending descriptors and at the end of each call.',
    freebsd: 'hw.cxgbe.tx_coalesce; t4_sge.c eth_tx, add_to_txpkts',
  },
  {
    path: 'queues.rx', group: 'NIC & queues', kind: 'int', label: 'RX queues', workloads: RX_PATH,
    min: 0, max: 256, default: 0, unit: 'queues', zeroMeans: 'driver default',
    help: 'RX queues. 0 takes the driver default (iflib: min(CPUs, MSI-X vectors, driver max)); more than the CPUs are capped as iflib_msix_init caps them.',
    freebsd: 'dev.<drv>.<unit>.iflib.override_nrxqs',
  },
  {
    path: 'queues.tx', group: 'NIC & queues', kind: 'int', label: 'TX queues', workloads: NIC_PATH,
    min: 0, max: 256, default: 0, unit: 'queues', zeroMeans: 'driver default',
    help: 'TX queues. 0 takes the driver default; iflib keeps TX and RX counts equal unless overridden.',
    freebsd: 'dev.<drv>.<unit>.iflib.override_ntxqs',
  },
  {
    path: 'queues.rx_desc', group: 'NIC & queues', kind: 'int', label: 'RX descriptors', workloads: RX_PATH,
    min: 64, max: 16384, default: 1024, unit: 'descriptors', pow2: true,
    help: 'Size of each hardware RX descriptor ring. When the ring is full the NIC drops (missed packets).',
    freebsd: 'dev.<drv>.<unit>.iflib.override_nrxds',
  },
  {
    path: 'queues.tx_desc', group: 'NIC & queues', kind: 'int', label: 'TX descriptors',
    min: 64, max: 16384, default: 1024, unit: 'descriptors', pow2: true,
    help: 'Size of the hardware TX descriptor ring; a frame holds a descriptor from enqueue until its last bit leaves the wire. A full ring drops.',
    freebsd: 'dev.<drv>.<unit>.iflib.override_ntxds',
  },
  {
    path: 'queues.core_offset', group: 'NIC & queues', kind: 'int', label: 'Core offset', workloads: NIC_PATH,
    min: 0, max: 511, default: 0, unit: 'CPU',
    help: 'First CPU that gets a queue task; queue i goes to the i-th CPU after it.', freebsd: 'dev.<drv>.<unit>.iflib.core_offset',
  },
  {
    path: 'queues.separate_txrx', group: 'NIC & queues', kind: 'bool', label: 'Separate TX/RX CPUs', workloads: NIC_PATH, default: false,
    help: 'Put TX queue tasks on their own CPUs after the RX ones instead of sharing them.', freebsd: 'dev.<drv>.<unit>.iflib.separate_txrx',
  },
  {
    path: 'queues.use_logical_cores', group: 'NIC & queues', kind: 'bool', label: 'Use SMT siblings', workloads: NIC_PATH, default: false,
    help: 'Let queues land on both hardware threads of a core; off, iflib gives each queue a physical core first.', freebsd: 'dev.<drv>.<unit>.iflib.use_logical_cores',
  },
  {
    path: 'queues.irq_spread', group: 'NIC & queues', kind: 'bool', label: 'Spread interrupts', workloads: NIC_PATH, default: false,
    help: 'The meeting\'s proposal: with fewer queues than CPUs, spread queue interrupts and tasks evenly over all CPUs instead of packing them from core_offset.',
  },
  // iflib
  {
    path: 'iflib.rx_budget', group: 'iflib', kind: 'int', label: 'RX budget', workloads: RX_PATH,
    min: 1, max: 4096, default: 16, unit: 'packets per pass',
    help: 'Packets iflib_rxeof handles per task pass before re-queueing itself (iflib drivers only; mlx5en and cxgbe use their own loops).',
    freebsd: 'dev.<drv>.<unit>.iflib.rx_budget',
  },
  {
    path: 'iflib.itr_us', group: 'iflib', kind: 'number', label: 'Interrupt moderation', workloads: RX_PATH,
    min: 0, max: 1000, default: 32, step: 1, unit: 'µs',
    help: 'Minimum gap between two interrupts of one queue vector (ITR). 32 µs is ix\'s 31 250 interrupts/s.', freebsd: 'dev.ix.<unit>.queue<n>.interrupt_rate / hw.ixl.rx_itr',
  },
  // TX path
  {
    path: 'tx.path', group: 'TX path', kind: 'choice', label: 'TX software path', workloads: ['forward', 'transmit'],
    options: ['mp_ring', 'buf_ring', 'simple', 'netmap'], default: 'mp_ring',
    help: 'mp_ring: iflib_if_transmit → ifmp_ring_enqueue; the producer that finds the ring idle drains it (or abdicates to the TX task). buf_ring: the older drbr design, producers enqueue and whoever gets the TX lock drains. simple: no software ring, lock + encap + doorbell per packet (iflib_simple_transmit, iflib.simple_tx). netmap (transmit only): pkt-gen threads fill TX slots and call txsync, no mbufs, no stack. mlx5en and cxgbe have their own paths (mlx5e_xmit, cxgbe_transmit).',
    freebsd: 'ifmp_ring_enqueue / drbr_enqueue / iflib_simple_transmit',
  },
  {
    path: 'tx.mp_ring_size', group: 'TX path', kind: 'int', label: 'Software ring size', workloads: ['forward', 'transmit'],
    min: 8, max: 65536, default: 2048, unit: 'entries',
    help: 'Entries of the software TX ring in front of each hardware queue (mp_ring holds size − 2). iflib hard-codes 2048 in iflib_queues_alloc; the meeting asked why it is smaller than a hardware ring.',
    freebsd: 'ifmp_ring_alloc(&txq->ift_br, 2048, …)',
  },
  {
    path: 'iflib.tx_abdicate', group: 'TX path', kind: 'bool', label: 'TX abdicate', workloads: ['forward', 'transmit'], default: false,
    help: 'Producers never drain: they mark the ring ABDICATED and the TX queue task drains it on its own CPU.',
    freebsd: 'dev.<drv>.<unit>.iflib.tx_abdicate',
  },
  {
    path: 'iflib.tx_reclaim_thresh', group: 'TX path', kind: 'int', label: 'TX reclaim threshold', workloads: ['forward', 'transmit'],
    min: 0, max: 4096, default: 0, unit: 'descriptors',
    help: 'A drain reclaims completed descriptors only once at least this many are done (0: always). Drivers set 0, except a few that batch reclaim.',
    freebsd: 'isc_tx_reclaim_thresh (iflib_completed_tx_reclaim)',
  },
  {
    path: 'netmap.burst', group: 'TX path', kind: 'int', label: 'netmap burst', workloads: ['transmit'],
    min: 1, max: 4096, default: 512, unit: 'slots per txsync',
    help: 'Slots pkt-gen fills before each txsync (pkt-gen -b).', freebsd: 'pkt-gen -b',
  },
  {
    path: 'netmap.tx_timer', group: 'TX path', kind: 'choice', label: 'netmap TX wake-up', workloads: ['transmit'],
    options: ['tick', 'sbt_1ms', 'sbt_90us'], default: 'sbt_90us',
    help: 'What wakes a pkt-gen thread sleeping on a full TX ring (iflib has no TX interrupt). tick: a 1-tick callout on the txq timer that iflib_timer also re-arms at hz/2; sbt_1ms: a dedicated 1 ms sbintime callout (the meeting\'s suggestion); sbt_90us: the per-queue 90 µs netmap timer.',
    freebsd: 'iflib_netmap_txsync → callout_reset_on(&txq->ift_timer / ift_netmap_timer)',
  },
  {
    path: 'kern.hz', group: 'TX path', kind: 'int', label: 'kern.hz', workloads: ['transmit'],
    min: 100, max: 10000, default: 1000, unit: 'ticks/s',
    help: 'Clock interrupt rate: one tick is 1/hz; iflib_timer runs every hz/2 ticks (500 ms).', freebsd: 'kern.hz',
  },
  // LRO
  {
    path: 'lro.mode', group: 'LRO', kind: 'choice', label: 'LRO', workloads: ['receive'],
    options: ['off', 'legacy', 'sorted'], default: 'legacy',
    help: 'legacy: tcp_lro_rx with a table of active entries per RX queue (what iflib does); sorted: tcp_lro_queue_mbuf, packets sorted by hash type, flowid and arrival, then merged (the meeting\'s task 2); off: every packet goes up alone.',
    freebsd: 'tcp_lro_rx / tcp_lro_queue_mbuf / tcp_lro_flush_all',
  },
  {
    path: 'lro.entries', group: 'LRO', kind: 'int', label: 'LRO entries', workloads: ['receive'],
    min: 1, max: 64, default: 8, unit: 'entries',
    help: 'Active entries of the legacy table (TCP_LRO_ENTRIES = 8). A packet matching none when all are busy is passed up uncoalesced.',
    freebsd: 'TCP_LRO_ENTRIES / lro_cnt',
  },
  {
    path: 'lro.mbufs', group: 'LRO', kind: 'int', label: 'LRO sort array', workloads: ['receive'],
    min: 16, max: 8192, default: 1024, unit: 'packets',
    help: 'Slots of the sorted mode\'s array (lro_mbuf_max); it flushes when full. iflib sizes it min(1024, RX descriptors).',
    freebsd: 'tcp_lro_init_args(…, lro_mbufs)',
  },
  {
    path: 'lro.batch', group: 'LRO', kind: 'int', label: 'LRO batch', workloads: ['receive'],
    min: 1, max: 8192, default: 1, unit: 'packets',
    help: 'Packets accumulated across rxeof passes before tcp_lro_flush_all (1 = every pass, as iflib does today). The meeting\'s task 1: induce iflib to create a large batch.',
  },
  {
    path: 'lro.idle_flush_us', group: 'LRO', kind: 'int', label: 'Idle flush after', workloads: ['receive'], since: 4, legacy: 1000000,
    min: 0, max: 1000000, default: 100, unit: 'µs',
    help: 'A partial lro.batch on a queue that went idle (its ring empty, the interrupt re-armed) is flushed once its oldest packet has waited this long (tcp_lro_flush_inactive; 100 µs is cxgbe\'s default, sc->lro_timeout in t4_main.c, sysctl dev.t5nex.N.lro_timeout). 0 flushes at once; the maximum, never (the batch waits for more packets).',
  },
  {
    path: 'lro.tcp_hint', group: 'LRO', kind: 'bool', label: 'TCP hint', workloads: ['receive', 'forward'], default: false,
    help: 'Send only packets whose RSS hash type says TCP (M_HASHTYPE_RSS_TCP_*) to LRO; off, iflib_check_lro_possible sends every IP packet, UDP and SCTP included. On a router with LRO enabled (lro.forwarding), packets of other hash types skip the check.',
    freebsd: 'iflib_check_lro_possible / M_HASHTYPE_RSS_TCP_IPV4',
  },
  {
    path: 'lro.forwarding', group: 'LRO', kind: 'bool', label: 'LRO on the router', workloads: ['forward'], default: false, since: 4, legacy: false,
    help: 'The forwarding interface has LRO enabled (ifconfig lro): iflib_rxeof reads the forwarding sysctls each pass and runs iflib_check_lro_possible on every packet, which returns false on a router, so every packet pays the check and none is coalesced. Off (ifconfig -lro): the forwarding figures the model is calibrated on.',
    freebsd: 'IFCAP_LRO / iflib_get_ip_forwarding / iflib_check_lro_possible',
  },
  {
    path: 'lro.code', group: 'LRO', kind: 'choice', label: 'tcp_lro.c', workloads: ['receive'], since: 4, legacy: 'classic',
    options: ['by_version', 'classic'], default: 'by_version',
    optionLabels: { by_version: 'by host.freebsd (12 classic, 13+ rewrite)', classic: 'classic (11–12) always' },
    help: 'Which LRO code merges: by_version runs FreeBSD 12\'s classic tcp_lro_rx2 for host.freebsd = 12 and the 13+ rewrite (packets queued per entry, merged by tcp_lro_condense at flush, holes start a new aggregate) for 13 and later; classic runs the 12 code whatever the version (what links from before v4 meant).',
    freebsd: 'sys/netinet/tcp_lro.c: tcp_lro_rx2 (12) / tcp_lro_rx_common + tcp_lro_condense (13+)',
  },
  // NUMA
  {
    path: 'numa.if_alloc_dev', group: 'NUMA', kind: 'bool', label: 'if_alloc_dev', workloads: NIC_PATH, default: true,
    help: 'Allocate the ifnet, rings and buffers on the NIC\'s domain (if_alloc_dev); off, they live on domain 0 (plain if_alloc, as iflib does).',
    freebsd: 'if_alloc_dev(9) / if_numa_domain',
  },
  {
    path: 'forward.egress_numa_domain', group: 'NUMA', kind: 'int', label: 'Egress NIC domain', workloads: ['forward'],
    min: 0, max: 7, default: 0, unit: 'domain',
    help: 'Domain of the NIC the forwarded packets leave by. Different from the ingress NIC\'s, every packet crosses the interconnect.',
  },
  // Traffic
  {
    path: 'traffic.workload', group: 'Traffic', kind: 'choice', label: 'Workload',
    options: WORKLOADS, default: 'forward',
    help: 'forward: the BSDRP bench lab (ip_tryforward between two ports); receive: streams to a local sink; transmit: sender threads; ring: only the hardware TX ring and wire (textbook queue, no CPU).',
  },
  {
    path: 'traffic.senders', group: 'Traffic', kind: 'int', label: 'Sender threads', workloads: ['transmit'],
    min: 0, max: 512, default: 0, unit: 'threads', zeroMeans: 'one per TX queue',
    help: 'Application threads calling sendto(), one per CPU from traffic.sender_cpu on. Their packets pick a TX queue by flowid, so several senders can share a queue.',
  },
  {
    path: 'traffic.sender_cpu', group: 'Traffic', kind: 'int', label: 'First sender CPU', workloads: ['transmit'],
    min: 0, max: 511, default: 0, unit: 'CPU',
    help: 'CPU of the first sender thread; the others follow on the next CPUs (physical cores first, as cpuset would pin them).',
  },
  {
    path: 'traffic.flows', group: 'Traffic', kind: 'int', label: 'Flows', workloads: NIC_PATH,
    min: 1, max: 1000000, default: 2000, unit: 'flows',
    help: 'Distinct 5-tuples (TCP connections for the receive workload\'s senders). With traffic.interleave=uniform each packet belongs to a uniformly chosen flow; a capture replay has its own. RSS hashes each flow to a queue.',
  },
  {
    path: 'traffic.frame_bytes', group: 'Traffic', kind: 'int', label: 'Frame size',
    min: 64, max: 9216, default: 64, unit: 'bytes',
    help: 'Ethernet frame size including FCS, excluding preamble and inter-frame gap. 64 bytes is the worst case for packets per second.',
  },
  {
    path: 'traffic.load', group: 'Traffic', kind: 'number', label: 'Offered load',
    min: 0, max: 1.5, default: 1, step: 0.01, unit: '× line rate',
    help: 'Offered packet rate as a fraction of the line rate for this frame size. Above 1 the sender\'s wire cannot carry it (ingress) or the TX ring overflows (ring).',
  },
  {
    path: 'traffic.arrival', group: 'Traffic', kind: 'choice', label: 'Arrival process',
    options: ['constant', 'poisson', 'bursty'], default: 'constant',
    help: 'constant: evenly spaced (pkt-gen); poisson: exponential gaps; bursty: bursts of a geometric number of frames (mean 32: one iflib TX batch) arriving together, Poisson between bursts; same mean rate. (The receive workload\'s TCP senders and capture replays bring their own timing.)',
  },
  {
    path: 'traffic.interleave', group: 'Traffic', kind: 'choice', label: 'Packet order', workloads: ['receive'], since: 4, legacy: 'uniform',
    options: ['uniform', 'tso', 'pcap'], default: 'tso',
    optionLabels: { uniform: 'uniform: each packet a random flow', tso: 'TCP senders: TSO bursts', pcap: 'a capture (pcap / pcapng)' },
    help: 'How the flows\' packets follow each other at the receiver. uniform: every packet of a random flow (the worst case for LRO; links from before v4); tso: TCP senders emitting TSO bursts at their own link rate, merged by the switch; pcap: replay a capture (a file in the UI, --pcap in the CLI).',
  },
  {
    path: 'traffic.tso_kb', group: 'Traffic', kind: 'int', label: 'TSO burst', workloads: ['receive'], since: 4, legacy: 64,
    min: 1, max: 64, default: 64, unit: 'KB',
    help: 'Largest send a TCP sender hands its NIC at once (TSO); the NIC cuts it into back-to-back MSS frames. 64 KB is ~45 frames of 1448 bytes (if_hw_tsomax 65518).',
    freebsd: 'tcp_output / if_hw_tsomax',
  },
  {
    path: 'traffic.sender_gbps', group: 'Traffic', kind: 'choice', label: 'Sender link', workloads: ['receive'], since: 4, legacy: 0,
    options: [0, 1, 10, 25, 40, 100], default: 0, unit: 'Gbit/s (0 = as the receiver)',
    help: 'Link speed of each sending host: the frames of one TSO burst leave it this fast. 0: the receiver\'s nic.link_gbps (identical NICs on both ends, as in the bench lab).',
  },
  {
    path: 'traffic.active_senders', group: 'Traffic', kind: 'int', label: 'Sender hosts', workloads: ['receive'], since: 4, legacy: 0,
    min: 0, max: 1000000, default: 0, unit: 'hosts (0 = one per flow)',
    help: 'Hosts sending at once; the flows are spread over them and each host sends one TSO burst at a time, its flows in turn. Their bursts interleave at the switch about as many ways as there are hosts sending at the same instant.',
  },
  {
    path: 'traffic.pacing', group: 'Traffic', kind: 'bool', label: 'Pacing', workloads: ['receive'], since: 4, legacy: false, default: false,
    help: 'Senders pace: bursts of about 1 ms of the flow\'s rate (at least 2 segments, Linux tcp_tso_autosize) at evenly spaced times. Off: full TSO bursts at random times (FreeBSD\'s default stack does not pace).',
  },
  {
    path: 'traffic.window', group: 'Traffic', kind: 'choice', label: 'Congestion control', workloads: ['receive'], since: 4, legacy: 'open',
    options: ['open', 'newreno'], default: 'open',
    optionLabels: { open: 'open loop (offer traffic.load)', newreno: 'closed loop, NewReno' },
    help: 'open: senders offer traffic.load whatever happens to their packets. newreno: each flow has a window; ACKs of what the receiver delivered (after traffic.rtt_us) open it, a drop halves it (once per window), so an overflowing ring makes the senders slow down.',
    freebsd: 'cc_newreno (newreno_ack_received, newreno_cong_signal)',
  },
  {
    path: 'traffic.rtt_us', group: 'Traffic', kind: 'number', label: 'Round-trip time', workloads: ['receive'], since: 4, legacy: 100,
    min: 1, max: 100000, default: 100, step: 1, unit: 'µs',
    help: 'Time from the receiver\'s stack to the sender and back, for the ACKs and loss signals of the closed loop.',
  },
  {
    path: 'traffic.pcap_timing', group: 'Traffic', kind: 'choice', label: 'Capture timing', workloads: ['receive'], since: 4, legacy: 'kept',
    options: ['kept', 'scaled'], default: 'kept',
    optionLabels: { kept: 'as captured', scaled: 'scaled to traffic.load' },
    help: 'kept: replay the capture at its own timestamps; scaled: stretch or squeeze its gaps so that its mean bit rate is traffic.load × the link rate.',
  },
  {
    path: 'traffic.ack_share', group: 'Traffic', kind: 'number', label: 'ACK-only share', workloads: ['receive'],
    min: 0, max: 1, default: 0, step: 0.01, unit: 'fraction of TCP flows',
    help: 'TCP flows that carry only pure ACKs (the reverse direction of bulk senders); the rest carry MSS-sized data.',
  },
  {
    path: 'traffic.loss', group: 'Traffic', kind: 'number', label: 'Loss / reordering', workloads: ['receive'],
    min: 0, max: 0.2, default: 0, step: 0.001, unit: 'probability per packet',
    help: 'Chance that a TCP segment was lost upstream (a sequence gap) and, separately, that it arrives out of order: both stop LRO merging.',
  },
  {
    path: 'traffic.mix.tcp', group: 'Traffic', kind: 'number', label: 'TCP share', workloads: NIC_PATH,
    min: 0, max: 1, default: 0, step: 0.01, unit: 'fraction of flows',
    help: 'Fraction of flows that are TCP. The three shares must add up to 1.',
  },
  {
    path: 'traffic.mix.udp', group: 'Traffic', kind: 'number', label: 'UDP share', workloads: NIC_PATH,
    min: 0, max: 1, default: 1, step: 0.01, unit: 'fraction of flows',
    help: 'Fraction of flows that are UDP (pkt-gen sends UDP).',
  },
  {
    path: 'traffic.mix.sctp', group: 'Traffic', kind: 'number', label: 'SCTP share', workloads: NIC_PATH,
    min: 0, max: 1, default: 0, step: 0.01, unit: 'fraction of flows',
    help: 'Fraction of flows that are SCTP.',
  },
  // Simulation
  {
    path: 'sim.seed', group: 'Simulation', kind: 'int', label: 'Seed',
    min: 0, max: 4294967295, default: 1,
    help: 'Seed of the one PRNG (xoshiro128**). The same seed and config give a bit-identical result.',
  },
  {
    path: 'sim.duration_ms', group: 'Simulation', kind: 'number', label: 'Duration',
    min: 0.1, max: 600000, default: 20, step: 0.1, unit: 'ms simulated',
    help: 'Simulated time to run. Frames are recorded at 200 fixed intervals over this span.',
  },
  {
    path: 'sim.trace', group: 'Simulation', kind: 'bool', label: 'Record a trace', default: false, since: 4, legacy: false,
    help: 'Record what every CPU did over a window of the run (task passes, interrupts, drains, lock waits, ring occupancy) for the timeline and a Chrome/Perfetto trace file. Never changes the results.',
  },
  {
    path: 'sim.trace_from_us', group: 'Simulation', kind: 'number', label: 'Trace from', since: 4, legacy: 0,
    min: 0, max: 600000000, default: 0, step: 1, unit: 'µs (0 = after warm-up)',
    help: 'Start of the trace window in simulated time. 0 starts it after the warm-up: max(1 ms, 10% of the run), past the start from empty rings.',
  },
  {
    path: 'sim.trace_us', group: 'Simulation', kind: 'number', label: 'Trace length', since: 4, legacy: 200,
    min: 1, max: 100000, default: 200, step: 1, unit: 'µs',
    help: 'Length of the trace window. The trace buffer holds 131 072 events, about 10 ms of the busiest preset (16 senders on 16 CPUs: ~12 events per µs); the summary says if it filled (then shorten the window).',
  },
] as const satisfies readonly Knob[];

/** Every knob, in form order. */
export const KNOBS: readonly Knob[] = KNOB_TABLE;

export const KNOB_BY_PATH: ReadonlyMap<string, Knob> = new Map(KNOBS.map((k) => [k.path, k]));

function isPow2(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/** -0 is 0: a link's `-0` (or a sum that came out as -0) must not print or divide differently. */
function noMinusZero(v: number): number {
  return v === 0 ? 0 : v;
}

/** Each knob's zod type, built once: building one costs far more than using it. */
const KNOB_SCHEMAS = new WeakMap<Knob, z.ZodType>();

/** The zod type for one knob, with range messages that name the knob and its limits. */
export function knobSchema(k: Knob): z.ZodType {
  let s = KNOB_SCHEMAS.get(k);
  if (!s) KNOB_SCHEMAS.set(k, (s = buildKnobSchema(k)));
  return s;
}

function buildKnobSchema(k: Knob): z.ZodType {
  const where = `${k.path}`;
  switch (k.kind) {
    case 'int': {
      // One message per value, the first rule it breaks (zod's own .int() also refuses integers
      // past 2^53, so a 20-digit seed got two messages for one mistake).
      const whole = `${where} must be a whole number from ${k.min} to ${k.max}`;
      return z
        .number({ error: whole })
        .check((ctx) => {
          const v = ctx.value;
          const msg = !Number.isInteger(v)
            ? whole
            : v < k.min
              ? `${where} must be at least ${k.min} (allowed ${k.min}–${k.max})`
              : v > k.max
                ? `${where} must be at most ${k.max} (allowed ${k.min}–${k.max})`
                : k.pow2 && !isPow2(v)
                  ? `${where} must be a power of two (${k.min}–${k.max})`
                  : null;
          if (msg) ctx.issues.push({ code: 'custom', message: msg, input: v });
        })
        .transform(noMinusZero);
    }
    case 'number':
      return z
        .number({ error: `${where} must be a number from ${k.min} to ${k.max}` })
        .min(k.min, { error: `${where} must be at least ${k.min} (allowed ${k.min}–${k.max})` })
        .max(k.max, { error: `${where} must be at most ${k.max} (allowed ${k.min}–${k.max})` })
        .transform(noMinusZero);
    case 'choice': {
      const allowed = k.options.map(String).join(' | ');
      return z.custom<string | number>((v) => k.options.includes(v as string | number), {
        error: `${where} must be one of ${allowed}`,
      });
    }
    case 'bool':
      return z.boolean({ error: `${where} must be true or false` });
  }
}

type Tree = { [key: string]: Tree | z.ZodType };

function buildTree(): Tree {
  const root: Tree = {};
  for (const k of KNOBS) {
    const parts = k.path.split('.');
    let node = root;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Tree;
    node[parts[parts.length - 1]!] = knobSchema(k);
  }
  return root;
}

function toZod(t: Tree): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, v] of Object.entries(t)) shape[key] = v instanceof z.ZodType ? v : toZod(v as Tree);
  return z.strictObject(shape);
}

/** The value type of one knob: numbers, booleans, or the union of a choice's options. */
type ValueOf<K> = K extends { kind: 'int' | 'number' } ? number
  : K extends { kind: 'bool' } ? boolean
  : K extends { kind: 'choice'; options: readonly (infer O)[] } ? O
  : never;
/** `a.b.c` with value V → { a: { b: { c: V } } }. */
type Nest<P extends string, V> = P extends `${infer H}.${infer R}` ? { [k in H]: Nest<R, V> } : { [k in P]: V };
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Expand<T> = T extends object ? { [K in keyof T]: Expand<T[K]> } : T;
type AllKnobs = (typeof KNOB_TABLE)[number];

/**
 * The scenario as the engine sees it: derived from KNOBS, so a knob cannot exist in the table and
 * be missing from the type (or the other way round).
 */
export type Scenario = Expand<Intersect<AllKnobs extends infer K ? K extends { path: infer P extends string } ? Nest<P, ValueOf<K>> : never : never>>;

/** Strict: unknown keys are errors (a typo must not silently fall back to a default). */
export const ScenarioSchema: z.ZodType = toZod(buildTree());

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Immutable set: returns a copy of `obj` with `path` replaced. */
export function setPath<T>(obj: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const src = (obj ?? {}) as Record<string, unknown>;
  return { ...src, [head!]: rest.length ? setPath(src[head!], rest.join('.'), value) : value } as T;
}

export function defaultScenario(): Scenario {
  let s = {} as Scenario;
  for (const k of KNOBS) s = setPath(s, k.path, k.default);
  return s;
}

/** The link format that introduced a knob. */
export function knobSince(k: Knob): number {
  return k.since ?? 3;
}

/** Defaults of the knobs that existed in link format `version` (what its migrations fill in). */
export function defaultScenarioAt(version: number): Record<string, unknown> {
  let s: Record<string, unknown> = {};
  for (const k of KNOBS) if (knobSince(k) <= version) s = setPath(s, k.path, k.default);
  return s;
}

/**
 * A format-`version` scenario (an object from a link) brought to format `version + 1`: every knob
 * that format added, and that the object lacks, takes its legacy value. Values present are kept,
 * so validation still names anything wrong.
 */
export function addKnobsOf(scenario: Record<string, unknown>, version: number): Record<string, unknown> {
  let s = scenario;
  for (const k of KNOBS) {
    if (knobSince(k) !== version + 1 || getPath(s, k.path) !== undefined) continue;
    s = setPath(s, k.path, k.legacy ?? k.default);
  }
  return s;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Validate a complete scenario. Error strings name the knob path and the allowed range. */
export function parseScenario(input: unknown): ParseResult<Scenario> {
  const r = ScenarioSchema.safeParse(input);
  if (!r.success) return { ok: false, errors: formatIssues(r.error) };
  // The schema and the type are both built from KNOBS: data that passed the one has the other.
  const value = r.data as Scenario;
  const cross = crossCheck(value);
  return cross.length ? { ok: false, errors: cross } : { ok: true, value };
}

/**
 * Set one knob the way a person means it: choosing a host or NIC preset also sets the knobs it
 * determines (cores, clock, SMT, domains; link speed, ring sizes, if_alloc_dev). The stored
 * scenario always holds explicit values, so links stay exact.
 */
export function applyKnob(s: Scenario, path: string, value: unknown): Scenario {
  let out = setPath(s, path, value);
  if (path === 'host.preset') {
    const h = findHost(String(value));
    if (h && !h.custom) {
      out = setPath(out, 'host.cores', h.cores);
      out = setPath(out, 'host.ghz', h.ghz);
      out = setPath(out, 'host.smt', false);
      out = setPath(out, 'host.numa_domains', h.numaDomains);
    }
  } else if (path === 'nic.model') {
    const n = findNic(String(value));
    if (n) {
      out = setPath(out, 'nic.link_gbps', n.linkGbps);
      out = setPath(out, 'queues.rx_desc', n.defaultRxDesc);
      out = setPath(out, 'queues.tx_desc', n.defaultTxDesc);
      out = setPath(out, 'numa.if_alloc_dev', n.numaAware);
      out = setPath(out, 'nic.udp_hashtype', n.udpHashType);
    }
  }
  return out;
}

/** `unknown knob "x"; did you mean "a", "b" or "c"?` (the closest few knobs, never all of them). */
export function unknownKnobMessage(path: string): string {
  const near = didYouMean(path, KNOBS.map((x) => x.path));
  return `unknown knob ${echoQuoted(path)}${near ? `; ${near}` : ''}`;
}

/** Validate one knob value in isolation (inline form validation, CLI --set). */
export function validateKnob(path: string, value: unknown): ParseResult<unknown> {
  const k = KNOB_BY_PATH.get(path);
  if (!k) return { ok: false, errors: [unknownKnobMessage(path)] };
  const r = knobSchema(k).safeParse(value);
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: formatIssues(r.error) };
}

/**
 * A knob value typed as text (the form, CLI --set, sweep ranges and series), by the one rule of
 * knobtext.ts for numbers: numbers for numeric knobs and numeric choices, booleans for bools
 * (`true`/`1`, `false`/`0`), choices as written (trimmed). A number written any other way than
 * that rule allows comes back as NaN here; `parseKnobText` says what to write instead.
 */
export function coerceKnobText(path: string, text: string): unknown {
  const k = KNOB_BY_PATH.get(path);
  if (!k) return text;
  if (k.kind === 'bool') {
    const t = text.trim();
    return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : t;
  }
  if (k.kind === 'int' || k.kind === 'number' || wholeNumberKnob(k)) {
    const r = readNumberText(k, text);
    return r.ok ? r.value : NaN;
  }
  return text.trim();
}

/**
 * Read and validate one knob's text: the number rule (knobtext.ts) first, with a message that
 * names the number to write (`queues.rx_desc: "0x10" is hexadecimal; give a decimal number; write
 * 16`), then the knob's range.
 */
export function parseKnobText(path: string, text: string): ParseResult<unknown> {
  if (!KNOB_BY_PATH.has(path)) return { ok: false, errors: [unknownKnobMessage(path)] };
  const problem = knobTextProblem(path, text);
  if (problem) return { ok: false, errors: [problem] };
  return validateKnob(path, coerceKnobText(path, text));
}

/** The number rule's message for a numeric knob's text (null: the text follows it, or is no number). */
export function knobTextProblem(path: string, text: string): string | null {
  const k = KNOB_BY_PATH.get(path);
  if (!k || !(k.kind === 'int' || k.kind === 'number' || wholeNumberKnob(k))) return null;
  const r = readNumberText(k, text);
  return !r.ok && r.problem ? `${path}: ${echoQuoted(text)} ${r.problem}` : null;
}
