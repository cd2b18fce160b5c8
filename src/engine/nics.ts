/**
 * NIC presets and their drivers' rules: descriptor ring limits, queue maxima, the TX software path
 * a driver has, and the vendor-documented packet-rate ceilings. Every constant names its source:
 * a freebsd-src file and function, a vendor spec, or "prior" with the reasoning
 * (docs/hardware-sources.md lists them all).
 */
import type { Workload } from './scenario';

export type NicId =
  | 'ixl-x710' | 'ixl-xl710' | 'mlx5-cx4lx' | 'mlx5-cx5-100g'
  | 'cxgbe-t520' | 'cxgbe-t540' | 'cxgbe-t580' | 'cxgbe-t62100' | 'ix-82599' | 'igb-i350' | 'igb-i210';

export type NicDriver = 'ixl' | 'ix' | 'igb' | 'mlx5en' | 'cxgbe';

/** How the driver picks its default queue counts (see defaultQueueCount). */
export type QueueRule = 'iflib' | 'mlx5' | 'cxgbe';

/** A vendor-documented limit on the packets one device processes per second. */
export interface DeviceLimit {
  readonly pps: number;
  /** It applies to frames shorter than this (bytes on the wire, FCS included). */
  readonly belowBytes: number;
  readonly source: string;
  /** The source in a few words, for the bottleneck sentence. */
  readonly cite: string;
}

/**
 * Intel Ethernet Controller X710/XXV710/XL710 Specification Update, "Throughput Limit" (quoted in
 * Intel's XL710 documentation): for packets below 160 bytes the entire device processes about
 * 37 Mpps.
 */
const FORTVILLE_LIMIT: DeviceLimit = {
  pps: 37e6,
  belowBytes: 160,
  source: 'Intel X710/XXV710/XL710 Specification Update, "Throughput Limit": ~37 Mpps for the entire device below 160 bytes',
  cite: "Intel's specification update",
};

export interface NicPreset {
  readonly id: NicId;
  readonly driver: NicDriver;
  /** Interface name prefix (ixl0, ix0, igb0, mce0, cxl0, cc0). */
  readonly ifname: string;
  readonly title: string;
  readonly linkGbps: number;
  readonly speedsGbps: readonly number[];
  readonly ports: number;
  readonly usesIflib: boolean;
  readonly queueRule: QueueRule;
  /** Most RX queues (queue pairs for iflib/mlx5) per port the driver or hardware allows. */
  readonly maxQueues: number;
  /** Most TX queues per port; equals maxQueues except on cxgbe, whose TX queues need no vector. */
  readonly maxTxQueues: number;
  /** MSI-X vectors per PCI function (iflib keeps one for the admin interrupt); null: not binding. */
  readonly msixVectors: number | null;
  readonly defaultRxDesc: number;
  readonly defaultTxDesc: number;
  readonly minDesc: number;
  readonly maxDesc: number;
  /** Ring sizes must be a power of 2 (iflib_reset_qvalues; mlx5en's log2 sizes). */
  readonly descPow2Required: boolean;
  /** The driver's own alignment rule (ring length × descriptor size a multiple of its DMA alignment). */
  readonly rxDescMultiple: number;
  readonly txDescMultiple: number;
  /** Hardware indirection-table entries as the driver programs them by default. */
  readonly rssTableEntries: number;
  /** iflib's isc_rss_table_size, whose mask QIDX applies to the flowid; null for non-iflib drivers. */
  readonly txFlowidTableSize: number | null;
  /** A public per-NIC packet-rate ceiling below line rate; null when none is known. */
  readonly hwCeilingPps: number | null;
  /**
   * Most packets per second the NIC fetches and sends from its TX rings, below line rate; null when
   * unknown. Only the cxgbe T580 has one: the meeting's netmap figure (45 Mpps at 64 bytes, where
   * the CPU side could go faster), so it is fitted, not cited. (The XL710's comes from its
   * documented device limit, `deviceLimit`.)
   */
  readonly txCeilingPps: number | null;
  /** The cost parameter (costs.ts) holding that ceiling in Mpps when it is fitted, else null. */
  readonly txCeilingParam: string | null;
  /**
   * A packet-processing limit of the whole device (all ports, RX and TX together) for frames below
   * a size, from the vendor's documents; null when none is published.
   */
  readonly deviceLimit: DeviceLimit | null;
  /** Software TX ring in front of each hardware queue (mp_ring entries); null when there is none. */
  readonly txRingDefaultSoftware: number | null;
  /**
   * iflib's isc_tx_nsegments and isc_tx_tso_segments_max (MAX_TX_DESC is the larger, the TSO
   * figure capped at ntxd / MAX_SINGLE_PACKET_FRACTION = 12): a drain stops while no more than
   * MAX_TX_DESC + 2 descriptors are free. Non-iflib drivers: the descriptors one frame needs.
   */
  readonly txNsegments: number;
  readonly txTsoSegmentsMax: number;
  /**
   * Bytes of NIC-written completion the CPU reads per received packet (the RX descriptor or CQE)
   * and per TX drain call (the head write-back word or the descriptors' DD bits the credits update
   * reads). With the packet header line they are the NIC-written lines a packet costs.
   */
  readonly rxCompletionBytes: number;
  readonly txCompletionBytes: number;
  /**
   * TX completions are read from the DD bit of the descriptors iflib marked Report Status
   * (IPI_TX_INTR → the driver's tx_rsq; ix, igb, em), so a reclaim sees completions only up to the
   * last finished RS descriptor. False: the NIC writes back a head index (ixl's default
   * hw.ixl.enable_head_writeback=1) or the driver has its own completion path (cxgbe, mlx5en).
   */
  readonly txReportsRs: boolean;
  /** Allocates its ifnet on the device's NUMA domain (if_alloc_dev). */
  readonly numaAware: boolean;
  /**
   * The driver gives received UDP packets an RSS hash type, so a forwarded packet's TX queue is
   * picked by flowid; without one iflib_if_transmit sends it to TX queue 0 (igb before D58513).
   */
  readonly udpHashType: boolean;
  readonly description: string;
}

/** iflib's software TX ring: ifmp_ring_alloc(&txq->ift_br, 2048, ...) in iflib_queues_alloc. */
const IFLIB_MP_RING = 2048;

/** Chelsio T520-CR: two 10G ports on a T5 (cxgbe), the T540 shares its entries. */
const CXGBE_T520: NicPreset = {
  id: 'cxgbe-t520',
  driver: 'cxgbe',
  ifname: 'cxl',
  title: 'Chelsio T520-CR 10GbE (cxgbe)',
  linkGbps: 10,
  speedsGbps: [1, 10],
  ports: 2,
  usesIflib: false,
  queueRule: 'cxgbe',
  maxQueues: 63, // t5fw_cfg.txt: PF4 has 128 MSI-X; − T4_EXTRA_INTR (2), ÷ 2 ports
  maxTxQueues: 512, // prior: t5fw_cfg.txt PF4 nethctrl = 1024 Ethernet egress queues ÷ 2 ports
  msixVectors: 128, // t5fw_cfg.txt [function "4"]
  defaultRxDesc: 1024, // adapter.h RX_IQ_QSIZE
  defaultTxDesc: 1024, // adapter.h TX_EQ_QSIZE
  minDesc: 128, // t4_main.c tweak_tunables raises qsize_{tx,rx}q to 128
  maxDesc: 65528, // prior: 16-bit queue-size fields, rounded down to a multiple of 8; the driver sets no cap
  descPow2Required: false,
  rxDescMultiple: 8, // tweak_tunables rounds qsize_rxq up to a multiple of 8
  txDescMultiple: 1,
  rssTableEntries: 128, // prior: firmware-assigned vi->rss_size, read at attach
  txFlowidTableSize: null,
  hwCeilingPps: null,
  txCeilingPps: null,
  txCeilingParam: null,
  deviceLimit: null,
  txRingDefaultSoftware: 1023, // t4_sge.c alloc_txq: mp_ring of eq->sidx = qsize − spg_len/EQ_ESIZE (64/64)
  txNsegments: 1, // eth_tx: a frame's work request; no iflib reserve
  txTsoSegmentsMax: 1,
  rxCompletionBytes: 64, // t4_sge.c: 64-byte ingress-queue entries; egress updates (CPL_SGE_EGR_UPDATE)
  txCompletionBytes: 64,
  txReportsRs: false,
  numaAware: true, // if_alloc_dev (reference doc)
  udpHashType: true,
  description: 'Its own mp_ring per TX queue (where mp_ring came from): 14.21 Mpps forwarded on the NIC\'s NUMA domain.',
};

/** Intel I350: four 1G ports on igb under iflib (sys/dev/e1000); the i210 shares its entries. */
const IGB_I350: NicPreset = {
  id: 'igb-i350',
  driver: 'igb',
  ifname: 'igb',
  title: 'Intel I350 1GbE (igb)',
  linkGbps: 1,
  speedsGbps: [0.01, 0.1, 1],
  ports: 4, // I350-T4
  usesIflib: true,
  queueRule: 'iflib',
  maxQueues: 8, // if_em.c em_set_num_queues: 8 for I350 (I210: 4, I211: 2)
  maxTxQueues: 8,
  msixVectors: 10, // prior: I350 datasheet, up to 10 per port (8 queues + admin fit)
  defaultRxDesc: 1024, // if_em.h EM_DEFAULT_RXD via igb_sctx_init
  defaultTxDesc: 1024, // EM_DEFAULT_TXD
  minDesc: 128, // EM_MIN_{TX,RX}D
  maxDesc: 4096, // IGB_MAX_{TX,RX}D
  descPow2Required: true,
  rxDescMultiple: 8, // EM_DBA_ALIGN 128 ÷ 16-byte descriptor (if_em.h comment: TDLEN % 128 == 0)
  txDescMultiple: 8,
  rssTableEntries: 128, // igb_initialize_rss_mapping: 32 RETA registers × 4 entries
  txFlowidTableSize: 64, // em_if_attach_pre leaves isc_rss_table_size unset: iflib defaults to 64
  hwCeilingPps: null,
  txCeilingPps: null,
  txCeilingParam: null,
  deviceLimit: null,
  txRingDefaultSoftware: IFLIB_MP_RING,
  txNsegments: 40, // igb_if_attach_pre: IGB_MAX_SCATTER for both
  txTsoSegmentsMax: 40,
  rxCompletionBytes: 16, // igb_txrx.c: 16-byte advanced RX descriptors; TX DD bits
  txCompletionBytes: 64,
  txReportsRs: true, // iflib_encap sets IPI_TX_INTR by txq_max_rs_deferred; credits_update walks tx_rsq
  numaAware: false,
  udpHashType: false, // as the i210 (same driver; calibration.md, D58513)
  description: 'Gigabit igb under iflib (sys/dev/e1000): up to 8 queues, 1.488 Mpps line rate.',
};

/** Chelsio T580-CR: two 40G ports on a T5 (cxgbe); the T62100 (T6) shares its driver rules. */
const CXGBE_T580: NicPreset = {
  id: 'cxgbe-t580',
  driver: 'cxgbe',
  ifname: 'cxl',
  title: 'Chelsio T580-CR 40GbE (cxgbe)',
  linkGbps: 40,
  speedsGbps: [10, 40],
  ports: 2,
  usesIflib: false,
  queueRule: 'cxgbe',
  maxQueues: 63,
  maxTxQueues: 512,
  msixVectors: 128,
  defaultRxDesc: 1024,
  defaultTxDesc: 1024,
  minDesc: 128,
  maxDesc: 65528,
  descPow2Required: false,
  rxDescMultiple: 8,
  txDescMultiple: 1,
  rssTableEntries: 128,
  txFlowidTableSize: null,
  hwCeilingPps: null,
  txCeilingPps: 45e6, // fitted: netmap pkt-gen reached 45 Mpps on cxgbe (meeting notes)
  txCeilingParam: 'ceil.t580_tx_mpps',
  deviceLimit: null,
  txRingDefaultSoftware: 1023,
  txNsegments: 1, // as T520
  txTsoSegmentsMax: 1,
  rxCompletionBytes: 64, // as T520
  txCompletionBytes: 64,
  txReportsRs: false,
  numaAware: true,
  udpHashType: true,
  description: 'The meeting\'s cxgbe: 12 Mpps through the kernel, 45 Mpps with netmap.',
};

export const NICS: readonly NicPreset[] = [
  {
    id: 'ixl-x710',
    driver: 'ixl',
    ifname: 'ixl',
    title: 'Intel X710 10GbE (ixl)',
    linkGbps: 10,
    speedsGbps: [1, 10],
    ports: 2, // X710-DA2 (a DA4 has 4)
    usesIflib: true,
    queueRule: 'iflib',
    maxQueues: 64, // ixl_if_attach_pre: isc_ntxqsets_max = isc_nrxqsets_max = 64 (X722: 128)
    maxTxQueues: 64,
    msixVectors: 129, // prior: 700-series datasheet, up to 129 per PF (never binding under 64 queues)
    defaultRxDesc: 1024, // ixl.h IXL_DEFAULT_RING via ixl_sctx_init isc_nrxd_default
    defaultTxDesc: 1024,
    minDesc: 64, // ixl.h IXL_MIN_RING (iflib era; 32 in the legacy driver)
    maxDesc: 4096, // ixl.h IXL_MAX_RING
    descPow2Required: true, // iflib_reset_qvalues
    rxDescMultiple: 32, // ixl.h IXL_RING_INCREMENT (ixl_save_pf_tunables)
    txDescMultiple: 32,
    rssTableEntries: 512, // ixl_if_attach_pre: I40E_HASH_LUT_SIZE_512; PF func_caps.rss_table_size (VF/VSI LUT: 64)
    txFlowidTableSize: 512, // isc_rss_table_size = func_caps.rss_table_size
    hwCeilingPps: null, // no public figure below 10G line rate
    txCeilingPps: null,
    txCeilingParam: null,
    deviceLimit: FORTVILLE_LIMIT,
    txRingDefaultSoftware: IFLIB_MP_RING,
    txNsegments: 8, // ixl_if_attach_pre: IXL_MAX_TX_SEGS, IXL_MAX_TSO_SEGS
    txTsoSegmentsMax: 128,
    rxCompletionBytes: 32, // ixl_txrx.c: 32-byte RX descriptors; TX head write-back (ixl_isc_txd_credits_update reads one word)
    txCompletionBytes: 64,
    txReportsRs: false,
    numaAware: false, // iflib uses plain if_alloc
    udpHashType: true,
    description: 'Fortville at 10G through iflib: mp_ring of 2048 in front of 1024 descriptors.',
  },
  {
    id: 'ixl-xl710',
    driver: 'ixl',
    ifname: 'ixl',
    title: 'Intel XL710 40GbE (ixl)',
    linkGbps: 40,
    speedsGbps: [10, 40],
    ports: 2, // XL710-QDA2
    usesIflib: true,
    queueRule: 'iflib',
    maxQueues: 64, // as X710
    maxTxQueues: 64,
    msixVectors: 129, // prior, as X710
    defaultRxDesc: 1024,
    defaultTxDesc: 1024,
    minDesc: 64,
    maxDesc: 4096,
    descPow2Required: true,
    rxDescMultiple: 32,
    txDescMultiple: 32,
    rssTableEntries: 512,
    txFlowidTableSize: 512,
    hwCeilingPps: null, // the device limit below covers RX
    txCeilingPps: null, // ... and TX (it replaced a ceiling fitted to the 32-Mpps netmap row)
    txCeilingParam: null,
    deviceLimit: FORTVILLE_LIMIT,
    txRingDefaultSoftware: IFLIB_MP_RING,
    txNsegments: 8, // as X710
    txTsoSegmentsMax: 128,
    rxCompletionBytes: 32, // as X710
    txCompletionBytes: 64,
    txReportsRs: false,
    numaAware: false,
    udpHashType: true,
    description: 'The 40G Fortville of the meeting: 12 Mpps through iflib/mp_ring, 32 Mpps with netmap.',
  },
  {
    id: 'mlx5-cx4lx',
    driver: 'mlx5en',
    ifname: 'mce',
    title: 'Mellanox ConnectX-4 Lx 10/25GbE (mlx5en)',
    linkGbps: 10, // the BSDRP bench ran it at 10G
    speedsGbps: [1, 10, 25, 40, 50],
    ports: 2, // each port is its own PCI function
    usesIflib: false,
    queueRule: 'mlx5',
    maxQueues: 253, // mlx5_enable_msix: ≤ 256 vectors (firmware API) − MLX5_EQ_VEC_COMP_BASE (3)
    maxTxQueues: 253,
    msixVectors: null, // folded into maxQueues: one completion vector per channel
    defaultRxDesc: 1024, // en.h MLX5E_PARAMS_DEFAULT_LOG_RQ_SIZE 0xa
    defaultTxDesc: 1024, // en.h MLX5E_PARAMS_DEFAULT_LOG_SQ_SIZE 0xa
    minDesc: 128, // en.h MLX5E_PARAMS_MINIMUM_LOG_{SQ,RQ}_SIZE 0x7
    maxDesc: 16384, // en.h MLX5E_PARAMS_MAXIMUM_LOG_{SQ,RQ}_SIZE 0xe (0xd in older trees)
    descPow2Required: true, // sizes are kept as log2
    rxDescMultiple: 1,
    txDescMultiple: 1,
    rssTableEntries: 128, // mlx5e_build_ifp_priv: 2^max(7, order_base_2(channels)); 128 up to 128 channels
    txFlowidTableSize: null,
    hwCeilingPps: null,
    txCeilingPps: null,
    txCeilingParam: null,
    deviceLimit: null,
    txRingDefaultSoftware: null, // mlx5e_xmit: straight into the SQ under its lock (older trees: 4096-entry drbr)
    txNsegments: 1, // mlx5e_sq_xmit: one WQE; no iflib reserve
    txTsoSegmentsMax: 1,
    rxCompletionBytes: 64, // mlx5e_poll_rx_cq: one 64-byte CQE per packet; TX CQEs polled
    txCompletionBytes: 64,
    txReportsRs: false,
    numaAware: true, // if_alloc_dev (reference doc)
    udpHashType: true,
    description: 'Native (non-iflib) driver, one channel per completion vector: 1.58 Mpps forwarded on 1 queue, 12.67 on 24.',
  },
  {
    id: 'mlx5-cx5-100g',
    driver: 'mlx5en',
    ifname: 'mce',
    title: 'Mellanox ConnectX-4/5 100GbE (mlx5en)',
    linkGbps: 100,
    speedsGbps: [10, 25, 40, 50, 100],
    ports: 2,
    usesIflib: false,
    queueRule: 'mlx5',
    maxQueues: 253,
    maxTxQueues: 253,
    msixVectors: null,
    defaultRxDesc: 1024,
    defaultTxDesc: 1024,
    minDesc: 128,
    maxDesc: 16384,
    descPow2Required: true,
    rxDescMultiple: 1,
    txDescMultiple: 1,
    rssTableEntries: 128,
    txFlowidTableSize: null,
    hwCeilingPps: null, // vendor message-rate claims are not per-port 64B forwarding figures
    txCeilingPps: null,
    txCeilingParam: null,
    deviceLimit: null,
    txRingDefaultSoftware: null,
    txNsegments: 1, // as ConnectX-4 Lx
    txTsoSegmentsMax: 1,
    rxCompletionBytes: 64, // as ConnectX-4 Lx
    txCompletionBytes: 64,
    txReportsRs: false,
    numaAware: true,
    udpHashType: true,
    description: 'The mce of the meeting: 19 Mpps of netperf UDP transmit.',
  },
  CXGBE_T520,
  {
    // the T520's entries, divided by four ports where its comments divide by two
    ...CXGBE_T520,
    id: 'cxgbe-t540',
    title: 'Chelsio T540-CR 10GbE (cxgbe)',
    ports: 4, // T540-CR: four 10G ports
    maxQueues: 31, // t5fw_cfg.txt: PF4 has 128 MSI-X; − T4_EXTRA_INTR (2), ÷ 4 ports
    maxTxQueues: 256, // prior: t5fw_cfg.txt PF4 nethctrl = 1024 Ethernet egress queues ÷ 4 ports
    description: 'The T5 with four 10G ports: cxgbe\'s own mp_ring per TX queue, as on the T520.',
  },
  CXGBE_T580,
  {
    // the T580's entries: the same cxgbe driver rules on T6, with T6's ports and speeds
    ...CXGBE_T580,
    id: 'cxgbe-t62100',
    ifname: 'cc',
    title: 'Chelsio T62100-CR 100GbE (cxgbe)',
    linkGbps: 100,
    speedsGbps: [10, 25, 40, 50, 100],
    maxQueues: 63, // prior: assumes t6fw_cfg.txt gives PF4 the same 128 MSI-X as T5
    txCeilingPps: null,
    txCeilingParam: null,
    description: 'T6 at 100G: same driver rules as T5.',
  },
  {
    id: 'ix-82599',
    driver: 'ix',
    ifname: 'ix',
    title: 'Intel 82599ES 10GbE (ix)',
    linkGbps: 10,
    speedsGbps: [1, 10],
    ports: 2,
    usesIflib: true,
    queueRule: 'iflib',
    maxQueues: 16, // if_ix.c ixgbe_if_attach_pre: 16 for 82599/X540 (X550: 64)
    maxTxQueues: 16,
    msixVectors: 64, // 82599 datasheet: 64 MSI-X vectors per port
    defaultRxDesc: 2048, // ixgbe.h DEFAULT_RXD (iflib era; 1024 before)
    defaultTxDesc: 2048, // ixgbe.h DEFAULT_TXD
    minDesc: 64, // ixgbe.h MIN_{TX,RX}D
    maxDesc: 4096, // ixgbe.h MAX_{TX,RX}D
    descPow2Required: true, // iflib_reset_qvalues
    rxDescMultiple: 8, // DBA_ALIGN 128 ÷ 16-byte descriptor
    txDescMultiple: 8,
    rssTableEntries: 128, // ixgbe_if_attach_pre isc_rss_table_size (X550: 512)
    txFlowidTableSize: 128,
    hwCeilingPps: null, // reaches 14.88 Mpps line rate (netmap)
    txCeilingPps: null,
    txCeilingParam: null,
    deviceLimit: null,
    txRingDefaultSoftware: IFLIB_MP_RING,
    txNsegments: 32, // ixgbe_if_attach_pre: IXGBE_82599_SCATTER for both
    txTsoSegmentsMax: 32,
    rxCompletionBytes: 16, // ix_txrx.c: 16-byte advanced RX descriptors; TX DD bits read from the RS descriptors
    txCompletionBytes: 64,
    txReportsRs: true, // iflib_encap sets IPI_TX_INTR by txq_max_rs_deferred; credits_update walks tx_rsq
    numaAware: false,
    udpHashType: true,
    description: 'The classic 10G part: 0.587 Mpps forwarded on 1 queue, 9.67 on its default 16.',
  },
  IGB_I350,
  {
    // the I350's entries: the same igb driver under iflib, one port and four queues
    ...IGB_I350,
    id: 'igb-i210',
    title: 'Intel i210 1GbE (igb)',
    ports: 1, // one port per i210; the APU2 carries three
    maxQueues: 4, // if_em.c em_set_num_queues: 4 for I210
    maxTxQueues: 4,
    msixVectors: 5, // i210 datasheet: 5 MSI-X vectors (4 queues + link)
    udpHashType: false, // calibration.md (D58513): igb gave forwarded UDP no RSS hash type before that change
    description: 'The APU2\'s 1G port: igb through iflib, 4 queues; forwarded UDP has no RSS hash type before D58513.',
  },
];

/** The lower of two packet-rate ceilings (null: none). */
export function minCeiling(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null || a < b ? a : b;
}

/**
 * What the device limit leaves the RX and the TX side, packets per second (null: no limit). A
 * forwarded packet crosses the device twice when it leaves by the same card (egress on the NIC's
 * own domain: the bench lab's two ports of one card), so each direction gets half; an egress NIC on
 * another domain is another card, and each direction has a whole device.
 */
export function deviceShare(nic: NicPreset, workload: Workload, frameBytes: number, sameDevice: boolean): { rx: number | null; tx: number | null } {
  const d = nic.deviceLimit;
  if (!d || frameBytes >= d.belowBytes) return { rx: null, tx: null };
  if (workload === 'forward') return sameDevice ? { rx: d.pps / 2, tx: d.pps / 2 } : { rx: d.pps, tx: d.pps };
  if (workload === 'receive') return { rx: d.pps, tx: null };
  return { rx: null, tx: d.pps };
}

/** The NIC's TX packet-rate ceiling under `params` (a fitted constant where one exists). */
export function txCeiling(nic: NicPreset, params: Readonly<Record<string, number>>): number | null {
  if (nic.txCeilingParam) return (params[nic.txCeilingParam] ?? 0) * 1e6 || nic.txCeilingPps;
  return nic.txCeilingPps;
}

/** MAX_TX_DESC + 2 for a ring of `ntxd` descriptors: iflib's drain keeps this many free. */
export function txReserve(nic: NicPreset, ntxd: number): number {
  if (!nic.usesIflib) return 2;
  const tso = Math.min(nic.txTsoSegmentsMax, Math.max(1, Math.floor(ntxd / 12)));
  return Math.max(nic.txNsegments, tso) + 2;
}

export function findNic(id: string): NicPreset | undefined {
  return NICS.find((n) => n.id === id);
}

