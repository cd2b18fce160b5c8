/**
 * Named scenarios. A preset is a list of knob settings applied in order to the defaults with
 * `applyKnob` (so choosing a host or NIC also sets what it determines), so it can never declare a
 * knob the schema does not have (checked by the tests). Presets that reproduce a real
 * measurement carry it as `targets`, and the calibration test prints model vs measured.
 */
import { applyKnob, defaultScenario, parseScenario, type Scenario } from './scenario';

export interface CalibrationTarget {
  /** Extra settings on top of the preset for this row (e.g. one queue). */
  set: Record<string, string | number | boolean>;
  metric: 'forwarded_pps' | 'delivered_pps' | 'tx_pps';
  measured: number;
  /** Where the figure comes from. */
  source: string;
  /**
   * A qualitative row ("drops to no traffic at all"): the model passes when it delivers less than
   * this fraction of `measured` (the healthy figure it collapses from), not when it matches it.
   */
  collapseBelow?: number;
  /**
   * How far the fitted model may miss this row (a fraction; default CALIBRATION_TOLERANCE). A row
   * given more says why in `gap`: what the model does not yet capture.
   */
  tolerance?: number;
  gap?: string;
  /**
   * Settings the gap text discusses (what calibration.md does not state, e.g. a kernel option): the
   * page offers to run the row with them. Never part of the row or the fit.
   */
  tryWith?: Record<string, string | number | boolean>;
}

/** Knob settings as the CLI writes them: `k=v k=v` (a row's name, a preset's `set`). */
export function settingsText(set: Readonly<Record<string, string | number | boolean>>): string {
  return Object.entries(set).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

/** Default stated tolerance of a calibration row: the fitted model within ±15% of the measurement. */
export const CALIBRATION_TOLERANCE = 0.15;

export interface Preset {
  name: string;
  title: string;
  /** One line on what it shows. */
  description: string;
  set: Record<string, string | number | boolean>;
  targets?: CalibrationTarget[];
}

const BENCH_LAB = 'calibration.md, forwarding benchmarks (BSDRP bench lab)';
const MORE_ROWS = 'calibration.md, more forwarding rows';

export const PRESETS: readonly Preset[] = [
  {
    name: 'fwd-mlx5-cx4lx-e5v4',
    title: 'Forwarding: ConnectX-4 Lx (mlx5en) on 2× E5-2650 v4',
    description: 'The bench lab router at 10G line rate, 64-byte frames from 2000 flows, 24 queues over two NUMA domains.',
    set: { 'host.preset': 'xeon-e5-2650v4-2s', 'host.freebsd': 12, 'nic.model': 'mlx5-cx4lx', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [
      { set: { 'queues.rx': 1, 'queues.tx': 1 }, metric: 'forwarded_pps', measured: 1.58e6, source: `${BENCH_LAB}: mlx5en, 12-stable, 1 queue` },
      { set: {}, metric: 'forwarded_pps', measured: 12.67e6, source: `${BENCH_LAB}: mlx5en, 12-stable, 24 queues (default)`, tolerance: 0.2, gap: "24 queues reach 10G line rate in the model (14.6 of 14.88 Mpps); the bench lab measured 12.67: 12-stable mlx5en scales sub-linearly over two sockets, and the model's NUMA, SQ-lock and queue-state mechanisms cost little here" },
    ],
  },
  {
    name: 'fwd-ix-82599-e5v4',
    title: 'Forwarding: 82599ES (ix, iflib) on 2× E5-2650 v4',
    description: 'The 2018 iflib ix driver in the bench lab: 16 queues (the 82599 maximum) on 24 cores.',
    set: { 'host.preset': 'xeon-e5-2650v4-2s', 'host.freebsd': 12, 'nic.model': 'ix-82599', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [
      { set: { 'queues.rx': 1, 'queues.tx': 1 }, metric: 'forwarded_pps', measured: 0.587e6, source: `${BENCH_LAB}: ix (iflib), 12-head 2018, 1 queue` },
      { set: {}, metric: 'forwarded_pps', measured: 9.67e6, source: `${BENCH_LAB}: ix (iflib), 12-head 2018, 16 queues (default)` },
    ],
  },
  {
    name: 'fwd-cxgbe-t520-e5v4',
    title: 'Forwarding: Chelsio T520 (cxgbe) on 2× E5-2650 v4',
    description: 'cxgbe with its default 8 RX queues, in and out on the NIC\'s NUMA domain. 13-head spans Oct 2018 – Jan 2021 and the run\'s date is not given; most of that time precedes D25454 (Jul 2020), so eth_tx runs without cross-call coalescing.',
    set: { 'host.preset': 'xeon-e5-2650v4-2s', 'host.freebsd': 13, 'nic.tx_coalesce': false, 'nic.model': 'cxgbe-t520', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64, 'nic.numa_domain': 0, 'forward.egress_numa_domain': 0 },
    targets: [{ set: {}, metric: 'forwarded_pps', measured: 14.21e6, source: `${BENCH_LAB}: cxgbe, 13-head, default queues, NIC-local domain`, tolerance: 0.55, gap: "modelled on a GENERIC kernel: 8 RX queues on the NIC's domain, each needing ~2.5× the throughput the T580 13-head rows allow per queue on a similar host. The run's kernel options are not stated: with host.options_rss=true (cxgbe takes rss_getnumbuckets() = 64 queues, 63 RX, bound round robin over all 24 CPUs) the same constants give 14.53 Mpps (+2.3%)", tryWith: { 'host.options_rss': true } }],
  },
  {
    name: 'fwd-ixl-x710-ryzen',
    title: 'Forwarding: X710 (ixl, iflib) on Ryzen 7 PRO 8845HS',
    description: 'ixl through iflib on an 8-core single-domain host, default queues, tx_abdicate=0.',
    set: { 'host.preset': 'ryzen7-8845hs', 'host.freebsd': 15, 'nic.model': 'ixl-x710', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [{ set: {}, metric: 'forwarded_pps', measured: 7.17e6, source: `${BENCH_LAB}: ixl (iflib), 15-current, default queues, tx_abdicate=0` }],
  },
  {
    name: 'fwd-igb-i210-apu2',
    title: 'Forwarding: i210 (igb, iflib) on a PC Engines APU2',
    description: 'Four 1 GHz cores forward 64-byte UDP at 1G through iflib. Without a UDP hash type (before D58513) every packet goes to TX queue 0, so tx_abdicate changes nothing; give UDP one and each CPU\'s packets spread over the TX queues, where a producer that finds a ring idle drains one packet with its own doorbells.',
    set: { 'host.preset': 'apu2-gx412tc', 'host.freebsd': 16, 'nic.model': 'igb-i210', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [
      { set: {}, metric: 'forwarded_pps', measured: 874e3, source: `${MORE_ROWS}: APU2, igb, 16-current, default (mp_ring, tx_abdicate=0)` },
      { set: { 'iflib.tx_abdicate': true }, metric: 'forwarded_pps', measured: 871e3, source: `${MORE_ROWS}: APU2, igb, 16-current, tx_abdicate=1` },
      { set: { 'tx.path': 'simple' }, metric: 'forwarded_pps', measured: 380e3, source: `${MORE_ROWS}: APU2, igb, 16-current, simple_tx=1 (iflib_simple_transmit)`, tolerance: 0.2, gap: 'the four CPUs take turns on the last TX queue\'s mutex, held through encap, the doorbell and the reclaim: the board\'s turn is about 2.6 µs, the model\'s 2.3 µs with one store at the fitted Jaguar store time (0.93 µs), which the one-queue consumer and the one-packet drains fix' },
      { set: { 'nic.udp_hashtype': true }, metric: 'forwarded_pps', measured: 482e3, source: `${MORE_ROWS}: APU2, igb, 16-current with D58513, default`, tolerance: 0.2, gap: 'each producer drains its own packet with three doorbells back to back (iflib_txd_db_check before, in and after the loop), whose stores the closing CAS waits for: 2.8 µs at the fitted Jaguar store time, where the board spends about 4.3 µs more per packet than with abdication' },
      { set: { 'nic.udp_hashtype': true, 'iflib.tx_abdicate': true }, metric: 'forwarded_pps', measured: 963e3, source: `${MORE_ROWS}: APU2, igb, 16-current with D58513, tx_abdicate=1`, tolerance: 0.2, gap: 'each CPU\'s TX task drains its queue in batches after the RX pass: the board spends 4.15 µs per packet and CPU, the model about 20% more, its per-packet work on the Jaguar (ipc.jaguar, fitted to all APU2 rows) being dearer than this row asks' },
      { set: { 'nic.udp_hashtype': true, 'tx.path': 'simple' }, metric: 'forwarded_pps', measured: 1001e3, source: `${MORE_ROWS}: APU2, igb, 16-current with D58513, simple_tx=1`, tolerance: 0.35, gap: 'a doorbell per packet under each CPU\'s own TX queue lock: the board spends 4.0 µs per packet and CPU, the model 5.5 µs (its per-packet work at the fitted ipc.jaguar, and one Jaguar store per packet, which the unlock waits for)' },
    ],
  },
  {
    name: 'fwd-igb-i210-apu2-fbsd12',
    title: 'Forwarding: i210 on an APU2 with FreeBSD 12-head (2017), before and after D12439',
    description: 'The same board on 12-head r323724: D12439 let ifmp_ring_enqueue abdicate the drain to the TX task (modelled as tx_abdicate) and claimed 30% on small-packet forwarding.',
    set: { 'host.preset': 'apu2-gx412tc', 'host.freebsd': 12, 'host.afdata_rlock': true, 'nic.model': 'igb-i210', 'nic.udp_hashtype': true, 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [
      { set: { 'iflib.tx_abdicate': false }, metric: 'forwarded_pps', measured: 497e3, source: `${MORE_ROWS}: APU2, igb, 12-head r323724, before D12439` },
      { set: { 'iflib.tx_abdicate': true }, metric: 'forwarded_pps', measured: 703e3, source: `${MORE_ROWS}: APU2, igb, 12-head r323724, after D12439` },
    ],
  },
  {
    name: 'fwd-cxgbe-t540-atom',
    title: 'Forwarding: Chelsio T540 (cxgbe) on an Atom C2758',
    description: 'cxgbe\'s own mp_ring on eight slow cores with no L3 cache.',
    set: { 'host.preset': 'atom-c2758', 'host.freebsd': 14, 'nic.model': 'cxgbe-t540', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [{ set: {}, metric: 'forwarded_pps', measured: 5.84e6, source: `${MORE_ROWS}: Atom C2758, cxgbe T540, 14-head, default` }],
  },
  {
    name: 'fwd-cxgbe-t580-e5v4-2s',
    title: 'Forwarding: Chelsio T580 40G (cxgbe) on 2× E5-2697A v4',
    description: 'A 40G router with 32 cores over two sockets; 13-head runs with 8, 16 and 32 queues (32 on the SMT threads too). 13-head is modelled before D25454 (most of 13-head precedes it; the runs\' date is not given): no cross-call TX coalescing.',
    set: { 'host.preset': 'xeon-e5-2697av4-2s', 'host.freebsd': 14, 'nic.model': 'cxgbe-t580', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [
      { set: {}, metric: 'forwarded_pps', measured: 28.82e6, source: `${MORE_ROWS}: 2× E5-2697A v4, cxgbe T580, 14-head, default`, tolerance: 0.75, gap: "modelled on a GENERIC kernel: 8 RX queues by calculate_nqueues would each forward 3.6 Mpps, where cxgbe's constants (fixed by the 13-head rows) give ~1.1. The run's kernel options are not stated: with host.options_rss=true (63 RX / 64 TX queues, bound round robin over all 32 CPUs of both domains) the same constants give 29.70 Mpps (+3.0%)", tryWith: { 'host.options_rss': true } },
      { set: { 'host.freebsd': 13, 'nic.tx_coalesce': false, 'queues.rx': 8, 'queues.tx': 8 }, metric: 'forwarded_pps', measured: 8.23e6, source: `${MORE_ROWS}: 2× E5-2697A v4, cxgbe T580, 13-head, 8 queues` },
      { set: { 'host.freebsd': 13, 'nic.tx_coalesce': false, 'queues.rx': 16, 'queues.tx': 16 }, metric: 'forwarded_pps', measured: 10.82e6, source: `${MORE_ROWS}: 2× E5-2697A v4, cxgbe T580, 13-head, 16 queues`, tolerance: 0.55, gap: '13-head gains only 31% from 8 to 16 queues (and 77% more from 32 queues on SMT threads): something per queue limits it; the model scales with cores' },
      { set: { 'host.freebsd': 13, 'nic.tx_coalesce': false, 'host.smt': true, 'queues.use_logical_cores': true, 'queues.rx': 32, 'queues.tx': 32 }, metric: 'forwarded_pps', measured: 19.11e6, source: `${MORE_ROWS}: 2× E5-2697A v4, cxgbe T580, 13-head, 32 queues (on the SMT threads too)` },
    ],
  },
  {
    name: 'fwd-ix-82599-atom',
    title: 'Forwarding: 82599ES (ix, iflib) on an Atom C2758: ring sizes and reclaim',
    description: 'iflib ix on eight Atom cores: bigger rings cost a little (cache footprint), a reclaim threshold batches the TX cleanup.',
    set: { 'host.preset': 'atom-c2758', 'host.freebsd': 15, 'nic.model': 'ix-82599', 'traffic.workload': 'forward', 'forward.ip_redirect': false, 'traffic.flows': 2000, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [
      { set: { 'queues.rx_desc': 1024, 'queues.tx_desc': 1024 }, metric: 'forwarded_pps', measured: 4.80e6, source: `${MORE_ROWS}: Atom C2758, ix, 15-current, 1024 descriptors` },
      { set: {}, metric: 'forwarded_pps', measured: 4.57e6, source: `${MORE_ROWS}: Atom C2758, ix, 15-current, 2048 descriptors (default)` },
      { set: { 'queues.rx_desc': 4096, 'queues.tx_desc': 4096 }, metric: 'forwarded_pps', measured: 4.50e6, source: `${MORE_ROWS}: Atom C2758, ix, 15-current, 4096 descriptors` },
      { set: { 'iflib.tx_reclaim_thresh': 512 }, metric: 'forwarded_pps', measured: 5.05e6, source: `${MORE_ROWS}: Atom C2758, ix, 15-current, tx_reclaim_thresh 25% of the ring` },
      { set: { 'iflib.tx_reclaim_thresh': 1024 }, metric: 'forwarded_pps', measured: 4.68e6, source: `${MORE_ROWS}: Atom C2758, ix, 15-current, tx_reclaim_thresh 50% of the ring`, tolerance: 0.2, gap: 'the board is slower at half the ring than at a quarter (4.68 vs 5.05 Mpps), the model faster: the descriptors held until a reclaim raise in_use past txq_max_db_deferred\'s steps, so doorbells fall from 1.19 to 0.83 per packet, and the held half ring costs the model nothing else' },
    ],
  },
  {
    name: 'ixl-40g-kernel-tx',
    title: 'Transmit: XL710 40G (ixl), kernel UDP through mp_ring',
    description: '16 sender threads calling sendto() on a 16-core Xeon: iflib_if_transmit → ifmp_ring_enqueue → drain → encap. The senders, not the NIC, are the limit.',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'ixl-xl710', 'traffic.workload': 'transmit', 'tx.path': 'mp_ring', 'traffic.senders': 16, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [{ set: {}, metric: 'tx_pps', measured: 12e6, source: 'iflib-meeting-notes.md: Drew, ixl plain kernel transmit 12 Mpps', tolerance: 0.3, gap: "sixteen sendto() senders on the Xeon, each producer draining its own packet with iflib_txd_db_check's three doorbells; the model gives ixl 19% less than 12 Mpps while cxgbe on the same senders comes out right, so the gap is in ixl's own TX work and doorbells, fitted to the forwarding rows" }],
  },
  {
    name: 'ixl-40g-netmap-tx',
    title: 'Transmit: XL710 40G (ixl), netmap pkt-gen',
    description: 'Four pkt-gen threads, one per TX ring, 512-slot bursts, no mbufs: the NIC\'s TX rate is the limit. Switch tx.path to mp_ring to see the 12 Mpps kernel path on the same host.',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'ixl-xl710', 'traffic.workload': 'transmit', 'tx.path': 'netmap', 'traffic.senders': 4, 'netmap.tx_timer': 'sbt_90us', 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [{ set: {}, metric: 'tx_pps', measured: 32e6, source: 'iflib-meeting-notes.md: Drew, ixl netmap 32 Mpps' }],
  },
  {
    name: 'cxgbe-40g-kernel-tx',
    title: 'Transmit: T580 40G (cxgbe), kernel UDP',
    description: '16 sender threads through cxgbe\'s own mp_ring per TX queue: the same 12 Mpps wall as ixl, so the NIC is not the reason.',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'cxgbe-t580', 'traffic.workload': 'transmit', 'tx.path': 'mp_ring', 'traffic.senders': 16, 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [{ set: {}, metric: 'tx_pps', measured: 12e6, source: 'iflib-meeting-notes.md: Drew, cxgbe plain kernel transmit 12 Mpps' }],
  },
  {
    name: 'cxgbe-40g-netmap-tx',
    title: 'Transmit: T580 40G (cxgbe), netmap pkt-gen',
    description: 'Four pkt-gen threads on cxgbe netmap rings reach the card\'s TX rate.',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'cxgbe-t580', 'traffic.workload': 'transmit', 'tx.path': 'netmap', 'traffic.senders': 4, 'netmap.tx_timer': 'sbt_90us', 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [{ set: {}, metric: 'tx_pps', measured: 45e6, source: 'iflib-meeting-notes.md: Drew, cxgbe netmap 45 Mpps' }],
  },
  {
    name: 'mlx5-netperf-udp',
    title: 'Transmit: ConnectX-5 (mlx5en), netperf UDP',
    description: 'One netperf UDP sender per channel on 24 cores; mlx5en has no software ring: each send locks the SQ, posts and rings the doorbell.',
    set: { 'host.preset': 'xeon-e5-2650v4-2s', 'nic.model': 'mlx5-cx5-100g', 'traffic.workload': 'transmit', 'tx.path': 'simple', 'traffic.senders': 0, 'traffic.load': 0.3, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64 },
    targets: [{ set: {}, metric: 'tx_pps', measured: 19e6, source: 'iflib-meeting-notes.md: Drew, mlx5 (mce) netperf UDP 19 Mpps' }],
  },
  {
    name: 'ixl-netmap-stall',
    title: 'netmap stall: ixl pushed hard with the tick timer',
    description: 'pkt-gen threads pinned away from the queue CPUs fill the rings faster than the NIC sends; asleep on a full ring, they wait for a wake-up that iflib_timer keeps pushing to hz/2. Switch netmap.tx_timer to sbt_90us to see it hold.',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'ixl-xl710', 'traffic.workload': 'transmit', 'tx.path': 'netmap', 'traffic.senders': 4, 'traffic.sender_cpu': 8, 'netmap.tx_timer': 'tick', 'traffic.load': 1, 'traffic.arrival': 'constant', 'traffic.frame_bytes': 64, 'sim.duration_ms': 50 },
    targets: [{ set: {}, metric: 'tx_pps', measured: 32e6, collapseBelow: 0.1, source: 'iflib-meeting-notes.md: Drew, netmap on ixl pushed too hard drops to no traffic at all' }],
  },
  {
    name: 'lro-many-flows-legacy',
    title: 'LRO with 1000 connections: the classic table',
    description: 'One XL710 RX queue receiving TCP from 1000 senders on 1 Gbit/s links at half of 40G: their 64 KB TSO bursts arrive about 20 at once, interleaved, so the 8-entry table is always full, almost every packet goes up alone (no_entries) and the queue falls behind.',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'ixl-xl710', 'traffic.workload': 'receive', 'queues.rx': 1, 'queues.tx': 1, 'traffic.frame_bytes': 1518, 'traffic.mix.tcp': 1, 'traffic.mix.udp': 0, 'traffic.flows': 1000, 'traffic.interleave': 'tso', 'traffic.sender_gbps': 1, 'traffic.load': 0.5, 'lro.mode': 'legacy', 'sim.duration_ms': 20 },
  },
  {
    name: 'lro-many-flows-sorted',
    title: 'LRO with 1000 connections: sorted queue, batch of 1024',
    description: 'The same 1000 senders through tcp_lro_queue_mbuf with a batch of up to 1024 packets before tcp_lro_flush_all: the sort brings each connection\'s packets together (8.9 per segment against the table\'s 1.0) and the queue keeps up. When the ring empties, a partial batch waits up to lro.idle_flush_us (100 µs, cxgbe\'s lro_timeout) for more before it is flushed; set it to 0 to see what flushing at once costs (1.8 per segment).',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'ixl-xl710', 'traffic.workload': 'receive', 'queues.rx': 1, 'queues.tx': 1, 'traffic.frame_bytes': 1518, 'traffic.mix.tcp': 1, 'traffic.mix.udp': 0, 'traffic.flows': 1000, 'traffic.interleave': 'tso', 'traffic.sender_gbps': 1, 'traffic.load': 0.5, 'lro.mode': 'sorted', 'lro.batch': 1024, 'sim.duration_ms': 20 },
  },
  {
    name: 'lro-ack-storm',
    title: 'LRO ACK storm: pure ACKs from 1000 bulk senders',
    description: 'The reverse direction of many bulk transfers: 64-byte pure ACKs from 1000 hosts on 1 Gbit/s links, 10G line rate into one RX queue; the table absorbs ACKs only when a connection has an entry.',
    set: { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'ixl-x710', 'traffic.workload': 'receive', 'queues.rx': 1, 'queues.tx': 1, 'traffic.frame_bytes': 64, 'traffic.mix.tcp': 1, 'traffic.mix.udp': 0, 'traffic.ack_share': 1, 'traffic.flows': 1000, 'traffic.interleave': 'tso', 'traffic.sender_gbps': 1, 'traffic.load': 1, 'lro.mode': 'legacy', 'sim.duration_ms': 5 },
  },
  {
    name: 'fewer-queues-than-cores',
    title: 'Fewer queues than cores: 4 ix queues on 24 cores',
    description: 'Four RX queues on a 24-core router: 20 cores idle while four saturate. Toggle queues.irq_spread (Stephen\'s patch in the iflib meeting: spread the queues\' interrupts over more cores): here the four already sit on separate physical cores of the NIC\'s domain, so the model finds nothing to gain; iflib.tx_abdicate moves their drains to the TX tasks and does.',
    set: { 'host.preset': 'xeon-e5-2650v4-2s', 'nic.model': 'ix-82599', 'traffic.workload': 'forward', 'queues.rx': 4, 'queues.tx': 4, 'traffic.load': 1, 'traffic.arrival': 'constant' },
  },
  {
    name: 'numa-crossing',
    title: 'NUMA crossing: egress NIC on the other socket',
    description: 'cxgbe forwarding where the egress port sits on domain 1: every packet\'s TX descriptors and doorbell cross the interconnect.',
    set: { 'host.preset': 'xeon-e5-2650v4-2s', 'nic.model': 'cxgbe-t520', 'traffic.workload': 'forward', 'forward.egress_numa_domain': 1, 'traffic.load': 1, 'traffic.arrival': 'constant' },
  },
  {
    name: 'line-rate-10g-64b',
    title: 'TX ring only: 10G at line rate, 64-byte frames',
    description: 'Constant 14.88 Mpps into a 1024-descriptor ring with no CPU in the way: the wire is exactly saturated, no drops.',
    set: { 'traffic.workload': 'ring', 'nic.link_gbps': 10, 'traffic.frame_bytes': 64, 'traffic.load': 1, 'traffic.arrival': 'constant' },
  },
  {
    name: 'overload-40g',
    title: 'TX ring only: 40G overloaded 1.2×',
    description: 'Poisson arrivals at 1.2× line rate: delivered pps pins at line rate and the TX ring drops the excess.',
    set: { 'traffic.workload': 'ring', 'nic.model': 'ixl-xl710', 'nic.link_gbps': 40, 'traffic.frame_bytes': 64, 'traffic.load': 1.2, 'traffic.arrival': 'poisson' },
  },
  {
    name: 'bursty-small-ring',
    title: 'TX ring only: bursty traffic into a small ring',
    description: 'Bursts of 32 frames at 70% mean load overflow a 64-descriptor ring that a 1024 ring absorbs.',
    set: { 'traffic.workload': 'ring', 'traffic.load': 0.7, 'traffic.arrival': 'bursty', 'queues.tx_desc': 64 },
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name);
}

/** Apply settings in order, the way a person would set them. */
export function applySettings(s: Scenario, set: Record<string, string | number | boolean>): Scenario {
  let out = s;
  for (const [path, v] of Object.entries(set)) out = applyKnob(out, path, v);
  return out;
}

export function presetScenario(p: Preset, extra: Record<string, string | number | boolean> = {}): Scenario {
  const s = applySettings(applySettings(defaultScenario(), p.set), extra);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(`preset ${p.name} is invalid: ${r.errors.join('; ')}`);
  return r.value;
}
