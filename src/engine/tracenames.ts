/**
 * The FreeBSD function each trace event stands for, by driver family: iflib's for the iflib
 * drivers (ixl, ix, igb), the driver's own for mlx5en and cxgbe, which do not use iflib. Read in
 * freebsd-src:
 * - iflib (sys/net/iflib.c): `iflib_fast_intr` queues `_task_fn_rx`, which runs `iflib_rxeof`;
 *   `iflib_if_transmit` → `ifmp_ring_enqueue` (sys/net/mp_ring.c); the ring's drain callback
 *   `iflib_txq_drain` → `iflib_encap`, doorbell `iflib_txd_db_check` (→ isc_txd_flush); the TX
 *   task `_task_fn_tx` (→ ifmp_ring_check_drainage); `iflib_simple_transmit`; netmap
 *   `iflib_netmap_txsync`, woken by `iflib_netmap_timer` or the txq callout `iflib_timer`.
 * - mlx5en (sys/dev/mlx5/mlx5_en/mlx5_en_rx.c, mlx5_en_tx.c; mlx5_core/mlx5_eq.c):
 *   `mlx5_msix_handler` → `mlx5_eq_int` → `mlx5e_rx_cq_comp`, which loops `mlx5e_poll_rx_cq`
 *   and ends with `tcp_lro_flush_all`; transmit `mlx5e_xmit` → mtx_lock(&sq->lock) →
 *   `mlx5e_xmit_locked` → `mlx5e_sq_xmit`, doorbell `mlx5e_tx_notify_hw`; TX completions
 *   `mlx5e_tx_cq_comp` → `mlx5e_poll_tx_cq`. No mp_ring, no TX task, no native netmap (netmap's
 *   emulated adapter, `generic_netmap_txsync`, drives it).
 * - cxgbe (sys/dev/cxgbe/t4_sge.c, t4_main.c, t4_mp_ring.c, t4_netmap.c): `t4_intr` →
 *   `service_iq_fl` (→ `eth_rx` per packet, `tcp_lro_flush_all` at the end); `cxgbe_transmit` →
 *   `mp_ring_enqueue` → `drain_ring` → the drain callback `eth_tx`, doorbell `ring_eq_db`;
 *   `handle_eth_egr_update` → `mp_ring_check_drainage` restarts a stalled ring; netmap
 *   `cxgbe_netmap_txsync`.
 */
import { LRO_REASONS } from './lro';
import { MP_STATES, NM_WAKE_SOURCES, TK, type TraceMeta } from './trace';

export type DriverFamily = 'iflib' | 'mlx5en' | 'cxgbe' | 'none';

export function familyOf(meta: Pick<TraceMeta, 'driver' | 'iflib'>): DriverFamily {
  if (meta.iflib) return 'iflib';
  if (meta.driver === 'mlx5en') return 'mlx5en';
  if (meta.driver === 'cxgbe') return 'cxgbe';
  return 'none';
}

export interface EventName {
  /** The slice's name: the FreeBSD function (or lock) it stands for. */
  name: string;
  /** The call path or what happens, for the tooltip and the export's args. */
  chain: string;
  /** A short category: rx, irq, tx, lock, mp_ring, netmap, lro. */
  cat: string;
}

/** Names that only iflib has: a slice of another family must never carry one. */
export const IFLIB_ONLY = /\b(iflib_\w+|_task_fn_\w+|ifmp_ring_\w+|GROUPTASK_ENQUEUE)\b/;

const CAT: Record<number, string> = {
  [TK.RX_PASS]: 'rx', [TK.IRQ]: 'irq', [TK.DRAIN]: 'tx', [TK.TX_TASK]: 'tx', [TK.SENDER_PASS]: 'sender',
  [TK.LOCK_WAIT]: 'lock', [TK.CAS_RETRY]: 'mp_ring', [TK.MP_STATE]: 'mp_ring', [TK.DOORBELL]: 'tx',
  [TK.NM_TXSYNC]: 'netmap', [TK.NM_SLEEP]: 'netmap', [TK.NM_WAKE]: 'netmap', [TK.LRO_FLUSH]: 'lro',
  [TK.EGR_UPDATE]: 'tx',
};

function stackAfterRx(meta: TraceMeta): string {
  if (meta.workload === 'forward') return ' → ether_input → ip_tryforward → ether_output';
  if (meta.workload === 'receive') return ' → ether_input → ip_input → tcp_input / udp_input';
  return '';
}

function iflibName(kind: number, meta: TraceMeta, a: number, b: number): [string, string] {
  switch (kind) {
    case TK.RX_PASS: return ['iflib_rxeof', `_task_fn_rx → iflib_rxeof → isc_rxd_pkt_get per packet${stackAfterRx(meta)}`];
    case TK.IRQ: return ['iflib_fast_intr', 'iflib_fast_intr (interrupt filter) → GROUPTASK_ENQUEUE of the queue task'];
    case TK.DRAIN:
      if (meta.txPath === 'simple') return ['iflib_simple_transmit', 'iflib_simple_transmit: TX queue lock → iflib_encap → iflib_txd_db_check'];
      if (meta.txPath === 'buf_ring') return ['drbr_dequeue', 'the TX lock holder drains the buf_ring: drbr_dequeue → encap → doorbell (the pre-mp_ring drbr design)'];
      return ['iflib_txq_drain', `${b === 1 ? '_task_fn_tx → ifmp_ring_check_drainage' : 'ifmp_ring_enqueue (the producer became the consumer)'} → iflib_txq_drain → iflib_encap per packet → iflib_txd_db_check`];
    case TK.TX_TASK:
      if (meta.txPath === 'simple') return ['_task_fn_tx', '_task_fn_tx with simple_tx: iflib_completed_tx_reclaim under the TX queue lock'];
      return ['_task_fn_tx', '_task_fn_tx → ifmp_ring_check_drainage → iflib_txq_drain'];
    case TK.SENDER_PASS:
      if (meta.txPath === 'netmap') return ['pkt-gen', 'pkt-gen fills netmap TX slots'];
      return ['sendto', `sendto → udp_output → ip_output → ether_output → iflib_if_transmit → ${meta.txPath === 'buf_ring' ? 'drbr_enqueue' : meta.txPath === 'simple' ? 'iflib_simple_transmit' : 'ifmp_ring_enqueue'}`];
    case TK.CAS_RETRY: return ['ifmp_ring_enqueue CAS retry', 'ifmp_ring_enqueue: atomic_cmpset on the ring state word lost to another CPU'];
    case TK.MP_STATE: return [`mp_ring → ${MP_STATES[a] ?? a}`, 'ifmp_ring state word (sys/net/mp_ring.c)'];
    case TK.DOORBELL: return ['iflib_txd_db_check', 'iflib_txd_db_check → isc_txd_flush: MMIO write of the TX tail'];
    case TK.NM_TXSYNC: return ['iflib_netmap_txsync', 'ioctl(NIOCTXSYNC) → netmap_txsync → iflib_netmap_txsync'];
    case TK.NM_WAKE: {
      const src = a === 1 ? 'iflib_timer (its hz/2 re-arm of the txq callout)' : meta.nmTimer === 'tick' ? 'iflib_timer (the one-tick txq callout armed by iflib_netmap_txsync)' : 'iflib_netmap_timer (sbintime callout)';
      return ['netmap_tx_irq', `${src} → netmap_tx_irq wakes the thread`];
    }
    default: return ['', ''];
  }
}

function mlx5Name(kind: number, meta: TraceMeta, a: number): [string, string] {
  switch (kind) {
    case TK.RX_PASS: return ['mlx5e_poll_rx_cq', `mlx5e_rx_cq_comp → mlx5e_poll_rx_cq → if_input${stackAfterRx(meta)}`];
    case TK.IRQ: return ['mlx5_msix_handler', 'mlx5_msix_handler → mlx5_eq_int → mlx5e_rx_cq_comp'];
    case TK.DRAIN: return ['mlx5e_xmit_locked', 'mlx5e_xmit → mtx_lock(&sq->lock) → mlx5e_xmit_locked → mlx5e_sq_xmit → mlx5e_tx_notify_hw'];
    case TK.TX_TASK: return ['mlx5e_tx_cq_comp', 'mlx5e_tx_cq_comp → mlx5e_poll_tx_cq (TX completions; mlx5en has no TX task)'];
    case TK.SENDER_PASS:
      if (meta.txPath === 'netmap') return ['pkt-gen', 'pkt-gen fills netmap TX slots'];
      return ['sendto', 'sendto → udp_output → ip_output → ether_output → mlx5e_xmit'];
    case TK.CAS_RETRY: return ['CAS retry', 'a CAS on a shared line lost to another CPU (mlx5en has no mp_ring)'];
    case TK.MP_STATE: return [`soft ring → ${MP_STATES[a] ?? a}`, 'a software ring state change (mlx5en has no mp_ring)'];
    case TK.DOORBELL: return ['mlx5e_tx_notify_hw', 'mlx5e_tx_notify_hw: the send queue doorbell'];
    case TK.NM_TXSYNC: return ['generic_netmap_txsync', 'mlx5en has no native netmap: the emulated adapter, generic_netmap_txsync → if_transmit'];
    case TK.NM_WAKE: return ['netmap_tx_irq', `${a === 2 ? 'the TX completion queue at half a ring (mlx5e_tx_cq_comp)' : a === 1 ? 'the periodic (hz/2) timer' : 'the netmap TX timer'} → netmap_tx_irq wakes the thread`];
    default: return ['', ''];
  }
}

function cxgbeName(kind: number, meta: TraceMeta, a: number, b: number): [string, string] {
  switch (kind) {
    case TK.RX_PASS: return ['service_iq_fl', `t4_intr → service_iq_fl → eth_rx per packet${stackAfterRx(meta)}`];
    case TK.IRQ: return ['t4_intr', 't4_intr: the ingress queue interrupt (atomic_cmpset of iq->state, IQS_IDLE → IQS_BUSY)'];
    case TK.DRAIN: return ['eth_tx', `${b === 1 ? 'handle_eth_egr_update → mp_ring_check_drainage' : 'mp_ring_enqueue'} → drain_ring → eth_tx (write_txpkt_wr) → ring_eq_db`];
    case TK.TX_TASK: return ['mp_ring_check_drainage', 'handle_eth_egr_update → mp_ring_check_drainage → drain_ring → eth_tx'];
    case TK.SENDER_PASS:
      if (meta.txPath === 'netmap') return ['pkt-gen', 'pkt-gen fills netmap TX slots'];
      return ['sendto', 'sendto → udp_output → ip_output → ether_output → cxgbe_transmit → mp_ring_enqueue'];
    case TK.CAS_RETRY: return ['mp_ring_enqueue CAS retry', 'mp_ring_enqueue (t4_mp_ring.c): atomic_cmpset_64 on the ring state lost to another CPU'];
    case TK.MP_STATE: return [`mp_ring → ${MP_STATES[a] ?? a}`, 'the mp_ring state word (t4_mp_ring.c)'];
    case TK.DOORBELL: return ['ring_eq_db', 'ring_eq_db: the egress queue doorbell'];
    case TK.NM_TXSYNC: return ['cxgbe_netmap_txsync', 'ioctl(NIOCTXSYNC) → netmap_txsync → cxgbe_netmap_txsync'];
    case TK.NM_WAKE: return ['netmap_tx_irq', `${a === 2 ? 'the egress queue\'s interrupt at half a ring (t4_nm_intr)' : a === 1 ? 'the periodic (hz/2) timer' : 'the netmap TX timer'} → netmap_tx_irq wakes the thread`];
    case TK.EGR_UPDATE: return ['handle_sge_egr_update', 'CPL_SGE_EGR_UPDATE from the chip → handle_sge_egr_update → handle_eth_egr_update: mp_ring_check_drainage (an open txpkts WR is sent, a stalled ring restarted)'];
    default: return ['', ''];
  }
}

function genericName(kind: number, a: number): [string, string] {
  switch (kind) {
    case TK.RX_PASS: return ['rx pass', 'a receive queue pass'];
    case TK.IRQ: return ['interrupt', 'an interrupt'];
    case TK.DRAIN: return ['tx drain', 'a transmit drain'];
    case TK.TX_TASK: return ['tx task', 'the transmit queue task'];
    case TK.SENDER_PASS: return ['sendto', 'a sender thread'];
    case TK.CAS_RETRY: return ['CAS retry', 'a lost CAS'];
    case TK.MP_STATE: return [`ring → ${MP_STATES[a] ?? a}`, 'a software ring state change'];
    case TK.DOORBELL: return ['doorbell', 'a TX doorbell'];
    case TK.NM_TXSYNC: return ['txsync', 'netmap txsync'];
    case TK.NM_WAKE: return ['netmap_tx_irq', `woken by ${NM_WAKE_SOURCES[a] ?? a}`];
    case TK.EGR_UPDATE: return ['egress update', 'the NIC reports transmit progress on the queue'];
    default: return ['', ''];
  }
}

/**
 * The name of one event. `lines` names LOCK_WAIT's line ids (TraceData.lines); kinds every family
 * shares (lock waits, netmap sleeps, LRO flushes) are named the same for all.
 */
export function eventName(meta: TraceMeta, lines: readonly string[], kind: number, a: number, b: number): EventName {
  const cat = CAT[kind] ?? 'other';
  if (kind === TK.LOCK_WAIT) {
    const line = lines[a] ?? `line ${a}`;
    return { name: line, chain: `waiting for ${line} (${b} acquisition${b === 1 ? '' : 's'}): the cache line is owned by another CPU`, cat };
  }
  if (kind === TK.NM_SLEEP) return { name: 'netmap_poll', chain: 'pkt-gen sleeps in poll() → netmap_poll: no free TX slot; only a timer wakes it', cat };
  if (kind === TK.LRO_FLUSH) {
    const via = familyOf(meta) === 'mlx5en' ? 'mlx5e_rx_cq_comp → ' : familyOf(meta) === 'cxgbe' ? 'service_iq_fl → ' : familyOf(meta) === 'iflib' ? 'iflib_rxeof → ' : '';
    return { name: 'tcp_lro_flush_all', chain: `${via}tcp_lro_flush_all (${LRO_REASONS[a] ?? `reason ${a}`}): ${b} segment${b === 1 ? '' : 's'} to tcp_input`, cat };
  }
  const fam = familyOf(meta);
  const [name, chain] = fam === 'iflib' ? iflibName(kind, meta, a, b) : fam === 'mlx5en' ? mlx5Name(kind, meta, a) : fam === 'cxgbe' ? cxgbeName(kind, meta, a, b) : genericName(kind, a);
  return name ? { name, chain, cat } : { name: `event ${kind}`, chain: '', cat };
}

/** The cycles-chart stage a slice of this kind is drawn in when it carries no stage breakdown. */
export const KIND_STAGE: Readonly<Record<number, string | null>> = {
  [TK.RX_PASS]: 'rxeof', [TK.IRQ]: 'irq', [TK.DRAIN]: 'drain', [TK.TX_TASK]: 'drain', [TK.SENDER_PASS]: 'sender',
  [TK.LOCK_WAIT]: 'spin', [TK.NM_TXSYNC]: 'encap', [TK.NM_SLEEP]: null, [TK.LRO_FLUSH]: 'lro',
  [TK.CAS_RETRY]: 'spin', [TK.MP_STATE]: 'tx_enqueue', [TK.DOORBELL]: 'doorbell', [TK.NM_WAKE]: 'sender',
  [TK.EGR_UPDATE]: 'drain',
};
