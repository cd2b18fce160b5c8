/**
 * The flows of a run: pkt-gen style 5-tuples (198.18.x.y → 198.19.x.y, ports 2000), each hashed
 * once by the NIC's Toeplitz RSS, mapped through the indirection table to an RX queue, and given
 * the TX queue its driver's transmit routine would pick for it. A flow is TCP, UDP or SCTP by its
 * position in `traffic.mix` (no PRNG draw, so the mix does not shift the random stream).
 *
 * The TX queue choice is the driver's own code, read from freebsd-src:
 * - iflib, `iflib_if_transmit`: queue 0 unless there are several TX queues and the mbuf carries
 *   an RSS hash type (`M_HASHTYPE_GET(m)`), then QIDX = (flowid & isc_rss_table_mask) % ntxq.
 *   `iflib_simple_transmit` (`iflib_simple_select_queue`) uses QIDX too, but the *last* queue for
 *   a packet without a hash type.
 * - cxgbe, `cxgbe_transmit` (t4_main.c): queue 0 without a hash type, else
 *   flowid % (ntxq − rsrv_noflowq) + rsrv_noflowq (rsrv_noflowq 0 by default).
 * - mlx5en, `mlx5e_select_queue` (mlx5_en_tx.c, no `options RSS`): channel 0 without a hash
 *   type, else (flowid % 128) % num_channels.
 * A forwarded packet keeps the flowid and hash type the receiving NIC gave it. Whether UDP gets a
 * hash type is the driver's (`rss.udp_hashtype`: igb before D58513 gives UDP none, so iflib sends
 * every forwarded UDP packet to one TX queue).
 *
 * A capture replay (pcapreplay.ts) brings its own flows: their RSS hashes and hash types, as
 * pcapflows.ts computed them from the captured 5-tuples, replace the pkt-gen tuples.
 */
import type { NicPreset } from './hardware';
import { isTcpHashType } from './lrodefs';
import { M_HASHTYPE_RSS_UDP_IPV6 } from './pcapflows';
import { MS_TOEPLITZ, RssIndirection } from './rss';
import { M_HASHTYPE_RSS_UDP_IPV4 } from './tcpflows';

/** How a driver picks the TX queue of a packet. */
export const TXQ_IFLIB = 0, TXQ_IFLIB_SIMPLE = 1, TXQ_CXGBE = 2, TXQ_MLX5 = 3;

/** The TX queue `rule` picks for a packet with `flowid` (and a hash type when `hashed`). */
export function txQueueFor(rule: number, flowid: number, hashed: boolean, ntxq: number, rssTableMask: number): number {
  if (rule === TXQ_CXGBE) return hashed ? (flowid >>> 0) % ntxq : 0;
  if (rule === TXQ_MLX5) return hashed ? ((flowid >>> 0) % 128) % ntxq : 0;
  if (!hashed || ntxq <= 1) return rule === TXQ_IFLIB_SIMPLE ? ntxq - 1 : 0;
  return ((flowid & rssTableMask) >>> 0) % ntxq;
}

/** The TX queue rule of a driver and TX path (the simple path only exists in iflib). */
export function txQueueRule(nic: NicPreset, simple: boolean): number {
  if (nic.driver === 'cxgbe') return TXQ_CXGBE;
  if (nic.driver === 'mlx5en') return TXQ_MLX5;
  return simple ? TXQ_IFLIB_SIMPLE : TXQ_IFLIB;
}

/** Protocol of a flow (PROTO_SCTP: SCTP, or a capture's other IP protocols: hashed on addresses only). */
export const PROTO_TCP = 0, PROTO_UDP = 1, PROTO_SCTP = 2;

export interface FlowOptions {
  flows: number;
  mix: { tcp: number; udp: number; sctp: number };
  nrxq: number;
  ntxq: number;
  /** Does the driver give UDP packets an RSS hash type (M_HASHTYPE_RSS_UDP_* / OPAQUE)? */
  udpHashType: boolean;
  /** Use iflib_simple_transmit's queue pick. */
  simpleTx: boolean;
  /** Flows a traffic source defines (a capture): RSS hash and M_HASHTYPE of each; `flows` is then their count. */
  defined?: { hash: Uint32Array; hashType: Uint8Array } | null;
  /**
   * cxgbe under `options RSS`: the kernel's bucket count. vi_full_init fills the NIC's table from
   * the kernel's (entry i → bucket i & (buckets − 1) → RX queue bucket mod nrxq).
   */
  rssBuckets?: number;
}

export class Flows {
  readonly n: number;
  /** The NIC's Toeplitz hash of each flow (the mbuf's flowid). */
  readonly hash: Uint32Array;
  readonly proto: Uint8Array;
  /** 1 when the mbuf carries an RSS hash type. */
  readonly hashed: Uint8Array;
  readonly rxq: Int32Array;
  readonly txq: Int32Array;
  readonly txRule: number;

  constructor(nic: NicPreset, o: FlowOptions) {
    const F = o.flows;
    this.n = F;
    this.hash = new Uint32Array(F);
    this.proto = new Uint8Array(F);
    this.hashed = new Uint8Array(F);
    this.rxq = new Int32Array(F);
    this.txq = new Int32Array(F);
    this.txRule = txQueueRule(nic, o.simpleTx);
    const reta = new RssIndirection(nic.rssTableEntries, Math.max(1, o.nrxq), o.rssBuckets);
    const mask = nic.txFlowidTableSize ? nic.txFlowidTableSize - 1 : 0xffffffff;
    const def = o.defined ?? null;
    for (let f = 0; f < F; f++) {
      let proto: number, hash: number;
      if (def !== null) {
        const t = def.hashType[f]!;
        proto = isTcpHashType(t) ? PROTO_TCP : t === M_HASHTYPE_RSS_UDP_IPV4 || t === M_HASHTYPE_RSS_UDP_IPV6 ? PROTO_UDP : PROTO_SCTP;
        hash = def.hash[f]!;
      } else {
        const src = (0xc6120000 + 1 + (f % 65000)) >>> 0;
        const dst = (0xc6130000 + 1 + Math.floor(f / 65000)) >>> 0;
        const u = (f + 0.5) / F;
        proto = u < o.mix.tcp ? PROTO_TCP : u < o.mix.tcp + o.mix.udp ? PROTO_UDP : PROTO_SCTP;
        // The NIC hashes TCP and UDP over the 4-tuple, SCTP over the addresses only.
        hash = proto === PROTO_SCTP ? MS_TOEPLITZ.v4(src, dst) : MS_TOEPLITZ.v4Ports(src, dst, 2000, 2000);
      }
      const hashed = proto !== PROTO_UDP || o.udpHashType;
      this.hash[f] = hash;
      this.proto[f] = proto;
      this.hashed[f] = hashed ? 1 : 0;
      this.rxq[f] = reta.queueOf(hash);
      this.txq[f] = txQueueFor(this.txRule, hash, hashed, o.ntxq, mask);
    }
  }

  /** Producers of each TX queue: how many distinct RX queues feed it. */
  producersPerTxq(ntxq: number): Int32Array {
    const seen = new Uint8Array(ntxq * Math.max(1, this.maxRxq() + 1));
    const out = new Int32Array(ntxq);
    const w = this.maxRxq() + 1;
    for (let f = 0; f < this.n; f++) {
      const k = this.txq[f]! * w + this.rxq[f]!;
      if (!seen[k]) {
        seen[k] = 1;
        out[this.txq[f]!]! += 1;
      }
    }
    return out;
  }

  private maxRxq(): number {
    let m = 0;
    for (let f = 0; f < this.n; f++) if (this.rxq[f]! > m) m = this.rxq[f]!;
    return m;
  }
}
